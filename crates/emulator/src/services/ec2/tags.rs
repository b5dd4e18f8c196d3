//! `CreateTags`, `DeleteTags` and `DescribeTags` on instances, volumes and security groups, and
//! the `TagSpecifications` that tag a resource as it is made.

use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use super::model::{Millis, RegionState, Tag, merge_tags};
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsInput {
    #[serde(default, rename = "ResourceId", deserialize_with = "list")]
    resource_ids: Vec<String>,
    #[serde(default, rename = "Tag", deserialize_with = "list")]
    tags: Vec<TagInput>,
}

/// The tags of each named resource, for changing; every id is checked before any change.
fn resources<'a>(
    state: &'a mut RegionState,
    ids: &[String],
    now: Millis,
) -> Result<Vec<&'a mut Vec<Tag>>, Ec2Error> {
    if ids.is_empty() {
        return Err(Ec2Error::MissingParameter("ResourceId".into()));
    }
    for id in ids {
        if id.starts_with("i-") {
            super::instances::find(state, std::slice::from_ref(id), now)?;
        } else if id.starts_with("vol-") {
            if !well_formed(id, "vol") {
                return Err(Ec2Error::VolumeMalformed(id.clone()));
            }
            let visible = (state.volumes.get(id))
                .and_then(|volume| super::volumes::view(state, volume, now))
                .is_some();
            if !visible {
                return Err(Ec2Error::VolumeNotFound(vec![id.clone()]));
            }
        } else if id.starts_with("sg-") {
            super::security_groups::by_id(state, id)?;
        } else {
            return Err(Ec2Error::InvalidId(id.clone()));
        }
    }
    let RegionState { instances, volumes, security_groups, .. } = state;
    let mut found = Vec::new();
    for instance in instances.values_mut() {
        if ids.contains(&instance.id) {
            found.push(&mut instance.tags);
        }
    }
    for volume in volumes.values_mut() {
        if ids.contains(&volume.id) {
            found.push(&mut volume.tags);
        }
    }
    for group in security_groups.values_mut() {
        if ids.contains(&group.id) {
            found.push(&mut group.tags);
        }
    }
    Ok(found)
}

pub fn create_tags(
    state: &mut RegionState,
    input: TagsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    if input.tags.iter().any(|tag| tag.key.as_deref().is_none_or(str::is_empty)) {
        return Err(Ec2Error::InvalidParameterValue("Tag key must not be empty".into()));
    }
    let tags: Vec<Tag> = input.tags.iter().map(TagInput::to_tag).collect();
    for resource in resources(state, &input.resource_ids, now)? {
        merge_tags(resource, &tags);
    }
    Ok(json!({ "return": true }))
}

/// Removes the keys named; a tag given with a value is removed only if the value matches.
pub fn delete_tags(
    state: &mut RegionState,
    input: TagsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    for resource in resources(state, &input.resource_ids, now)? {
        if input.tags.is_empty() {
            // Without tags, DeleteTags removes every tag but those AWS reserves (`aws:`).
            resource.retain(|tag| tag.key.starts_with("aws:"));
            continue;
        }
        resource.retain(|tag| {
            !input.tags.iter().any(|gone| {
                gone.key.as_deref() == Some(tag.key.as_str())
                    && gone.value.as_deref().is_none_or(|value| value == tag.value)
            })
        });
    }
    Ok(json!({ "return": true }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTagsInput {
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

pub fn describe_tags(
    state: &RegionState,
    input: DescribeTagsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, &["key", "value", "resource-id", "resource-type"])?;
    let mut rows: Vec<(String, &'static str, &Tag)> = Vec::new();
    for instance in super::instances::find(state, &[], now)? {
        rows.extend(instance.tags.iter().map(|tag| (instance.id.clone(), "instance", tag)));
    }
    for volume in state.volumes.values() {
        if super::volumes::view(state, volume, now).is_some() {
            rows.extend(volume.tags.iter().map(|tag| (volume.id.clone(), "volume", tag)));
        }
    }
    for group in super::security_groups::in_order(state) {
        rows.extend(group.tags.iter().map(|tag| (group.id.clone(), "security-group", tag)));
    }
    let items: Vec<Value> = (rows.iter())
        .filter(|(id, kind, tag)| {
            filters::matches_all(&input.filters, |name| match name {
                "key" => vec![tag.key.clone()],
                "value" => vec![tag.value.clone()],
                "resource-id" => vec![id.clone()],
                "resource-type" => vec![kind.to_string()],
                _ => Vec::new(),
            })
        })
        .map(|(id, kind, tag)| {
            json!({ "resourceId": id, "resourceType": kind, "key": tag.key, "value": tag.value })
        })
        .collect();
    Ok(json!({ "tagSet": items }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagSpecification {
    resource_type: Option<String>,
    #[serde(default, rename = "Tag", deserialize_with = "list")]
    tags: Vec<TagInput>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    pub key: Option<String>,
    pub value: Option<String>,
}

impl TagInput {
    pub fn to_tag(&self) -> Tag {
        Tag {
            key: self.key.clone().unwrap_or_default(),
            value: self.value.clone().unwrap_or_default(),
        }
    }
}

type Tags = Vec<Tag>;

/// The tags `specifications` give a resource of `resource_type` (`security-group`), which is the
/// only type such a call makes.
pub fn tags_for(
    specifications: &[TagSpecification],
    resource_type: &str,
) -> Result<Tags, Ec2Error> {
    let mut tags = Vec::new();
    for specification in specifications {
        match specification.resource_type.as_deref() {
            Some(kind) if kind == resource_type => {
                let new: Vec<Tag> = specification.tags.iter().map(TagInput::to_tag).collect();
                merge_tags(&mut tags, &new);
            }
            Some(other) => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "'{other}' is not a valid taggable resource type for this operation."
                )));
            }
            None => return Err(Ec2Error::MissingParameter("ResourceType".into())),
        }
    }
    Ok(tags)
}

pub fn tags_by_resource(specifications: &[TagSpecification]) -> Result<(Tags, Tags), Ec2Error> {
    let mut instance = Vec::new();
    let mut volume = Vec::new();
    for specification in specifications {
        let tags: Vec<Tag> = specification.tags.iter().map(TagInput::to_tag).collect();
        match specification.resource_type.as_deref() {
            Some("instance") => merge_tags(&mut instance, &tags),
            Some("volume") => merge_tags(&mut volume, &tags),
            // Tags for the network interface and the like: there is no such resource here.
            Some("network-interface" | "spot-instances-request" | "elastic-gpu") => {}
            Some(other) => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "'{other}' is not a valid taggable resource type for this operation."
                )));
            }
            None => return Err(Ec2Error::MissingParameter("ResourceType".into())),
        }
    }
    Ok((instance, volume))
}
