//! The security group a lab's instances are launched in, so that the console's "Connect" (EC2
//! Instance Connect) can reach them: it allows SSH (TCP 22) only from the region's EC2 Instance
//! Connect range, named by its AWS-managed prefix list, and nothing else. The console's launch
//! wizard makes such a group too; without one the instance sits in the VPC's default group,
//! which admits nothing from outside, and Connect fails.

use super::{ActionContext, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use aws_sdk_ec2::types::{Filter, IpPermission, PrefixListId, ResourceType, Tag, TagSpecification};
use serde_json::json;

/// The group's id: the lab's group when it exists already, else a new one, tagged for the lab.
pub async fn group(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<String, Failure> {
    let ec2 = &ctx.clients.ec2;
    let name = format!("{}-instance-connect", ctx.lab_id);
    let existing = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(&name).build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeSecurityGroups", error))?;
    if let Some(id) = existing.security_groups().first().and_then(|group| group.group_id()) {
        return Ok(id.to_string());
    }

    let list_name = format!("com.amazonaws.{}.ec2-instance-connect", ctx.clients.region());
    recorder.call(
        CallBuilder::new("ec2", "ec2", "DescribeManagedPrefixLists")
            .json("filters", &json!([{ "Name": "prefix-list-name", "Values": [list_name] }])),
    );
    let lists = ec2
        .describe_managed_prefix_lists()
        .filters(Filter::builder().name("prefix-list-name").values(&list_name).build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeManagedPrefixLists", error))?;
    let prefix_list = lists
        .prefix_lists()
        .first()
        .and_then(|list| list.prefix_list_id())
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::local(
                "ec2",
                "DescribeManagedPrefixLists",
                "NoInstanceConnect",
                format!("{list_name}: this region has no EC2 Instance Connect prefix list"),
            )
        })?;

    let description = "SSH from EC2 Instance Connect only (awslab)";
    let tags: Vec<Tag> = ctx
        .tags()
        .into_iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect();
    let tags_json: Vec<_> =
        ctx.tags().iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    recorder.call(
        CallBuilder::new("ec2", "ec2", "CreateSecurityGroup")
            .text("group-name", &name)
            .text("description", description)
            .json(
                "tag-specifications",
                &json!([{ "ResourceType": "security-group", "Tags": tags_json }]),
            ),
    );
    let created = ec2
        .create_security_group()
        .group_name(&name)
        .description(description)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .set_tags(Some(tags))
                .build(),
        )
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "CreateSecurityGroup", error))?;
    let group_id = created.group_id().unwrap_or_default().to_string();
    recorder.created("ec2.security_group", &group_id);

    let rule = json!([{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "PrefixListIds": [{ "PrefixListId": prefix_list, "Description": "EC2 Instance Connect" }],
    }]);
    recorder.call(
        CallBuilder::new("ec2", "ec2", "AuthorizeSecurityGroupIngress")
            .text("group-id", &group_id)
            .json("ip-permissions", &rule),
    );
    ec2.authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .prefix_list_ids(
                    PrefixListId::builder()
                        .prefix_list_id(&prefix_list)
                        .description("EC2 Instance Connect")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "AuthorizeSecurityGroupIngress", error))?;
    Ok(group_id)
}
