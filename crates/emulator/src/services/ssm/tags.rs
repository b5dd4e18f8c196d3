//! AddTagsToResource, ListTagsForResource and RemoveTagsFromResource, for `ResourceType`
//! `Parameter`, the one kind of SSM resource the emulator keeps.
//!
//! As AWS answers them (recorded against AWS by localstack): a top-level parameter is named
//! with or without its `/`, a deeper one only with it; a name that is no parameter, and one
//! like `//x`, is `InvalidResourceId` with no message.

use super::errors::SsmError;
use super::parameters::{Tag, region};
use super::{Call, names};
use crate::validation::{Checks, Shown};
use serde::Deserialize;
use serde_json::{Value, json};

/// Every `ResourceTypeForTagging` of the API model.
const RESOURCE_TYPES: [&str; 10] = [
    "Document",
    "ManagedInstance",
    "MaintenanceWindow",
    "Parameter",
    "PatchBaseline",
    "OpsItem",
    "OpsMetadata",
    "Automation",
    "Association",
    "CloudConnector",
];

/// The most tags a resource may carry.
const MAX_TAGS: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsInput {
    resource_type: Option<String>,
    resource_id: Option<String>,
    tags: Option<Vec<Tag>>,
    tag_keys: Option<Vec<String>>,
}

pub fn add_tags_to_resource(
    state: &mut super::model::SsmState,
    call: &Call,
    input: TagsInput,
) -> Result<Value, SsmError> {
    let mut checks = checks(&input);
    checks.required("tags", &input.tags);
    if let Some(tags) = &input.tags {
        checks.count("tags", Some(tags.as_slice()), 0, 1000);
        for (index, tag) in tags.iter().enumerate() {
            checks.length(&format!("tags.{}.member.key", index + 1), tag.key.as_str(), 1, 128);
            checks.length(&format!("tags.{}.member.value", index + 1), tag.value.as_str(), 0, 256);
        }
    }
    checks.finish().map_err(SsmError::Validation)?;
    let key = parameter_key(&input)?;
    let stored =
        (region(state, call).parameters.get_mut(&key)).ok_or(SsmError::InvalidResourceId)?;
    let mut tags = stored.tags.clone();
    for tag in input.tags.unwrap_or_default() {
        tags.insert(tag.key, tag.value);
    }
    if tags.len() > MAX_TAGS {
        return Err(SsmError::TooManyTags);
    }
    stored.tags = tags;
    Ok(json!({}))
}

pub fn remove_tags_from_resource(
    state: &mut super::model::SsmState,
    call: &Call,
    input: TagsInput,
) -> Result<Value, SsmError> {
    let mut checks = checks(&input);
    checks.required("tagKeys", &input.tag_keys);
    checks.finish().map_err(SsmError::Validation)?;
    let key = parameter_key(&input)?;
    let stored =
        (region(state, call).parameters.get_mut(&key)).ok_or(SsmError::InvalidResourceId)?;
    for tag_key in input.tag_keys.unwrap_or_default() {
        stored.tags.remove(&tag_key);
    }
    Ok(json!({}))
}

pub fn list_tags_for_resource(
    state: &super::model::SsmState,
    call: &Call,
    input: TagsInput,
) -> Result<Value, SsmError> {
    checks(&input).finish().map_err(SsmError::Validation)?;
    let key = parameter_key(&input)?;
    let stored = super::parameters::region_ref(state, call)
        .and_then(|parameters| parameters.parameters.get(&key))
        .ok_or(SsmError::InvalidResourceId)?;
    let tags: Vec<Value> =
        stored.tags.iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();
    Ok(json!({ "TagList": tags }))
}

fn checks(input: &TagsInput) -> Checks {
    let mut checks = Checks::new(Shown::Quoted);
    checks.required("resourceType", &input.resource_type);
    checks.one_of("resourceType", input.resource_type.as_deref(), &RESOURCE_TYPES);
    checks.required("resourceId", &input.resource_id);
    checks
}

/// The key of the parameter a tagging request names; other kinds of resource are ones the
/// emulator has none of.
fn parameter_key(input: &TagsInput) -> Result<String, SsmError> {
    if input.resource_type.as_deref() != Some("Parameter") {
        return Err(SsmError::InvalidResourceType);
    }
    let id = input.resource_id.as_deref().unwrap_or_default();
    names::check_format(id).map_err(|_| SsmError::InvalidResourceId)?;
    Ok(names::key(id))
}
