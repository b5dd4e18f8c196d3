//! A lab as the lab view shows it: every text rendered to safe HTML in both languages, each
//! step's form fields with their rules and defaults, its checks and hints, and the learner's
//! standing.
//!
//! Both languages travel together so the learner can switch language without a round trip.
//! The view never carries a field's reference solution: hints are the way to the answer. A
//! question shows its choices but not which are right, and its explanation only once the
//! learner's tries have settled it.
//!
//! A view is made for the target the learner is on: its total is the points that count there.
//! Each step says where its action runs and each check whether it is graded only offline, so
//! the page can offer Run only where it works and mark what counts for nothing on AWS.

use crate::progress::{ProgressError, ProgressStore};
use crate::quiz;
use crate::status::{self, LabProgress};
use awslab_cloud::{Bindings, Clients, Identity};
use awslab_lab::model::Targets;
use awslab_lab::quiz::{QuestionKind, QuizFeedback};
use awslab_lab::render::markdown_to_html;
use awslab_lab::template;
use awslab_lab::{CheckKind, Field, FieldKind, Lab, Lang, Localized, Step, TargetKind};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use ts_rs::TS;
use url::Url;

/// The whole lab for the lab view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LabView {
    pub id: String,
    pub title: Localized,
    pub estimated_minutes: u32,
    pub pass_percent: u8,
    /// Upper estimate in US dollars for doing the lab once on AWS and cleaning up.
    pub cost_usd: f64,
    pub cost_note: Localized,
    /// The introduction, as HTML.
    pub intro_html: Localized,
    pub steps: Vec<StepView>,
    /// The closing section (what was built, what to clean up), as HTML.
    pub summary: Option<SectionView>,
    /// The points the lab's checks are worth on the target the view was made for.
    pub total_points: u32,
    /// The services the lab's actions and checks use (`ec2`, `sns`, `iam`, …), sorted: the
    /// app offers the terminal for `ec2` and the mailbox for `sns`.
    pub services: Vec<String>,
}

/// A titled section of HTML.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SectionView {
    pub title: Localized,
    pub html: Localized,
}

/// One step: its lesson, its form, what it checks.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepView {
    pub id: String,
    pub title: Localized,
    /// The lesson, as HTML.
    pub html: Localized,
    pub fields: Vec<FieldView>,
    /// Whether **Run** does something on the target (a reading step only has **Check**).
    pub has_action: bool,
    /// Which targets the step can run on.
    pub targets: Targets,
    pub checks: Vec<CheckView>,
    /// Every hint, in order; the view shows as many as the learner has revealed.
    pub hints: Vec<Localized>,
    /// The question the step asks, if it is a question step: its form is the question.
    pub question: Option<QuestionView>,
}

/// A question as the step shows it: never which choice is right, nor the explanation, until
/// the learner's tries settle it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuestionView {
    /// `single`, `multiple`, `number` or `short`.
    pub kind: String,
    pub points: u32,
    /// The course note it comes from.
    pub source: String,
    pub prompt_html: Localized,
    /// For `single` and `multiple`, in the author's order.
    pub choices: Vec<awslab_lab::model::Choice>,
    /// For `number`: what the answer is counted in.
    pub unit: Option<Localized>,
    /// The latest try recorded (on either target), if any: which try, whether it was right,
    /// and once settled the explanation and the right answer.
    pub feedback: Option<QuizFeedback>,
    /// The points the latest try earned.
    pub earned: u32,
}

/// A form field: what it is called, what it holds, what it starts with.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FieldView {
    pub id: String,
    pub label: Localized,
    pub help: Option<Localized>,
    pub required: bool,
    pub kind: FieldKind,
    /// The value the form starts with, if any.
    pub default: Option<Value>,
}

/// A check as the step lists it before it runs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CheckView {
    pub id: String,
    pub points: u32,
    /// It reads only the offline emulator (the mailbox): on AWS it is not run and carries no
    /// points.
    pub offline_only: bool,
    /// What the check wants, said as the failure message says it.
    pub message: Localized,
}

/// A lab with the learner's standing in it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OpenedLab {
    pub lab: LabView,
    pub progress: LabProgress,
}

/// What fills the `{{placeholders}}` of a lesson's text: the learner's account and region
/// and lookups on the target (`{{rest_api_id:my-first-api}}`), so commands in a lesson can be
/// copied and run as they are. What is not known shows as `<account>`, `<region>`, `<API id>`,
/// `<invoke URL>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonContext {
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// `(name, argument)` to the value found on the target.
    pub lookups: HashMap<(String, String), String>,
}

impl LessonContext {
    /// Fills `text`; placeholders it cannot fill get a readable stand-in, and text whose
    /// braces are not placeholders stays as written.
    pub fn fill(&self, lab_id: &str, text: &str, lang: Lang) -> String {
        let rendered = template::render(text, |placeholder| {
            let known = match (placeholder.name.as_str(), &placeholder.argument) {
                ("account_id", None) => self.account_id.clone(),
                ("region", None) => self.region.clone(),
                ("lab_id", None) => Some(lab_id.to_string()),
                (name, Some(argument)) => {
                    self.lookups.get(&(name.to_string(), argument.clone())).cloned()
                }
                _ => None,
            };
            Ok::<_, std::convert::Infallible>(
                known.unwrap_or_else(|| stand_in(&placeholder.name, lang)),
            )
        });
        rendered.unwrap_or_else(|_| text.to_string())
    }
}

fn stand_in(name: &str, lang: Lang) -> String {
    let words = match (name, lang) {
        ("account_id", Lang::Ko) => "계정",
        ("account_id", Lang::En) => "account",
        ("region", Lang::Ko) => "리전",
        ("region", Lang::En) => "region",
        ("rest_api_id", Lang::Ko) => "API ID",
        ("rest_api_id", Lang::En) => "API id",
        ("invoke_url", Lang::Ko) => "호출 URL",
        ("invoke_url", Lang::En) => "invoke URL",
        ("api_key_value", Lang::Ko) => "API 키 값",
        ("api_key_value", Lang::En) => "API key value",
        (other, _) => other,
    };
    format!("<{words}>")
}

/// The lesson context of `lab` on a target: the account and region, and every lookup its texts
/// use, looked up now (one that fails, because the resource does not exist yet, is left out).
pub async fn lesson_context(clients: &Clients, identity: &Identity, lab: &Lab) -> LessonContext {
    let mut texts: Vec<&str> = vec![&lab.intro.ko, &lab.intro.en];
    for step in &lab.steps {
        texts.extend([step.text.ko.as_str(), step.text.en.as_str()]);
        texts.extend(step.hints.iter().flat_map(|hint| [hint.ko.as_str(), hint.en.as_str()]));
    }
    let mut context = LessonContext {
        account_id: Some(identity.account.clone()),
        region: Some(clients.region().to_string()),
        lookups: HashMap::new(),
    };
    for text in texts {
        for placeholder in template::placeholders(text).unwrap_or_default() {
            let Some(argument) = placeholder.argument else { continue };
            let key = (placeholder.name.clone(), argument.clone());
            if context.lookups.contains_key(&key) {
                continue;
            }
            let wanted = Value::String(format!("{{{{{}:{argument}}}}}", placeholder.name));
            let mut bindings =
                Bindings::new(Default::default(), &identity.account, clients.region(), &lab.id);
            if bindings.look_up(clients, &[&wanted]).await.is_ok()
                && let Ok(Value::String(found)) = bindings.render(&wanted)
            {
                context.lookups.insert(key, found);
            }
        }
    }
    context
}

/// Builds the view of `lab` on `target`; relative links and images in its text resolve against
/// `base` (the URL under which the app serves the lab's folder, ending in `/`).
pub fn lab_view(lab: &Lab, base: &Url, target: TargetKind) -> LabView {
    lab_view_in(lab, base, &LessonContext::default(), target)
}

/// The view of `lab` on `target` with its lessons' placeholders filled from `context`.
pub fn lab_view_in(lab: &Lab, base: &Url, context: &LessonContext, target: TargetKind) -> LabView {
    let html = |text: &Localized| Localized {
        ko: markdown_to_html(&context.fill(&lab.id, &text.ko, Lang::Ko), base),
        en: markdown_to_html(&context.fill(&lab.id, &text.en, Lang::En), base),
    };
    LabView {
        id: lab.id.clone(),
        title: lab.title.clone(),
        estimated_minutes: lab.estimated_minutes,
        pass_percent: lab.pass_percent,
        cost_usd: lab.cost.usd,
        cost_note: lab.cost.note.clone(),
        intro_html: html(&lab.intro),
        steps: lab.steps.iter().map(|step| step_view(step, &html)).collect(),
        summary: lab
            .summary
            .as_ref()
            .map(|section| SectionView { title: section.title.clone(), html: html(&section.text) }),
        total_points: lab.total_points_on(target),
        services: services(lab),
    }
}

fn services(lab: &Lab) -> Vec<String> {
    let mut services: Vec<String> = lab
        .steps
        .iter()
        .flat_map(|step| {
            let action = step.action.iter().map(|action| action.id.name());
            // A question is graded in the app, not by a service.
            let checks = step.checks.iter().filter(|check| check.kind != CheckKind::QuizAnswer);
            action.chain(checks.map(|check| check.kind.name()))
        })
        .filter_map(|id| id.split_once('.').map(|(service, _)| service.to_string()))
        .collect();
    services.sort();
    services.dedup();
    services
}

fn step_view(step: &Step, html: &impl Fn(&Localized) -> Localized) -> StepView {
    let question = step.question.as_ref().map(|question| {
        let (choices, unit) = match &question.kind {
            QuestionKind::Single { choices } | QuestionKind::Multiple { choices } => (
                choices
                    .iter()
                    .map(|choice| awslab_lab::model::Choice {
                        value: choice.value.clone(),
                        label: Some(choice.label.clone()),
                    })
                    .collect(),
                None,
            ),
            QuestionKind::Number { unit, .. } => (Vec::new(), Some(unit.clone())),
            QuestionKind::Short { .. } => (Vec::new(), None),
        };
        QuestionView {
            kind: question.kind.name().to_string(),
            points: question.points,
            source: question.source.clone(),
            prompt_html: html(&question.prompt),
            choices,
            unit,
            feedback: None,
            earned: 0,
        }
    });
    StepView {
        question,
        id: step.id.clone(),
        title: step.title.clone(),
        html: html(&step.text),
        fields: step.fields.iter().map(field_view).collect(),
        has_action: step.action.is_some(),
        targets: step.targets,
        checks: step
            .checks
            .iter()
            .map(|check| CheckView {
                id: check.id.clone(),
                points: check.points,
                offline_only: check.kind.offline_only(),
                message: check.message.clone(),
            })
            .collect(),
        hints: step.hints.iter().map(html).collect(),
    }
}

fn field_view(field: &Field) -> FieldView {
    FieldView {
        id: field.id.clone(),
        label: field.label.clone(),
        help: field.help.clone(),
        required: field.required,
        kind: field.kind.clone(),
        default: field.default.clone(),
    }
}

/// Opens `lab` for the lab view on `target`: its view (lessons filled from `context`) and the
/// learner's standing there.
pub fn open_lab(
    lab: &Lab,
    base: &Url,
    context: &LessonContext,
    store: &ProgressStore,
    target: TargetKind,
) -> Result<OpenedLab, ProgressError> {
    let mut view = lab_view_in(lab, base, context, target);
    // What the learner was told after their latest try of each question, as it was then.
    let history = if lab.question_count() > 0 { store.check_history(&lab.id)? } else { Vec::new() };
    for (step, step_view) in lab.steps.iter().zip(&mut view.steps) {
        let (Some(question), Some(question_view)) = (&step.question, &mut step_view.question)
        else {
            continue;
        };
        let tries = quiz::tries_in(&history, step);
        if let Some(last) = tries.last() {
            question_view.feedback =
                Some(quiz::feedback(lab, question, tries.len() as u32, last.passed));
            question_view.earned = if last.passed { last.points.min(question.points) } else { 0 };
        }
    }
    Ok(OpenedLab { lab: view, progress: status::lab_progress(lab, store, target)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn serverless_api() -> Lab {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        let catalog = crate::catalog::load_catalog(&dir).expect("the labs load");
        catalog.lab("serverless-api").expect("serverless-api is a lab").clone()
    }

    fn base() -> Url {
        Url::parse("awslab-lab://localhost/serverless-api/").unwrap()
    }

    #[test]
    fn lesson_images_resolve_under_the_lab_folder_url() {
        let view = lab_view(&serverless_api(), &base(), TargetKind::Emulator);
        assert!(
            view.intro_html.en.contains("src=\"awslab-lab://localhost/serverless-api/images/"),
            "{}",
            view.intro_html.en
        );
    }

    #[test]
    fn lesson_placeholders_are_filled_or_shown_as_stand_ins() {
        let mut context = LessonContext {
            account_id: Some("123456789012".into()),
            region: Some("ap-northeast-2".into()),
            lookups: HashMap::new(),
        };
        let text = "arn:aws:execute-api:{{region}}:{{account_id}}:{{rest_api_id:my-first-api}}/*/GET/x \
                    ${stageVariables.lambdaAlias} /houses/{id}";
        assert_eq!(
            context.fill("lab", text, Lang::En),
            "arn:aws:execute-api:ap-northeast-2:123456789012:<API id>/*/GET/x \
             ${stageVariables.lambdaAlias} /houses/{id}"
        );
        context.lookups.insert(("rest_api_id".into(), "my-first-api".into()), "a1b2c3".into());
        assert!(context.fill("lab", text, Lang::En).contains(":123456789012:a1b2c3/*/GET/x"));
        assert_eq!(LessonContext::default().fill("lab", "{{region}}", Lang::En), "<region>");
        assert_eq!(LessonContext::default().fill("lab", "{{region}}", Lang::Ko), "<리전>");
        assert_eq!(LessonContext::default().fill("lab", "{{ broken", Lang::En), "{{ broken");
    }

    #[test]
    fn the_view_never_carries_a_solution() {
        let lab = serverless_api();
        let view = lab_view(&lab, &base(), TargetKind::Emulator);
        let json = serde_json::to_string(&view).unwrap();
        let function =
            lab.steps.iter().find(|step| step.id == "create-function").expect("function step");
        let code = function.fields.iter().find_map(|field| field.solution.clone());
        let code = code.expect("the function step has a solution").to_string();
        assert!(!json.contains(&code[1..code.len() - 1]), "the solution leaked into the view");
        assert!(!json.contains("\"solution\""));
    }

    #[test]
    fn steps_keep_fields_checks_and_hints_in_lab_order() {
        let lab = serverless_api();
        let view = lab_view(&lab, &base(), TargetKind::Emulator);
        assert_eq!(view.steps.len(), lab.steps.len());
        for (shown, step) in view.steps.iter().zip(&lab.steps) {
            assert_eq!(shown.id, step.id);
            assert_eq!(shown.fields.len(), step.fields.len());
            assert_eq!(shown.hints.len(), step.hints.len());
            let points = step.points_on(TargetKind::Emulator);
            assert_eq!(shown.checks.iter().map(|c| c.points).sum::<u32>(), points);
        }
        assert_eq!(view.total_points, 175);
        assert_eq!(view.services, ["apigateway", "dynamodb", "http", "iam", "lambda"]);
        // Every step acts but the questions, which carry their choices and no answer.
        for step in &view.steps {
            match &step.question {
                Some(question) => {
                    assert!(!step.has_action && question.feedback.is_none(), "{}", step.id);
                    let shown = serde_json::to_string(question).unwrap();
                    assert!(
                        !shown.contains("correct") && !shown.contains("explanation"),
                        "{shown}"
                    );
                }
                None => assert!(step.has_action, "{}", step.id),
            }
        }
        assert_eq!(view.steps.iter().filter(|step| step.question.is_some()).count(), 3);
    }

    #[test]
    fn on_aws_the_total_leaves_out_the_checks_marked_offline_only() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs/cloudwatch-alarm");
        let lab = awslab_lab::load_lab(&dir).expect("the alarm lab loads");
        let offline = lab_view(&lab, &base(), TargetKind::Emulator);
        let on_aws = lab_view(&lab, &base(), TargetKind::Aws);

        assert_eq!((offline.total_points, on_aws.total_points), (126, 121));
        let marked: Vec<&str> = (on_aws.steps.iter().flat_map(|step| &step.checks))
            .filter(|check| check.offline_only)
            .map(|check| check.id.as_str())
            .collect();
        assert_eq!(marked, ["alarm-email-arrived"]);
        let by_hand = on_aws.steps.iter().filter(|step| step.targets == Targets::Emulator);
        assert_eq!(by_hand.count(), 6);
    }
}
