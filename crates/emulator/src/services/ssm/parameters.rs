//! The operations on parameters by name: PutParameter, GetParameter, GetParameters,
//! DeleteParameter, DeleteParameters and GetParameterHistory, over the learner's parameters
//! and the public ones (`public`).

use super::errors::SsmError;
use super::model::{
    DEFAULT_KEY, Found, MAX_VERSIONS, ParameterVersion, RegionParameters, SsmState,
    StoredParameter, history_json, parameter_json,
};
use super::names::{self, Requested, Selector};
use super::{Call, public};
use crate::validation::{self, Checks, Shown};
use serde::Deserialize;
use serde_json::{Value, json};

/// The most standard parameters an account may have in a region.
const MAX_PARAMETERS: usize = 10_000;
const STANDARD_VALUE: usize = 4096;
const ADVANCED_VALUE: usize = 8192;
/// The longest value the API model lets through, whatever the tier.
const MODEL_VALUE: usize = 32768;
const TYPES: [&str; 3] = ["SecureString", "StringList", "String"];
const TIERS: [&str; 3] = ["Standard", "Advanced", "Intelligent-Tiering"];
const DATA_TYPES: [&str; 3] = ["text", "aws:ec2:image", "aws:ssm:integration"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutParameterInput {
    name: Option<String>,
    description: Option<String>,
    value: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    key_id: Option<String>,
    #[serde(default)]
    overwrite: bool,
    allowed_pattern: Option<String>,
    tags: Option<Vec<Tag>>,
    tier: Option<String>,
    data_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParameterInput {
    name: Option<String>,
    #[serde(default)]
    with_decryption: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NamesInput {
    names: Option<Vec<String>>,
    #[serde(default)]
    with_decryption: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameInput {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HistoryInput {
    name: Option<String>,
    #[serde(default)]
    with_decryption: bool,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// The account's parameters in the request's region, made on first use.
pub fn region<'s>(state: &'s mut SsmState, call: &Call) -> &'s mut RegionParameters {
    let account = state.accounts.entry(call.account.to_string()).or_default();
    account.entry(call.region.to_string()).or_default()
}

/// The account's parameters in the request's region, if it has any.
pub fn region_ref<'s>(state: &'s SsmState, call: &Call) -> Option<&'s RegionParameters> {
    state.accounts.get(call.account).and_then(|regions| regions.get(call.region))
}

pub fn put_parameter(
    state: &mut SsmState,
    call: &Call,
    input: PutParameterInput,
) -> Result<Value, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    let name = checks.required("name", &input.name).cloned().unwrap_or_default();
    checks.length("name", input.name.as_deref(), 1, 2048);
    if let Some(value) = &input.value {
        // The value is a sensitive member: AWS leaves it out of the message.
        let length = value.chars().count();
        let hidden =
            |constraint: String| validation::Violation::new(Shown::Hidden, "value", "", constraint);
        if length < 1 {
            checks.push(hidden(validation::min_length(1)));
        }
        if length > MODEL_VALUE {
            checks.push(hidden(validation::max_length(MODEL_VALUE)));
        }
    } else {
        checks.push(validation::Violation::missing("value"));
    }
    checks.length("description", input.description.as_deref(), 0, 1024);
    checks.one_of("type", input.kind.as_deref(), &TYPES);
    checks.one_of("tier", input.tier.as_deref(), &TIERS);
    checks.length("dataType", input.data_type.as_deref(), 0, 128);
    if let Some(tags) = &input.tags {
        checks.count("tags", Some(tags.as_slice()), 0, 1000);
    }
    checks.finish().map_err(SsmError::Validation)?;
    let value = input.value.unwrap_or_default();
    if input.overwrite && input.tags.as_ref().is_some_and(|tags| !tags.is_empty()) {
        return Err(SsmError::Invalid(
            "Invalid request: tags and overwrite can't be used together. To create a parameter \
             with tags, please remove overwrite flag. To update tags for an existing parameter, \
             please use AddTagsToResource or RemoveTagsFromResource."
                .into(),
        ));
    }
    names::check_new(&name)?;
    let data_type = input.data_type.clone().unwrap_or_else(|| "text".into());
    if !DATA_TYPES.contains(&data_type.as_str()) {
        return Err(SsmError::Invalid(format!(
            "The following data type is not supported: {data_type} (Data type names are all \
             lowercase.)"
        )));
    }
    let key = names::key(&name);
    let parameters = region(state, call);
    let count = parameters.parameters.len();
    let previous = parameters.parameters.get(&key);
    if previous.is_some() && !input.overwrite {
        return Err(SsmError::AlreadyExists);
    }
    let kind = match (input.kind, previous) {
        (Some(kind), _) => kind,
        (None, Some(previous)) => previous.latest().kind.clone(),
        (None, None) => {
            return Err(SsmError::Invalid(
                "A parameter type is required when you create a parameter.".into(),
            ));
        }
    };
    if previous.is_none() && count >= MAX_PARAMETERS {
        return Err(SsmError::LimitExceeded);
    }
    let tier = tier_for(input.tier.as_deref(), &value)?;
    let key_id =
        (kind == "SecureString").then(|| input.key_id.unwrap_or_else(|| DEFAULT_KEY.into()));
    let version = ParameterVersion {
        version: previous.map_or(1, |previous| previous.latest().version + 1),
        kind,
        value,
        description: input.description,
        data_type,
        key_id,
        allowed_pattern: input.allowed_pattern,
        tier: tier.to_string(),
        modified_ms: call.now_ms,
        modified_by: call.caller_arn.clone(),
        labels: Vec::new(),
    };
    let answer = json!({ "Version": version.version, "Tier": tier });
    match parameters.parameters.get_mut(&key) {
        Some(stored) => {
            stored.versions.push(version);
            if stored.versions.len() > MAX_VERSIONS {
                stored.versions.remove(0);
            }
        }
        None => {
            let tags = input.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value));
            let stored = StoredParameter { name, versions: vec![version], tags: tags.collect() };
            parameters.parameters.insert(key, stored);
        }
    }
    Ok(answer)
}

/// The tier a value is kept in: Standard holds 4 KB, Advanced 8 KB; Intelligent-Tiering picks
/// the cheaper one that fits.
fn tier_for(asked: Option<&str>, value: &str) -> Result<&'static str, SsmError> {
    let length = value.chars().count();
    match asked.unwrap_or("Standard") {
        "Advanced" if length <= ADVANCED_VALUE => Ok("Advanced"),
        "Intelligent-Tiering" if length <= STANDARD_VALUE => Ok("Standard"),
        "Intelligent-Tiering" if length <= ADVANCED_VALUE => Ok("Advanced"),
        "Standard" if length <= STANDARD_VALUE => Ok("Standard"),
        "Standard" => Err(SsmError::Invalid(
            "Standard tier parameters support a maximum parameter value of 4096 characters. To \
             create a larger parameter value, upgrade the parameter to use the \
             advanced-parameter tier. For more information, see \
             https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
                .into(),
        )),
        _ => Err(SsmError::Invalid(
            "Advanced tier parameters support a maximum parameter value of 8192 characters."
                .into(),
        )),
    }
}

/// The parameter (and version) a request names, learner's or public.
pub fn find(state: &SsmState, call: &Call, asked: &Requested) -> Result<Found, SsmError> {
    if asked.elsewhere {
        return Err(SsmError::NotFound);
    }
    let (versions, account): (Vec<ParameterVersion>, &str) = if names::is_public(&asked.name) {
        (public::versions(&asked.name, call.region).ok_or(SsmError::NotFound)?, "")
    } else {
        let stored = region_ref(state, call)
            .and_then(|parameters| parameters.parameters.get(&asked.key))
            .ok_or(SsmError::NotFound)?;
        (stored.versions.clone(), call.account)
    };
    let chosen = match &asked.selector {
        None => versions.last().cloned(),
        Some(Selector::Version(wanted)) => {
            let found = versions.iter().find(|v| v.version == *wanted).cloned();
            Some(found.ok_or_else(|| SsmError::VersionNotFound {
                name: asked.name.clone(),
                version: wanted.to_string(),
            })?)
        }
        Some(Selector::Label(label)) => {
            versions.iter().rev().find(|v| v.labels.contains(label)).cloned()
        }
    };
    Ok(Found {
        name: asked.name.clone(),
        key: asked.key.clone(),
        arn: names::arn(call.region, account, &asked.name),
        version: chosen.ok_or(SsmError::NotFound)?,
        selector: asked.selector.as_ref().map(Selector::text),
    })
}

pub fn get_parameter(
    state: &SsmState,
    call: &Call,
    input: GetParameterInput,
) -> Result<Value, SsmError> {
    let name = required_name(input.name)?;
    let asked = names::requested(&name, call.region, call.account)?;
    let found = find(state, call, &asked)?;
    Ok(json!({ "Parameter": parameter_json(&found, input.with_decryption) }))
}

pub fn get_parameters(state: &SsmState, call: &Call, input: NamesInput) -> Result<Value, SsmError> {
    let names = checked_names(input.names)?;
    let mut parameters = Vec::new();
    let mut invalid = Vec::new();
    for name in names {
        let asked = names::requested(&name, call.region, call.account)?;
        match find(state, call, &asked) {
            Ok(found) => parameters.push(parameter_json(&found, input.with_decryption)),
            Err(SsmError::NotFound | SsmError::VersionNotFound { .. }) => invalid.push(name),
            Err(other) => return Err(other),
        }
    }
    Ok(json!({ "Parameters": parameters, "InvalidParameters": invalid }))
}

pub fn delete_parameter(
    state: &mut SsmState,
    call: &Call,
    input: NameInput,
) -> Result<Value, SsmError> {
    let name = required_name(input.name)?;
    let asked = names::requested(&name, call.region, call.account)?;
    if asked.elsewhere || asked.selector.is_some() {
        return Err(SsmError::NotFound);
    }
    region(state, call).parameters.remove(&asked.key).ok_or(SsmError::NotFound)?;
    Ok(json!({}))
}

pub fn delete_parameters(
    state: &mut SsmState,
    call: &Call,
    input: NamesInput,
) -> Result<Value, SsmError> {
    let names = checked_names(input.names)?;
    let parameters = region(state, call);
    let (mut deleted, mut invalid) = (Vec::new(), Vec::new());
    for name in names {
        let key = names::check_format(&name).ok().map(|()| names::key(&name));
        match key.and_then(|key| parameters.parameters.remove(&key)) {
            Some(_) => deleted.push(name),
            None => invalid.push(name),
        }
    }
    Ok(json!({ "DeletedParameters": deleted, "InvalidParameters": invalid }))
}

pub fn get_parameter_history(
    state: &SsmState,
    call: &Call,
    input: HistoryInput,
) -> Result<Value, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    checks.required("name", &input.name);
    checks.range("maxResults", input.max_results, 1, 50);
    checks.finish().map_err(SsmError::Validation)?;
    let name = input.name.unwrap_or_default();
    let asked = names::requested(&name, call.region, call.account)?;
    if asked.elsewhere || asked.selector.is_some() {
        return Err(SsmError::NotFound);
    }
    let versions = if names::is_public(&asked.name) {
        public::versions(&asked.name, call.region).ok_or(SsmError::NotFound)?
    } else {
        let stored = region_ref(state, call).and_then(|p| p.parameters.get(&asked.key));
        stored.ok_or(SsmError::NotFound)?.versions.clone()
    };
    let entries: Vec<Value> = (versions.iter())
        .map(|version| history_json(&asked.name, &asked.key, version, input.with_decryption))
        .collect();
    let limit = usize::try_from(input.max_results.unwrap_or(50)).unwrap_or(50);
    super::listing::page(entries, limit, input.next_token.as_deref(), |entry| {
        // Zero-padded, so that version 10 sorts after version 9.
        format!("{:020}", entry["Version"].as_i64().unwrap_or_default())
    })
    .map(|(page, next)| with_token(json!({ "Parameters": page }), next))
}

/// `NextToken` in an answer, when there is a next page.
pub fn with_token(mut answer: Value, next: Option<String>) -> Value {
    if let Some(token) = next {
        answer["NextToken"] = json!(token);
    }
    answer
}

fn required_name(name: Option<String>) -> Result<String, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    checks.required("name", &name);
    checks.length("name", name.as_deref(), 1, 2048);
    checks.finish().map_err(SsmError::Validation)?;
    Ok(name.unwrap_or_default())
}

/// `Names`: one to ten of them, the list written as AWS writes it in its refusal.
fn checked_names(names: Option<Vec<String>>) -> Result<Vec<String>, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    let listed = names.as_ref().map(|names| format!("[{}]", names.join(", ")));
    match &names {
        None => {
            checks.required("names", &names);
        }
        Some(list) if list.is_empty() => checks.fail("names", "[]", validation::min_length(1)),
        Some(list) if list.len() > 10 => {
            checks.fail("names", listed.as_deref().unwrap_or_default(), validation::max_length(10))
        }
        Some(_) => {}
    }
    checks.finish().map_err(SsmError::Validation)?;
    Ok(names.unwrap_or_default())
}
