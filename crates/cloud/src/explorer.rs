//! What exists on the target for one lab, described for the app's explorer: the lab's IAM
//! roles and policies, DynamoDB tables with their first items, Lambda functions with their
//! recent log lines, and REST APIs with their routes and the invoke URL of each stage.
//!
//! "The lab's" means tagged `awslab:lab` with its id ([`crate::cleanup::tagged_resources`]), so
//! the explorer never lists the learner's other work. Everything here only reads.

use crate::apigateway::{self, HttpAnswer};
use crate::cleanup::tagged_resources;
use crate::values::from_attributes;
use crate::{Clients, Failure};
use serde::Serialize;
use serde_json::Value;

/// How many items of a table, and log lines of a function, the explorer shows.
pub const SHOWN: i32 = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Explorer {
    pub roles: Vec<RoleEntry>,
    pub policies: Vec<PolicyEntry>,
    pub tables: Vec<TableEntry>,
    pub functions: Vec<FunctionEntry>,
    pub apis: Vec<ApiEntry>,
    /// Resources of kinds the explorer does not describe yet: `kind id`.
    pub others: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RoleEntry {
    pub name: String,
    pub arn: String,
    /// Who may assume it (`lambda.amazonaws.com`).
    pub trusted: Vec<String>,
    /// Attached managed policies, by name.
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PolicyEntry {
    pub name: String,
    pub arn: String,
    /// The default version's document.
    pub document: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TableEntry {
    pub name: String,
    /// `customer_id (HASH, S)`.
    pub keys: Vec<String>,
    /// The first items a scan returns, as plain JSON.
    pub items: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct FunctionEntry {
    pub name: String,
    pub runtime: String,
    pub role: String,
    pub last_modified: String,
    /// The newest lines of its log group, oldest first.
    pub log_lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ApiEntry {
    pub id: String,
    pub name: String,
    /// `GET /houses`, in path order.
    pub routes: Vec<String>,
    pub stages: Vec<StageEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StageEntry {
    pub name: String,
    pub invoke_url: String,
    pub variables: Vec<String>,
    /// The canary's share of traffic, when the stage has one.
    pub canary_percent: Option<f64>,
}

/// Describes every resource of `lab_id` on the target.
pub async fn explore(clients: &Clients, lab_id: &str) -> Result<Explorer, Failure> {
    let mut explorer = Explorer::default();
    for resource in tagged_resources(clients, lab_id).await? {
        match resource.kind.as_str() {
            "iam.role" => explorer.roles.push(role(clients, &resource.id).await?),
            "iam.policy" => explorer.policies.push(policy(clients, &resource.id).await?),
            "dynamodb.table" => explorer.tables.push(table(clients, &resource.id).await?),
            "lambda.function" => explorer.functions.push(function(clients, &resource.id).await?),
            "apigateway.rest_api" => explorer.apis.push(api(clients, &resource.id).await?),
            other => explorer.others.push(format!("{other} {}", resource.id)),
        }
    }
    Ok(explorer)
}

async fn role(clients: &Clients, name: &str) -> Result<RoleEntry, Failure> {
    let answer = (clients.iam.get_role().role_name(name).send().await)
        .map_err(|error| Failure::from_sdk("iam", "GetRole", error))?;
    let role = answer.role();
    let trust: Value = role
        .and_then(|role| role.assume_role_policy_document())
        .and_then(|text| percent_encoding::percent_decode_str(text).decode_utf8().ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let mut trusted: Vec<String> = Vec::new();
    for statement in statements(&trust) {
        for principal in ["Service", "AWS"] {
            match &statement["Principal"][principal] {
                Value::String(one) => trusted.push(one.clone()),
                Value::Array(many) => {
                    trusted.extend(many.iter().filter_map(Value::as_str).map(str::to_string));
                }
                _ => {}
            }
        }
    }
    let attached = (clients.iam.list_attached_role_policies().role_name(name).send().await)
        .map_err(|error| Failure::from_sdk("iam", "ListAttachedRolePolicies", error))?;
    Ok(RoleEntry {
        name: name.to_string(),
        arn: role.map(|role| role.arn().to_string()).unwrap_or_default(),
        trusted,
        policies: attached
            .attached_policies()
            .iter()
            .filter_map(|policy| policy.policy_name().map(str::to_string))
            .collect(),
    })
}

fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(all) => all.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

async fn policy(clients: &Clients, arn: &str) -> Result<PolicyEntry, Failure> {
    let answer = (clients.iam.get_policy().policy_arn(arn).send().await)
        .map_err(|error| Failure::from_sdk("iam", "GetPolicy", error))?;
    let policy = answer.policy();
    let version = policy.and_then(|policy| policy.default_version_id()).unwrap_or("v1");
    let document = (clients.iam.get_policy_version().policy_arn(arn).version_id(version).send())
        .await
        .map_err(|error| Failure::from_sdk("iam", "GetPolicyVersion", error))?
        .policy_version()
        .and_then(|version| version.document())
        .and_then(|text| percent_encoding::percent_decode_str(text).decode_utf8().ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    Ok(PolicyEntry {
        name: policy.and_then(|policy| policy.policy_name()).unwrap_or_default().to_string(),
        arn: arn.to_string(),
        document,
    })
}

async fn table(clients: &Clients, name: &str) -> Result<TableEntry, Failure> {
    let described = (clients.dynamodb.describe_table().table_name(name).send().await)
        .map_err(|error| Failure::from_sdk("dynamodb", "DescribeTable", error))?;
    let types: std::collections::HashMap<&str, &str> = described
        .table()
        .map(|table| table.attribute_definitions())
        .unwrap_or_default()
        .iter()
        .map(|definition| (definition.attribute_name(), definition.attribute_type().as_str()))
        .collect();
    let keys = described
        .table()
        .map(|table| table.key_schema())
        .unwrap_or_default()
        .iter()
        .map(|key| {
            let name = key.attribute_name();
            let kind = types.get(name).copied().unwrap_or("?");
            format!("{name} ({}, {kind})", key.key_type().as_str())
        })
        .collect();
    let scanned = (clients.dynamodb.scan().table_name(name).limit(SHOWN).send().await)
        .map_err(|error| Failure::from_sdk("dynamodb", "Scan", error))?;
    Ok(TableEntry {
        name: name.to_string(),
        keys,
        items: scanned.items().iter().map(from_attributes).collect(),
    })
}

async fn function(clients: &Clients, name: &str) -> Result<FunctionEntry, Failure> {
    let answer = (clients.lambda.get_function().function_name(name).send().await)
        .map_err(|error| Failure::from_sdk("lambda", "GetFunction", error))?;
    let configuration = answer.configuration();
    // A function that never ran has no log group yet: no lines, not an error.
    let log_lines = match clients
        .logs
        .filter_log_events()
        .log_group_name(format!("/aws/lambda/{name}"))
        .send()
        .await
    {
        Ok(events) => {
            let lines: Vec<String> = events
                .events()
                .iter()
                .filter_map(|event| event.message().map(|m| m.trim_end().to_string()))
                .collect();
            let skip = lines.len().saturating_sub(SHOWN as usize);
            lines.into_iter().skip(skip).collect()
        }
        Err(_) => Vec::new(),
    };
    Ok(FunctionEntry {
        name: name.to_string(),
        runtime: configuration
            .and_then(|c| c.runtime())
            .map(|runtime| runtime.as_str().to_string())
            .unwrap_or_default(),
        role: configuration.and_then(|c| c.role()).unwrap_or_default().to_string(),
        last_modified: configuration
            .and_then(|c| c.last_modified())
            .unwrap_or_default()
            .to_string(),
        log_lines,
    })
}

async fn api(clients: &Clients, id: &str) -> Result<ApiEntry, Failure> {
    let answer = (clients.apigateway.get_rest_api().rest_api_id(id).send().await)
        .map_err(|error| Failure::from_sdk("apigateway", "GetRestApi", error))?;
    let mut routes: Vec<String> = apigateway::resources(clients, id)
        .await?
        .iter()
        .flat_map(|resource| {
            let path = resource.path().unwrap_or("/").to_string();
            let mut methods: Vec<String> = resource
                .resource_methods()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            methods.sort();
            methods.into_iter().map(move |method| format!("{method} {path}"))
        })
        .collect();
    routes.sort_by(|a, b| a.split_once(' ').map(|x| x.1).cmp(&b.split_once(' ').map(|x| x.1)));
    let stages = (clients.apigateway.get_stages().rest_api_id(id).send().await)
        .map_err(|error| Failure::from_sdk("apigateway", "GetStages", error))?;
    let mut stages: Vec<StageEntry> = stages
        .item()
        .iter()
        .map(|stage| {
            let name = stage.stage_name().unwrap_or_default().to_string();
            let mut variables: Vec<String> = stage
                .variables()
                .map(|vars| vars.iter().map(|(k, v)| format!("{k}={v}")).collect())
                .unwrap_or_default();
            variables.sort();
            StageEntry {
                invoke_url: clients.invoke_url(id, &name),
                name,
                variables,
                canary_percent: stage.canary_settings().map(|canary| canary.percent_traffic()),
            }
        })
        .collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ApiEntry {
        id: id.to_string(),
        name: answer.name().unwrap_or_default().to_string(),
        routes,
        stages,
    })
}

/// Sends one request to a URL of the target (the explorer's "send" button), with `headers`
/// besides the content type (an `x-api-key`, an `Authorization` token): the answer as it came,
/// or why it could not be sent.
pub async fn send_request(
    clients: &Clients,
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(String, String)],
) -> Result<HttpAnswer, Failure> {
    let method =
        reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).map_err(|_| {
            Failure::local(
                "http",
                "Request",
                "InvalidParameter",
                format!("not an HTTP method: {method}"),
            )
        })?;
    let mut request = clients.http.request(method, url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body.filter(|body| !body.is_empty()) {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.map_err(|error| {
        Failure::local("http", "Request", "ConnectionFailed", format!("{url}: {error}"))
    })?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), Value::String(value.to_str().ok()?.into())))
        })
        .collect();
    let body = response.text().await.unwrap_or_default();
    Ok(HttpAnswer { status, body, headers })
}
