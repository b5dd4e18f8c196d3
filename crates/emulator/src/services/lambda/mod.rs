//! Lambda (restJson1): functions, versions, aliases, resource policies, tags, and `Invoke`,
//! which runs the handler for real in a local `python3` or `node` (see `runtime`).
//!
//! - `model`: the state (functions, versions, aliases, policies) and how it is named and shown.
//! - `functions`: create, read, update, delete, publish versions. `aliases`, `permissions`
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
pub mod permissions;
pub mod runtime;
pub mod tags;

use super::{Operation, RequestContext, op};
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::rest_json::{RestRequest, RestResponse, RestRoute};
use crate::state::Shared;
pub use model::LambdaState;
use std::sync::Arc;

/// The operations of the real Lambda API, and which the emulator implements.
pub const OPERATIONS: &[Operation] = &[
    op("AddLayerVersionPermission", false),
    op("AddPermission", true),
    op("CreateAlias", true),
    op("CreateCodeSigningConfig", false),
    op("CreateEventSourceMapping", false),
    op("CreateFunction", true),
    op("CreateFunctionUrlConfig", false),
    op("DeleteAlias", true),
    op("DeleteCodeSigningConfig", false),
    op("DeleteEventSourceMapping", false),
    op("DeleteFunction", true),
    op("DeleteFunctionCodeSigningConfig", false),
    op("DeleteFunctionConcurrency", false),
    op("DeleteFunctionEventInvokeConfig", false),
    op("DeleteFunctionUrlConfig", false),
    op("DeleteLayerVersion", false),
    op("DeleteProvisionedConcurrencyConfig", false),
    op("GetAccountSettings", false),
    op("GetAlias", true),
    op("GetCodeSigningConfig", false),
    op("GetEventSourceMapping", false),
    op("GetFunction", true),
    op("GetFunctionCodeSigningConfig", false),
    op("GetFunctionConcurrency", false),
    op("GetFunctionConfiguration", true),
    op("GetFunctionEventInvokeConfig", false),
    op("GetFunctionRecursionConfig", false),
    op("GetFunctionUrlConfig", false),
    op("GetLayerVersion", false),
    op("GetLayerVersionByArn", false),
    op("GetLayerVersionPolicy", false),
    op("GetPolicy", true),
    op("GetProvisionedConcurrencyConfig", false),
    op("GetRuntimeManagementConfig", false),
    op("Invoke", true),
    op("InvokeAsync", false),
    op("InvokeWithResponseStream", false),
    op("ListAliases", true),
    op("ListCodeSigningConfigs", false),
    op("ListEventSourceMappings", false),
    op("ListFunctionEventInvokeConfigs", false),
    op("ListFunctionUrlConfigs", false),
    op("ListFunctions", true),
    op("ListFunctionsByCodeSigningConfig", false),
    op("ListLayerVersions", false),
    op("ListLayers", false),
    op("ListProvisionedConcurrencyConfigs", false),
    op("ListTags", true),
    op("ListVersionsByFunction", true),
    op("PublishLayerVersion", false),
    op("PublishVersion", true),
    op("PutFunctionCodeSigningConfig", false),
    op("PutFunctionConcurrency", false),
    op("PutFunctionEventInvokeConfig", false),
    op("PutFunctionRecursionConfig", false),
    op("PutProvisionedConcurrencyConfig", false),
    op("PutRuntimeManagementConfig", false),
    op("RemoveLayerVersionPermission", false),
    op("RemovePermission", true),
    op("TagResource", true),
    op("UntagResource", true),
    op("UpdateAlias", true),
    op("UpdateCodeSigningConfig", false),
    op("UpdateEventSourceMapping", false),
    op("UpdateFunctionCode", true),
    op("UpdateFunctionConfiguration", true),
    op("UpdateFunctionEventInvokeConfig", false),
    op("UpdateFunctionUrlConfig", false),
];

const fn route(method: &'static str, template: &'static str, operation: &'static str) -> RestRoute {
    RestRoute { method, template, operation }
}

const FUNCTION: &str = "/2015-03-31/functions/{FunctionName}";

/// The URI templates of the operations the emulator routes (from the Lambda Smithy model).
pub const ROUTES: &[RestRoute] = &[
    route("POST", "/2015-03-31/functions", "CreateFunction"),
    route("GET", "/2015-03-31/functions", "ListFunctions"),
    route("GET", FUNCTION, "GetFunction"),
    route("DELETE", FUNCTION, "DeleteFunction"),
    route("GET", "/2015-03-31/functions/{FunctionName}/configuration", "GetFunctionConfiguration"),
    route(
        "PUT",
        "/2015-03-31/functions/{FunctionName}/configuration",
        "UpdateFunctionConfiguration",
    ),
    route("PUT", "/2015-03-31/functions/{FunctionName}/code", "UpdateFunctionCode"),
    route("POST", "/2015-03-31/functions/{FunctionName}/versions", "PublishVersion"),
    route("GET", "/2015-03-31/functions/{FunctionName}/versions", "ListVersionsByFunction"),
    route("POST", "/2015-03-31/functions/{FunctionName}/aliases", "CreateAlias"),
    route("GET", "/2015-03-31/functions/{FunctionName}/aliases", "ListAliases"),
    route("GET", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "GetAlias"),
    route("PUT", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "UpdateAlias"),
    route("DELETE", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "DeleteAlias"),
    route("POST", "/2015-03-31/functions/{FunctionName}/policy", "AddPermission"),
    route("GET", "/2015-03-31/functions/{FunctionName}/policy", "GetPolicy"),
    route(
        "DELETE",
        "/2015-03-31/functions/{FunctionName}/policy/{StatementId}",
        "RemovePermission",
    ),
    route("POST", "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"),
    route("POST", "/2017-03-31/tags/{Resource}", "TagResource"),
    route("DELETE", "/2017-03-31/tags/{Resource}", "UntagResource"),
    route("GET", "/2017-03-31/tags/{Resource}", "ListTags"),
    route("POST", "/2014-11-13/functions/{FunctionName}/invoke-async", "InvokeAsync"),
    route(
        "POST",
        "/2021-11-15/functions/{FunctionName}/response-streaming-invocations",
        "InvokeWithResponseStream",
    ),
    route("GET", "/2016-08-19/account-settings", "GetAccountSettings"),
];

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
        Self::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
             constraint: {constraint}"
        ))
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

/// Serves one Lambda request. `Invoke` waits for the handler; everything else is immediate.
pub async fn handle(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    request: RestRequest,
) -> Result<RestResponse, AwsError> {
    let response = match request.operation {
        "Invoke" => return invoke::invoke(shared, ctx, &request).await,
        "CreateFunction" => functions::create_function(shared, ctx, &request)?,
        "ListFunctions" => functions::list_functions(shared, ctx, &request)?,
        "GetFunction" => functions::get_function(shared, ctx, &request)?,
        "GetFunctionConfiguration" => functions::get_function_configuration(shared, ctx, &request)?,
        "DeleteFunction" => functions::delete_function(shared, ctx, &request)?,
        "UpdateFunctionCode" => functions::update_function_code(shared, ctx, &request)?,
        "UpdateFunctionConfiguration" => {
            functions::update_function_configuration(shared, ctx, &request)?
        }
        "PublishVersion" => functions::publish_version(shared, ctx, &request)?,
        "ListVersionsByFunction" => functions::list_versions(shared, ctx, &request)?,
        "CreateAlias" => aliases::create_alias(shared, ctx, &request)?,
        "GetAlias" => aliases::get_alias(shared, ctx, &request)?,
        "UpdateAlias" => aliases::update_alias(shared, ctx, &request)?,
        "ListAliases" => aliases::list_aliases(shared, ctx, &request)?,
        "DeleteAlias" => aliases::delete_alias(shared, ctx, &request)?,
        "AddPermission" => permissions::add_permission(shared, ctx, &request)?,
        "RemovePermission" => permissions::remove_permission(shared, ctx, &request)?,
        "GetPolicy" => permissions::get_policy(shared, ctx, &request)?,
        "TagResource" => tags::tag_resource(shared, ctx, &request)?,
        "UntagResource" => tags::untag_resource(shared, ctx, &request)?,
        "ListTags" => tags::list_tags(shared, ctx, &request)?,
        other => return Err(AwsError::not_implemented(Service::Lambda.name(), other)),
    };
    if changes_state(request.operation) {
        shared.save_lambda()?;
    }
    Ok(response)
}

/// Whether an operation changes what is saved.
fn changes_state(operation: &str) -> bool {
    !matches!(
        operation,
        "ListFunctions"
            | "GetFunction"
            | "GetFunctionConfiguration"
            | "ListVersionsByFunction"
            | "GetAlias"
            | "ListAliases"
            | "GetPolicy"
            | "ListTags"
    )
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
pub fn revision_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
