//! May this caller do this? The learner (root) may do anything; a role session may do what its
//! role's identity-based policies allow, and an IAM user what its own policies and its groups'
//! allow, evaluated as IAM does (`crate::policy`), within the principal's permissions boundary
//! when it has one; either is refused with AWS's exact access-denied text otherwise, naming
//! the session's or the user's ARN.

use super::RequestContext;
use crate::error::AwsError;
use crate::identity::Caller;
use crate::policy::{self, Decision, Denial};
use crate::protocol::Service;
use crate::services::iam::propagation::Principal;
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
    let (documents, context, boundary) = match &ctx.caller {
        Caller::Root { .. } => return Ok(()),
        Caller::RoleSession(session) => {
            let iam = lock(&shared.iam);
            let boundary = iam.boundary(&Principal::Role(session.role_name.clone()));
            let documents = iam.identity_policies(&session.role_name, now);
            (documents, request_context(ctx, &session.role_arn, "AssumedRole"), boundary)
        }
        Caller::User(user) => {
            let mut context = request_context(ctx, &user.arn, "User");
            context.insert("aws:username".to_string(), vec![user.user_name.clone()]);
            let iam = lock(&shared.iam);
            let boundary = iam.boundary(&Principal::User(user.user_name.clone()));
            (iam.user_policies(&user.user_name, now), context, boundary)
        }
    };
    let references: Vec<&Value> = documents.iter().map(|(_, document)| document).collect();
    let request = policy::Request { action, resource, context: &context };
    let evaluation = policy::evaluate(&references, &request);
    // A permissions boundary caps what the identity-based policies may allow: both must allow,
    // and a deny in either refuses.
    let bounded = boundary.as_ref().map(|boundary| policy::evaluate(&[boundary], &request));
    for unsupported in evaluation
        .unsupported_conditions
        .iter()
        .chain(bounded.iter().flat_map(|bounded| bounded.unsupported_conditions.iter()))
    {
        eprintln!("awslab emulator: {unsupported}");
    }
    let denial = match (evaluation.decision, bounded.map(|bounded| bounded.decision)) {
        (Decision::ExplicitDeny, _) => Denial::ExplicitDeny {
            policy_arn: evaluation
                .denying_policy
                .and_then(|index| documents.get(index))
                .and_then(|(arn, _)| arn.as_deref()),
        },
        (_, Some(Decision::ExplicitDeny)) => Denial::BoundaryExplicitDeny,
        (Decision::ImplicitDeny, _) => Denial::NoAllow,
        (Decision::Allow, Some(Decision::ImplicitDeny)) => Denial::BoundaryNoAllow,
        (Decision::Allow, None | Some(Decision::Allow)) => return Ok(()),
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
