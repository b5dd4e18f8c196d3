//! Systems Manager Parameter Store (awsJson 1.1, `X-Amz-Target: AmazonSSM.<Operation>`,
//! signed as `ssm`): the parameters a learner creates (`String`, `StringList`,
//! `SecureString`), with versions, tags and hierarchies, and the public parameters that name
//! the latest Amazon Linux images (`/aws/service/ami-amazon-linux-latest/…`), answering as AWS
//! does (member names, error codes and words; see `errors` for where each came from).
//!
//! ## Layout
//! - `mod.rs`: the dispatch, authorization of role sessions, the read throughput quota, lab
//!   reset, and [`resolve_image`] for EC2's `resolve:ssm:` image ids.
//! - `model`: [`SsmState`] (by account and region), versions, the answer shapes, and how a
//!   `SecureString` reads without decryption.
//! - `names`: name rules, `name:version` selectors, ARNs. `public`: the public parameters,
//!   derived from EC2's image catalog.
//! - `parameters` (put, get, delete, history), `listing` (by path, describe, filters, paging),
//!   `tags`: the operations. `errors`: [`SsmError`]. `operations`: the API's list.
//!
//! Parameter Store is strongly consistent: a change is read back at once, under AWS's timing
//! too. Under AWS's timing the reads (GetParameter, GetParameters, GetParametersByPath) share
//! the account's default throughput of 40 transactions per second in a region, and a call past
//! it is `ThrottlingException` ("Rate exceeded").
//!
//! Not here: labels (LabelParameterVersion answers `NotImplemented`; a `:label` selector finds
//! nothing), parameter policies, `AllowedPattern` checks (the pattern is kept and shown only),
//! KMS (any `KeyId` is accepted; see `model` for SecureString), shared parameters, the
//! `/aws/reference/secretsmanager/` bridge, and SSM's other features (documents, commands,
//! sessions, …), whose operations answer `NotImplemented`.

mod errors;
mod listing;
mod model;
mod names;
mod operations;
mod parameters;
mod public;
mod tags;

pub use errors::SsmError;
pub use model::SsmState;
pub use operations::Operation;

use super::RequestContext;
use super::operation::Operations;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::{Shared, lock};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What an operation needs of its request besides the state and its typed input.
pub struct Call<'a> {
    /// From the SigV4 credential scope: parameters are regional.
    pub region: &'a str,
    pub account: &'a str,
    /// Whoever calls, as `LastModifiedUser` names them.
    pub caller_arn: String,
    /// The emulator's clock, in milliseconds since the epoch.
    pub now_ms: i64,
}

/// The reads' shared default throughput, per account and region.
const READ_RATE: crate::timing::Rate = crate::timing::Rate { per_second: 40.0, burst: 40.0 };

/// Serves `AmazonSSM.<operation>`.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    body: Value,
) -> Result<Value, AwsError> {
    authorize(shared, ctx, operation, &body)?;
    throttle(shared, ctx, operation)?;
    let call = Call {
        region: &ctx.region,
        account: ctx.caller.account(),
        caller_arn: ctx.caller.arn(),
        now_ms: crate::clock::millis(ctx.now),
    };
    let mut state = lock(&shared.ssm);
    let state = &mut *state;
    let result = match operation {
        Operation::PutParameter => parameters::put_parameter(state, &call, input(&body)?),
        Operation::GetParameter => parameters::get_parameter(state, &call, input(&body)?),
        Operation::GetParameters => parameters::get_parameters(state, &call, input(&body)?),
        Operation::DeleteParameter => parameters::delete_parameter(state, &call, input(&body)?),
        Operation::DeleteParameters => parameters::delete_parameters(state, &call, input(&body)?),
        Operation::GetParameterHistory => {
            parameters::get_parameter_history(state, &call, input(&body)?)
        }
        Operation::GetParametersByPath => {
            listing::get_parameters_by_path(state, &call, input(&body)?)
        }
        Operation::DescribeParameters => listing::describe_parameters(state, &call, input(&body)?),
        Operation::AddTagsToResource => tags::add_tags_to_resource(state, &call, input(&body)?),
        Operation::RemoveTagsFromResource => {
            tags::remove_tags_from_resource(state, &call, input(&body)?)
        }
        Operation::ListTagsForResource => tags::list_tags_for_resource(state, &call, input(&body)?),
    };
    result.map_err(AwsError::from)
}

/// The JSON body as the operation's input; a member of the wrong type is a
/// `SerializationException`, as AWS answers it.
fn input<T: DeserializeOwned>(body: &Value) -> Result<T, SsmError> {
    T::deserialize(body).map_err(|error| {
        let text = error.to_string();
        let reason = text.split(" at line ").next().unwrap_or("invalid input");
        SsmError::Serialization(format!("Could not read the request: {reason}"))
    })
}

/// A role session must be allowed `ssm:<Operation>` on each parameter the request names
/// (`arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`, a public one's with an empty account), on the
/// path for GetParametersByPath, and on `arn:aws:ssm:REGION:ACCOUNT:*` for DescribeParameters.
fn authorize(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    body: &Value,
) -> Result<(), AwsError> {
    let action = format!("ssm:{}", operation.name());
    let account = ctx.caller.account();
    let arn_of = |name: &str| {
        let bare = name.split(':').next().unwrap_or(name);
        let named = if name.starts_with("arn:") {
            names::requested(name, &ctx.region, account).map(|asked| asked.name).unwrap_or_default()
        } else {
            bare.to_string()
        };
        let owner = if names::is_public(&named) { "" } else { account };
        names::arn(&ctx.region, owner, &named)
    };
    let text = |member: &str| body.get(member).and_then(Value::as_str);
    let resources: Vec<String> = match operation {
        Operation::DescribeParameters => vec![format!("arn:aws:ssm:{}:{account}:*", ctx.region)],
        Operation::GetParametersByPath => text("Path").map(arn_of).into_iter().collect(),
        Operation::GetParameters | Operation::DeleteParameters => (body.get("Names"))
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).map(arn_of).collect())
            .unwrap_or_default(),
        Operation::AddTagsToResource
        | Operation::RemoveTagsFromResource
        | Operation::ListTagsForResource => text("ResourceId").map(arn_of).into_iter().collect(),
        Operation::PutParameter
        | Operation::GetParameter
        | Operation::DeleteParameter
        | Operation::GetParameterHistory => text("Name").map(arn_of).into_iter().collect(),
    };
    for resource in resources {
        super::authorize(shared, ctx, Service::Ssm, &action, &resource)?;
    }
    Ok(())
}

/// Under AWS's timing, the reads past the account's throughput in the region are throttled.
fn throttle(shared: &Shared, ctx: &RequestContext, operation: Operation) -> Result<(), AwsError> {
    let read = matches!(
        operation,
        Operation::GetParameter | Operation::GetParameters | Operation::GetParametersByPath
    );
    if !read || !shared.config.clockwork.timing.is_aws() {
        return Ok(());
    }
    let key = format!("ssm/{}/{}/reads", ctx.caller.account(), ctx.region);
    let now = crate::clock::millis(ctx.now);
    shared.throttles.take(&key, READ_RATE, now).map_err(|seconds| {
        AwsError::sender("ThrottlingException", 400, "Rate exceeded").with_retry_after(seconds)
    })
}

/// What EC2 makes of an image id `resolve:ssm:NAME` (or `…:NAME:VERSION`): the parameter's
/// value, in the caller's account and region; `None` when no such parameter exists. The second
/// member is the parameter's data type (`text` for the public ones, as on AWS).
pub fn resolve_image(
    shared: &Shared,
    ctx: &RequestContext,
    name: &str,
) -> Option<(String, String)> {
    let call = Call {
        region: &ctx.region,
        account: ctx.caller.account(),
        caller_arn: ctx.caller.arn(),
        now_ms: crate::clock::millis(ctx.now),
    };
    let asked = names::requested(name, call.region, call.account).ok()?;
    let found = parameters::find(&lock(&shared.ssm), &call, &asked).ok()?;
    let public = names::is_public(&found.name);
    Some((found.version.value, if public { "public".into() } else { found.version.data_type }))
}

impl SsmState {
    /// Deletes the parameters tagged `awslab:lab` = `lab`, in every account and region;
    /// answers their ARNs.
    pub fn delete_lab_parameters(&mut self, lab: &str) -> Vec<String> {
        let mut deleted = Vec::new();
        for (account, regions) in self.accounts.iter_mut() {
            for (region, parameters) in regions.iter_mut() {
                parameters.parameters.retain(|_, stored| {
                    let ours = stored.tags.get("awslab:lab").is_some_and(|tag| tag == lab);
                    if ours {
                        deleted.push(names::arn(region, account, &stored.name));
                    }
                    !ours
                });
            }
        }
        deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ACCOUNT_ID, EmulatorConfig};
    use serde_json::json;

    fn context() -> RequestContext {
        RequestContext::learner("ap-northeast-2", time::OffsetDateTime::now_utc())
    }

    #[test]
    fn every_implemented_operation_is_served_and_the_rest_are_aws_errors() {
        crate::services::assert_json_operations_declared(Service::Ssm, "GetParameterz");
    }

    #[test]
    fn a_lab_reset_deletes_only_that_labs_parameters() {
        let shared = std::sync::Arc::new(Shared::new(EmulatorConfig::default()).unwrap());
        let ctx = context();
        let put = |name: &str, lab: &str| {
            let body = json!({"Name": name, "Value": "v", "Type": "String",
                "Tags": [{"Key": "awslab:lab", "Value": lab}]});
            crate::services::json(&shared, &ctx, Service::Ssm, "PutParameter", body).unwrap();
        };
        put("/lab/a", "cloudwatch-alarm");
        put("/lab/b", "serverless-api");
        let deleted = lock(&shared.ssm).delete_lab_parameters("cloudwatch-alarm");
        assert_eq!(deleted, [format!("arn:aws:ssm:ap-northeast-2:{ACCOUNT_ID}:parameter/lab/a")]);
        let get = |name: &str| {
            crate::services::json(
                &shared,
                &ctx,
                Service::Ssm,
                "GetParameter",
                json!({"Name": name}),
            )
        };
        assert_eq!(get("/lab/a").unwrap_err().code, "ParameterNotFound");
        assert!(get("/lab/b").is_ok());
    }

    #[test]
    fn an_older_state_file_without_ssm_members_still_loads() {
        let state: SsmState = serde_json::from_str("{}").unwrap();
        assert_eq!(state, SsmState::default());
        let state: SsmState =
            serde_json::from_str(r#"{"accounts": {"1": {"us-east-1": {}}}}"#).unwrap();
        assert!(state.accounts["1"]["us-east-1"].parameters.is_empty());
    }
}
