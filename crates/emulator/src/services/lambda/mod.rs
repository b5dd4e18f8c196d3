//! Lambda (restJson1): functions, versions, aliases, resource policies, tags, and `Invoke`,
//! which runs the handler for real in a local `python3` or `node` (see `runtime`).
//!
//! - `model`: the state (functions, versions, aliases, policies) and how it is named and shown.
//! - `operations`: the operation declaration and the URI templates.
//! - `functions`: create, read, update, delete; `validation`: the rules of a function's
//!   settings; `versions`: publishing and listing versions. `aliases`, `permissions`
//!   (`AddPermission`, `GetPolicy`, …) and `tags` likewise, one resource each.
//! - `code`: the zip files, kept by content hash, and their unpacked copies for workers.
//! - `invoke`: the `Invoke` operation; `runtime`: the worker processes and the Runtime API
//!   they speak.
//!
//! Not here: API Gateway's side of invoking (it calls [`invoke::invoke_version`]) and the log
//! service (`services::logs`, which `runtime` writes to).

pub mod aliases;
pub mod code;
pub mod functions;
pub mod invoke;
pub mod model;
mod operations;
pub mod permissions;
pub mod runtime;
pub mod settling;
pub mod tags;
mod validation;
pub mod versions;

use super::RequestContext;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::rest_json::{RestOutput, RestRequest, RestResponse};
use crate::state::Shared;
pub use model::LambdaState;
pub use operations::{Operation, ROUTES};
use std::sync::Arc;

/// The operations of the real Lambda API, and which the emulator implements.
/// Lambda's errors, with AWS's codes and statuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LambdaError {
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ResourceConflict(String),
    #[error("{0}")]
    InvalidParameterValue(String),
    /// Smithy's constraint check: `1 validation error detected: Value … at '…' failed to …`.
    #[error("{0}")]
    Validation(String),
    /// A `RevisionId` that is not the current one.
    #[error("{0}")]
    PreconditionFailed(String),
    /// An `Invoke` payload over the limit.
    #[error("{0}")]
    RequestTooLarge(String),
    /// A create or update request over the limit (a zip over 50 MB, base64-encoded).
    #[error("{0}")]
    RequestEntityTooLarge(String),
    #[error("{0}")]
    InvalidRequestContent(String),
    /// The runtime cannot run here (no interpreter for it).
    #[error("{0}")]
    InvalidRuntime(String),
    #[error("{0}")]
    Service(String),
}

impl LambdaError {
    /// The message of a violated member constraint.
    pub fn validation(value: &str, member: &str, constraint: impl std::fmt::Display) -> Self {
        Self::Validation(crate::validation::one(value, member, constraint))
    }

    /// A `RevisionId` that is not the current one; `reread` names the API that gives it
    /// (`GetFunction/GetAlias`, `GetPolicy`).
    pub fn revision_mismatch(reread: &str) -> Self {
        Self::PreconditionFailed(format!(
            "The Revision Id provided does not match the latest Revision Id. Call the {reread} \
             API to retrieve the latest Revision Id"
        ))
    }

    pub fn function_not_found(arn: &str) -> Self {
        Self::ResourceNotFound(format!("Function not found: {arn}"))
    }
}

impl From<LambdaError> for AwsError {
    fn from(error: LambdaError) -> Self {
        let message = error.to_string();
        let (code, status) = match error {
            LambdaError::ResourceNotFound(_) => ("ResourceNotFoundException", 404),
            LambdaError::ResourceConflict(_) => ("ResourceConflictException", 409),
            LambdaError::InvalidParameterValue(_) => ("InvalidParameterValueException", 400),
            LambdaError::Validation(_) => ("ValidationException", 400),
            LambdaError::PreconditionFailed(_) => ("PreconditionFailedException", 412),
            LambdaError::RequestTooLarge(_) => ("RequestTooLargeException", 413),
            LambdaError::RequestEntityTooLarge(_) => ("RequestEntityTooLargeException", 413),
            LambdaError::InvalidRequestContent(_) => ("InvalidRequestContentException", 400),
            LambdaError::InvalidRuntime(_) => ("InvalidRuntimeException", 502),
            LambdaError::Service(_) => {
                return AwsError::receiver("ServiceException", 500, message);
            }
        };
        AwsError::sender(code, status, message)
    }
}

/// Serves one Lambda request: the request is decoded into the operation's typed input (a
/// create or update request over its size limit is refused first), then the operation runs.
/// `Invoke` waits for the handler; everything else is immediate.
pub async fn handle(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    operation: Operation,
    request: RestRequest,
) -> Result<RestOutput, AwsError> {
    let members = match operation {
        Operation::Invoke => {
            let output = invoke::invoke(shared, ctx, request.bound()?, &request.body).await?;
            return Ok(RestOutput::Payload(encode_invoke(output)));
        }
        Operation::CreateFunction => {
            functions::check_request_size(&request, "CreateFunction")?;
            functions::create_function(shared, ctx, request.input()?)?
        }
        Operation::ListFunctions => functions::list_functions(shared, ctx, request.input()?)?,
        Operation::GetFunction => functions::get_function(shared, ctx, request.input()?)?,
        Operation::GetFunctionConfiguration => {
            functions::get_function_configuration(shared, ctx, request.input()?)?
        }
        Operation::DeleteFunction => functions::delete_function(shared, ctx, request.input()?)?,
        Operation::UpdateFunctionCode => {
            functions::check_request_size(&request, "UpdateFunctionCode")?;
            functions::update_function_code(shared, ctx, request.input()?)?
        }
        Operation::UpdateFunctionConfiguration => {
            functions::update_function_configuration(shared, ctx, request.input()?)?
        }
        Operation::PublishVersion => versions::publish_version(shared, ctx, request.input()?)?,
        Operation::ListVersionsByFunction => {
            versions::list_versions(shared, ctx, request.input()?)?
        }
        Operation::CreateAlias => aliases::create_alias(shared, ctx, request.input()?)?,
        Operation::GetAlias => aliases::get_alias(shared, ctx, request.input()?)?,
        Operation::UpdateAlias => aliases::update_alias(shared, ctx, request.input()?)?,
        Operation::ListAliases => aliases::list_aliases(shared, ctx, request.input()?)?,
        Operation::DeleteAlias => aliases::delete_alias(shared, ctx, request.input()?)?,
        Operation::AddPermission => permissions::add_permission(shared, ctx, request.input()?)?,
        Operation::RemovePermission => {
            permissions::remove_permission(shared, ctx, request.input()?)?
        }
        Operation::GetPolicy => permissions::get_policy(shared, ctx, request.input()?)?,
        Operation::TagResource => tags::tag_resource(shared, ctx, request.input()?)?,
        Operation::UntagResource => tags::untag_resource(shared, ctx, request.input()?)?,
        Operation::ListTags => tags::list_tags(shared, ctx, request.input()?)?,
    };
    Ok(RestOutput::Members(members))
}

/// Invoke's output as restJson answers it: its status, its header members, and the payload as
/// the body.
fn encode_invoke(output: invoke::InvokeOutput) -> RestResponse {
    let headers = [
        ("x-amz-executed-version", output.executed_version),
        ("x-amz-function-error", output.function_error),
        ("x-amz-log-result", output.log_result),
    ];
    let headers = headers.into_iter().filter_map(|(name, value)| Some((name.to_string(), value?)));
    RestResponse { status: output.status_code, headers: headers.collect(), body: output.payload }
}

/// Checks a role session's identity policies for a Lambda action on a function.
pub fn authorize(
    shared: &Shared,
    ctx: &RequestContext,
    action: &str,
    resource: &str,
) -> Result<(), AwsError> {
    super::authorize(shared, ctx, Service::Lambda, action, resource)
}

/// A fresh revision id (Lambda's are UUIDs).
pub fn revision_id(shared: &Shared) -> String {
    shared.ids.uuid()
}
