//! The lab content model: what a loaded, valid lab is.
//!
//! These types are produced by [`crate::load_lab`] from a lab folder (`lab.toml`, `ko.md`,
//! `en.md`); `labs/README.md` documents the files for authors. Field values, defaults, action
//! parameters and expectations are JSON values, since that is what forms and AWS APIs exchange.

use crate::fields::{CodeLanguage, JsonSchema, KeyValueRules, Naming};
use crate::quiz::Question;
use crate::registry::{ActionKind, CheckKind};
use crate::text::{Lang, Localized};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;

/// The lab format this build reads. A lab with another `format_version` is refused.
pub const FORMAT_VERSION: u32 = 1;

/// A whole lab: metadata, lesson text and steps.
#[derive(Debug, Clone, Serialize)]
pub struct Lab {
    /// The lab folder; relative links and code files are resolved against it.
    pub dir: PathBuf,
    pub format_version: u32,
    /// Unique id, equal to the folder name (`serverless-api`).
    pub id: String,
    pub title: Localized,
    pub estimated_minutes: u32,
    /// Share of the points (0–100) needed to pass the lab.
    pub pass_percent: u8,
    /// Position in the catalog (ascending), then id.
    pub order: i64,
    /// Which course notes the lab comes from (free text, for instructors).
    pub source: Option<String>,
    pub cost: Cost,
    /// Markdown between the lesson title and the first step.
    pub intro: Localized,
    pub steps: Vec<Step>,
    /// The closing section (what was built, what to clean up), if the lesson has one.
    pub summary: Option<Section>,
}

impl Lab {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.id == id)
    }

    /// Every check of the lab with the step it belongs to, in lesson order.
    pub fn checks(&self) -> impl Iterator<Item = (&Step, &Check)> {
        self.steps.iter().flat_map(|step| step.checks.iter().map(move |check| (step, check)))
    }

    /// The checks graded on `target` (see [`Check::graded_on`]), with their steps.
    pub fn checks_on(&self, target: TargetKind) -> impl Iterator<Item = (&Step, &Check)> {
        self.checks().filter(move |(_, check)| check.graded_on(target))
    }

    /// Points available in the whole lab on `target`: offline-only checks count only offline.
    pub fn total_points_on(&self, target: TargetKind) -> u32 {
        self.checks_on(target).map(|(_, check)| check.points).sum()
    }

    /// A theme quiz: every step is a question. The catalog shows it as a quiz card.
    pub fn is_quiz(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|step| step.question.is_some())
    }

    /// How many of its steps are questions.
    pub fn question_count(&self) -> usize {
        self.steps.iter().filter(|step| step.question.is_some()).count()
    }
}

/// What the lab may cost on AWS, shown before the first AWS action.
#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    /// Upper estimate in US dollars for doing the lab once and cleaning up.
    pub usd: f64,
    pub note: Localized,
}

/// A titled piece of lesson text.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: Localized,
    /// Markdown.
    pub text: Localized,
}

/// One step: the lesson text beside a form, the action the form performs, and its checks.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: String,
    pub title: Localized,
    /// Markdown of the step's lesson, without its heading and hints.
    pub text: Localized,
    /// Revealed one at a time, in order; the last is the closest to the answer.
    pub hints: Vec<Localized>,
    pub fields: Vec<Field>,
    /// What **Run** does; `None` for a step done elsewhere (console, terminal) or only observed.
    pub action: Option<Action>,
    /// The targets the step's action works on.
    pub targets: Targets,
    pub checks: Vec<Check>,
    /// The question the step asks, if it is a question: then its one check is the question's
    /// (`quiz.answer`, with the step's id) and its one field holds the answer.
    pub question: Option<Question>,
}

impl Step {
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.id == id)
    }

    /// The step's checks graded on `target`.
    pub fn checks_on(&self, target: TargetKind) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(move |check| check.graded_on(target))
    }

    /// Points the step is worth on `target`.
    pub fn points_on(&self, target: TargetKind) -> u32 {
        self.checks_on(target).map(|check| check.points).sum()
    }

    /// Whether **Run** performs the step's action on `target`. Where it does not, the learner
    /// does the step by hand as the lesson describes, and its checks still grade the target.
    pub fn runs_on(&self, target: TargetKind) -> bool {
        self.targets.includes(target)
    }

    /// Whether the step has checks and none of them can be graded on `target` (on AWS, a step
    /// that only reads the offline mailbox): it is shown as offline-only there and counts for
    /// nothing.
    pub fn offline_only_on(&self, target: TargetKind) -> bool {
        !self.checks.is_empty() && self.checks_on(target).next().is_none()
    }
}

/// Which targets a step's action can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Targets {
    Both,
    /// Only offline, e.g. the simulated instance's shell.
    Emulator,
    /// Only on AWS.
    Aws,
}

impl Targets {
    /// Whether an action of these targets runs on `target`.
    pub fn includes(self, target: TargetKind) -> bool {
        match self {
            Targets::Both => true,
            Targets::Emulator => target == TargetKind::Emulator,
            Targets::Aws => target == TargetKind::Aws,
        }
    }
}

/// The kind of target a lab is done on: the offline emulator or the learner's AWS account. A
/// step's [`Targets`] and a check's kind are matched against it; progress records which one a
/// result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Emulator,
    Aws,
}

impl TargetKind {
    /// The name used in progress files, reports and the UI: `emulator` or `aws`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Emulator => "emulator",
            TargetKind::Aws => "aws",
        }
    }

    /// The kind named `name` (`emulator` or `aws`), if it is one.
    pub fn from_name(name: &str) -> Option<TargetKind> {
        match name {
            "emulator" => Some(TargetKind::Emulator),
            "aws" => Some(TargetKind::Aws),
            _ => None,
        }
    }
}

impl std::fmt::Display for TargetKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input of a step's form.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Unique within the step; action parameters refer to it as `{{id}}`.
    pub id: String,
    pub label: Localized,
    pub help: Option<Localized>,
    pub required: bool,
    pub kind: FieldKind,
    /// Shown in the form at first. Code fields load it from `default_file`.
    pub default: Option<Value>,
    /// The reference solution's value, when it differs from the default.
    pub solution: Option<Value>,
}

impl Field {
    /// The value the reference solution enters: its `solution`, else its default.
    pub fn solution_value(&self) -> Option<&Value> {
        self.solution.as_ref().or(self.default.as_ref())
    }
}

/// What a field holds and how it is checked as the learner types.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text, optionally following an AWS naming rule.
    Text {
        naming: Option<Naming>,
        max_length: Option<usize>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    Select {
        options: Vec<Choice>,
    },
    /// Several of the options (IAM actions, for example).
    MultiSelect {
        options: Vec<Choice>,
    },
    /// A JSON document (policy, request body), optionally of a known shape.
    Json {
        schema: Option<JsonSchema>,
    },
    /// Source code in an editor (a Lambda handler).
    Code {
        language: CodeLanguage,
    },
    /// Name/value pairs (stage variables, environment variables).
    KeyValue {
        rules: Option<KeyValueRules>,
    },
    /// A resource chosen from what exists on the target at run time ("choose the role").
    Resource {
        resource: ResourceKind,
    },
}

impl FieldKind {
    /// The name used for this kind in `lab.toml`.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Number { .. } => "number",
            FieldKind::Select { .. } => "select",
            FieldKind::MultiSelect { .. } => "multi_select",
            FieldKind::Json { .. } => "json",
            FieldKind::Code { .. } => "code",
            FieldKind::KeyValue { .. } => "key_value",
            FieldKind::Resource { .. } => "resource",
        }
    }
}

/// One option of a select or multi-select field.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Choice {
    pub value: String,
    /// Shown instead of the value when given.
    pub label: Option<Localized>,
}

impl Choice {
    pub fn label(&self, lang: Lang) -> &str {
        self.label.as_ref().map_or(self.value.as_str(), |label| label.get(lang))
    }
}

/// What a resource picker lists, filled from the target when the step is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub enum ResourceKind {
    #[serde(rename = "iam.role")]
    IamRole,
    #[serde(rename = "iam.policy")]
    IamPolicy,
    #[serde(rename = "dynamodb.table")]
    DynamodbTable,
    #[serde(rename = "lambda.function")]
    LambdaFunction,
    #[serde(rename = "lambda.version")]
    LambdaVersion,
    #[serde(rename = "lambda.alias")]
    LambdaAlias,
    #[serde(rename = "apigateway.rest_api")]
    ApigatewayRestApi,
    #[serde(rename = "apigateway.resource")]
    ApigatewayResource,
    #[serde(rename = "apigateway.deployment")]
    ApigatewayDeployment,
    #[serde(rename = "apigateway.stage")]
    ApigatewayStage,
    #[serde(rename = "sns.topic")]
    SnsTopic,
    #[serde(rename = "ec2.instance")]
    Ec2Instance,
    #[serde(rename = "ec2.volume")]
    Ec2Volume,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 13] = [
        ResourceKind::IamRole,
        ResourceKind::IamPolicy,
        ResourceKind::DynamodbTable,
        ResourceKind::LambdaFunction,
        ResourceKind::LambdaVersion,
        ResourceKind::LambdaAlias,
        ResourceKind::ApigatewayRestApi,
        ResourceKind::ApigatewayResource,
        ResourceKind::ApigatewayDeployment,
        ResourceKind::ApigatewayStage,
        ResourceKind::SnsTopic,
        ResourceKind::Ec2Instance,
        ResourceKind::Ec2Volume,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::IamRole => "iam.role",
            ResourceKind::IamPolicy => "iam.policy",
            ResourceKind::DynamodbTable => "dynamodb.table",
            ResourceKind::LambdaFunction => "lambda.function",
            ResourceKind::LambdaVersion => "lambda.version",
            ResourceKind::LambdaAlias => "lambda.alias",
            ResourceKind::ApigatewayRestApi => "apigateway.rest_api",
            ResourceKind::ApigatewayResource => "apigateway.resource",
            ResourceKind::ApigatewayDeployment => "apigateway.deployment",
            ResourceKind::ApigatewayStage => "apigateway.stage",
            ResourceKind::SnsTopic => "sns.topic",
            ResourceKind::Ec2Instance => "ec2.instance",
            ResourceKind::Ec2Volume => "ec2.volume",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// What **Run** performs: an action and its parameters.
///
/// Parameter values are JSON; strings may hold `{{placeholders}}` (see [`crate::template`]).
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// The action id written in `lab.toml` (`action = "iam.create_role"`).
    pub id: ActionKind,
    pub params: IndexMap<String, Value>,
}

/// A read-only verification of the target's state, worth some points.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Unique within the lab.
    pub id: String,
    /// What it looks at (`iam.role`, `cloudwatch.alarm`, …).
    pub kind: CheckKind,
    pub points: u32,
    /// Which resource to look at (`name = "customers"`); strings may hold placeholders.
    pub resource: IndexMap<String, Value>,
    /// Properties the resource must have, matched as a subset (see [`crate::expect`]).
    pub expect: Value,
    /// Said to the learner when the check fails.
    pub message: Localized,
    /// A later step of the lab that changes, by design, what this check verifies (a canary
    /// that is promoted, a function whose code moves on): once that step has passed, a passed
    /// result of this check is kept as it was recorded instead of being checked again.
    pub changed_by: Option<String>,
}

impl Check {
    /// Whether the check can be graded on `target`; one that cannot carries no points there
    /// (see [`CheckKind::graded_on`]).
    pub fn graded_on(&self, target: TargetKind) -> bool {
        self.kind.graded_on(target)
    }
}
