//! Functions: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
//! UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction; the `Target` a request
//! names, and the paging Lambda's listings share.
//!
//! Not here: the settings' rules (`validation`) and versions (`versions`).

use super::code::CodeStore;
use super::model::{Config, Function, FunctionRef, WireStatus, function_arn, last_modified};
use super::settling;
use super::validation::{
    bounded, validate_architectures, validate_environment, validate_function_name,
    validate_handler, validate_memory, validate_role, validate_runtime, validate_storage,
    validate_timeout,
};
use super::versions::publish;
use super::{LambdaError, authorize, revision_id};
use crate::clock::millis;
use crate::error::AwsError;
use crate::protocol::rest_json::RestRequest;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use crate::timing::Delay;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The largest create or update request: a 50 MB zip, base64-encoded.
const CODE_REQUEST_LIMIT: usize = 69_905_067;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CodeInput {
    zip_file: Option<String>,
    #[serde(rename = "S3Bucket")]
    s3_bucket: Option<String>,
    image_uri: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EnvironmentInput {
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StorageInput {
    size: u32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LoggingInput {
    log_group: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateFunctionInput {
    function_name: String,
    runtime: Option<String>,
    role: String,
    handler: Option<String>,
    code: CodeInput,
    #[serde(default)]
    description: String,
    timeout: Option<i64>,
    memory_size: Option<i64>,
    #[serde(default)]
    publish: bool,
    environment: Option<EnvironmentInput>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    architectures: Option<Vec<String>>,
    ephemeral_storage: Option<StorageInput>,
    package_type: Option<String>,
    logging_config: Option<LoggingInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateConfigurationInput {
    #[serde(flatten)]
    function: FunctionKey,
    role: Option<String>,
    handler: Option<String>,
    description: Option<String>,
    timeout: Option<i64>,
    memory_size: Option<i64>,
    environment: Option<EnvironmentInput>,
    runtime: Option<String>,
    ephemeral_storage: Option<StorageInput>,
    revision_id: Option<String>,
    logging_config: Option<LoggingInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateCodeInput {
    #[serde(flatten)]
    function: FunctionKey,
    zip_file: Option<String>,
    #[serde(rename = "S3Bucket")]
    s3_bucket: Option<String>,
    image_uri: Option<String>,
    #[serde(default)]
    publish: bool,
    #[serde(default)]
    dry_run: bool,
    revision_id: Option<String>,
    architectures: Option<Vec<String>>,
}

/// The function an operation names: the `{FunctionName}` label (a name, an ARN, or either with
/// a `:qualifier`) and the `?Qualifier=` parameter.
#[derive(Debug, Deserialize)]
pub struct FunctionKey {
    #[serde(rename = "label:FunctionName")]
    pub function_name: String,
    #[serde(rename = "query:Qualifier")]
    pub qualifier: Option<String>,
}

/// A listing's page, `?Marker=&MaxItems=` (the number is checked by [`max_items`], in Lambda's
/// words).
#[derive(Debug, Deserialize)]
pub struct Paging {
    #[serde(rename = "query:Marker")]
    pub marker: Option<String>,
    #[serde(rename = "query:MaxItems")]
    pub max_items: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListFunctionsInput {
    #[serde(rename = "query:FunctionVersion")]
    function_version: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

/// The function a request names, with the qualifier from the name or the `Qualifier` parameter.
pub struct Target {
    pub name: String,
    pub qualifier: Option<String>,
}

impl Target {
    /// Reads `{FunctionName}` and `?Qualifier=`; they must agree when both give one.
    pub fn of(ctx: &RequestContext, key: &FunctionKey) -> Result<Self, LambdaError> {
        let given = key.function_name.as_str();
        let reference = FunctionRef::parse(given)?;
        if reference.region.as_deref().is_some_and(|region| region != ctx.region) {
            return Err(LambdaError::function_not_found(given));
        }
        let parameter = key.qualifier.clone();
        let qualifier = match (reference.qualifier, parameter) {
            (Some(from_name), Some(parameter)) if from_name != parameter => {
                return Err(LambdaError::InvalidParameterValue(
                    "The derived qualifier from the function name does not match the specified \
                     qualifier."
                        .to_string(),
                ));
            }
            (from_name, parameter) => from_name.or(parameter),
        };
        Ok(Self { name: reference.name, qualifier })
    }

    /// The ARN to name in messages and permission checks (qualified when a qualifier was given).
    pub fn arn(&self, ctx: &RequestContext) -> String {
        let arn = function_arn(&ctx.region, ctx.caller.account(), &self.name);
        match &self.qualifier {
            Some(qualifier) => format!("{arn}:{qualifier}"),
            None => arn,
        }
    }

    pub fn not_found(&self, ctx: &RequestContext) -> LambdaError {
        LambdaError::function_not_found(&self.arn(ctx))
    }
}

pub fn create_function(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateFunctionInput,
) -> Result<Value, AwsError> {
    let name = input.function_name.clone();
    let arn = function_arn(&ctx.region, ctx.caller.account(), &name);
    authorize(shared, ctx, "lambda:CreateFunction", &arn)?;
    validate_function_name(&name)?;
    if input.package_type.as_deref().is_some_and(|kind| kind != "Zip") {
        return Err(LambdaError::InvalidParameterValue(
            "The offline emulator runs Zip functions only (container images cannot run offline)."
                .to_string(),
        )
        .into());
    }
    let runtime = input.runtime.clone().unwrap_or_default();
    validate_runtime(&runtime)?;
    let handler = input.handler.clone().unwrap_or_default();
    validate_handler(&handler)?;
    validate_role(&input.role)?;
    let timeout = validate_timeout(input.timeout.unwrap_or(3))?;
    let memory_size = validate_memory(input.memory_size.unwrap_or(128))?;
    let environment = input.environment.map(|env| env.variables).unwrap_or_default();
    validate_environment(&environment)?;
    let ephemeral_storage = validate_storage(input.ephemeral_storage.map_or(512, |s| s.size))?;
    let architectures = validate_architectures(input.architectures)?;
    let zip = code_zip(input.code.zip_file, input.code.s3_bucket, input.code.image_uri)?;

    if lock(&shared.lambda).function(&ctx.region, &name).is_some() {
        return Err(LambdaError::ResourceConflict(format!("Function already exist: {name}")).into());
    }
    check_role_trusts_lambda(shared, ctx, &input.role, &name)?;
    let stored = shared.lambda_code.store(&zip)?;
    let latest = Config {
        name: name.clone(),
        region: ctx.region.clone(),
        account: ctx.caller.account().to_string(),
        version: "$LATEST".to_string(),
        runtime,
        role: input.role,
        handler,
        description: input.description,
        timeout,
        memory_size,
        environment,
        architectures,
        ephemeral_storage,
        code_sha256: stored.sha256,
        code_size: stored.size,
        last_modified: last_modified(ctx.now),
        revision_id: revision_id(shared),
        log_group: input.logging_config.and_then(|logging| logging.log_group),
    };
    let mut function = Function {
        latest,
        versions: BTreeMap::new(),
        last_version: 0,
        aliases: BTreeMap::new(),
        policies: BTreeMap::new(),
        tags: input.tags,
        settling: settling::creating(&shared.config.clockwork, &arn, millis(ctx.now)),
    };
    let answer = if input.publish {
        let version = publish(shared, &mut function, None, ctx);
        version.to_wire(&version.qualified_arn(), WireStatus::Creating)
    } else {
        function.latest.to_wire(&arn, WireStatus::Creating)
    };
    let mut state = lock(&shared.lambda);
    let functions = state.regions.entry(ctx.region.clone()).or_default();
    if functions.contains_key(&name) {
        return Err(LambdaError::ResourceConflict(format!("Function already exist: {name}")).into());
    }
    functions.insert(name, function);
    Ok(answer)
}

pub fn get_function(
    shared: &Shared,
    ctx: &RequestContext,
    key: FunctionKey,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key)?;
    authorize(shared, ctx, "lambda:GetFunction", &target.arn(ctx))?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let config =
        function.resolve(target.qualifier.as_deref()).ok_or_else(|| target.not_found(ctx))?;
    let status = function.status_of(config, millis(ctx.now));
    let mut answer = json!({
        "Configuration": config.to_wire(&reported_arn(config, &target), status),
        "Code": {
            "RepositoryType": "S3",
            "Location": code_location(shared, &config.code_sha256),
        },
    });
    if !function.tags.is_empty() {
        answer["Tags"] = json!(function.tags);
    }
    Ok(answer)
}

pub fn get_function_configuration(
    shared: &Shared,
    ctx: &RequestContext,
    key: FunctionKey,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key)?;
    authorize(shared, ctx, "lambda:GetFunctionConfiguration", &target.arn(ctx))?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let config =
        function.resolve(target.qualifier.as_deref()).ok_or_else(|| target.not_found(ctx))?;
    let status = function.status_of(config, millis(ctx.now));
    Ok(config.to_wire(&reported_arn(config, &target), status))
}

pub fn list_functions(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListFunctionsInput,
) -> Result<Value, AwsError> {
    authorize(shared, ctx, "lambda:ListFunctions", "*")?;
    let max_items = max_items(&input.paging, 50)?;
    let all_versions = match input.function_version.as_deref() {
        None => false,
        Some("ALL") => true,
        Some(other) => {
            return Err(LambdaError::validation(
                other,
                "functionVersion",
                "Member must satisfy enum value set: [ALL]",
            )
            .into());
        }
    };
    let state = lock(&shared.lambda);
    let now = millis(ctx.now);
    let mut entries: Vec<Value> = Vec::new();
    if let Some(functions) = state.regions.get(&ctx.region) {
        for function in functions.values() {
            let latest = &function.latest;
            let status = function.status_of(latest, now);
            if all_versions {
                entries.push(latest.to_wire(&latest.qualified_arn(), status));
                for version in function.versions.values() {
                    entries.push(version.to_wire(&version.qualified_arn(), WireStatus::Settled));
                }
            } else {
                entries.push(latest.to_wire(&latest.function_arn(), status));
            }
        }
    }
    let (page, next) = page(entries, input.paging.marker.as_deref(), max_items)?;
    let mut answer = json!({ "Functions": page });
    if let Some(next) = next {
        answer["NextMarker"] = json!(next);
    }
    Ok(answer)
}

pub fn delete_function(
    shared: &Shared,
    ctx: &RequestContext,
    key: FunctionKey,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key)?;
    authorize(shared, ctx, "lambda:DeleteFunction", &target.arn(ctx))?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    match target.qualifier.as_deref() {
        None => {
            if let Some(functions) = state.regions.get_mut(&ctx.region) {
                functions.remove(&target.name);
            }
        }
        Some("$LATEST") => {
            return Err(LambdaError::InvalidParameterValue(
                "$LATEST version cannot be deleted without deleting the function.".to_string(),
            )
            .into());
        }
        Some(qualifier) => {
            let number: u64 = qualifier.parse().map_err(|_| {
                LambdaError::InvalidParameterValue(
                    "Deletion of aliases is not currently supported.".to_string(),
                )
            })?;
            if !function.versions.contains_key(&number) {
                return Err(target.not_found(ctx).into());
            }
            let referencing: Vec<&str> = (function.aliases.values())
                .filter(|alias| {
                    alias.function_version == qualifier
                        || alias.additional_weights.contains_key(qualifier)
                })
                .map(|alias| alias.name.as_str())
                .collect();
            if !referencing.is_empty() {
                return Err(LambdaError::ResourceConflict(format!(
                    "Unable to delete version because the following aliases reference it: [{}]",
                    referencing.join(", ")
                ))
                .into());
            }
            function.versions.remove(&number);
            function.policies.remove(qualifier);
        }
    }
    drop(state);
    shared.lambda_runtime.retire(&function_arn(&ctx.region, ctx.caller.account(), &target.name));
    Ok(Value::Null)
}

pub fn update_function_code(
    shared: &Shared,
    ctx: &RequestContext,
    input: UpdateCodeInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:UpdateFunctionCode", &target.arn(ctx))?;
    let zip = code_zip(input.zip_file, input.s3_bucket, input.image_uri)?;
    let architectures = input.architectures.map(Some).map(validate_architectures).transpose()?;
    let stored = shared.lambda_code.store(&zip)?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
    let now = millis(ctx.now);
    function.check_changeable(now)?;
    if input.dry_run {
        let mut preview = function.latest.clone();
        preview.code_sha256 = stored.sha256;
        preview.code_size = stored.size;
        return Ok(preview.to_wire(&preview.function_arn(), WireStatus::Settled));
    }
    let previous = function.latest.clone();
    let latest = &mut function.latest;
    latest.code_sha256 = stored.sha256;
    latest.code_size = stored.size;
    if let Some(architectures) = architectures {
        latest.architectures = architectures;
    }
    latest.last_modified = last_modified(ctx.now);
    latest.revision_id = revision_id(shared);
    function.settling =
        settling::updating(&shared.config.clockwork, &previous, &function.latest, now);
    let answer = if input.publish {
        let version = publish(shared, function, None, ctx);
        version.to_wire(&version.qualified_arn(), WireStatus::Updating)
    } else {
        function.latest.to_wire(&function.latest.function_arn(), WireStatus::Updating)
    };
    drop(state);
    shared.lambda_runtime.retire(&function_arn(&ctx.region, ctx.caller.account(), &target.name));
    Ok(answer)
}

pub fn update_function_configuration(
    shared: &Shared,
    ctx: &RequestContext,
    input: UpdateConfigurationInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:UpdateFunctionConfiguration", &target.arn(ctx))?;
    if let Some(runtime) = &input.runtime {
        validate_runtime(runtime)?;
    }
    if let Some(handler) = &input.handler {
        validate_handler(handler)?;
    }
    if let Some(role) = &input.role {
        validate_role(role)?;
    }
    let timeout = input.timeout.map(validate_timeout).transpose()?;
    let memory_size = input.memory_size.map(validate_memory).transpose()?;
    let environment = input.environment.map(|env| env.variables);
    if let Some(environment) = &environment {
        validate_environment(environment)?;
    }
    let storage = input.ephemeral_storage.map(|s| validate_storage(s.size)).transpose()?;
    if lock(&shared.lambda).function(&ctx.region, &target.name).is_none() {
        return Err(target.not_found(ctx).into());
    }
    if let Some(role) = &input.role {
        check_role_trusts_lambda(shared, ctx, role, &target.name)?;
    }
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
    let now = millis(ctx.now);
    function.check_changeable(now)?;
    let previous = function.latest.clone();
    let latest = &mut function.latest;
    if let Some(role) = input.role {
        latest.role = role;
    }
    if let Some(handler) = input.handler {
        latest.handler = handler;
    }
    if let Some(description) = input.description {
        latest.description = description;
    }
    if let Some(runtime) = input.runtime {
        latest.runtime = runtime;
    }
    if let Some(timeout) = timeout {
        latest.timeout = timeout;
    }
    if let Some(memory_size) = memory_size {
        latest.memory_size = memory_size;
    }
    if let Some(environment) = environment {
        latest.environment = environment;
    }
    if let Some(storage) = storage {
        latest.ephemeral_storage = storage;
    }
    if let Some(log_group) = input.logging_config.and_then(|logging| logging.log_group) {
        latest.log_group = Some(log_group);
    }
    latest.last_modified = last_modified(ctx.now);
    latest.revision_id = revision_id(shared);
    let answer = latest.to_wire(&latest.function_arn(), WireStatus::Updating);
    function.settling =
        settling::updating(&shared.config.clockwork, &previous, &function.latest, now);
    drop(state);
    shared.lambda_runtime.retire(&function_arn(&ctx.region, ctx.caller.account(), &target.name));
    Ok(answer)
}

/// The ARN an answer reports: unqualified for an unqualified request of `$LATEST`.
fn reported_arn(config: &Config, target: &Target) -> String {
    match &target.qualifier {
        None => config.function_arn(),
        Some(_) => config.qualified_arn(),
    }
}

/// Where `GetFunction` says the code can be downloaded: the emulator serves the zip itself, at
/// a link signed with this launch's control token (as AWS's is a presigned S3 URL), so only a
/// caller of `GetFunction` learns it.
fn code_location(shared: &Shared, sha256: &str) -> String {
    let file = CodeStore::file_name(sha256).unwrap_or_default();
    let signature = shared.control_token.sign(&file);
    format!("{}/_awslab/lambda/code/{file}?signature={signature}", shared.endpoint())
}

/// A create or update request carries its zip in the body: a body over the limit is refused
/// before it is read.
pub fn check_request_size(request: &RestRequest, operation: &str) -> Result<(), LambdaError> {
    if request.body.len() > CODE_REQUEST_LIMIT {
        return Err(LambdaError::RequestEntityTooLarge(format!(
            "Request must be smaller than {CODE_REQUEST_LIMIT} bytes for the {operation} operation"
        )));
    }
    Ok(())
}

fn code_zip(
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    image_uri: Option<String>,
) -> Result<Vec<u8>, LambdaError> {
    if s3_bucket.is_some() || image_uri.is_some() {
        return Err(LambdaError::InvalidParameterValue(
            "The offline emulator takes function code as ZipFile only (S3 and container images \
             are not available offline)."
                .to_string(),
        ));
    }
    let Some(zip_file) = zip_file else {
        return Err(LambdaError::InvalidParameterValue(
            "Please provide a source for function code.".to_string(),
        ));
    };
    base64::engine::general_purpose::STANDARD.decode(zip_file.trim()).map_err(|_| {
        LambdaError::InvalidParameterValue(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
                .to_string(),
        )
    })
}

/// The role must exist and trust `lambda.amazonaws.com`: Lambda assumes it to check. Under
/// AWS's time a role just created cannot be assumed yet (IAM is eventually consistent), and
/// Lambda answers with the same words.
fn check_role_trusts_lambda(
    shared: &Shared,
    ctx: &RequestContext,
    role: &str,
    function_name: &str,
) -> Result<(), LambdaError> {
    let cannot_assume = || {
        LambdaError::InvalidParameterValue(
            "The role defined for the function cannot be assumed by Lambda.".to_string(),
        )
    };
    let created = lock(&shared.iam).role_by_arn(role).map(|found| found.created.clone());
    if let Some(created) = created.as_deref().and_then(crate::clock::parse_iso8601) {
        let clockwork = &shared.config.clockwork;
        if millis(ctx.now) < clockwork.settles(Delay::RoleAssumable, role, millis(created)) {
            return Err(cannot_assume());
        }
    }
    crate::services::sts::assume_role_for_service(
        shared,
        role,
        function_name,
        "lambda.amazonaws.com",
        ctx.now,
    )
    .map(|_| ())
    .map_err(|_| cannot_assume())
}

pub(super) fn check_revision(given: Option<&str>, current: &str) -> Result<(), LambdaError> {
    match given {
        Some(given) if given != current => {
            Err(LambdaError::revision_mismatch("GetFunction/GetAlias"))
        }
        _ => Ok(()),
    }
}

/// `MaxItems` from the query string, 1–10000.
pub fn max_items(paging: &Paging, default: usize) -> Result<usize, LambdaError> {
    let Some(given) = paging.max_items.as_deref() else { return Ok(default) };
    let value: i64 = given
        .parse()
        .map_err(|_| LambdaError::validation(given, "maxItems", "Member must be a number"))?;
    Ok(bounded(value, "maxItems", 1, 10000)? as usize)
}

/// One page of a listing. Markers are positions in the listing, as opaque to callers as AWS's.
pub fn page(
    entries: Vec<Value>,
    marker: Option<&str>,
    max_items: usize,
) -> Result<(Vec<Value>, Option<String>), LambdaError> {
    let start = match marker {
        None => 0,
        Some(marker) => marker
            .parse::<usize>()
            .map_err(|_| LambdaError::InvalidParameterValue(format!("Invalid marker: {marker}")))?,
    };
    let end = start.saturating_add(max_items).min(entries.len());
    let next = (end < entries.len()).then(|| end.to_string());
    let page = entries.into_iter().skip(start).take(end.saturating_sub(start)).collect();
    Ok((page, next))
}
