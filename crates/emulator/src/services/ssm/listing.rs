//! The operations that list parameters: GetParametersByPath (values, a path's parameters, the
//! public ones under `/aws/`) and DescribeParameters (metadata, the account's own), with their
//! `ParameterFilters` and paging.
//!
//! A page's `NextToken` is the base64 of the sort key of the first item of the next page, so
//! a token stays good while parameters come and go, and a token the emulator did not make is
//! `InvalidNextToken`.

use super::errors::SsmError;
use super::model::{Found, StoredParameter, metadata_json, parameter_json};
use super::parameters::{region_ref, with_token};
use super::{Call, names, public};
use crate::validation::{Checks, Shown};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterStringFilter {
    key: String,
    option: Option<String>,
    values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParametersFilter {
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByPathInput {
    path: Option<String>,
    #[serde(default)]
    recursive: bool,
    parameter_filters: Option<Vec<ParameterStringFilter>>,
    #[serde(default)]
    with_decryption: bool,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInput {
    filters: Option<Vec<ParametersFilter>>,
    parameter_filters: Option<Vec<ParameterStringFilter>>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// What a filter looks at of a parameter.
struct Subject<'a> {
    /// With its leading `/`, top-level ones too.
    path_name: String,
    stored: Option<&'a StoredParameter>,
    found: &'a super::model::ParameterVersion,
}

pub fn get_parameters_by_path(
    state: &super::model::SsmState,
    call: &Call,
    input: ByPathInput,
) -> Result<Value, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    checks.required("path", &input.path);
    checks.length("path", input.path.as_deref(), 1, 2048);
    checks.range("maxResults", input.max_results, 1, 10);
    checks.finish().map_err(SsmError::Validation)?;
    let filters = input.parameter_filters.unwrap_or_default();
    check_filters(&filters, true)?;
    let path = input.path.unwrap_or_default();
    let prefix = format!("{}/", path.trim_end_matches('/'));
    let under = |name: &str| {
        let with_slash = format!("/{}", name.trim_start_matches('/'));
        with_slash.strip_prefix(&prefix).is_some_and(|rest| input.recursive || !rest.contains('/'))
    };
    let mut entries = Vec::new();
    if names::is_public(&prefix) {
        for name in public::names().into_iter().filter(|name| under(name)) {
            let Some(versions) = public::versions(&name, call.region) else { continue };
            let Some(latest) = versions.last() else { continue };
            let subject = Subject { path_name: name.clone(), stored: None, found: latest };
            if filters.iter().all(|filter| matches(filter, &subject)) {
                let arn = names::arn(call.region, "", &name);
                let found =
                    Found { key: name.clone(), name, arn, version: latest.clone(), selector: None };
                entries.push((found.name.clone(), parameter_json(&found, input.with_decryption)));
            }
        }
    } else if let Some(parameters) = region_ref(state, call) {
        for (key, stored) in &parameters.parameters {
            let subject = subject(stored);
            if !under(&stored.name) || !filters.iter().all(|filter| matches(filter, &subject)) {
                continue;
            }
            let found = Found {
                name: stored.name.clone(),
                key: key.clone(),
                arn: names::arn(call.region, call.account, &stored.name),
                version: stored.latest().clone(),
                selector: None,
            };
            entries.push((subject.path_name, parameter_json(&found, input.with_decryption)));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let limit = usize::try_from(input.max_results.unwrap_or(10)).unwrap_or(10);
    let (page, next) = page_sorted(entries, limit, input.next_token.as_deref())?;
    Ok(with_token(json!({ "Parameters": page }), next))
}

pub fn describe_parameters(
    state: &super::model::SsmState,
    call: &Call,
    input: DescribeInput,
) -> Result<Value, SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    checks.range("maxResults", input.max_results, 1, 50);
    checks.finish().map_err(SsmError::Validation)?;
    let legacy = input.filters.unwrap_or_default();
    let filters = input.parameter_filters.unwrap_or_default();
    if !legacy.is_empty() && !filters.is_empty() {
        return Err(SsmError::Invalid(
            "You can use either Filters or ParameterFilters in a single request.".into(),
        ));
    }
    check_filters(&filters, false)?;
    // The older `Filters` say the same as `ParameterFilters` with their default options.
    let legacy: Vec<ParameterStringFilter> = (legacy.into_iter())
        .map(|filter| ParameterStringFilter {
            option: (filter.key == "Name").then(|| "BeginsWith".to_string()),
            key: filter.key,
            values: Some(filter.values),
        })
        .collect();
    let mut entries = Vec::new();
    if let Some(parameters) = region_ref(state, call) {
        for stored in parameters.parameters.values() {
            let subject = subject(stored);
            if filters.iter().chain(&legacy).all(|filter| matches(filter, &subject)) {
                let arn = names::arn(call.region, call.account, &stored.name);
                entries.push((subject.path_name, metadata_json(stored, &arn)));
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let limit = usize::try_from(input.max_results.unwrap_or(10)).unwrap_or(10);
    let (page, next) = page_sorted(entries, limit, input.next_token.as_deref())?;
    Ok(with_token(json!({ "Parameters": page }), next))
}

fn subject(stored: &StoredParameter) -> Subject<'_> {
    let path_name = format!("/{}", stored.name.trim_start_matches('/'));
    Subject { path_name, stored: Some(stored), found: stored.latest() }
}

/// The rules AWS checks `ParameterFilters` against, in its words (as moto records them).
fn check_filters(filters: &[ParameterStringFilter], by_path: bool) -> Result<(), SsmError> {
    let mut checks = Checks::new(Shown::Quoted);
    for (index, filter) in filters.iter().enumerate() {
        let member = format!("parameterFilters.{}.member", index + 1);
        let known = ["Name", "Type", "KeyId", "Path", "Label", "Tier", "DataType"];
        if !known.contains(&filter.key.as_str()) && !filter.key.starts_with("tag:") {
            checks.pattern(
                &format!("{member}.key"),
                filter.key.as_str(),
                false,
                "^(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)$",
            );
        }
        checks.length(&format!("{member}.key"), filter.key.as_str(), 1, 132);
        checks.length(&format!("{member}.option"), filter.option.as_deref(), 1, 10);
        checks.count(&format!("{member}.values"), filter.values.as_deref(), 1, 50);
    }
    checks.finish().map_err(SsmError::Validation)?;
    let mut seen: Vec<&str> = Vec::new();
    for filter in filters {
        let key = filter.key.as_str();
        if by_path && ["Name", "Path", "Tier"].contains(&key) {
            return Err(SsmError::InvalidFilterKey(format!(
                "The following filter key is not valid: {key}. Valid filter keys include: [Type, KeyId]."
            )));
        }
        if !by_path && key == "Label" {
            return Err(SsmError::InvalidFilterKey(
                "The following filter key is not valid: Label. Valid filter keys include: [Path, \
                 Name, Type, KeyId, Tier]."
                    .into(),
            ));
        }
        let values = filter.values.as_deref().unwrap_or_default();
        if ["Name", "Type", "Path", "Tier", "KeyId"].contains(&key) && values.is_empty() {
            return Err(SsmError::InvalidFilterValue(format!(
                "The following filter values are missing : null for filter key {key}."
            )));
        }
        if seen.contains(&key) {
            return Err(SsmError::InvalidFilterKey(format!(
                "The following filter is duplicated in the request: {key}. A request can contain \
                 only one occurrence of a specific filter."
            )));
        }
        seen.push(key);
        check_filter_values(filter, key, values)?;
    }
    Ok(())
}

fn check_filter_values(
    filter: &ParameterStringFilter,
    key: &str,
    values: &[String],
) -> Result<(), SsmError> {
    let option = filter.option.as_deref();
    let invalid_value = |value: &str, valid: &str| {
        SsmError::InvalidFilterOption(format!(
            "The following filter value is not valid: {value}. Valid values include: [{valid}]."
        ))
    };
    match key {
        "Path" => {
            let option = option.unwrap_or("OneLevel");
            if !["Recursive", "OneLevel"].contains(&option) {
                return Err(SsmError::InvalidFilterOption(format!(
                    "The following filter option is not valid: {option}. Valid options include: \
                     [Recursive, OneLevel]."
                )));
            }
            if values.iter().any(|v| {
                v.to_ascii_lowercase().starts_with("/aws")
                    || v.to_ascii_lowercase().starts_with("/ssm")
            }) {
                return Err(SsmError::Invalid(
                    "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\" \
                     (case-insensitive). When using global parameters, please specify within a \
                     global namespace."
                        .into(),
                ));
            }
            return Ok(());
        }
        "Type" => {
            let types = ["String", "StringList", "SecureString"];
            if let Some(bad) = values.iter().find(|v| !types.contains(&v.as_str())) {
                return Err(invalid_value(bad, "String, StringList, SecureString"));
            }
        }
        "Tier" => {
            let tiers = ["Standard", "Advanced", "Intelligent-Tiering"];
            if let Some(bad) = values.iter().find(|v| !tiers.contains(&v.as_str())) {
                return Err(invalid_value(bad, "Standard, Advanced, Intelligent-Tiering"));
            }
        }
        _ => {}
    }
    let option = option.unwrap_or("Equals");
    let allowed = if key == "Name" {
        &["Equals", "BeginsWith", "Contains"][..]
    } else {
        &["Equals", "BeginsWith"][..]
    };
    if !allowed.contains(&option) {
        return Err(SsmError::InvalidFilterOption(format!(
            "The following filter option is not valid: {option}. Valid options include: \
             [BeginsWith, Equals]."
        )));
    }
    Ok(())
}

/// Whether a parameter passes one filter: any of its values, under its option.
fn matches(filter: &ParameterStringFilter, subject: &Subject) -> bool {
    let values = filter.values.as_deref().unwrap_or_default();
    let key = filter.key.as_str();
    if key == "Path" {
        let recursive = filter.option.as_deref() == Some("Recursive");
        return values.iter().any(|path| {
            let prefix = format!("{}/", path.trim_end_matches('/'));
            (subject.path_name.strip_prefix(&prefix))
                .is_some_and(|rest| recursive || !rest.contains('/'))
        });
    }
    let version = subject.found;
    let field: Option<String> = match key {
        "Name" => Some(subject.path_name.clone()),
        "Type" => Some(version.kind.clone()),
        "KeyId" => version.key_id.clone(),
        "Tier" => Some(version.tier.clone()),
        "DataType" => Some(version.data_type.clone()),
        "Label" => return values.iter().any(|label| version.labels.contains(label)),
        _ => {
            let tag = key.strip_prefix("tag:").unwrap_or_default();
            let tags = subject.stored.map(|stored| &stored.tags);
            let value = tags.and_then(|tags| tags.get(tag)).cloned();
            if values.is_empty() {
                return value.is_some();
            }
            value
        }
    };
    let Some(field) = field else { return false };
    let normalise = |value: &str| {
        if key == "Name" {
            format!("/{}", value.trim_start_matches('/'))
        } else {
            value.to_string()
        }
    };
    values.iter().any(|value| match filter.option.as_deref().unwrap_or("Equals") {
        "BeginsWith" => field.starts_with(&normalise(value)),
        "Contains" => field.contains(value.as_str()),
        _ => field == normalise(value),
    })
}

/// One page of `entries`, sorted by their keys: at most `limit` from where `token` points,
/// and the token of the next page, if any.
pub fn page_sorted(
    entries: Vec<(String, Value)>,
    limit: usize,
    token: Option<&str>,
) -> Result<(Vec<Value>, Option<String>), SsmError> {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let start = match token {
        None => 0,
        Some(token) => {
            let key = engine.decode(token).ok().and_then(|bytes| String::from_utf8(bytes).ok());
            let key = key.ok_or(SsmError::InvalidNextToken)?;
            entries.iter().position(|(entry, _)| *entry >= key).unwrap_or(entries.len())
        }
    };
    let next = entries.get(start + limit).map(|(key, _)| engine.encode(key));
    let page = entries.into_iter().skip(start).take(limit).map(|(_, value)| value).collect();
    Ok((page, next))
}

/// [`page_sorted`] for entries whose sort key `key_of` derives from each.
pub fn page(
    entries: Vec<Value>,
    limit: usize,
    token: Option<&str>,
    key_of: impl Fn(&Value) -> String,
) -> Result<(Vec<Value>, Option<String>), SsmError> {
    let keyed = entries.into_iter().map(|entry| (key_of(&entry), entry)).collect();
    page_sorted(keyed, limit, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_one_another_and_strange_tokens_are_refused() {
        let entries: Vec<(String, Value)> =
            (1..=5).map(|n| (format!("/p/{n}"), json!(n))).collect();
        let (first, token) = page_sorted(entries.clone(), 2, None).unwrap();
        assert_eq!(first, [json!(1), json!(2)]);
        let (second, token) = page_sorted(entries.clone(), 2, token.as_deref()).unwrap();
        assert_eq!(second, [json!(3), json!(4)]);
        let (last, token) = page_sorted(entries.clone(), 2, token.as_deref()).unwrap();
        assert_eq!((last, token), (vec![json!(5)], None));
        assert_eq!(page_sorted(entries, 2, Some("%%%")).unwrap_err(), SsmError::InvalidNextToken);
    }
}
