//! DynamoDB, served by the dynoxide-rs engine (being built).

use super::{Operation, RequestContext};
use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::Shared;
use serde_json::Value;

pub const OPERATIONS: &[Operation] = &[];

pub fn handle(
    _shared: &Shared,
    _ctx: &RequestContext,
    operation: &str,
    _input: Value,
) -> Result<Value, AwsError> {
    Err(super::not_implemented(Service::DynamoDb, operation))
}
