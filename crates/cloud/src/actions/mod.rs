//! Step actions: what a step's **Run** button does, one function per action of the lab format
//! ([`ActionKind`]), on either target, chosen by an exhaustive `match` so that a new kind does
//! not compile until it is implemented.
//!
//! An action receives its parameters with every placeholder filled, makes the API calls, and
//! returns an [`ActionRun`]: the calls made (with the equivalent `aws` commands), a summary of
//! the answer, and on failure AWS's error code and message with a plain explanation. Every
//! resource an action creates is tagged `awslab:lab` and `awslab:step` where the service allows
//! tags, so that a lab's resources can be found and cleaned up, and nothing else.
//!
//! A step is safe to run twice: a creating call refused because this lab made that thing in an
//! earlier run reuses it (`reused: true` and a note with the command that deletes it, should the
//! step's checks find it different); one the lab did not make is never adopted (`taken`).

mod apigateway;
mod apigateway_access;
mod cloudwatch;
mod dynamodb;
mod ec2;
mod emulator;
mod iam;
mod instance_connect;
mod lambda;
mod logs;
mod sns;
mod taken;

pub(crate) use apigateway_access::{api_key_by_name, usage_plan_by_name};

use crate::call::{ApiCall, CallBuilder};
use crate::clients::Clients;
use crate::failure::Failure;
use awslab_lab::{ActionKind, Localized};
use serde::Serialize;
use serde_json::{Map, Value};

/// Who is acting: the clients, and the lab and step that resources are tagged with.
pub struct ActionContext<'a> {
    pub clients: &'a Clients,
    pub lab_id: &'a str,
    pub step_id: &'a str,
}

impl ActionContext<'_> {
    /// The tags every created resource carries.
    pub fn tags(&self) -> [(&'static str, String); 2] {
        [("awslab:lab", self.lab_id.to_string()), ("awslab:step", self.step_id.to_string())]
    }
}

/// A resource an action created, for the ledger: its kind in the lab format's terms
/// (`iam.role`, `lambda.function`, …) and its ARN or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Created {
    pub kind: String,
    pub id: String,
}

/// The outcome of one action.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ActionRun {
    pub action: ActionKind,
    pub calls: Vec<ApiCall>,
    /// What it created (also when a later call of the same action failed).
    pub created: Vec<Created>,
    /// What the answers say, summarised (ids, ARNs, a function's payload, items).
    pub response: Value,
    pub failure: Option<Failure>,
    /// Said about what the action found, in both languages: that it reused what this lab made
    /// in an earlier run, and how to start that over.
    pub note: Option<Localized>,
}

impl ActionRun {
    pub fn succeeded(&self) -> bool {
        self.failure.is_none()
    }
}

/// Records the calls an action makes.
pub struct Recorder<'a> {
    ctx: &'a ActionContext<'a>,
    calls: Vec<ApiCall>,
    created: Vec<Created>,
    note: Option<Localized>,
}

impl Recorder<'_> {
    /// Records a resource the action created.
    pub fn created(&mut self, kind: &str, id: impl Into<String>) {
        self.created.push(Created { kind: kind.to_string(), id: id.into() });
    }

    /// Notes what the action found (see [`ActionRun::note`]).
    pub fn note(&mut self, note: Localized) {
        self.note = Some(note);
    }

    /// Records a call before it is made (so a failed call is listed too).
    pub fn call(&mut self, builder: CallBuilder) {
        self.calls.push(builder.build(&self.ctx.clients.target));
    }
}

/// Performs `action` with `params` (placeholders already filled).
pub async fn run(
    ctx: &ActionContext<'_>,
    action: ActionKind,
    params: &Map<String, Value>,
) -> ActionRun {
    let mut recorder = Recorder { ctx, calls: Vec::new(), created: Vec::new(), note: None };
    let params = Params { action, map: params };
    let result = match action {
        ActionKind::IamCreatePolicy => iam::create_policy(ctx, &params, &mut recorder).await,
        ActionKind::IamCreateRole => iam::create_role(ctx, &params, &mut recorder).await,
        ActionKind::IamAttachRolePolicy => {
            iam::attach_role_policy(ctx, &params, &mut recorder).await
        }
        ActionKind::DynamodbCreateTable => {
            dynamodb::create_table(ctx, &params, &mut recorder).await
        }
        ActionKind::DynamodbPutItem => dynamodb::put_item(ctx, &params, &mut recorder).await,
        ActionKind::DynamodbScan => dynamodb::scan(ctx, &params, &mut recorder).await,
        ActionKind::LambdaCreateFunction => {
            lambda::create_function(ctx, &params, &mut recorder).await
        }
        ActionKind::LambdaUpdateFunctionCode => {
            lambda::update_function_code(ctx, &params, &mut recorder).await
        }
        ActionKind::LambdaPublishVersion => {
            lambda::publish_version(ctx, &params, &mut recorder).await
        }
        ActionKind::LambdaCreateAlias => lambda::create_alias(ctx, &params, &mut recorder).await,
        ActionKind::LambdaUpdateAlias => lambda::update_alias(ctx, &params, &mut recorder).await,
        ActionKind::LambdaAddPermission => {
            lambda::add_permission(ctx, &params, &mut recorder).await
        }
        ActionKind::LambdaInvoke => lambda::invoke(ctx, &params, &mut recorder).await,
        ActionKind::LogsFilterLogEvents => {
            logs::filter_log_events(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateRestApi => {
            apigateway::create_rest_api(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateResource => {
            apigateway::create_resource(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayPutMethod => {
            apigateway::put_method(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayUpdateMethod => {
            apigateway_access::update_method(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateApiKey => {
            apigateway_access::create_api_key(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateUsagePlan => {
            apigateway_access::create_usage_plan(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateAuthorizer => {
            apigateway_access::create_authorizer(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayPutIntegration => {
            apigateway::put_integration(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateDeployment => {
            apigateway::create_deployment(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayCreateStage => {
            apigateway::create_stage(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayUpdateStageVariables => {
            apigateway::update_stage_variables(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayDeployCanary => {
            apigateway::deploy_canary(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayPromoteCanary => {
            apigateway::promote_canary(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayTestInvokeMethod => {
            apigateway::test_invoke_method(ctx, &params, &mut recorder).await
        }
        ActionKind::ApigatewayInvokeUrl => {
            apigateway::invoke_url(ctx, &params, &mut recorder).await
        }
        ActionKind::SnsCreateTopic => sns::create_topic(ctx, &params, &mut recorder).await,
        ActionKind::SnsSubscribe => sns::subscribe(ctx, &params, &mut recorder).await,
        ActionKind::SnsConfirmFromMailbox => {
            sns::confirm_from_mailbox(ctx, &params, &mut recorder).await
        }
        ActionKind::Ec2RunInstance => ec2::run_instance(ctx, &params, &mut recorder).await,
        ActionKind::Ec2Shell => ec2::shell(ctx, &params, &mut recorder).await,
        ActionKind::CloudwatchPutMetricAlarm => {
            cloudwatch::put_metric_alarm(ctx, &params, &mut recorder).await
        }
        ActionKind::EmulatorWait => emulator::wait(ctx, &params, &mut recorder).await,
    };
    let (response, failure) = match result {
        Ok(response) => {
            // What it changed may take a moment to show: the step's checks look again for a
            // while if they find something else (see `settle`).
            ctx.clients.settle.changed();
            (response, None)
        }
        Err(failure) => {
            match taken::reused_or_explained(ctx, action, &params, failure, &mut recorder).await {
                Ok((response, note)) => {
                    // What an earlier run made may still be settling (AWS's time): the step's
                    // checks look again for a while, as after a change.
                    ctx.clients.settle.changed();
                    recorder.note(note);
                    (response, None)
                }
                Err(failure) => (Value::Null, Some(failure)),
            }
        }
    };
    ActionRun {
        action,
        calls: recorder.calls,
        created: recorder.created,
        response,
        failure,
        note: recorder.note,
    }
}

/// An action's parameters, read with clear errors for a missing or mistyped one.
pub struct Params<'a> {
    action: ActionKind,
    map: &'a Map<String, Value>,
}

impl Params<'_> {
    fn missing(&self, name: &str, wanted: &str) -> Failure {
        Failure::local(
            "awslab",
            self.action.name(),
            "InvalidParameter",
            format!("{}: the parameter `{name}` must be {wanted}", self.action),
        )
    }

    pub fn text(&self, name: &str) -> Result<&str, Failure> {
        self.optional_text(name)?.ok_or_else(|| self.missing(name, "given"))
    }

    pub fn optional_text(&self, name: &str) -> Result<Option<&str>, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(self.missing(name, "text")),
        }
    }

    pub fn optional_number(&self, name: &str) -> Result<Option<f64>, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => Ok(number.as_f64()),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => {
                text.trim().parse().map(Some).map_err(|_| self.missing(name, "a number"))
            }
            Some(_) => Err(self.missing(name, "a number")),
        }
    }

    /// A JSON parameter: a JSON value, or text holding JSON (a `json` field's value).
    pub fn json(&self, name: &str) -> Result<Value, Failure> {
        self.optional_json(name)?.ok_or_else(|| self.missing(name, "given"))
    }

    pub fn optional_json(&self, name: &str) -> Result<Option<Value>, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => serde_json::from_str(text)
                .map(Some)
                .map_err(|error| self.missing(name, &format!("JSON ({error})"))),
            Some(other) => Ok(Some(other.clone())),
        }
    }

    /// A yes/no parameter (`true`, or the text `true`); absent is no.
    pub fn flag(&self, name: &str) -> Result<bool, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(Value::String(text)) => Ok(text.trim().eq_ignore_ascii_case("true")),
            Some(_) => Err(self.missing(name, "true or false")),
        }
    }

    /// A list of text (`policies`), also accepting one text.
    pub fn list(&self, name: &str) -> Result<Vec<String>, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(Vec::new()),
            Some(Value::String(text)) => Ok(vec![text.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.missing(name, "a list of text"))
                })
                .collect(),
            Some(_) => Err(self.missing(name, "a list of text")),
        }
    }

    /// Key/value pairs (`environment`, `variables`), as an object of text.
    pub fn pairs(&self, name: &str) -> Result<Vec<(String, String)>, Failure> {
        match self.optional_json(name)? {
            None => Ok(Vec::new()),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(key, value)| match value {
                    Value::String(text) => Ok((key, text)),
                    other => Ok((key, other.to_string())),
                })
                .collect(),
            Some(_) => Err(self.missing(name, "key/value pairs")),
        }
    }
}
