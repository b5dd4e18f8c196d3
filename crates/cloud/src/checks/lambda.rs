//! Lambda checks: a function's configuration (optionally of a version or alias), a version, an
//! alias, the resource policy's statements, and an invocation's answer.

use super::{Selector, absent_or};
use crate::clients::Clients;
use crate::failure::Failure;
use aws_sdk_lambda::primitives::Blob;
use serde_json::{Value, json};

pub async fn function(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    configuration(clients, name, selector.optional_text("qualifier")?).await
}

pub async fn version(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("function")?;
    let version = selector.text("version")?;
    configuration(clients, name, Some(version)).await
}

async fn configuration(
    clients: &Clients,
    name: &str,
    qualifier: Option<&str>,
) -> Result<Option<Value>, Failure> {
    let answer = clients
        .lambda
        .get_function_configuration()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_string))
        .send()
        .await;
    let config = match answer {
        Ok(config) => config,
        Err(error) => {
            return absent_or(Failure::from_sdk("lambda", "GetFunctionConfiguration", error));
        }
    };
    let mut out = json!({
        "FunctionName": config.function_name(),
        "FunctionArn": config.function_arn(),
        "Runtime": config.runtime().map(|r| r.as_str()),
        "Role": config.role(),
        "Handler": config.handler(),
        "Timeout": config.timeout(),
        "MemorySize": config.memory_size(),
        "Description": config.description(),
        "State": config.state().map(|s| s.as_str()),
        "Version": config.version(),
        "PackageType": config.package_type().map(|p| p.as_str()),
        "CodeSha256": config.code_sha256(),
    });
    if let Some(variables) = config.environment().and_then(|env| env.variables()) {
        out["Environment"] = json!({ "Variables": variables });
    }
    Ok(Some(out))
}

pub async fn alias(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let function = selector.text("function")?;
    let name = selector.text("name")?;
    let alias = match clients.lambda.get_alias().function_name(function).name(name).send().await {
        Ok(alias) => alias,
        Err(error) => return absent_or(Failure::from_sdk("lambda", "GetAlias", error)),
    };
    let mut out = json!({
        "Name": alias.name(),
        "AliasArn": alias.alias_arn(),
        "FunctionVersion": alias.function_version(),
        "Description": alias.description(),
    });
    if let Some(weights) = alias.routing_config().and_then(|r| r.additional_version_weights()) {
        out["RoutingConfig"] = json!({ "AdditionalVersionWeights": weights });
    }
    Ok(Some(out))
}

pub async fn permission(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let function = selector.text("function")?;
    let qualifier = selector.optional_text("qualifier")?;
    let answer = clients
        .lambda
        .get_policy()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string))
        .send()
        .await;
    let policy = match answer {
        Ok(policy) => policy,
        Err(error) => return absent_or(Failure::from_sdk("lambda", "GetPolicy", error)),
    };
    let document: Value =
        policy.policy().and_then(|text| serde_json::from_str(text).ok()).unwrap_or(Value::Null);
    Ok(Some(json!({ "Statement": document.get("Statement").cloned().unwrap_or(json!([])) })))
}

pub async fn invocation(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let function = selector.text("function")?;
    let qualifier = selector.optional_text("qualifier")?;
    let payload = match selector.value("payload") {
        None => json!({}),
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        Some(other) => other.clone(),
    };
    let answer = clients
        .lambda
        .invoke()
        .function_name(function)
        .set_qualifier(qualifier.map(str::to_string))
        .payload(Blob::new(payload.to_string()))
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => return absent_or(Failure::from_sdk("lambda", "Invoke", error)),
    };
    let body = answer.payload().map(|blob| blob.as_ref().to_vec()).unwrap_or_default();
    let payload = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    Ok(Some(json!({
        "StatusCode": answer.status_code(),
        "Payload": payload,
        "FunctionError": answer.function_error(),
        "ExecutedVersion": answer.executed_version(),
    })))
}
