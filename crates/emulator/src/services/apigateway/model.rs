//! What API Gateway keeps: REST APIs with their resource tree, methods, integrations,
//! deployments (frozen copies of the tree) and stages, and how each is shown on the wire.
//!
//! The state is plain data, saved whole as a JSON document after every change (see
//! `crate::persist`). Wire shapes are built by the `to_wire` functions, so the saved document
//! can keep its own field names. Members of a request the emulator does not interpret are kept
//! in an `extra` map and returned as given, never dropped.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Every REST API, by region, in creation order (the order `GetRestApis` lists them).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ApiGatewayState {
    pub regions: BTreeMap<String, Vec<RestApi>>,
    /// API keys, usage plans and what each key used, by region (see `metering`).
    #[serde(default)]
    pub metering: BTreeMap<String, super::metering::Metering>,
    /// Lambda authorizers' cached results; never saved (a restart empties the cache).
    #[serde(skip)]
    pub authorizer_cache: super::execute::authorizer_answer::Cache,
}

impl ApiGatewayState {
    pub fn api(&self, region: &str, id: &str) -> Option<&RestApi> {
        self.regions.get(region)?.iter().find(|api| api.id == id)
    }

    pub fn api_mut(&mut self, region: &str, id: &str) -> Option<&mut RestApi> {
        self.regions.get_mut(region)?.iter_mut().find(|api| api.id == id)
    }

    /// The API with this id in whichever region holds it (invoke URLs carry no region).
    pub fn locate(&self, id: &str) -> Option<(&str, &RestApi)> {
        self.regions.iter().find_map(|(region, apis)| {
            apis.iter().find(|api| api.id == id).map(|api| (region.as_str(), api))
        })
    }

    /// A fresh API id, unique across regions (invoke URLs find an API by id alone).
    pub fn new_api_id(&self, ids: &crate::ids::Ids) -> String {
        loop {
            let id = new_id(ids, 10);
            if self.locate(&id).is_none() {
                return id;
            }
        }
    }

    /// Removes the APIs, API keys and usage plans tagged `awslab:lab` = `lab`; returns their
    /// ARNs.
    pub fn delete_lab_apis(&mut self, lab: &str) -> Vec<String> {
        let mut deleted = Vec::new();
        for (region, apis) in &mut self.regions {
            apis.retain(|api| {
                let of_lab = api.tags.get("awslab:lab").is_some_and(|value| value == lab);
                if of_lab {
                    deleted.push(api_arn(region, &api.id));
                }
                !of_lab
            });
        }
        for (region, metering) in &mut self.metering {
            deleted.extend(metering.delete_lab(region, lab));
        }
        deleted
    }
}

/// `arn:aws:apigateway:REGION::/restapis/ID`, the ARN tags are put on.
pub fn api_arn(region: &str, id: &str) -> String {
    format!("arn:aws:apigateway:{region}::/restapis/{id}")
}

/// `length` lowercase letters and digits, the shape of API, resource and deployment ids.
pub fn new_id(ids: &crate::ids::Ids, length: usize) -> String {
    ids.text(b"abcdefghijklmnopqrstuvwxyz0123456789", length)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Epoch seconds.
    pub created_date: i64,
    pub version: Option<String>,
    #[serde(default)]
    pub binary_media_types: Vec<String>,
    pub minimum_compression_size: Option<i64>,
    pub api_key_source: String,
    pub endpoint_types: Vec<String>,
    pub ip_address_type: String,
    #[serde(default)]
    pub vpc_endpoint_ids: Vec<String>,
    pub policy: Option<String>,
    #[serde(default)]
    pub disable_execute_api_endpoint: bool,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub root_resource_id: String,
    /// The resource tree, root first, in creation order.
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub deployments: Vec<Deployment>,
    #[serde(default)]
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub authorizers: Vec<super::authorizers::Authorizer>,
    /// Request members the emulator does not interpret, returned as given.
    #[serde(default)]
    pub extra: Map<String, Value>,
}

impl RestApi {
    pub fn to_wire(&self) -> Value {
        let mut out = self.extra.clone();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("id", json!(self.id));
        put("name", json!(self.name));
        if let Some(description) = &self.description {
            put("description", json!(description));
        }
        put("createdDate", json!(self.created_date));
        if let Some(version) = &self.version {
            put("version", json!(version));
        }
        if !self.binary_media_types.is_empty() {
            put("binaryMediaTypes", json!(self.binary_media_types));
        }
        if let Some(size) = self.minimum_compression_size {
            put("minimumCompressionSize", json!(size));
        }
        put("apiKeySource", json!(self.api_key_source));
        let mut endpoint =
            json!({ "types": self.endpoint_types, "ipAddressType": self.ip_address_type });
        if !self.vpc_endpoint_ids.is_empty() {
            endpoint["vpcEndpointIds"] = json!(self.vpc_endpoint_ids);
        }
        put("endpointConfiguration", endpoint);
        if let Some(policy) = &self.policy {
            put("policy", json!(policy));
        }
        if !self.tags.is_empty() {
            put("tags", json!(self.tags));
        }
        put("disableExecuteApiEndpoint", json!(self.disable_execute_api_endpoint));
        put("rootResourceId", json!(self.root_resource_id));
        Value::Object(out)
    }

    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|resource| resource.id == id)
    }

    pub fn resource_mut(&mut self, id: &str) -> Option<&mut Resource> {
        self.resources.iter_mut().find(|resource| resource.id == id)
    }

    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.stage_name == name)
    }

    pub fn stage_mut(&mut self, name: &str) -> Option<&mut Stage> {
        self.stages.iter_mut().find(|stage| stage.stage_name == name)
    }

    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|deployment| deployment.id == id)
    }

    /// A fresh resource id, unique in this API.
    pub fn new_resource_id(&self, ids: &crate::ids::Ids) -> String {
        loop {
            let id = new_id(ids, 10);
            if self.resource(&id).is_none() {
                return id;
            }
        }
    }
}

/// A node of the resource tree. The root has no parent and no path part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub parent_id: Option<String>,
    pub path_part: Option<String>,
    /// Methods by HTTP verb (`GET`, …, `ANY`).
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
}

/// The full path of a resource (`/`, `/customer`, `/pets/{petId}`) in a tree.
pub fn path_of(resources: &[Resource], id: &str) -> String {
    let mut parts = Vec::new();
    let mut current = resources.iter().find(|resource| resource.id == id);
    // A cycle cannot be created (UpdateResource refuses one); the bound is a safeguard.
    while let Some(resource) = current {
        if parts.len() > resources.len() {
            break;
        }
        let Some(part) = &resource.path_part else { break };
        parts.push(part.as_str());
        current = resource
            .parent_id
            .as_deref()
            .and_then(|parent| resources.iter().find(|resource| resource.id == parent));
    }
    parts.reverse();
    format!("/{}", parts.join("/"))
}

/// How much of a resource's methods to show: `GetResources` lists the verbs only, unless
/// asked to `embed=methods`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodDetail {
    None,
    Verbs,
    Full,
}

impl Resource {
    pub fn to_wire(&self, resources: &[Resource], detail: MethodDetail) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        if let Some(parent) = &self.parent_id {
            out.insert("parentId".into(), json!(parent));
        }
        if let Some(part) = &self.path_part {
            out.insert("pathPart".into(), json!(part));
        }
        out.insert("path".into(), json!(path_of(resources, &self.id)));
        if !self.methods.is_empty() && detail != MethodDetail::None {
            let methods: Map<String, Value> = (self.methods.iter())
                .map(|(verb, method)| {
                    let shown = match detail {
                        MethodDetail::Full => method.to_wire(),
                        _ => json!({}),
                    };
                    (verb.clone(), shown)
                })
                .collect();
            out.insert("resourceMethods".into(), Value::Object(methods));
        }
        Value::Object(out)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    pub http_method: String,
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
    pub request_validator_id: Option<String>,
    pub operation_name: Option<String>,
    #[serde(default)]
    pub request_parameters: BTreeMap<String, bool>,
    #[serde(default)]
    pub request_models: BTreeMap<String, String>,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    /// By status code.
    #[serde(default)]
    pub method_responses: BTreeMap<String, MethodResponse>,
    pub integration: Option<Integration>,
    #[serde(default)]
    pub extra: Map<String, Value>,
}

impl Method {
    pub fn to_wire(&self) -> Value {
        let mut out = self.extra.clone();
        out.insert("httpMethod".into(), json!(self.http_method));
        out.insert("authorizationType".into(), json!(self.authorization_type));
        if let Some(id) = &self.authorizer_id {
            out.insert("authorizerId".into(), json!(id));
        }
        out.insert("apiKeyRequired".into(), json!(self.api_key_required));
        if let Some(id) = &self.request_validator_id {
            out.insert("requestValidatorId".into(), json!(id));
        }
        if let Some(name) = &self.operation_name {
            out.insert("operationName".into(), json!(name));
        }
        if !self.request_parameters.is_empty() {
            out.insert("requestParameters".into(), json!(self.request_parameters));
        }
        if !self.request_models.is_empty() {
            out.insert("requestModels".into(), json!(self.request_models));
        }
        if !self.authorization_scopes.is_empty() {
            out.insert("authorizationScopes".into(), json!(self.authorization_scopes));
        }
        if !self.method_responses.is_empty() {
            let responses: Map<String, Value> = (self.method_responses.iter())
                .map(|(code, response)| (code.clone(), response.to_wire()))
                .collect();
            out.insert("methodResponses".into(), Value::Object(responses));
        }
        if let Some(integration) = &self.integration {
            out.insert("methodIntegration".into(), integration.to_wire());
        }
        Value::Object(out)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodResponse {
    pub status_code: String,
    #[serde(default)]
    pub response_parameters: BTreeMap<String, bool>,
    #[serde(default)]
    pub response_models: BTreeMap<String, String>,
}

impl MethodResponse {
    pub fn to_wire(&self) -> Value {
        let mut out = json!({ "statusCode": self.status_code });
        if !self.response_parameters.is_empty() {
            out["responseParameters"] = json!(self.response_parameters);
        }
        if !self.response_models.is_empty() {
            out["responseModels"] = json!(self.response_models);
        }
        out
    }
}

/// The integration types API Gateway has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntegrationType {
    #[serde(rename = "AWS")]
    Aws,
    #[serde(rename = "AWS_PROXY")]
    AwsProxy,
    #[serde(rename = "HTTP")]
    Http,
    #[serde(rename = "HTTP_PROXY")]
    HttpProxy,
    #[serde(rename = "MOCK")]
    Mock,
}

impl IntegrationType {
    pub const ALLOWED: &'static str = "HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS";

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "AWS" => Self::Aws,
            "AWS_PROXY" => Self::AwsProxy,
            "HTTP" => Self::Http,
            "HTTP_PROXY" => Self::HttpProxy,
            "MOCK" => Self::Mock,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::AwsProxy => "AWS_PROXY",
            Self::Http => "HTTP",
            Self::HttpProxy => "HTTP_PROXY",
            Self::Mock => "MOCK",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub kind: IntegrationType,
    /// The verb of the backend request (`POST` for Lambda).
    pub http_method: Option<String>,
    pub uri: Option<String>,
    pub connection_type: Option<String>,
    pub connection_id: Option<String>,
    pub credentials: Option<String>,
    #[serde(default)]
    pub request_parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub request_templates: BTreeMap<String, String>,
    pub passthrough_behavior: String,
    pub content_handling: Option<String>,
    pub timeout_in_millis: i64,
    pub cache_namespace: String,
    #[serde(default)]
    pub cache_key_parameters: Vec<String>,
    /// By status code.
    #[serde(default)]
    pub integration_responses: BTreeMap<String, IntegrationResponse>,
    #[serde(default)]
    pub extra: Map<String, Value>,
}

impl Integration {
    pub fn to_wire(&self) -> Value {
        let mut out = self.extra.clone();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("type", json!(self.kind.as_str()));
        if let Some(verb) = &self.http_method {
            put("httpMethod", json!(verb));
        }
        if let Some(uri) = &self.uri {
            put("uri", json!(uri));
        }
        if let Some(kind) = &self.connection_type {
            put("connectionType", json!(kind));
        }
        if let Some(id) = &self.connection_id {
            put("connectionId", json!(id));
        }
        if let Some(credentials) = &self.credentials {
            put("credentials", json!(credentials));
        }
        if !self.request_parameters.is_empty() {
            put("requestParameters", json!(self.request_parameters));
        }
        if !self.request_templates.is_empty() {
            put("requestTemplates", json!(self.request_templates));
        }
        put("passthroughBehavior", json!(self.passthrough_behavior));
        if let Some(handling) = &self.content_handling {
            put("contentHandling", json!(handling));
        }
        put("timeoutInMillis", json!(self.timeout_in_millis));
        put("cacheNamespace", json!(self.cache_namespace));
        put("cacheKeyParameters", json!(self.cache_key_parameters));
        if !self.integration_responses.is_empty() {
            let responses: Map<String, Value> = (self.integration_responses.iter())
                .map(|(code, response)| (code.clone(), response.to_wire()))
                .collect();
            put("integrationResponses", Value::Object(responses));
        }
        Value::Object(out)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationResponse {
    pub status_code: String,
    pub selection_pattern: Option<String>,
    #[serde(default)]
    pub response_parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub response_templates: BTreeMap<String, String>,
    pub content_handling: Option<String>,
}

impl IntegrationResponse {
    pub fn to_wire(&self) -> Value {
        let mut out = json!({ "statusCode": self.status_code });
        if let Some(pattern) = &self.selection_pattern {
            out["selectionPattern"] = json!(pattern);
        }
        if !self.response_parameters.is_empty() {
            out["responseParameters"] = json!(self.response_parameters);
        }
        if !self.response_templates.is_empty() {
            out["responseTemplates"] = json!(self.response_templates);
        }
        if let Some(handling) = &self.content_handling {
            out["contentHandling"] = json!(handling);
        }
        out
    }
}

/// A deployment: the API's resource tree and authorizers as they were when the deployment was
/// made. Stages run this copy, so later edits are not live until deployed again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub description: Option<String>,
    pub created_date: i64,
    pub resources: Vec<Resource>,
    /// The API's authorizers as they were, which the stages' methods run.
    #[serde(default)]
    pub authorizers: Vec<super::authorizers::Authorizer>,
}

impl Deployment {
    pub fn to_wire(&self, with_summary: bool) -> Value {
        let mut out = json!({ "id": self.id, "createdDate": self.created_date });
        if let Some(description) = &self.description {
            out["description"] = json!(description);
        }
        if with_summary {
            let mut summary = Map::new();
            for resource in &self.resources {
                if resource.methods.is_empty() {
                    continue;
                }
                let methods: Map<String, Value> = (resource.methods.iter())
                    .map(|(verb, method)| {
                        let shown = json!({
                            "authorizationType": method.authorization_type,
                            "apiKeyRequired": method.api_key_required,
                        });
                        (verb.clone(), shown)
                    })
                    .collect();
                summary.insert(path_of(&self.resources, &resource.id), Value::Object(methods));
            }
            out["apiSummary"] = Value::Object(summary);
        }
        out
    }
}

/// A canary: a share of a stage's traffic sent to another deployment, with some stage
/// variables overridden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Canary {
    pub deployment_id: String,
    /// 0.0 – 100.0.
    pub percent_traffic: f64,
    #[serde(default)]
    pub stage_variable_overrides: BTreeMap<String, String>,
    #[serde(default)]
    pub use_stage_cache: bool,
}

impl Canary {
    pub fn to_wire(&self) -> Value {
        let mut out = json!({
            "deploymentId": self.deployment_id,
            "percentTraffic": self.percent_traffic,
            "useStageCache": self.use_stage_cache,
        });
        if !self.stage_variable_overrides.is_empty() {
            out["stageVariableOverrides"] = json!(self.stage_variable_overrides);
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stage {
    pub stage_name: String,
    pub deployment_id: String,
    pub description: Option<String>,
    #[serde(default)]
    pub cache_cluster_enabled: bool,
    pub cache_cluster_size: Option<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    pub canary: Option<Canary>,
    /// By `{resourcePath}/{httpMethod}` as the patch path names it (`*/*`, `~1pets/GET`): the
    /// invoke URL enforces their throttling (see `throttling`); the rest is stored and returned.
    #[serde(default)]
    pub method_settings: BTreeMap<String, Map<String, Value>>,
    #[serde(default)]
    pub tracing_enabled: bool,
    #[serde(default)]
    pub access_log_settings: Map<String, Value>,
    pub client_certificate_id: Option<String>,
    pub documentation_version: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub created_date: i64,
    pub last_updated_date: i64,
    #[serde(default)]
    pub extra: Map<String, Value>,
    /// The last change on its way to the invoke URL, under AWS's timing (see `propagation`);
    /// never shown on the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation: Option<super::propagation::Propagation>,
}

impl Stage {
    pub fn to_wire(&self) -> Value {
        let mut out = self.extra.clone();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("deploymentId", json!(self.deployment_id));
        put("stageName", json!(self.stage_name));
        if let Some(description) = &self.description {
            put("description", json!(description));
        }
        put("cacheClusterEnabled", json!(self.cache_cluster_enabled));
        if let Some(size) = &self.cache_cluster_size {
            put("cacheClusterSize", json!(size));
        }
        let status = if self.cache_cluster_enabled { "AVAILABLE" } else { "NOT_AVAILABLE" };
        put("cacheClusterStatus", json!(status));
        put("methodSettings", json!(self.method_settings));
        if !self.variables.is_empty() {
            put("variables", json!(self.variables));
        }
        if let Some(canary) = &self.canary {
            put("canarySettings", canary.to_wire());
        }
        put("tracingEnabled", json!(self.tracing_enabled));
        if !self.access_log_settings.is_empty() {
            put("accessLogSettings", Value::Object(self.access_log_settings.clone()));
        }
        if let Some(id) = &self.client_certificate_id {
            put("clientCertificateId", json!(id));
        }
        if let Some(version) = &self.documentation_version {
            put("documentationVersion", json!(version));
        }
        if !self.tags.is_empty() {
            put("tags", json!(self.tags));
        }
        put("createdDate", json!(self.created_date));
        put("lastUpdatedDate", json!(self.last_updated_date));
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(id: &str, parent: Option<&str>, part: Option<&str>) -> Resource {
        Resource {
            id: id.into(),
            parent_id: parent.map(Into::into),
            path_part: part.map(Into::into),
            methods: BTreeMap::new(),
        }
    }

    #[test]
    fn paths_are_built_from_the_parents() {
        let tree = vec![
            resource("root", None, None),
            resource("a", Some("root"), Some("pets")),
            resource("b", Some("a"), Some("{petId}")),
        ];
        assert_eq!(path_of(&tree, "root"), "/");
        assert_eq!(path_of(&tree, "a"), "/pets");
        assert_eq!(path_of(&tree, "b"), "/pets/{petId}");
    }

    #[test]
    fn ids_are_lowercase_alphanumerics() {
        let id = new_id(&crate::ids::Ids::new(None), 10);
        assert_eq!(id.len(), 10);
        assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
}
