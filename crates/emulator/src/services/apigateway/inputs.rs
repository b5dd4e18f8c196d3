//! What a request names, bound from its path and query string by the restJson codec
//! ([`RestRequest::input`](crate::protocol::rest_json::RestRequest::input)): the API, resource,
//! method, response, stage or deployment; the page of a collection; and the patch of an
//! `Update*` operation. The operations' own inputs add their body members to these.

use super::patch::PatchInput;
use serde::Deserialize;

/// `/restapis/{restApiId}`.
#[derive(Debug, Deserialize)]
pub struct ApiRef {
    #[serde(rename = "label:restApiId")]
    pub rest_api_id: String,
}

/// `/restapis/{restApiId}/resources/{resourceId}`.
#[derive(Debug, Deserialize)]
pub struct ResourceRef {
    #[serde(rename = "label:restApiId")]
    pub rest_api_id: String,
    #[serde(rename = "label:resourceId")]
    pub resource_id: String,
}

/// `…/resources/{resourceId}/methods/{httpMethod}`.
#[derive(Debug, Deserialize)]
pub struct MethodRef {
    #[serde(flatten)]
    pub resource: ResourceRef,
    #[serde(rename = "label:httpMethod")]
    pub http_method: String,
}

/// `…/methods/{httpMethod}/responses/{statusCode}` (and the integration's responses).
#[derive(Debug, Deserialize)]
pub struct ResponseRef {
    #[serde(flatten)]
    pub method: MethodRef,
    #[serde(rename = "label:statusCode")]
    pub status_code: String,
}

/// `/restapis/{restApiId}/stages/{stageName}`.
#[derive(Debug, Deserialize)]
pub struct StageRef {
    #[serde(rename = "label:restApiId")]
    pub rest_api_id: String,
    #[serde(rename = "label:stageName")]
    pub stage_name: String,
}

/// `/restapis/{restApiId}/deployments/{deploymentId}`.
#[derive(Debug, Deserialize)]
pub struct DeploymentRef {
    #[serde(rename = "label:restApiId")]
    pub rest_api_id: String,
    #[serde(rename = "label:deploymentId")]
    pub deployment_id: String,
}

/// A collection's page: `?position=…&limit=…` (checked by [`super::page`], in API Gateway's
/// words).
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(rename = "query:position")]
    pub position: Option<String>,
    #[serde(rename = "query:limit")]
    pub limit: Option<String>,
}

/// A collection of an API, paged.
#[derive(Debug, Deserialize)]
pub struct ApiPage {
    #[serde(flatten)]
    pub api: ApiRef,
    #[serde(flatten)]
    pub paging: Paging,
}

/// An `Update*` operation: what it names, and its `patchOperations`.
#[derive(Debug, Deserialize)]
pub struct Update<K> {
    #[serde(flatten)]
    pub key: K,
    #[serde(flatten)]
    pub patch: PatchInput,
}
