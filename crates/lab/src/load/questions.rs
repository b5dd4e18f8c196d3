//! A step's `[steps.question]`: its kind and what makes it right, both languages everywhere,
//! an explanation that agrees with the answer, and a lesson that does not give it away. The
//! question becomes the step's one field (`answer`) and one check (`quiz.answer`, the step's id).
//!
//! Not here: judging answers (`crate::quiz`).

use super::Builder;
use crate::manifest::{RawQuestion, RawStep};
use crate::model::{Check, Choice, Field, FieldKind, Lab};
use crate::quiz::{self, Question, QuestionKind, QuizChoice};
use crate::registry::CheckKind;
use crate::text::{Lang, Localized};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::HashMap;
use toml::Spanned;

/// Choices a single- or multiple-choice question may have.
const CHOICES: std::ops::RangeInclusive<usize> = 2..=8;

impl Builder<'_> {
    /// Whether `raw` is a question step; if so, reports what a question step may not have.
    pub(super) fn is_question(&mut self, raw: &RawStep) -> bool {
        let Some(question) = &raw.question else { return false };
        let id = raw.id.get_ref();
        let mut extra = Vec::new();
        if !raw.fields.is_empty() {
            extra.push("`[[steps.fields]]`");
        }
        if raw.action.is_some() {
            extra.push("`action`");
        }
        if raw.params.is_some() {
            extra.push("`[steps.params]`");
        }
        if raw.targets.is_some() {
            extra.push("`targets`");
        }
        if !raw.checks.is_empty() {
            extra.push("`[[steps.checks]]`");
        }
        if !extra.is_empty() {
            self.error(
                &question.span(),
                format!(
                    "step `{id}` is a question, so it has no {}: the question is its form and \
                     its check",
                    extra.join(", ")
                ),
            );
        }
        true
    }

    /// The question of step `step_id`, its answer field and its check.
    pub(super) fn question(
        &mut self,
        raw: Spanned<RawQuestion>,
        step_id: &str,
        check_ids: &mut HashMap<String, String>,
    ) -> Option<(Question, Field, Check)> {
        let span = raw.span();
        let raw = raw.into_inner();
        let points = self.ranged(&raw.points, 1, 100, "question.points") as u32;
        let source = raw.source.get_ref().trim().to_string();
        if source.is_empty() {
            self.error(&raw.source.span(), "`question.source` is empty: name the course note");
        }
        let prompt = self.localized(raw.prompt, "question.prompt");
        let explanation = match raw.explanation {
            Some(explanation) => self.localized(explanation, "question.explanation"),
            None => {
                self.error(
                    &span,
                    format!(
                        "question `{step_id}` has no `explanation`: say why the right answer is \
                         right and why the tempting wrong one is wrong, in ko and en"
                    ),
                );
                Localized::default()
            }
        };
        let kind = self.question_kind(
            &raw.kind,
            raw.choices,
            raw.answer,
            raw.tolerance,
            raw.unit,
            raw.accept,
        )?;
        if let QuestionKind::Number { answer, tolerance, .. } = &kind {
            for lang in Lang::ALL {
                let text = explanation.get(lang);
                if !text.is_empty()
                    && !quiz::numbers_in(text).iter().any(|n| quiz::within(*n, *answer, *tolerance))
                {
                    self.error(
                        &span,
                        format!(
                            "the {lang} explanation of question `{step_id}` never states its answer \
                             {} (±{}): show the worked figures and the result",
                            quiz::format_number(*answer),
                            quiz::format_number(*tolerance)
                        ),
                    );
                }
            }
        }
        if let Some(first) = check_ids.insert(step_id.to_string(), step_id.to_string()) {
            self.error(
                &span,
                format!(
                    "question `{step_id}` is graded as check `{step_id}`, but step `{first}` has a \
                     check of that id: rename one"
                ),
            );
        }
        let question = Question { kind, points, source, prompt, explanation };
        let field = answer_field(&question);
        let check = Check {
            id: step_id.to_string(),
            kind: CheckKind::QuizAnswer,
            points,
            resource: IndexMap::from([("field".to_string(), Value::from(Question::FIELD))]),
            expect: Value::Object(serde_json::Map::new()),
            message: Localized::new("답이 맞지 않습니다.", "The answer is not right."),
            changed_by: None,
        };
        Some((question, field, check))
    }

    fn question_kind(
        &mut self,
        kind: &Spanned<String>,
        choices: Option<Spanned<Vec<crate::manifest::RawQuizChoice>>>,
        answer: Option<Spanned<f64>>,
        tolerance: Option<Spanned<f64>>,
        unit: Option<Spanned<crate::manifest::RawLocalized>>,
        accept: Option<Spanned<Vec<String>>>,
    ) -> Option<QuestionKind> {
        let name = kind.get_ref().as_str();
        let given: [(&str, Option<std::ops::Range<usize>>); 5] = [
            ("choices", choices.as_ref().map(Spanned::span)),
            ("answer", answer.as_ref().map(Spanned::span)),
            ("tolerance", tolerance.as_ref().map(Spanned::span)),
            ("unit", unit.as_ref().map(Spanned::span)),
            ("accept", accept.as_ref().map(Spanned::span)),
        ];
        let wanted: &[&str] = match name {
            "single" | "multiple" => &["choices"],
            "number" => &["answer", "tolerance", "unit"],
            "short" => &["accept"],
            _ => {
                self.error(
                    &kind.span(),
                    format!(
                        "unknown question kind `{name}`: it is single, multiple, number or short"
                    ),
                );
                return None;
            }
        };
        let mut complete = true;
        for (key, span) in &given {
            match span {
                Some(span) if !wanted.contains(key) => self.error(
                    span,
                    format!("a `{name}` question has no `{key}`: it takes {}", wanted.join(", ")),
                ),
                None if wanted.contains(key) => {
                    complete = false;
                    self.error(&kind.span(), format!("a `{name}` question needs `{key}`"));
                }
                _ => {}
            }
        }
        if !complete {
            return None;
        }
        match name {
            "single" | "multiple" => {
                let choices = choices?;
                let span = choices.span();
                let choices = self.choices(choices.into_inner(), &span);
                let correct = choices.iter().filter(|choice| choice.correct).count();
                if name == "single" && correct != 1 {
                    self.error(
                        &span,
                        format!(
                            "a single-choice question has exactly one `correct = true` choice; \
                             this one has {correct}"
                        ),
                    );
                }
                if name == "multiple" && (correct == 0 || correct == choices.len()) {
                    self.error(
                        &span,
                        "a multiple-choice question needs at least one correct and one wrong \
                         choice",
                    );
                }
                Some(if name == "single" {
                    QuestionKind::Single { choices }
                } else {
                    QuestionKind::Multiple { choices }
                })
            }
            "number" => {
                let (answer, tolerance, unit) = (answer?, tolerance?, unit?);
                let (value, within) = (*answer.get_ref(), *tolerance.get_ref());
                if !value.is_finite() {
                    self.error(&answer.span(), "`answer` must be a finite number");
                }
                if !(within.is_finite() && within >= 0.0) {
                    self.error(&tolerance.span(), "`tolerance` must be zero or more");
                } else if value != 0.0 && within >= value.abs() {
                    self.error(
                        &tolerance.span(),
                        format!(
                            "`tolerance` {} is as large as the answer {} itself, so 0 would pass: \
                             make it smaller than the answer",
                            quiz::format_number(within),
                            quiz::format_number(value)
                        ),
                    );
                }
                let unit = self.localized(unit, "question.unit");
                Some(QuestionKind::Number { answer: value, tolerance: within, unit })
            }
            _ => {
                let accept = accept?;
                let mut seen: Vec<String> = Vec::new();
                for variant in accept.get_ref() {
                    let normal = quiz::normalize(variant);
                    if normal.is_empty() {
                        self.error(&accept.span(), "an accepted answer is empty");
                    } else if seen.contains(&normal) {
                        self.error(
                            &accept.span(),
                            format!(
                                "`{variant}` is accepted twice: answers are compared ignoring \
                                 case, spaces, -, _ and ."
                            ),
                        );
                    }
                    seen.push(normal);
                }
                if accept.get_ref().is_empty() {
                    self.error(&accept.span(), "`accept` lists no answer");
                }
                Some(QuestionKind::Short { accept: accept.into_inner() })
            }
        }
    }

    fn choices(
        &mut self,
        raw: Vec<crate::manifest::RawQuizChoice>,
        span: &std::ops::Range<usize>,
    ) -> Vec<QuizChoice> {
        if !CHOICES.contains(&raw.len()) {
            self.error(
                span,
                format!(
                    "a question offers {} to {} choices; this one has {}",
                    CHOICES.start(),
                    CHOICES.end(),
                    raw.len()
                ),
            );
        }
        let mut choices: Vec<QuizChoice> = Vec::new();
        for choice in raw {
            let value = choice.value.get_ref().clone();
            if value.trim().is_empty() || value.contains(',') {
                self.error(
                    &choice.value.span(),
                    "a choice's `value` is a short id without commas (`15m`, `on-demand`)",
                );
            }
            if choices.iter().any(|earlier| earlier.value == value) {
                self.error(&choice.value.span(), format!("choice `{value}` is offered twice"));
            }
            let label = self.localized(choice.label, "label");
            choices.push(QuizChoice { value, label, correct: choice.correct });
        }
        choices
    }

    /// Refuses questions whose own step gives the answer away: the step's title, lesson text or
    /// the prompt hold a correct choice's label, an accepted variant, or the answer's number.
    pub(super) fn questions_not_given_away(&mut self, lab: &Lab) {
        for step in &lab.steps {
            let Some(question) = &step.question else { continue };
            for lang in Lang::ALL {
                let shown = format!(
                    "{}\n{}\n{}",
                    step.title.get(lang),
                    step.text.get(lang),
                    question.prompt.get(lang)
                );
                if let Some(given) = given_away(question, &shown, lang) {
                    let span = self.step_spans.get(&step.id).cloned().unwrap_or(0..0);
                    self.error(
                        &span,
                        format!(
                            "question `{}` is answered by the text shown above it in {lang}: its \
                             title, lesson or prompt contains {given}",
                            step.id
                        ),
                    );
                }
            }
        }
    }
}

/// What in `shown` answers `question`, if anything.
fn given_away(question: &Question, shown: &str, lang: Lang) -> Option<String> {
    match &question.kind {
        QuestionKind::Single { choices } | QuestionKind::Multiple { choices } => choices
            .iter()
            .filter(|choice| choice.correct)
            .map(|choice| choice.label.get(lang))
            .find(|label| contains_words(shown, label))
            .map(|label| format!("the correct choice `{label}`")),
        QuestionKind::Short { accept } => accept
            .iter()
            .find(|variant| contains_words(shown, variant))
            .map(|variant| format!("the accepted answer `{variant}`")),
        QuestionKind::Number { answer, .. } => quiz::numbers_in(shown)
            .into_iter()
            .any(|number| quiz::within(number, *answer, 0.0))
            .then(|| format!("the answer {}", quiz::format_number(*answer))),
    }
}

/// Whether `text` holds `words` as whole words, ignoring case unless `words` is written in
/// capitals (an identifier such as `ALARM` is not the word "alarm"): `15분` is in "최대
/// 15분까지" (Korean particles attach), `API` is not in "APIs".
fn contains_words(text: &str, words: &str) -> bool {
    let words = words.trim();
    let identifier =
        words.chars().any(char::is_alphabetic) && !words.chars().any(char::is_lowercase);
    let (text, words) = if identifier {
        (text.to_string(), words.to_string())
    } else {
        (text.to_lowercase(), words.to_lowercase())
    };
    if words.chars().count() < 2 {
        return false;
    }
    let hangul_end = words.chars().last().is_some_and(is_hangul);
    text.match_indices(&words).any(|(at, found)| {
        let before = text[..at].chars().next_back();
        let after = text[at + found.len()..].chars().next();
        let bounded_before = before.is_none_or(|c| !c.is_alphanumeric());
        // A Korean word may be followed by its particle.
        let bounded_after =
            after.is_none_or(|c| !c.is_alphanumeric() || (hangul_end && is_hangul(c)));
        bounded_before && bounded_after
    })
}

fn is_hangul(c: char) -> bool {
    ('\u{ac00}'..='\u{d7a3}').contains(&c)
}

/// The form field that takes a question's answer.
fn answer_field(question: &Question) -> Field {
    let options = |choices: &[QuizChoice]| {
        choices
            .iter()
            .map(|choice| Choice { value: choice.value.clone(), label: Some(choice.label.clone()) })
            .collect()
    };
    let kind = match &question.kind {
        QuestionKind::Single { choices } => FieldKind::Select { options: options(choices) },
        QuestionKind::Multiple { choices } => FieldKind::MultiSelect { options: options(choices) },
        QuestionKind::Number { .. } | QuestionKind::Short { .. } => {
            FieldKind::Text { naming: None, max_length: Some(200) }
        }
    };
    Field {
        id: Question::FIELD.to_string(),
        label: question.prompt.clone(),
        help: match &question.kind {
            QuestionKind::Number { unit, .. } => Some(Localized::new(
                format!("단위: {}. 1,000처럼 쉼표를 쓰거나 3만처럼 써도 됩니다.", unit.ko),
                format!("In {}. Write 1,000 or 1000; Korean forms such as 3만 work too.", unit.en),
            )),
            _ => None,
        },
        required: true,
        kind,
        default: None,
        solution: Some(question.reference_answer()),
    }
}

#[cfg(test)]
mod tests {
    use super::contains_words;

    #[test]
    fn answers_are_found_as_whole_words() {
        assert!(contains_words("함수는 최대 15분까지 실행됩니다", "15분"));
        assert!(contains_words("Use Provisioned Concurrency.", "provisioned concurrency"));
        assert!(!contains_words("Many APIs", "API"));
        assert!(!contains_words("150분", "50분"));
        assert!(!contains_words("a CloudWatch alarm", "ALARM"), "identifiers keep their case");
        assert!(contains_words("state ALARM.", "ALARM"));
    }
}
