//! Whose a resource is, read from the resource itself: gone, made by a lab (it carries the tag
//! `awslab:lab` that every action puts on what it creates), or the learner's own. Clean-up
//! deletes only what carries its lab's tag, and an action that meets a name already taken says
//! whether the lab made it in an earlier run or it was there before.
//!
//! Every kind the actions create supports tags, and every action tags at creation, in the same
//! call; so a resource without the tag was not made by a lab.
//!
//! What counts as gone follows what AWS keeps listing for a while: a table `DELETING`, an
//! instance `shutting-down` or `terminated`.

use crate::actions::Created;
use crate::checks::is_not_found;
use crate::clients::Clients;
use crate::failure::Failure;

/// The tag every lab resource carries; its value is the lab's id.
pub const LAB_TAG: &str = "awslab:lab";

/// What a resource's tags say about who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// No such resource (or on its way out).
    Missing,
    /// Made by the lab with this id.
    Lab(String),
    /// Not made by any lab: the learner's own, or made before awslab.
    Unmarked,
}

impl Owner {
    fn from_tag(value: Option<&str>) -> Owner {
        value.map_or(Owner::Unmarked, |lab| Owner::Lab(lab.to_string()))
    }

    /// Whether the lab `lab_id` made it.
    pub fn is_lab(&self, lab_id: &str) -> bool {
        matches!(self, Owner::Lab(lab) if lab == lab_id)
    }
}

/// Missing on "not found", the failure otherwise.
fn missing_or(failure: Failure) -> Result<Owner, Failure> {
    let gone = is_not_found(&failure) || failure.code == "InvalidGroup.NotFound";
    if gone { Ok(Owner::Missing) } else { Err(failure) }
}

/// Who made `resource`, by its kind and id (a name or an ARN, as the ledger keeps them).
pub async fn owner(clients: &Clients, resource: &Created) -> Result<Owner, Failure> {
    let id = resource.id.as_str();
    match resource.kind.as_str() {
        "lambda.function" => match clients.lambda.get_function().function_name(id).send().await {
            Ok(answer) => {
                Ok(Owner::from_tag(answer.tags().and_then(|t| t.get(LAB_TAG)).map(String::as_str)))
            }
            Err(error) => missing_or(Failure::from_sdk("lambda", "GetFunction", error)),
        },
        "dynamodb.table" => table(clients, id).await,
        "iam.role" => match clients.iam.get_role().role_name(id).send().await {
            Ok(answer) => Ok(Owner::from_tag(answer.role().and_then(|role| {
                role.tags().iter().find(|tag| tag.key() == LAB_TAG).map(|tag| tag.value())
            }))),
            Err(error) => missing_or(Failure::from_sdk("iam", "GetRole", error)),
        },
        "iam.policy" => match clients.iam.get_policy().policy_arn(id).send().await {
            Ok(answer) => Ok(Owner::from_tag(answer.policy().and_then(|policy| {
                policy.tags().iter().find(|tag| tag.key() == LAB_TAG).map(|tag| tag.value())
            }))),
            Err(error) => missing_or(Failure::from_sdk("iam", "GetPolicy", error)),
        },
        "apigateway.rest_api" => {
            match clients.apigateway.get_rest_api().rest_api_id(id).send().await {
                Ok(answer) => Ok(Owner::from_tag(
                    answer.tags().and_then(|tags| tags.get(LAB_TAG)).map(String::as_str),
                )),
                Err(error) => missing_or(Failure::from_sdk("apigateway", "GetRestApi", error)),
            }
        }
        "apigateway.api_key" => match clients.apigateway.get_api_key().api_key(id).send().await {
            Ok(answer) => Ok(Owner::from_tag(
                answer.tags().and_then(|tags| tags.get(LAB_TAG)).map(String::as_str),
            )),
            Err(error) => missing_or(Failure::from_sdk("apigateway", "GetApiKey", error)),
        },
        "apigateway.usage_plan" => {
            match clients.apigateway.get_usage_plan().usage_plan_id(id).send().await {
                Ok(answer) => Ok(Owner::from_tag(
                    answer.tags().and_then(|tags| tags.get(LAB_TAG)).map(String::as_str),
                )),
                Err(error) => missing_or(Failure::from_sdk("apigateway", "GetUsagePlan", error)),
            }
        }
        "cloudwatch.alarm" => alarm(clients, id).await,
        "sns.topic" => match clients.sns.list_tags_for_resource().resource_arn(id).send().await {
            Ok(answer) => Ok(Owner::from_tag(
                answer.tags().iter().find(|tag| tag.key() == LAB_TAG).map(|tag| tag.value()),
            )),
            Err(error) => missing_or(Failure::from_sdk("sns", "ListTagsForResource", error)),
        },
        "ec2.instance" => instance(clients, id).await,
        "ec2.security_group" => {
            match clients.ec2.describe_security_groups().group_ids(id).send().await {
                Ok(answer) => {
                    Ok(answer.security_groups().first().map_or(Owner::Missing, |group| {
                        Owner::from_tag(
                            group
                                .tags()
                                .iter()
                                .find(|t| t.key() == Some(LAB_TAG))
                                .and_then(|t| t.value()),
                        )
                    }))
                }
                Err(error) => missing_or(Failure::from_sdk("ec2", "DescribeSecurityGroups", error)),
            }
        }
        other => Err(Failure::local(
            "awslab",
            "Owner",
            "UnknownResourceKind",
            format!("{other} {id}: awslab cannot tell who made a resource of this kind"),
        )),
    }
}

async fn table(clients: &Clients, name: &str) -> Result<Owner, Failure> {
    use aws_sdk_dynamodb::types::TableStatus;
    let described = match clients.dynamodb.describe_table().table_name(name).send().await {
        Ok(described) => described,
        Err(error) => return missing_or(Failure::from_sdk("dynamodb", "DescribeTable", error)),
    };
    let Some(table) = described.table() else { return Ok(Owner::Missing) };
    if table.table_status() == Some(&TableStatus::Deleting) {
        return Ok(Owner::Missing);
    }
    let Some(arn) = table.table_arn() else { return Ok(Owner::Unmarked) };
    let tags = (clients.dynamodb.list_tags_of_resource().resource_arn(arn).send().await)
        .map_err(|error| Failure::from_sdk("dynamodb", "ListTagsOfResource", error))?;
    Ok(Owner::from_tag(tags.tags().iter().find(|tag| tag.key() == LAB_TAG).map(|tag| tag.value())))
}

async fn alarm(clients: &Clients, name: &str) -> Result<Owner, Failure> {
    let described = (clients.cloudwatch.describe_alarms().alarm_names(name).send().await)
        .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
    let Some(arn) = described.metric_alarms().first().and_then(|alarm| alarm.alarm_arn()) else {
        return Ok(Owner::Missing);
    };
    let tags = (clients.cloudwatch.list_tags_for_resource().resource_arn(arn).send().await)
        .map_err(|error| Failure::from_sdk("cloudwatch", "ListTagsForResource", error))?;
    Ok(Owner::from_tag(
        tags.tags().iter().find(|tag| tag.key() == Some(LAB_TAG)).and_then(|tag| tag.value()),
    ))
}

async fn instance(clients: &Clients, id: &str) -> Result<Owner, Failure> {
    use aws_sdk_ec2::types::InstanceStateName;
    let answer = match clients.ec2.describe_instances().instance_ids(id).send().await {
        Ok(answer) => answer,
        Err(error) => return missing_or(Failure::from_sdk("ec2", "DescribeInstances", error)),
    };
    let Some(instance) = answer.reservations().iter().flat_map(|r| r.instances()).next() else {
        return Ok(Owner::Missing);
    };
    // AWS lists a terminated instance for an hour more: it counts as gone.
    if matches!(
        instance.state().and_then(|state| state.name()),
        Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
    ) {
        return Ok(Owner::Missing);
    }
    Ok(Owner::from_tag(
        instance.tags().iter().find(|tag| tag.key() == Some(LAB_TAG)).and_then(|tag| tag.value()),
    ))
}
