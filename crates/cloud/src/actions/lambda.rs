//! Lambda actions: create a function from the form's source code (zipped here), update its
//! code, publish a version, create and update aliases (weighted routing), add a permission,
//! invoke.

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use crate::settle;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Environment, FunctionCode, LogType, Runtime,
};
use base64::Engine;
use serde_json::{Value, json};
use std::io::Write;

/// The zip a function's source becomes: one file, named as the runtime and handler expect
/// (`lambda_function.py` for `lambda_function.lambda_handler`; `index.mjs` for Node.js code
/// written as an ES module, else `index.js`).
pub fn zip_source(runtime: &str, handler: &str, source: &str) -> Result<Vec<u8>, String> {
    let file = source_file(runtime, handler, source)?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time, so that the same source makes the same zip, and so the same CodeSha256: a
    // step run twice finds the version it published before.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    writer.start_file(file, options).map_err(|error| error.to_string())?;
    writer.write_all(source.as_bytes()).map_err(|error| error.to_string())?;
    Ok(writer.finish().map_err(|error| error.to_string())?.into_inner())
}

/// The name the source's one file has in the zip.
fn source_file(runtime: &str, handler: &str, source: &str) -> Result<String, String> {
    let module = handler.rsplit_once('.').map_or(handler, |(module, _)| module);
    if module.is_empty() {
        return Err(format!("the handler `{handler}` names no file: write it as file.function"));
    }
    if runtime.starts_with("python") {
        Ok(format!("{module}.py"))
    } else if runtime.starts_with("nodejs") {
        let es_module = source.contains("export ") && !source.contains("exports.");
        Ok(format!("{module}.{}", if es_module { "mjs" } else { "js" }))
    } else {
        Err(format!("awslab writes Python and Node.js functions, not {runtime}"))
    }
}

fn zip_failure(operation: &str, message: String) -> Failure {
    Failure::local("lambda", operation, "InvalidParameterValueException", message)
}

pub async fn create_function(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let runtime = params.text("runtime")?;
    let role = params.text("role")?;
    let handler = params.text("handler")?;
    let source = params.text("code")?;
    let zip = zip_source(runtime, handler, source)
        .map_err(|message| zip_failure("CreateFunction", message))?;
    let timeout = params.optional_number("timeout")?.map(|t| t as i32);
    let memory = params.optional_number("memory_size")?.map(|m| m as i32);
    let description = params.optional_text("description")?;
    let environment = params.pairs("environment")?;
    let file = source_file(runtime, handler, source)
        .map_err(|message| zip_failure("CreateFunction", message))?;
    let mut call = CallBuilder::new("lambda", "lambda", "CreateFunction")
        .zipped_source(&file, source, "function.zip")
        .text("function-name", name)
        .text("runtime", runtime)
        .text("role", role)
        .text("handler", handler)
        .file(
            "zip-file",
            &format!("<zip of the source, {} bytes>", zip.len()),
            "fileb://function.zip",
        );
    if let Some(timeout) = timeout {
        call = call.number("timeout", timeout);
    }
    if let Some(memory) = memory {
        call = call.number("memory-size", memory);
    }
    call = call.optional_text("description", description);
    if !environment.is_empty() {
        let variables: serde_json::Map<String, Value> =
            environment.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        call = call.json("environment", &json!({ "Variables": variables }));
    }
    recorder.call(call);
    let mut request = ctx
        .clients
        .lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::from(runtime))
        .role(role)
        .handler(handler)
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .set_timeout(timeout)
        .set_memory_size(memory)
        .set_description(description.map(str::to_string));
    if !environment.is_empty() {
        let mut env = Environment::builder();
        for (key, value) in &environment {
            env = env.variables(key, value);
        }
        request = request.environment(env.build());
    }
    for (key, value) in ctx.tags() {
        request = request.tags(key, value);
    }
    // A role made a moment ago may not be assumable by Lambda yet: AWS says so, and a second
    // try a few seconds later succeeds.
    let answer = settle::retrying(ctx.clients, || async {
        let sent = request.clone().send().await;
        sent.map_err(|error| Failure::from_sdk("lambda", "CreateFunction", error))
    })
    .await?;
    recorder.created("lambda.function", name);
    // A new function is Pending: nothing can invoke or change it until it is Active.
    settle::function_ready(ctx.clients, name).await?;
    Ok(json!({
        "FunctionName": answer.function_name(),
        "FunctionArn": answer.function_arn(),
        "Runtime": answer.runtime().map(|r| r.as_str()),
        "CodeSha256": answer.code_sha256(),
        "State": answer.state().map(|s| s.as_str()),
    }))
}

pub async fn update_function_code(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let source = params.text("code")?;
    let publishes = params.flag("publish")?;
    // The file name depends on the function's runtime and handler: read them first.
    let config = ctx
        .clients
        .lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("lambda", "GetFunctionConfiguration", error))?;
    let runtime = config.runtime().map(|r| r.as_str().to_string()).unwrap_or_default();
    let handler = config.handler().unwrap_or_default();
    let zip = zip_source(&runtime, handler, source)
        .map_err(|message| zip_failure("UpdateFunctionCode", message))?;
    recorder.call(
        CallBuilder::new("lambda", "lambda", "UpdateFunctionCode")
            .zipped_source(
                &source_file(&runtime, handler, source)
                    .map_err(|message| zip_failure("UpdateFunctionCode", message))?,
                source,
                "function.zip",
            )
            .text("function-name", name)
            .file(
                "zip-file",
                &format!("<zip of the source, {} bytes>", zip.len()),
                "fileb://function.zip",
            ),
    );
    let request =
        ctx.clients.lambda.update_function_code().function_name(name).zip_file(Blob::new(zip));
    // An earlier update may still be in progress; this one is, for a moment, after it.
    let answer = settle::retrying(ctx.clients, || async {
        let sent = request.clone().send().await;
        sent.map_err(|error| Failure::from_sdk("lambda", "UpdateFunctionCode", error))
    })
    .await?;
    settle::function_ready(ctx.clients, name).await?;
    let sha = answer.code_sha256().unwrap_or_default().to_string();
    if !publishes {
        return Ok(json!({ "FunctionName": name, "CodeSha256": sha, "Version": answer.version() }));
    }
    // Run twice, the step finds the version it published the first time.
    if let Some(version) = version_with_code(ctx, name, &sha).await? {
        return Ok(json!({
            "FunctionName": name,
            "CodeSha256": sha,
            "Version": version,
            "reused": true,
        }));
    }
    let mut answer = publish(ctx, recorder, name, None).await?;
    answer["CodeSha256"] = json!(sha);
    Ok(answer)
}

/// The published version of `name` whose code is `sha`, if there is one.
async fn version_with_code(
    ctx: &ActionContext<'_>,
    name: &str,
    sha: &str,
) -> Result<Option<String>, Failure> {
    let mut pages =
        ctx.clients.lambda.list_versions_by_function().function_name(name).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|error| Failure::from_sdk("lambda", "ListVersionsByFunction", error))?;
        let found = page.versions().iter().find(|version| {
            version.version() != Some("$LATEST") && version.code_sha256() == Some(sha)
        });
        if let Some(found) = found {
            return Ok(found.version().map(str::to_string));
        }
    }
    Ok(None)
}

pub async fn publish_version(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let description = params.optional_text("description")?;
    publish(ctx, recorder, name, description).await
}

async fn publish(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
    name: &str,
    description: Option<&str>,
) -> Result<Value, Failure> {
    let mut call =
        CallBuilder::new("lambda", "lambda", "PublishVersion").text("function-name", name);
    call = call.optional_text("description", description);
    recorder.call(call);
    let request = ctx
        .clients
        .lambda
        .publish_version()
        .function_name(name)
        .set_description(description.map(str::to_string));
    // Refused while an update of the function is in progress: AWS's "An update is in progress".
    let answer = settle::retrying(ctx.clients, || async {
        let sent = request.clone().send().await;
        sent.map_err(|error| Failure::from_sdk("lambda", "PublishVersion", error))
    })
    .await?;
    Ok(json!({
        "FunctionName": name,
        "Version": answer.version(),
        "FunctionArn": answer.function_arn(),
    }))
}

pub async fn create_alias(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let alias = params.text("alias_name")?;
    let version = params.text("function_version")?;
    let description = params.optional_text("description")?;
    let mut call = CallBuilder::new("lambda", "lambda", "CreateAlias")
        .text("function-name", name)
        .text("name", alias)
        .text("function-version", version);
    call = call.optional_text("description", description);
    recorder.call(call);
    let answer = ctx
        .clients
        .lambda
        .create_alias()
        .function_name(name)
        .name(alias)
        .function_version(version)
        .set_description(description.map(str::to_string))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("lambda", "CreateAlias", error))?;
    Ok(json!({ "AliasArn": answer.alias_arn(), "FunctionVersion": answer.function_version() }))
}

pub async fn update_alias(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let alias = params.text("alias_name")?;
    let version = params.optional_text("function_version")?;
    let additional = params.optional_text("additional_version")?;
    let weight = params.optional_number("additional_weight")?;
    let mut call = CallBuilder::new("lambda", "lambda", "UpdateAlias")
        .text("function-name", name)
        .text("name", alias);
    call = call.optional_text("function-version", version);
    let routing = match (additional, weight) {
        (Some(extra), Some(weight)) => {
            call = call
                .json("routing-config", &json!({ "AdditionalVersionWeights": { extra: weight } }));
            Some(
                AliasRoutingConfiguration::builder()
                    .additional_version_weights(extra, weight)
                    .build(),
            )
        }
        _ => None,
    };
    recorder.call(call);
    let answer = ctx
        .clients
        .lambda
        .update_alias()
        .function_name(name)
        .name(alias)
        .set_function_version(version.map(str::to_string))
        .set_routing_config(routing)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("lambda", "UpdateAlias", error))?;
    Ok(json!({ "AliasArn": answer.alias_arn(), "FunctionVersion": answer.function_version() }))
}

pub async fn add_permission(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let grant = Grant {
        function: params.text("function_name")?,
        qualifier: params.optional_text("qualifier")?,
        statement_id: params.text("statement_id")?,
        action: params.optional_text("action")?.unwrap_or("lambda:InvokeFunction"),
        principal: params.text("principal")?,
        source_arn: params.optional_text("source_arn")?,
    };
    add_permission_once(ctx, recorder, &grant).await
}

/// One statement of a function's resource policy, as AddPermission takes it.
pub(super) struct Grant<'a> {
    pub function: &'a str,
    pub qualifier: Option<&'a str>,
    pub statement_id: &'a str,
    pub action: &'a str,
    pub principal: &'a str,
    pub source_arn: Option<&'a str>,
}

/// AddPermission, safe to run twice. When the statement id is taken on a function this lab
/// made, the statement there is kept if it grants the same (no call made; `reused: true`), and
/// replaced otherwise (RemovePermission, then AddPermission), since the lab made both. On a
/// function the lab did not make, AWS's refusal stands.
pub(super) async fn add_permission_once(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
    grant: &Grant<'_>,
) -> Result<Value, Failure> {
    match add_statement(ctx, recorder, grant).await {
        Err(failure) if failure.code == "ResourceConflictException" => {
            let function =
                super::Created { kind: "lambda.function".into(), id: grant.function.to_string() };
            if !crate::ownership::owner(ctx.clients, &function).await?.is_lab(ctx.lab_id) {
                return Err(failure);
            }
            if let Some(statement) = statement_there(ctx, grant).await?
                && grants_the_same(&statement, grant)
            {
                return Ok(json!({ "Statement": statement, "reused": true }));
            }
            let mut call = CallBuilder::new("lambda", "lambda", "RemovePermission")
                .text("function-name", grant.function)
                .text("statement-id", grant.statement_id);
            call = call.optional_text("qualifier", grant.qualifier);
            recorder.call(call);
            ctx.clients
                .lambda
                .remove_permission()
                .function_name(grant.function)
                .statement_id(grant.statement_id)
                .set_qualifier(grant.qualifier.map(str::to_string))
                .send()
                .await
                .map_err(|error| Failure::from_sdk("lambda", "RemovePermission", error))?;
            add_statement(ctx, recorder, grant).await
        }
        answer => answer,
    }
}

async fn add_statement(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
    grant: &Grant<'_>,
) -> Result<Value, Failure> {
    let mut call = CallBuilder::new("lambda", "lambda", "AddPermission")
        .text("function-name", grant.function)
        .text("statement-id", grant.statement_id)
        .text("action", grant.action)
        .text("principal", grant.principal);
    call = call.optional_text("source-arn", grant.source_arn);
    call = call.optional_text("qualifier", grant.qualifier);
    recorder.call(call);
    let answer = ctx
        .clients
        .lambda
        .add_permission()
        .function_name(grant.function)
        .statement_id(grant.statement_id)
        .action(grant.action)
        .principal(grant.principal)
        .set_source_arn(grant.source_arn.map(str::to_string))
        .set_qualifier(grant.qualifier.map(str::to_string))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("lambda", "AddPermission", error))?;
    let statement: Value =
        answer.statement().and_then(|text| serde_json::from_str(text).ok()).unwrap_or(Value::Null);
    Ok(json!({ "Statement": statement }))
}

/// The statement of the grant's id in the function's resource policy, if there is one.
async fn statement_there(
    ctx: &ActionContext<'_>,
    grant: &Grant<'_>,
) -> Result<Option<Value>, Failure> {
    let answer = ctx
        .clients
        .lambda
        .get_policy()
        .function_name(grant.function)
        .set_qualifier(grant.qualifier.map(str::to_string))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("lambda", "GetPolicy", error))?;
    let policy: Value =
        answer.policy().and_then(|text| serde_json::from_str(text).ok()).unwrap_or(Value::Null);
    let statements = policy["Statement"].as_array().cloned().unwrap_or_default();
    Ok(statements.into_iter().find(|statement| statement["Sid"] == grant.statement_id))
}

/// Whether a policy statement grants what `grant` asks: the action, the principal (a service, or
/// an account) and the source ARN.
fn grants_the_same(statement: &Value, grant: &Grant<'_>) -> bool {
    let principal = &statement["Principal"];
    let principal_matches = principal["Service"] == grant.principal
        || principal["AWS"] == grant.principal
        || principal.as_str() == Some(grant.principal)
        || principal["AWS"].as_str().is_some_and(|arn| arn.contains(grant.principal));
    let source = &statement["Condition"]["ArnLike"]["AWS:SourceArn"];
    let source_matches = match grant.source_arn {
        Some(arn) => source == arn,
        None => source.is_null(),
    };
    statement["Action"] == grant.action && principal_matches && source_matches
}

pub async fn invoke(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("function_name")?;
    let payload = params.optional_json("payload")?.unwrap_or_else(|| json!({}));
    let qualifier = params.optional_text("qualifier")?;
    let mut call = CallBuilder::new("lambda", "lambda", "Invoke")
        .text("function-name", name)
        .text("payload", &payload.to_string())
        .text("cli-binary-format", "raw-in-base64-out")
        .text("log-type", "Tail");
    call = call.optional_text("qualifier", qualifier);
    recorder.call(call.positional("response.json"));
    let request = ctx
        .clients
        .lambda
        .invoke()
        .function_name(name)
        .payload(Blob::new(payload.to_string()))
        .set_qualifier(qualifier.map(str::to_string))
        .log_type(LogType::Tail);
    // A function still Pending cannot be invoked yet.
    let answer = settle::retrying(ctx.clients, || async {
        let sent = request.clone().send().await;
        sent.map_err(|error| Failure::from_sdk("lambda", "Invoke", error))
    })
    .await?;
    let body = answer.payload().map(|blob| blob.as_ref().to_vec()).unwrap_or_default();
    let payload = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let log = answer
        .log_result()
        .and_then(|tail| base64::engine::general_purpose::STANDARD.decode(tail).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok(json!({
        "StatusCode": answer.status_code(),
        "ExecutedVersion": answer.executed_version(),
        "FunctionError": answer.function_error(),
        "Payload": payload,
        "LogLines": log.map(|text| text.lines().map(str::to_string).collect::<Vec<_>>()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_as_the_runtime_expects() {
        let name = |runtime: &str, handler: &str, source: &str| {
            let zip = zip_source(runtime, handler, source).unwrap();
            let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
            archive.file_names().next().unwrap().unwrap().to_string()
        };
        assert_eq!(name("python3.12", "lambda_function.lambda_handler", "x"), "lambda_function.py");
        assert_eq!(name("nodejs20.x", "index.handler", "exports.handler = 1"), "index.js");
        assert_eq!(name("nodejs20.x", "index.handler", "export const handler = 1"), "index.mjs");
        assert!(zip_source("java21", "a.b", "x").is_err());
    }
}
