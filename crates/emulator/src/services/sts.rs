//! STS: who am I, and (with IAM) temporary role sessions.

use super::{Operation, RequestContext, op, output};
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::Shared;
use serde::Serialize;
use serde_json::Value;

pub const OPERATIONS: &[Operation] = &[
    op("AssumeRole", false),
    op("AssumeRoleWithSAML", false),
    op("AssumeRoleWithWebIdentity", false),
    op("AssumeRoot", false),
    op("DecodeAuthorizationMessage", false),
    op("GetAccessKeyInfo", false),
    op("GetCallerIdentity", true),
    op("GetFederationToken", false),
    op("GetSessionToken", false),
];

pub fn handle(
    _shared: &Shared,
    ctx: &RequestContext,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    match request.action.as_str() {
        "GetCallerIdentity" => output(get_caller_identity(ctx)),
        other => Err(super::not_implemented(Service::Sts, other)),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetCallerIdentityOutput {
    user_id: String,
    account: String,
    arn: String,
}

fn get_caller_identity(ctx: &RequestContext) -> GetCallerIdentityOutput {
    GetCallerIdentityOutput {
        user_id: ctx.caller.user_id(),
        account: ctx.caller.account().to_string(),
        arn: ctx.caller.arn(),
    }
}
