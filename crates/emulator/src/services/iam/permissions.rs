//! What an IAM operation needs of a caller that is not the root (a user, a role session):
//! `iam:<Operation>` on the resource AWS names when it refuses one, as recorded from AWS:
//! the role, user, group or policy the request names, by its ARN with its path
//! (`arn:aws:iam::ACCOUNT:role/service-role/NAME`); for a listing, the path being listed
//! (`arn:aws:iam::ACCOUNT:user/` for `ListUsers`, and `policy path /` for `ListPolicies`).
//!
//! Not here: evaluating the caller's policies (`services::authorize`).

use super::access_keys::owner_of;
use super::{IamState, Operation};
use crate::identity::Caller;
use crate::services::operation::Operations;
use serde_json::Value;

/// The action and resource `operation` is checked for, with `params` its request's parameters.
pub fn required(
    state: &IamState,
    operation: Operation,
    params: &Value,
    caller: &Caller,
) -> (String, String) {
    let text = |name: &str| params.get(name).and_then(Value::as_str);
    let path = text("Path").unwrap_or("/");
    let prefix = text("PathPrefix").unwrap_or("/");
    let iam = |kind: &str, rest: &str| format!("arn:aws:iam::{}:{kind}{rest}", caller.account());
    let named = |kind: &str, name: &str| {
        match kind {
            "role" => state.role(name).map(|role| role.arn.clone()).ok(),
            "user" => state.user(name).map(|user| user.arn.clone()).ok(),
            _ => state.group(name).map(|group| group.arn.clone()).ok(),
        }
        .unwrap_or_else(|| iam(kind, &format!("/{name}")))
    };
    let resource = match operation {
        Operation::CreateRole => iam("role", &format!("{path}{}", text("RoleName").unwrap_or(""))),
        Operation::CreateUser => iam("user", &format!("{path}{}", text("UserName").unwrap_or(""))),
        Operation::CreateGroup => {
            iam("group", &format!("{path}{}", text("GroupName").unwrap_or("")))
        }
        Operation::CreatePolicy => {
            iam("policy", &format!("{path}{}", text("PolicyName").unwrap_or("")))
        }
        Operation::ListRoles => iam("role", prefix),
        Operation::ListUsers => iam("user", prefix),
        Operation::ListGroups => iam("group", prefix),
        Operation::ListPolicies => format!("policy path {prefix}"),
        Operation::GetAccessKeyLastUsed => (text("AccessKeyId"))
            .and_then(|id| owner_of(state, id))
            .map_or_else(|| "*".to_string(), |user| named("user", &user)),
        _ => match (text("GroupName"), text("RoleName"), text("UserName"), text("PolicyArn")) {
            (Some(group), _, _, _) => named("group", group),
            (None, Some(role), _, _) => named("role", role),
            (None, None, Some(user), _) => named("user", user),
            (None, None, None, Some(policy)) => policy.to_string(),
            // An operation on the caller's own user (`GetUser`, `CreateAccessKey` unnamed).
            (None, None, None, None) => caller.arn(),
        },
    };
    (format!("iam:{}", operation.name()), resource)
}
