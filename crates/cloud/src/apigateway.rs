//! Finding API Gateway resources the way a student names them: an API by its name, a resource
//! by its path (`/customer`), and calling a stage's invoke URL.

use crate::clients::Clients;
use crate::failure::Failure;
use aws_sdk_apigateway::types::{Resource, RestApi};

/// The REST API named `name`, if any (the newest, when several share the name).
pub async fn rest_api_by_name(clients: &Clients, name: &str) -> Result<Option<RestApi>, Failure> {
    let mut pages = clients.apigateway.get_rest_apis().limit(500).into_paginator().items().send();
    let mut found: Option<RestApi> = None;
    while let Some(api) = pages.next().await {
        let api = api.map_err(|error| Failure::from_sdk("apigateway", "GetRestApis", error))?;
        if api.name() == Some(name)
            && found.as_ref().is_none_or(|other| other.created_date() < api.created_date())
        {
            found = Some(api);
        }
    }
    Ok(found)
}

/// Every resource of an API, with its methods.
pub async fn resources(clients: &Clients, api_id: &str) -> Result<Vec<Resource>, Failure> {
    let mut pages = clients
        .apigateway
        .get_resources()
        .rest_api_id(api_id)
        .embed("methods")
        .limit(500)
        .into_paginator()
        .items()
        .send();
    let mut all = Vec::new();
    while let Some(resource) = pages.next().await {
        all.push(resource.map_err(|error| Failure::from_sdk("apigateway", "GetResources", error))?);
    }
    Ok(all)
}

/// The resource at `path` (`/` is the root).
pub async fn resource_by_path(
    clients: &Clients,
    api_id: &str,
    path: &str,
) -> Result<Option<Resource>, Failure> {
    let wanted = normalize(path);
    Ok(resources(clients, api_id).await?.into_iter().find(|r| r.path() == Some(wanted.as_str())))
}

/// `customer` and `/customer/` are `/customer`.
pub fn normalize(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    format!("/{trimmed}")
}

/// An answer from an invoke URL.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: String,
    pub headers: serde_json::Map<String, serde_json::Value>,
}

/// Calls a stage's invoke URL.
pub async fn call_stage(
    clients: &Clients,
    api_id: &str,
    stage: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(String, String)],
) -> Result<HttpAnswer, Failure> {
    let url = format!("{}{}", clients.invoke_url(api_id, stage), normalize_keep_root(path));
    crate::explorer::send_request(clients, method, &url, body, headers).await
}

/// A request path: `/` stays `/`, `houses` becomes `/houses`.
fn normalize_keep_root(path: &str) -> String {
    if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
}
