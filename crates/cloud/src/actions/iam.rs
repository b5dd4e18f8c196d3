//! IAM actions: create a customer managed policy, create a role (and attach policies to it),
//! attach a policy.

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use aws_sdk_iam::types::Tag;
use serde_json::{Value, json};

fn tags(ctx: &ActionContext<'_>) -> Vec<Tag> {
    ctx.tags()
        .into_iter()
        .filter_map(|(key, value)| Tag::builder().key(key).value(value).build().ok())
        .collect()
}

pub async fn create_policy(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("policy_name")?;
    let document = params.json("policy_document")?;
    let description = params.optional_text("description")?;
    let mut call = CallBuilder::new("iam", "iam", "CreatePolicy")
        .text("policy-name", name)
        .json("policy-document", &document);
    call = call.optional_text("description", description);
    recorder.call(call);
    let answer = ctx
        .clients
        .iam
        .create_policy()
        .policy_name(name)
        .policy_document(document.to_string())
        .set_description(description.map(str::to_string))
        .set_tags(Some(tags(ctx)))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "CreatePolicy", error))?;
    let policy = answer.policy();
    if let Some(arn) = policy.and_then(|p| p.arn()) {
        recorder.created("iam.policy", arn);
    }
    Ok(json!({
        "PolicyName": policy.and_then(|p| p.policy_name()),
        "Arn": policy.and_then(|p| p.arn()),
        "DefaultVersionId": policy.and_then(|p| p.default_version_id()),
    }))
}

pub async fn create_role(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("role_name")?;
    let trust = params.json("trust_policy")?;
    let description = params.optional_text("description")?;
    let policies = params.list("policies")?;
    let mut call = CallBuilder::new("iam", "iam", "CreateRole")
        .text("role-name", name)
        .json("assume-role-policy-document", &trust);
    call = call.optional_text("description", description);
    recorder.call(call);
    let answer = ctx
        .clients
        .iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .set_description(description.map(str::to_string))
        .set_tags(Some(tags(ctx)))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "CreateRole", error))?;
    recorder.created("iam.role", name);
    for policy_arn in &policies {
        attach(ctx, recorder, name, policy_arn).await?;
    }
    Ok(json!({
        "RoleName": name,
        "Arn": answer.role().map(|role| role.arn()),
        "AttachedPolicies": policies,
    }))
}

pub async fn attach_role_policy(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let role = params.text("role_name")?;
    let policy_arn = params.text("policy_arn")?;
    attach(ctx, recorder, role, policy_arn).await?;
    Ok(json!({ "RoleName": role, "PolicyArn": policy_arn }))
}

async fn attach(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
    role: &str,
    policy_arn: &str,
) -> Result<(), Failure> {
    recorder.call(
        CallBuilder::new("iam", "iam", "AttachRolePolicy")
            .text("role-name", role)
            .text("policy-arn", policy_arn),
    );
    ctx.clients
        .iam
        .attach_role_policy()
        .role_name(role)
        .policy_arn(policy_arn)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "AttachRolePolicy", error))?;
    Ok(())
}
