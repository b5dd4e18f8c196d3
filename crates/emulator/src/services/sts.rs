//! STS: who am I, and temporary role sessions.
//!
//! `GetCallerIdentity` needs no permission, as on AWS. `AssumeRole` issues keys for a role
//! whose trust policy lets the caller in (see [`iam::trust`](super::iam::trust)), and for an
//! IAM user whose own policies allow it too when the trust policy trusts the account rather
//! than the user ([`user_may_assume`]); the keys are recorded in `Shared::sessions`, so a later
//! request signed with them acts as the role session. [`assume_role_for_service`] does the same
//! for an AWS service (Lambda running a function with its execution role).
//!
//! Not here: session policies and session tags narrowing what the keys may do (they are checked
//! and sized, but a role session does not carry them yet), MFA, and the other `AssumeRole…`
//! operations.

use super::iam::documents::{check_identity_policy, packed_size};
use super::iam::ids;
use super::iam::names::{Case, Checks, Tag, check_tags, is_name, parse_arn};
use super::iam::roles::RoleLastUsed;
use super::iam::trust::{self, Principal};
use super::iam::{IamError, list};
use super::operation::operations;
use super::{RequestContext, output};
use crate::clock::iso8601;
use crate::error::AwsError;
use crate::identity::{Caller, RoleSession};
use crate::protocol::query::QueryRequest;
use crate::state::{Shared, lock};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

operations! {
    /// STS's operations. `AssumeRole` changes IAM's state: the role's last use.
    pub enum Operation {
        AssumeRole: Changes,
        GetCallerIdentity: Reads,
    }
    missing: [
        "AssumeRoleWithSAML",
        "AssumeRoleWithWebIdentity",
        "AssumeRoot",
        "DecodeAuthorizationMessage",
        "GetAccessKeyInfo",
        "GetDelegatedAccessToken",
        "GetFederationToken",
        "GetSessionToken",
        "GetWebIdentityToken",
    ]
}

/// How long a service's role session lasts. Lambda keeps a worker's keys for the worker's life;
/// a caller that outlives this asks again.
const SERVICE_SESSION: Duration = Duration::hours(12);

/// Serves one STS operation.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    match operation {
        Operation::GetCallerIdentity => output(get_caller_identity(ctx)),
        Operation::AssumeRole => output(assume_role(shared, ctx, request.input()?)?),
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleInput {
    role_arn: String,
    role_session_name: String,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    duration_seconds: Option<i64>,
    policy: Option<String>,
    #[serde(default, deserialize_with = "list")]
    policy_arns: Vec<PolicyArn>,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
    external_id: Option<String>,
    source_identity: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyArn {
    arn: String,
}

/// The result as AWS's API reference shows it: the assumed-role user, then the credentials.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleOutput {
    source_identity: Option<String>,
    assumed_role_user: AssumedRoleUser,
    credentials: Credentials,
    packed_policy_size: Option<u64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssumedRoleUser {
    arn: String,
    assumed_role_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
}

fn assume_role(
    shared: &Shared,
    ctx: &RequestContext,
    input: AssumeRoleInput,
) -> Result<AssumeRoleOutput, AwsError> {
    check_input(&input)?;
    let caller_arn = ctx.caller.arn();
    let (principal, principal_arn, chained) = match &ctx.caller {
        Caller::Root { account } => (
            Principal::Aws { account: account.clone(), arns: vec![caller_arn.clone()] },
            caller_arn.clone(),
            false,
        ),
        Caller::RoleSession(session) => (
            Principal::Aws {
                account: session.account.clone(),
                arns: vec![caller_arn.clone(), session.role_arn.clone()],
            },
            session.role_arn.clone(),
            true,
        ),
        Caller::User(user) => (
            Principal::Aws { account: user.account.clone(), arns: vec![user.arn.clone()] },
            user.arn.clone(),
            false,
        ),
    };
    let mut context = vec![
        ("sts:RoleSessionName", input.role_session_name.as_str()),
        ("aws:PrincipalAccount", ctx.caller.account()),
        ("aws:PrincipalArn", principal_arn.as_str()),
    ];
    if let Some(external_id) = &input.external_id {
        context.push(("sts:ExternalId", external_id));
    }
    if let Some(source_identity) = &input.source_identity {
        context.push(("sts:SourceIdentity", source_identity));
    }
    let denied = || access_denied(&caller_arn, &input.role_arn);
    if let Caller::User(user) = &ctx.caller {
        user_may_assume(shared, ctx, &user.arn, &input.role_arn, &context).map_err(|_| denied())?;
    }
    let duration = input.duration_seconds.unwrap_or(3600);
    let (role_name, role_id) = {
        let mut iam = lock(&shared.iam);
        let role = iam.role_by_arn(&input.role_arn).ok_or_else(denied)?;
        if !trust::allows(&role.trust_policy, &principal, "sts:AssumeRole", &context) {
            return Err(denied());
        }
        if chained && duration > 3600 {
            return Err(AwsError::validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed \
                 by role chaining.",
            ));
        }
        if duration > role.max_session_duration {
            return Err(AwsError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        let (name, id) = (role.name.clone(), role.id.clone());
        if let Ok(role) = iam.role_mut(&name) {
            role.last_used =
                Some(RoleLastUsed { date: iso8601(ctx.now), region: Some(ctx.region.clone()) });
        }
        (name, id)
    };
    let session = new_session(
        &shared.ids,
        &input.role_arn,
        &role_name,
        &role_id,
        &input.role_session_name,
        ctx.now + Duration::seconds(duration),
    );
    lock(&shared.sessions).insert(session.clone());
    Ok(AssumeRoleOutput {
        source_identity: input.source_identity.clone(),
        assumed_role_user: AssumedRoleUser {
            arn: Caller::RoleSession(session.clone()).arn(),
            assumed_role_id: format!("{role_id}:{}", input.role_session_name),
        },
        credentials: Credentials {
            access_key_id: session.access_key,
            secret_access_key: session.secret_key,
            session_token: session.session_token,
            expiration: iso8601(session.expires),
        },
        packed_policy_size: packed_policy_size(&input),
    })
}

/// AWS's rule for a user in the role's account: a trust policy that names the user itself
/// (its ARN) is enough; one that trusts the account (`arn:aws:iam::ACCOUNT:root`, or the
/// account id) leaves the decision to the account, so the user's own policies must also allow
/// `sts:AssumeRole` on the role (IAM User Guide, "Policy evaluation for requests within a single
/// account": role trust policies must allow the principal, and an allow in either policy is
/// enough only when the resource policy names the principal). The trust policy itself is
/// checked afterwards, for every caller.
fn user_may_assume(
    shared: &Shared,
    ctx: &RequestContext,
    user_arn: &str,
    role_arn: &str,
    context: &[(&str, &str)],
) -> Result<(), AwsError> {
    let named = {
        let iam = lock(&shared.iam);
        // No account: only statements that name this user (or anyone) match.
        let user_only = Principal::Aws { account: String::new(), arns: vec![user_arn.to_string()] };
        iam.role_by_arn(role_arn).is_some_and(|role| {
            trust::allows(&role.trust_policy, &user_only, "sts:AssumeRole", context)
        })
    };
    if named {
        return Ok(());
    }
    super::authorize(shared, ctx, crate::protocol::Service::Sts, "sts:AssumeRole", role_arn)
}

/// The parameter checks, in STS's words (which quote the value).
fn check_input(input: &AssumeRoleInput) -> Result<(), AwsError> {
    let mut checks = Checks::sts();
    checks.length("roleArn", &input.role_arn, 20, 2048);
    let session = &input.role_session_name;
    checks.length("roleSessionName", session, 2, 64);
    checks.pattern(
        "roleSessionName",
        session,
        session.is_empty() || is_name(session),
        r"[\w+=,.@-]*",
    );
    if let Some(duration) = input.duration_seconds {
        checks.range("durationSeconds", duration, 900, 43200);
    }
    if let Some(policy) = &input.policy {
        checks.length("policy", policy, 1, 2048);
    }
    if let Some(external_id) = &input.external_id {
        checks.length("externalId", external_id, 2, 1224);
    }
    checks.finish()?;
    if parse_arn(&input.role_arn).is_none() {
        return Err(AwsError::validation(format!("{} is invalid", input.role_arn)));
    }
    if let Some(policy) = &input.policy {
        check_identity_policy(policy)?;
    }
    check_tags(&input.tags, Case::Insensitive).map_err(|error| match error {
        IamError::DuplicateTags { .. } => AwsError::sender(
            "InvalidParameterValue",
            400,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ),
        other => other.into(),
    })
}

/// AWS reports how much of the packed (compressed) allowance the session policies and tags use,
/// as a percentage, and only when some were passed. The emulator does not compress; it
/// estimates half the plain size, which is about what AWS's packing achieves on JSON.
fn packed_policy_size(input: &AssumeRoleInput) -> Option<u64> {
    if input.policy.is_none() && input.policy_arns.is_empty() && input.tags.is_empty() {
        return None;
    }
    let policy = input.policy.as_deref().map_or(0, packed_size);
    let arns: usize = input.policy_arns.iter().map(|p| p.arn.len()).sum();
    let tags: usize = input.tags.iter().map(|t| t.key.len() + t.value.len()).sum();
    let plain = u64::try_from(policy + arns + tags).unwrap_or(u64::MAX);
    Some((plain * 100 / 2).div_ceil(2048).min(100))
}

fn access_denied(caller_arn: &str, role_arn: &str) -> AwsError {
    AwsError::sender(
        "AccessDenied",
        403,
        format!(
            "User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        ),
    )
}

fn new_session(
    ids: &crate::ids::Ids,
    role_arn: &str,
    role_name: &str,
    role_id: &str,
    session_name: &str,
    expires: OffsetDateTime,
) -> RoleSession {
    RoleSession {
        account: crate::ACCOUNT_ID.to_string(),
        role_name: role_name.to_string(),
        role_arn: role_arn.to_string(),
        role_id: role_id.to_string(),
        session_name: session_name.to_string(),
        access_key: ids::temporary_access_key(ids),
        secret_key: ids::secret_access_key(),
        session_token: ids::session_token(),
        expires,
    }
}

/// A role session for an AWS service acting with a role (Lambda running a function with its
/// execution role): the role must exist and its trust policy must let `service_principal`
/// (`lambda.amazonaws.com`) assume it. The session is recorded, so its keys work at once, and
/// lasts 12 hours from `now`.
#[allow(dead_code)] // Lambda's issue calls it
pub fn assume_role_for_service(
    shared: &Shared,
    role_arn: &str,
    session_name: &str,
    service_principal: &str,
    now: OffsetDateTime,
) -> Result<RoleSession, AwsError> {
    let denied = || {
        AwsError::sender(
            "AccessDenied",
            403,
            format!(
                "{service_principal} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            ),
        )
    };
    let (role_name, role_id) = {
        let mut iam = lock(&shared.iam);
        let role = iam.role_by_arn(role_arn).ok_or_else(denied)?;
        let principal = Principal::Service(service_principal.to_string());
        let context = [
            ("sts:RoleSessionName", session_name),
            ("aws:SourceAccount", crate::ACCOUNT_ID),
            ("aws:PrincipalServiceName", service_principal),
        ];
        if !trust::allows(&role.trust_policy, &principal, "sts:AssumeRole", &context) {
            return Err(denied());
        }
        let (name, id) = (role.name.clone(), role.id.clone());
        if let Ok(role) = iam.role_mut(&name) {
            role.last_used = Some(RoleLastUsed { date: iso8601(now), region: None });
        }
        (name, id)
    };
    let expires = now + SERVICE_SESSION;
    let session = new_session(&shared.ids, role_arn, &role_name, &role_id, session_name, expires);
    lock(&shared.sessions).insert(session.clone());
    Ok(session)
}

#[cfg(test)]
mod tests {
    // `assume_role_for_service`, which only the emulator's own services call (so it is tested
    // here, not over HTTP), and the packed policy size estimate.

    use super::*;
    use crate::config::EmulatorConfig;
    use crate::services::iam::roles;

    const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    fn shared_with_role(name: &str, trust: &str) -> Shared {
        let shared = Shared::new(EmulatorConfig::default()).expect("an in-memory state");
        let input = serde_json::json!({"RoleName": name, "AssumeRolePolicyDocument": trust});
        let input = serde_json::from_value(input).expect("a CreateRole input");
        roles::create_role(
            &mut lock(&shared.iam),
            input,
            time::macros::datetime!(2024-05-01 12:00 UTC),
            &shared.ids,
        )
        .expect("the role");
        shared
    }

    fn arn(name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", crate::ACCOUNT_ID)
    }

    #[test]
    fn lambda_gets_a_recorded_session_of_a_role_that_trusts_it() {
        let shared = shared_with_role("aws-lab-dynamodb-role", LAMBDA_TRUST);
        let now = OffsetDateTime::now_utc();
        let role_arn = arn("aws-lab-dynamodb-role");
        let session =
            assume_role_for_service(&shared, &role_arn, "addCustomer", "lambda.amazonaws.com", now)
                .expect("Lambda may assume the role");
        assert_eq!(session.role_name, "aws-lab-dynamodb-role");
        assert!(session.role_id.starts_with("AROA") && session.access_key.starts_with("ASIA"));
        assert_eq!(session.expires, now + Duration::hours(12));
        let caller = lock(&shared.sessions).caller(&session.access_key, now).unwrap();
        assert_eq!(
            caller.arn(),
            format!(
                "arn:aws:sts::{}:assumed-role/aws-lab-dynamodb-role/addCustomer",
                crate::ACCOUNT_ID
            )
        );
        let iam = lock(&shared.iam);
        let last_used = iam.role("aws-lab-dynamodb-role").unwrap().last_used.clone();
        assert_eq!(last_used.map(|u| u.date), Some(iso8601(now)));
    }

    #[test]
    fn other_services_and_missing_roles_are_refused() {
        let shared = shared_with_role("lambda-only", LAMBDA_TRUST);
        let now = OffsetDateTime::now_utc();
        let error = assume_role_for_service(
            &shared,
            &arn("lambda-only"),
            "s",
            "apigateway.amazonaws.com",
            now,
        )
        .unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("AccessDenied", 403));
        assert_eq!(
            error.message,
            format!(
                "apigateway.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: {}",
                arn("lambda-only")
            )
        );
        let missing =
            assume_role_for_service(&shared, &arn("nope"), "s", "lambda.amazonaws.com", now);
        assert_eq!(missing.unwrap_err().code, "AccessDenied");
    }

    #[test]
    fn packed_size_is_reported_only_for_session_policies_and_tags() {
        let input = |policy: Option<&str>, tags: Vec<Tag>| AssumeRoleInput {
            role_arn: arn("r"),
            role_session_name: "s".into(),
            duration_seconds: None,
            policy: policy.map(str::to_string),
            policy_arns: Vec::new(),
            tags,
            external_id: None,
            source_identity: None,
        };
        assert_eq!(packed_policy_size(&input(None, Vec::new())), None);
        let tag = Tag { key: "lab".into(), value: "serverless-api".into() };
        let small = packed_policy_size(&input(None, vec![tag])).unwrap();
        assert!((1..=100).contains(&small), "{small}");
        let big = packed_policy_size(&input(Some(&"x".repeat(2000)), Vec::new())).unwrap();
        assert!(big > small && big <= 100, "{big}");
    }
}
