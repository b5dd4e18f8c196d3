//! Resources, the nodes of an API's path tree: GetResources, GetResource, CreateResource,
//! UpdateResource, DeleteResource. A path part is a literal (`customer`), a parameter
//! (`{petId}`) or a greedy parameter (`{proxy+}`), with AWS's rules on siblings and children.

use super::errors::ApiGatewayError;
use super::inputs::{ApiPage, ResourceRef, Update};
use super::model::{MethodDetail, Resource, RestApi};
use super::patch::{self, Op};
use super::{api, page};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateResourceInput {
    #[serde(rename = "label:restApiId")]
    rest_api_id: String,
    #[serde(rename = "label:parentId")]
    parent_id: String,
    path_part: Option<String>,
}

/// The API of a resource-level request; AWS answers a wrong API id there as a wrong resource.
pub fn api_of_resource<'a>(
    state: &'a mut super::ApiGatewayState,
    ctx: &RequestContext,
    api_id: &str,
) -> Result<&'a mut RestApi, ApiGatewayError> {
    state.api_mut(&ctx.region, api_id).ok_or_else(ApiGatewayError::resource_not_found)
}

/// `?embed=methods`: whether a resource is shown with its methods whole.
#[derive(Debug, Deserialize)]
pub struct Embed {
    #[serde(default, rename = "queries:embed")]
    embed: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct GetResourcesInput {
    #[serde(flatten)]
    page: ApiPage,
    #[serde(flatten)]
    embed: Embed,
}

#[derive(Debug, Deserialize)]
pub struct GetResourceInput {
    #[serde(flatten)]
    key: ResourceRef,
    #[serde(flatten)]
    embed: Embed,
}

fn detail(embed: &Embed) -> MethodDetail {
    let embedded =
        embed.embed.iter().any(|embed| embed.split(',').any(|part| part.trim() == "methods"));
    if embedded { MethodDetail::Full } else { MethodDetail::Verbs }
}

pub fn get_resources(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetResourcesInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &input.page.api.rest_api_id)?;
    let detail = detail(&input.embed);
    let items: Vec<Value> =
        api.resources.iter().map(|resource| resource.to_wire(&api.resources, detail)).collect();
    Ok(page(items, &input.page.paging)?)
}

pub fn get_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetResourceInput,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_of_resource(&mut state, ctx, &input.key.rest_api_id)?;
    let resource =
        api.resource(&input.key.resource_id).ok_or_else(ApiGatewayError::resource_not_found)?;
    Ok(resource.to_wire(&api.resources, detail(&input.embed)))
}

pub fn create_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateResourceInput,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_of_resource(&mut state, ctx, &input.rest_api_id)?;
    let parent_id = input.parent_id;
    api.resource(&parent_id).ok_or_else(ApiGatewayError::resource_not_found)?;
    let part = input.path_part.ok_or_else(|| {
        ApiGatewayError::Validation(crate::validation::missing("createResourceInput.pathPart"))
    })?;
    check_placement(api, &parent_id, &part, None)?;
    let resource = Resource {
        id: api.new_resource_id(&shared.ids),
        parent_id: Some(parent_id),
        path_part: Some(part),
        methods: BTreeMap::new(),
    };
    api.resources.push(resource.clone());
    Ok(resource.to_wire(&api.resources, MethodDetail::None))
}

pub fn update_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<ResourceRef>,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_of_resource(&mut state, ctx, &input.key.rest_api_id)?;
    let id = input.key.resource_id;
    let mut resource =
        api.resource(&id).cloned().ok_or_else(ApiGatewayError::resource_not_found)?;
    for patch in patch::read(input.patch, "updateResourceInput")? {
        let known = ["/pathPart", "/parentId"].contains(&patch.path.as_str());
        if patch.op != Op::Replace {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid patch path  '{}' specified for op '{}'. Please choose supported operations",
                patch.path,
                patch.op.as_str()
            ))
            .into());
        }
        if !known {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid patch path  '{}' specified for op 'replace'. Must be one of: [/parentId, /pathPart]",
                patch.path
            ))
            .into());
        }
        if resource.parent_id.is_none() {
            let member = if patch.path == "/pathPart" { "pathPart" } else { "parentId" };
            return Err(ApiGatewayError::BadRequest(format!(
                "Root resource cannot update its {member}."
            ))
            .into());
        }
        let value = patch.value()?.to_string();
        if patch.path == "/pathPart" {
            let parent = resource.parent_id.clone().unwrap_or_default();
            check_placement(api, &parent, &value, Some(&id))?;
            resource.path_part = Some(value);
        } else {
            api.resource(&value).ok_or_else(ApiGatewayError::resource_not_found)?;
            if value == id || descendants(&api.resources, &id).contains(&value) {
                return Err(
                    ApiGatewayError::BadRequest("Resources cannot be cyclical.".into()).into()
                );
            }
            let part = resource.path_part.clone().unwrap_or_default();
            check_placement(api, &value, &part, Some(&id))?;
            resource.parent_id = Some(value);
        }
    }
    if let Some(stored) = api.resource_mut(&id) {
        *stored = resource.clone();
    }
    Ok(resource.to_wire(&api.resources, MethodDetail::Verbs))
}

pub fn delete_resource(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResourceRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_of_resource(&mut state, ctx, &key.rest_api_id)?;
    let id = key.resource_id;
    let resource = api.resource(&id).ok_or_else(ApiGatewayError::resource_not_found)?;
    if resource.parent_id.is_none() {
        return Err(ApiGatewayError::BadRequest("Cannot delete root resource".into()).into());
    }
    let mut gone = descendants(&api.resources, &id);
    gone.push(id);
    api.resources.retain(|resource| !gone.contains(&resource.id));
    Ok(Value::Null)
}

/// Every resource below `id`.
fn descendants(resources: &[Resource], id: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut frontier = vec![id.to_string()];
    while let Some(current) = frontier.pop() {
        for child in resources.iter().filter(|r| r.parent_id.as_deref() == Some(current.as_str())) {
            if !found.contains(&child.id) {
                found.push(child.id.clone());
                frontier.push(child.id.clone());
            }
        }
    }
    found
}

/// Whether `part` may be a child of `parent` (ignoring the resource `moving`, which is the one
/// being renamed or moved): a valid path part, a parent that is not greedy, no sibling of the
/// same name, and at most one parameter among siblings.
fn check_placement(
    api: &RestApi,
    parent: &str,
    part: &str,
    moving: Option<&str>,
) -> Result<(), ApiGatewayError> {
    if !valid_path_part(part) {
        return Err(ApiGatewayError::BadRequest(
            "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and \
             the end and an optional plus sign before the closing brace."
                .into(),
        ));
    }
    let parent_part = api.resource(parent).and_then(|resource| resource.path_part.clone());
    if let Some(parent_part) = parent_part.filter(|p| p.ends_with("+}")) {
        return Err(ApiGatewayError::BadRequest(format!(
            "Cannot create a child of a resource with a greedy path variable: {parent_part}"
        )));
    }
    let siblings = (api.resources.iter())
        .filter(|resource| resource.parent_id.as_deref() == Some(parent))
        .filter(|resource| Some(resource.id.as_str()) != moving);
    for sibling in siblings {
        let Some(name) = &sibling.path_part else { continue };
        if name == part {
            return Err(ApiGatewayError::Conflict(format!(
                "Another resource with the same parent already has this name: {part}"
            )));
        }
        if name.starts_with('{') && part.starts_with('{') {
            return Err(ApiGatewayError::BadRequest(format!(
                "A sibling ({name}) of this resource already has a variable path part -- only \
                 one is allowed"
            )));
        }
    }
    Ok(())
}

/// `a-zA-Z0-9._-` (and `:`, `@` as AWS also takes), or the same in braces, optionally greedy.
fn valid_path_part(part: &str) -> bool {
    let plain = |text: &str| {
        !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "._-:@".contains(c))
    };
    match part.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
        Some(inner) => plain(inner.strip_suffix('+').unwrap_or(inner)),
        None => plain(part),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_follow_aws_rules() {
        for good in ["customer", "houses", "{petId}", "{proxy+}", "v1.2", "a_b-c"] {
            assert!(valid_path_part(good), "{good}");
        }
        for bad in ["", "a b", "{}", "{a", "a}", "{+}", "pets/{id}", "{a+b}"] {
            assert!(!valid_path_part(bad), "{bad}");
        }
    }
}
