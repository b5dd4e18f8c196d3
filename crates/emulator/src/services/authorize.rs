//! May this caller do this? The learner (root) may do anything; a role session may do what its
//! role's identity-based policies allow, and an IAM user what its own policies and its groups'
//! allow, evaluated as IAM does (`crate::policy`); either is refused with AWS's exact
//! access-denied text otherwise, naming the session's or the user's ARN.

use super::RequestContext;
use crate::error::AwsError;
use crate::identity::Caller;
use crate::policy::{self, Decision, Denial};
use crate::protocol::Service;
use crate::state::{Shared, lock};
use serde_json::Value;

/// Checks one `(action, resource)` of a request against the caller's policies.
pub fn authorize(
    shared: &Shared,
    ctx: &RequestContext,
    service: Service,
    action: &str,
    resource: &str,
) -> Result<(), AwsError> {
    let now = crate::clock::millis(ctx.now);
    let (documents, context) = match &ctx.caller {
        Caller::Root { .. } => return Ok(()),
        Caller::RoleSession(session) => (
            lock(&shared.iam).identity_policies(&session.role_name, now),
            request_context(ctx, &session.role_arn, "AssumedRole"),
        ),
        Caller::User(user) => {
            let mut context = request_context(ctx, &user.arn, "User");
            context.insert("aws:username".to_string(), vec![user.user_name.clone()]);
            (lock(&shared.iam).user_policies(&user.user_name, now), context)
        }
    };
    let references: Vec<&Value> = documents.iter().map(|(_, document)| document).collect();
    let request = policy::Request { action, resource, context: &context };
    let evaluation = policy::evaluate(&references, &request);
    for unsupported in &evaluation.unsupported_conditions {
        eprintln!("awslab emulator: {unsupported}");
    }
    let denial = match evaluation.decision {
        Decision::Allow => return Ok(()),
        Decision::ImplicitDeny => Denial::NoAllow,
        Decision::ExplicitDeny => Denial::ExplicitDeny {
            policy_arn: evaluation
                .denying_policy
                .and_then(|index| documents.get(index))
                .and_then(|(arn, _)| arn.as_deref()),
        },
    };
    let message = policy::access_denied_message(&ctx.caller.arn(), action, resource, denial);
    Err(match service {
        // JSON services name it with the `Exception` suffix and answer 400.
        Service::DynamoDb
        | Service::DynamoDbStreams
        | Service::Logs
        | Service::CloudWatch
        | Service::Ssm => AwsError::sender("AccessDeniedException", 400, message),
        // REST services: the `Exception` suffix and 403.
        Service::Lambda | Service::ApiGateway => {
            AwsError::sender("AccessDeniedException", 403, message)
        }
        _ => AwsError::sender("AccessDenied", 403, message),
    })
}

/// The global condition keys a request carries.
fn request_context(
    ctx: &RequestContext,
    principal_arn: &str,
    principal_type: &str,
) -> policy::Context {
    let mut context = policy::Context::new();
    let mut put = |key: &str, value: String| {
        context.insert(key.to_string(), vec![value]);
    };
    put("aws:PrincipalArn", principal_arn.to_string());
    put("aws:PrincipalAccount", ctx.caller.account().to_string());
    put("aws:PrincipalType", principal_type.to_string());
    put("aws:userid", ctx.caller.user_id());
    put("aws:RequestedRegion", ctx.region.clone());
    put("aws:CurrentTime", crate::clock::iso8601(ctx.now));
    put("aws:EpochTime", ctx.now.unix_timestamp().to_string());
    put("aws:SecureTransport", "false".to_string());
    context
}
