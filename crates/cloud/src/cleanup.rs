//! Cleaning up after a lab: delete what the lab created, in an order AWS accepts, then list every
//! service again to prove nothing of the lab is left. Only what carries the tag `awslab:lab` = the
//! lab's id is deleted (see [`crate::ownership`]): a ledger entry whose resource lacks it is the
//! learner's own and is left alone.
//!
//! Order: CloudWatch alarms (they name topics), SNS topics (their subscriptions go with them),
//! EC2 instances (terminated; their root volumes go with them), API Gateway usage plans (their
//! API stages removed first, as API Gateway requires) and API keys, REST APIs (with their stages,
//! deployments and authorizers), Lambda functions (with their versions, aliases and permissions) and their log
//! groups, DynamoDB tables, IAM roles (their policies detached and inline policies deleted
//! first), then IAM policies (their other versions first). A lab policy still attached to a role
//! that is not the lab's is left alone and reported, since detaching it would change that role.

use crate::actions::Created;
use crate::clients::Clients;
use crate::failure::Failure;
use crate::ownership::{LAB_TAG as TAG, Owner, owner};
use serde::Serialize;

/// What a clean-up did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct CleanupReport {
    pub deleted: Vec<Created>,
    /// Resources that could not be deleted, and why.
    pub failed: Vec<(Created, Failure)>,
    /// Resources left alone on purpose, and why.
    pub kept: Vec<(Created, String)>,
    /// What a listing after the clean-up still finds of the lab, besides what was kept on
    /// purpose: empty when it is clean.
    pub remaining: Vec<Created>,
}

impl CleanupReport {
    pub fn clean(&self) -> bool {
        self.failed.is_empty() && self.remaining.is_empty()
    }
}

fn item(kind: &str, id: &str) -> Created {
    Created { kind: kind.to_string(), id: id.to_string() }
}

/// Every resource tagged `awslab:lab` = `lab_id` in the target's region (and IAM).
pub async fn tagged_resources(clients: &Clients, lab_id: &str) -> Result<Vec<Created>, Failure> {
    let mut found = Vec::new();
    // Credentials made for the API labs may not reach CloudWatch, SNS or EC2; what they cannot
    // list they could not have made, so a refusal there means nothing of the lab is there.
    found.extend(unless_refused(tagged_alarms(clients, lab_id).await)?);
    found.extend(unless_refused(tagged_topics(clients, lab_id).await)?);
    found.extend(unless_refused(tagged_instances(clients, lab_id).await)?);
    let mut apis = clients.apigateway.get_rest_apis().limit(500).into_paginator().items().send();
    while let Some(api) = apis.next().await {
        let api = api.map_err(|error| Failure::from_sdk("apigateway", "GetRestApis", error))?;
        if api.tags().and_then(|tags| tags.get(TAG)).is_some_and(|lab| lab == lab_id) {
            found.push(item("apigateway.rest_api", api.id().unwrap_or_default()));
        }
    }
    let mut plans = clients.apigateway.get_usage_plans().limit(500).into_paginator().items().send();
    while let Some(plan) = plans.next().await {
        let plan = plan.map_err(|error| Failure::from_sdk("apigateway", "GetUsagePlans", error))?;
        if plan.tags().and_then(|tags| tags.get(TAG)).is_some_and(|lab| lab == lab_id) {
            found.push(item("apigateway.usage_plan", plan.id().unwrap_or_default()));
        }
    }
    let mut keys = clients.apigateway.get_api_keys().limit(500).into_paginator().items().send();
    while let Some(key) = keys.next().await {
        let key = key.map_err(|error| Failure::from_sdk("apigateway", "GetApiKeys", error))?;
        if key.tags().and_then(|tags| tags.get(TAG)).is_some_and(|lab| lab == lab_id) {
            found.push(item("apigateway.api_key", key.id().unwrap_or_default()));
        }
    }
    let mut functions = clients.lambda.list_functions().into_paginator().items().send();
    while let Some(function) = functions.next().await {
        let function =
            function.map_err(|error| Failure::from_sdk("lambda", "ListFunctions", error))?;
        let Some(arn) = function.function_arn() else { continue };
        let tags = (clients.lambda.list_tags().resource(arn).send().await)
            .map_err(|error| Failure::from_sdk("lambda", "ListTags", error))?;
        if tags.tags().and_then(|tags| tags.get(TAG)).is_some_and(|lab| lab == lab_id) {
            found.push(item("lambda.function", function.function_name().unwrap_or_default()));
        }
    }
    let mut tables = clients.dynamodb.list_tables().into_paginator().items().send();
    while let Some(table) = tables.next().await {
        let table = table.map_err(|error| Failure::from_sdk("dynamodb", "ListTables", error))?;
        let description = (clients.dynamodb.describe_table().table_name(&table).send().await)
            .map_err(|error| Failure::from_sdk("dynamodb", "DescribeTable", error))?;
        let Some(arn) = description.table().and_then(|t| t.table_arn()) else { continue };
        let tags = (clients.dynamodb.list_tags_of_resource().resource_arn(arn).send().await)
            .map_err(|error| Failure::from_sdk("dynamodb", "ListTagsOfResource", error))?;
        if tags.tags().iter().any(|tag| tag.key() == TAG && tag.value() == lab_id) {
            found.push(item("dynamodb.table", &table));
        }
    }
    let mut roles = clients.iam.list_roles().into_paginator().items().send();
    while let Some(role) = roles.next().await {
        let role = role.map_err(|error| Failure::from_sdk("iam", "ListRoles", error))?;
        let tags = (clients.iam.list_role_tags().role_name(role.role_name()).send().await)
            .map_err(|error| Failure::from_sdk("iam", "ListRoleTags", error))?;
        if tags.tags().iter().any(|tag| tag.key() == TAG && tag.value() == lab_id) {
            found.push(item("iam.role", role.role_name()));
        }
    }
    let mut policies = clients
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send();
    while let Some(policy) = policies.next().await {
        let policy = policy.map_err(|error| Failure::from_sdk("iam", "ListPolicies", error))?;
        let Some(arn) = policy.arn() else { continue };
        let tags = (clients.iam.list_policy_tags().policy_arn(arn).send().await)
            .map_err(|error| Failure::from_sdk("iam", "ListPolicyTags", error))?;
        if tags.tags().iter().any(|tag| tag.key() == TAG && tag.value() == lab_id) {
            found.push(item("iam.policy", arn));
        }
    }
    Ok(found)
}

/// Deletes the lab's resources and verifies. What is deleted is what carries the lab's tag:
/// found by listing each service, and the ledger's entries (`ledger`, already limited to this
/// account and region) once each is asked for its tag. A ledger entry whose resource is gone is
/// left out; one whose resource lacks the lab's tag (the learner's own, or there before the
/// lab) is kept, untouched, and said so.
pub async fn cleanup(clients: &Clients, lab_id: &str, ledger: &[Created]) -> CleanupReport {
    let mut report = CleanupReport::default();
    let mut targets: Vec<Created> = match tagged_resources(clients, lab_id).await {
        Ok(tagged) => tagged,
        Err(failure) => {
            report.failed.push((item("awslab.lab", lab_id), failure));
            Vec::new()
        }
    };
    for resource in ledger {
        if targets.contains(resource) {
            continue;
        }
        match owner(clients, resource).await {
            Ok(owner) if owner.is_lab(lab_id) => targets.push(resource.clone()),
            Ok(Owner::Missing) => {}
            Ok(Owner::Lab(other)) => report.kept.push((
                resource.clone(),
                format!("it carries the tag of another lab ({other}), so it is that lab's"),
            )),
            Ok(Owner::Unmarked) => report.kept.push((
                resource.clone(),
                format!(
                    "it does not carry the tag {TAG} = {lab_id}: this lab did not make it (it \
                     was there before, or is from another account), so it is left alone"
                ),
            )),
            Err(failure) => report.failed.push((resource.clone(), failure)),
        }
    }
    let of_kind = |kind: &str| -> Vec<String> {
        targets.iter().filter(|t| t.kind == kind).map(|t| t.id.clone()).collect()
    };
    let lab_roles = of_kind("iam.role");

    let alarms = of_kind("cloudwatch.alarm");
    if !alarms.is_empty() {
        // DeleteAlarms succeeds for names that do not exist.
        match clients.cloudwatch.delete_alarms().set_alarm_names(Some(alarms.clone())).send().await
        {
            Ok(_) => report.deleted.extend(alarms.iter().map(|a| item("cloudwatch.alarm", a))),
            Err(error) => {
                let failure = Failure::from_sdk("cloudwatch", "DeleteAlarms", error);
                for alarm in &alarms {
                    report.failed.push((item("cloudwatch.alarm", alarm), failure.clone()));
                }
            }
        }
    }
    for arn in of_kind("sns.topic") {
        let resource = item("sns.topic", &arn);
        // DeleteTopic succeeds for a topic that is gone; its subscriptions are deleted with it.
        match clients.sns.delete_topic().topic_arn(&arn).send().await {
            Ok(_) => report.deleted.push(resource),
            Err(error) => {
                let failure = Failure::from_sdk("sns", "DeleteTopic", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                }
            }
        }
    }
    for id in of_kind("ec2.instance") {
        let resource = item("ec2.instance", &id);
        match clients.ec2.terminate_instances().instance_ids(&id).send().await {
            Ok(_) => report.deleted.push(resource),
            Err(error) => {
                let failure = Failure::from_sdk("ec2", "TerminateInstances", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                }
            }
        }
    }
    for id in of_kind("ec2.security_group") {
        let resource = item("ec2.security_group", &id);
        match delete_security_group(clients, &id).await {
            Ok(()) => report.deleted.push(resource),
            Err(failure) => report.failed.push((resource, failure)),
        }
    }

    for plan in of_kind("apigateway.usage_plan") {
        let resource = item("apigateway.usage_plan", &plan);
        match delete_usage_plan(clients, &plan).await {
            Ok(()) => report.deleted.push(resource),
            Err(failure) if crate::checks::is_not_found(&failure) => {}
            Err(failure) => report.failed.push((resource, failure)),
        }
    }
    for key in of_kind("apigateway.api_key") {
        let resource = item("apigateway.api_key", &key);
        match clients.apigateway.delete_api_key().api_key(&key).send().await {
            Ok(_) => report.deleted.push(resource),
            Err(error) => {
                let failure = Failure::from_sdk("apigateway", "DeleteApiKey", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                }
            }
        }
    }
    for api in of_kind("apigateway.rest_api") {
        let resource = item("apigateway.rest_api", &api);
        match clients.apigateway.delete_rest_api().rest_api_id(&api).send().await {
            Ok(_) => report.deleted.push(resource),
            Err(error) => {
                let failure = Failure::from_sdk("apigateway", "DeleteRestApi", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                }
            }
        }
    }
    for name in of_kind("lambda.function") {
        let resource = item("lambda.function", &name);
        match clients.lambda.delete_function().function_name(&name).send().await {
            Ok(_) => report.deleted.push(resource),
            Err(error) => {
                let failure = Failure::from_sdk("lambda", "DeleteFunction", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                    continue;
                }
            }
        }
        let group = format!("/aws/lambda/{name}");
        if clients.logs.delete_log_group().log_group_name(&group).send().await.is_ok() {
            report.deleted.push(item("logs.log_group", &group));
        }
    }
    for table in of_kind("dynamodb.table") {
        let resource = item("dynamodb.table", &table);
        match clients.dynamodb.delete_table().table_name(&table).send().await {
            // A deleted table is DELETING, and still listed, for a moment: wait until it is
            // gone, so that the proof that nothing is left does not find it.
            Ok(_) => match crate::settle::table_gone(clients, &table).await {
                Ok(()) => report.deleted.push(resource),
                Err(failure) => report.failed.push((resource, failure)),
            },
            Err(error) => {
                let failure = Failure::from_sdk("dynamodb", "DeleteTable", error);
                if !crate::checks::is_not_found(&failure) {
                    report.failed.push((resource, failure));
                }
            }
        }
    }
    for role in &lab_roles {
        let resource = item("iam.role", role);
        match delete_role(clients, role).await {
            Ok(true) => report.deleted.push(resource),
            Ok(false) => {}
            Err(failure) => report.failed.push((resource, failure)),
        }
    }
    for arn in of_kind("iam.policy") {
        let resource = item("iam.policy", &arn);
        match delete_policy(clients, &arn, &lab_roles).await {
            Ok(PolicyOutcome::Deleted) => report.deleted.push(resource),
            Ok(PolicyOutcome::Gone) => {}
            Ok(PolicyOutcome::AttachedElsewhere(roles)) => report.kept.push((
                resource,
                format!("still attached to {}, which this lab did not create", roles.join(", ")),
            )),
            Err(failure) => report.failed.push((resource, failure)),
        }
    }

    verify(clients, lab_id, &targets, &mut report).await;
    report
}

/// Proves nothing of the lab is left but what was kept on purpose: lists every service again,
/// and asks each resource of `targets` for its tag. AWS keeps listing what was just deleted for
/// a moment (a table `DELETING`, a role, an instance shutting down), so a listed resource counts
/// only when its own answer says it is there; and where changes take time, what is still there
/// is looked at again for a while before it is reported as left.
async fn verify(clients: &Clients, lab_id: &str, targets: &[Created], report: &mut CleanupReport) {
    let kept: Vec<Created> = report.kept.iter().map(|(kept, _)| kept.clone()).collect();
    let started = std::time::Instant::now();
    let deadline = started + crate::settle::AWS_WINDOW;
    let mut attempt = 0;
    loop {
        let mut candidates: Vec<Created> = targets.to_vec();
        match tagged_resources(clients, lab_id).await {
            Ok(listed) => candidates.extend(listed.into_iter().filter(|r| !targets.contains(r))),
            Err(failure) => {
                report.failed.push((item("awslab.lab", lab_id), failure));
                return;
            }
        }
        let mut left = Vec::new();
        for resource in candidates.into_iter().filter(|resource| !kept.contains(resource)) {
            // An error other than "not found" counts as still there.
            if owner(clients, &resource).await.map_or(true, |owner| owner.is_lab(lab_id)) {
                left.push(resource);
            }
        }
        let pause = crate::settle::pause(attempt);
        if left.is_empty()
            || !clients.settle.keeps_time()
            || std::time::Instant::now() + pause >= deadline
        {
            report.remaining = left;
            return;
        }
        let names: Vec<&str> = left.iter().map(|resource| resource.id.as_str()).collect();
        let what = awslab_lab::Localized::new(
            format!("지운 것이 목록에서 사라지기를({})", names.join(", ")),
            format!("what was deleted to leave the listings ({})", names.join(", ")),
        );
        clients.progress.waiting(&what, started);
        tokio::time::sleep(pause).await;
        attempt += 1;
    }
}

/// An empty list for a listing the credentials may not make.
/// Deletes a usage plan, having removed its API stages first, as API Gateway requires.
async fn delete_usage_plan(clients: &Clients, id: &str) -> Result<(), Failure> {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let plan = (clients.apigateway.get_usage_plan().usage_plan_id(id).send().await)
        .map_err(|error| Failure::from_sdk("apigateway", "GetUsagePlan", error))?;
    let removals: Vec<PatchOperation> = (plan.api_stages().iter())
        .map(|stage| {
            let value = format!(
                "{}:{}",
                stage.api_id().unwrap_or_default(),
                stage.stage().unwrap_or_default()
            );
            PatchOperation::builder().op(Op::Remove).path("/apiStages").value(value).build()
        })
        .collect();
    if !removals.is_empty() {
        (clients.apigateway.update_usage_plan().usage_plan_id(id))
            .set_patch_operations(Some(removals))
            .send()
            .await
            .map_err(|error| Failure::from_sdk("apigateway", "UpdateUsagePlan", error))?;
    }
    (clients.apigateway.delete_usage_plan().usage_plan_id(id).send().await)
        .map_err(|error| Failure::from_sdk("apigateway", "DeleteUsagePlan", error))?;
    Ok(())
}

fn unless_refused(listed: Result<Vec<Created>, Failure>) -> Result<Vec<Created>, Failure> {
    match listed {
        Err(failure)
            if matches!(
                failure.code.as_str(),
                "AccessDenied"
                    | "AccessDeniedException"
                    | "UnauthorizedOperation"
                    | "AuthorizationError"
            ) =>
        {
            Ok(Vec::new())
        }
        other => other,
    }
}

/// The alarms of the region tagged for the lab.
async fn tagged_alarms(clients: &Clients, lab_id: &str) -> Result<Vec<Created>, Failure> {
    let mut found = Vec::new();
    let mut pages = clients.cloudwatch.describe_alarms().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
        for alarm in page.metric_alarms() {
            let (Some(arn), Some(name)) = (alarm.alarm_arn(), alarm.alarm_name()) else { continue };
            let tags = (clients.cloudwatch.list_tags_for_resource().resource_arn(arn).send().await)
                .map_err(|error| Failure::from_sdk("cloudwatch", "ListTagsForResource", error))?;
            let ours = |tag: &aws_sdk_cloudwatch::types::Tag| {
                tag.key() == Some(TAG) && tag.value() == Some(lab_id)
            };
            if tags.tags().iter().any(ours) {
                found.push(item("cloudwatch.alarm", name));
            }
        }
    }
    Ok(found)
}

/// The topics of the region tagged for the lab.
async fn tagged_topics(clients: &Clients, lab_id: &str) -> Result<Vec<Created>, Failure> {
    let mut found = Vec::new();
    let mut topics = clients.sns.list_topics().into_paginator().items().send();
    while let Some(topic) = topics.next().await {
        let topic = topic.map_err(|error| Failure::from_sdk("sns", "ListTopics", error))?;
        let Some(arn) = topic.topic_arn() else { continue };
        let tags = (clients.sns.list_tags_for_resource().resource_arn(arn).send().await)
            .map_err(|error| Failure::from_sdk("sns", "ListTagsForResource", error))?;
        if tags.tags().iter().any(|tag| tag.key() == TAG && tag.value() == lab_id) {
            found.push(item("sns.topic", arn));
        }
    }
    Ok(found)
}

/// The region's instances tagged for the lab that are not terminated or on their way.
async fn tagged_instances(clients: &Clients, lab_id: &str) -> Result<Vec<Created>, Failure> {
    use aws_sdk_ec2::types::{Filter, InstanceStateName};
    let answer = clients
        .ec2
        .describe_instances()
        .filters(Filter::builder().name(format!("tag:{TAG}")).values(lab_id).build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeInstances", error))?;
    Ok(answer
        .reservations()
        .iter()
        .flat_map(|reservation| reservation.instances())
        .filter(|instance| {
            !matches!(
                instance.state().and_then(|state| state.name()),
                Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
            )
        })
        .filter_map(|instance| instance.instance_id())
        .map(|id| item("ec2.instance", id))
        .collect())
}

/// Deletes a role with what stops its deletion; `false` when it did not exist.
async fn delete_role(clients: &Clients, role: &str) -> Result<bool, Failure> {
    let attached = match clients.iam.list_attached_role_policies().role_name(role).send().await {
        Ok(attached) => attached,
        Err(error) => {
            let failure = Failure::from_sdk("iam", "ListAttachedRolePolicies", error);
            return if crate::checks::is_not_found(&failure) { Ok(false) } else { Err(failure) };
        }
    };
    for policy in attached.attached_policies() {
        let Some(arn) = policy.policy_arn() else { continue };
        clients
            .iam
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|error| Failure::from_sdk("iam", "DetachRolePolicy", error))?;
    }
    let inline = (clients.iam.list_role_policies().role_name(role).send().await)
        .map_err(|error| Failure::from_sdk("iam", "ListRolePolicies", error))?;
    for name in inline.policy_names() {
        clients
            .iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(|error| Failure::from_sdk("iam", "DeleteRolePolicy", error))?;
    }
    clients
        .iam
        .delete_role()
        .role_name(role)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "DeleteRole", error))?;
    Ok(true)
}

enum PolicyOutcome {
    Deleted,
    Gone,
    AttachedElsewhere(Vec<String>),
}

/// Deletes a lab policy unless a role, user or group that is not the lab's still has it. The
/// lab's own roles were detached just before; IAM's listing of a policy's entities lags behind
/// such a change (it is eventually consistent), so they may still be listed, and are not counted.
async fn delete_policy(
    clients: &Clients,
    arn: &str,
    lab_roles: &[String],
) -> Result<PolicyOutcome, Failure> {
    let entities = match clients.iam.list_entities_for_policy().policy_arn(arn).send().await {
        Ok(entities) => entities,
        Err(error) => {
            let failure = Failure::from_sdk("iam", "ListEntitiesForPolicy", error);
            return if crate::checks::is_not_found(&failure) {
                Ok(PolicyOutcome::Gone)
            } else {
                Err(failure)
            };
        }
    };
    let mut elsewhere: Vec<String> = entities
        .policy_roles()
        .iter()
        .filter_map(|role| role.role_name().map(str::to_string))
        .filter(|role| !lab_roles.contains(role))
        .collect();
    elsewhere
        .extend(entities.policy_users().iter().filter_map(|u| u.user_name().map(str::to_string)));
    elsewhere
        .extend(entities.policy_groups().iter().filter_map(|g| g.group_name().map(str::to_string)));
    if !elsewhere.is_empty() {
        return Ok(PolicyOutcome::AttachedElsewhere(elsewhere));
    }
    let versions = (clients.iam.list_policy_versions().policy_arn(arn).send().await)
        .map_err(|error| Failure::from_sdk("iam", "ListPolicyVersions", error))?;
    for version in versions.versions() {
        if version.is_default_version() {
            continue;
        }
        let Some(id) = version.version_id() else { continue };
        clients
            .iam
            .delete_policy_version()
            .policy_arn(arn)
            .version_id(id)
            .send()
            .await
            .map_err(|error| Failure::from_sdk("iam", "DeletePolicyVersion", error))?;
    }
    clients
        .iam
        .delete_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "DeletePolicy", error))?;
    Ok(PolicyOutcome::Deleted)
}

/// Deletes a security group the lab's instances were launched in. AWS refuses while an
/// instance in it is still shutting down (`DependencyViolation`), so it tries again until the
/// instances are terminated: on the emulator by moving its clock, on AWS by waiting.
async fn delete_security_group(clients: &Clients, id: &str) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    loop {
        let failure = match clients.ec2.delete_security_group().group_id(id).send().await {
            Ok(_) => return Ok(()),
            Err(error) => Failure::from_sdk("ec2", "DeleteSecurityGroup", error),
        };
        if crate::checks::is_not_found(&failure) || failure.code == "InvalidGroup.NotFound" {
            return Ok(());
        }
        if failure.code != "DependencyViolation" || started.elapsed() > crate::settle::READY_WAIT {
            return Err(failure);
        }
        if clients.emulator_endpoint().is_some() {
            crate::ec2::advance_clock(clients, 1).await?;
        } else {
            let what = awslab_lab::Localized::new(
                format!("보안 그룹 {id}의 인스턴스가 종료되기를"),
                format!("the instances in security group {id} to terminate"),
            );
            clients.progress.waiting(&what, started);
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    }
}
