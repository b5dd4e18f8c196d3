//! IAM: policies, roles, their attachments and inline policies (being built).

use super::{Operation, RequestContext};
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::Shared;
use serde_json::Value;

pub const OPERATIONS: &[Operation] = &[];

/// IAM's state: global to the account.
#[derive(Debug, Default)]
pub struct IamState {}

pub fn handle(
    _shared: &Shared,
    _ctx: &RequestContext,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    Err(super::not_implemented(Service::Iam, &request.action))
}
