//! Authorizers: CreateAuthorizer, GetAuthorizer, GetAuthorizers, UpdateAuthorizer,
//! DeleteAuthorizer, and the [`Authorizer`] each API keeps.
//!
//! Lambda authorizers of type `TOKEN` (one header) and `REQUEST` (headers, query string, stage
//! variables and context values) are checked as AWS checks them and run at the invoke URL (see
//! `execute::authorizer`). `COGNITO_USER_POOLS` authorizers are stored and shown as AWS shows
//! them, so an imported or scripted API keeps its shape, but there is no Cognito offline: a
//! method using one answers `500` with a log line saying so.
//!
//! Like methods, authorizers are part of what a deployment freezes: a change reaches a stage's
//! invoke URL with the next deployment, as on AWS.
//!
//! Not here: running an authorizer (`execute::authorizer`) or testing one (`test_invoke`).

use super::errors::ApiGatewayError;
use super::inputs::{ApiPage, ApiRef, Update};
use super::model::{RestApi, new_id, path_of};
use super::patch::{self, Op};
use super::{api, api_mut, page};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The types API Gateway has; AWS lists them in this order in its enum message.
const TYPES: &str = "TOKEN, REQUEST, COGNITO_USER_POOLS";
/// The longest time a result may be cached.
const MAX_TTL: i64 = 3600;
/// What AWS caches for when an authorizer names no TTL.
pub const DEFAULT_TTL: i64 = 300;

/// An authorizer as the API keeps it; a deployment keeps a copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    /// `TOKEN`, `REQUEST` or `COGNITO_USER_POOLS`.
    pub kind: String,
    #[serde(default)]
    pub provider_arns: Vec<String>,
    pub auth_type: Option<String>,
    pub authorizer_uri: Option<String>,
    pub authorizer_credentials: Option<String>,
    pub identity_source: Option<String>,
    pub identity_validation_expression: Option<String>,
    /// As given; `None` caches for [`DEFAULT_TTL`] but is not shown (AWS shows only a given TTL).
    pub result_ttl: Option<i64>,
}

impl Authorizer {
    pub fn to_wire(&self) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("id", json!(self.id));
        put("name", json!(self.name));
        put("type", json!(self.kind));
        if !self.provider_arns.is_empty() {
            put("providerARNs", json!(self.provider_arns));
        }
        if let Some(auth_type) = &self.auth_type {
            put("authType", json!(auth_type));
        }
        let optional = [
            ("authorizerUri", &self.authorizer_uri),
            ("authorizerCredentials", &self.authorizer_credentials),
            ("identitySource", &self.identity_source),
            ("identityValidationExpression", &self.identity_validation_expression),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                put(key, json!(value));
            }
        }
        if let Some(ttl) = self.result_ttl {
            put("authorizerResultTtlInSeconds", json!(ttl));
        }
        Value::Object(out)
    }

    /// How long a result is cached, in seconds (0: not at all).
    pub fn ttl(&self) -> i64 {
        self.result_ttl.unwrap_or(DEFAULT_TTL)
    }

    /// The identity sources of a `REQUEST` authorizer (or the one header of a `TOKEN` one), as
    /// written: `method.request.header.Auth`, `method.request.querystring.name`, …
    pub fn sources(&self) -> Vec<&str> {
        (self.identity_source.as_deref().unwrap_or_default().split(','))
            .map(str::trim)
            .filter(|source| !source.is_empty())
            .collect()
    }
}

/// `/restapis/{restApiId}/authorizers/{authorizerId}`.
#[derive(Debug, Deserialize)]
pub struct AuthorizerRef {
    #[serde(rename = "label:restApiId")]
    pub rest_api_id: String,
    #[serde(rename = "label:authorizerId")]
    pub authorizer_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAuthorizerInput {
    #[serde(flatten)]
    api: ApiRef,
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "providerARNs")]
    provider_arns: Option<Vec<String>>,
    auth_type: Option<String>,
    authorizer_uri: Option<String>,
    authorizer_credentials: Option<String>,
    identity_source: Option<String>,
    identity_validation_expression: Option<String>,
    authorizer_result_ttl_in_seconds: Option<i64>,
}

pub fn create_authorizer(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateAuthorizerInput,
) -> Result<Value, AwsError> {
    let missing = |member: &str| {
        ApiGatewayError::Validation(crate::validation::missing(&format!(
            "createAuthorizerInput.{member}"
        )))
    };
    let name = input.name.ok_or_else(|| missing("name"))?;
    let kind = input.kind.ok_or_else(|| missing("type"))?;
    let auth_type = input.auth_type.or_else(|| match kind.as_str() {
        "COGNITO_USER_POOLS" => Some("cognito_user_pools".to_string()),
        _ => Some("custom".to_string()),
    });
    let mut authorizer = Authorizer {
        id: String::new(),
        name,
        kind,
        provider_arns: input.provider_arns.unwrap_or_default(),
        auth_type,
        authorizer_uri: input.authorizer_uri,
        authorizer_credentials: input.authorizer_credentials,
        identity_source: input.identity_source,
        identity_validation_expression: input.identity_validation_expression,
        result_ttl: input.authorizer_result_ttl_in_seconds,
    };
    check(&authorizer)?;
    let mut state = lock(&shared.apigateway);
    // AWS answers a create on an API that is not there with this conflict, not with the
    // "Invalid API identifier" the other operations give.
    let api = state.api_mut(&ctx.region, &input.api.rest_api_id).ok_or_else(|| {
        ApiGatewayError::Conflict(
            "Unable to complete operation due to concurrent modification. Please try again later."
                .into(),
        )
    })?;
    authorizer.id = new_authorizer_id(api, &shared.ids);
    let wire = authorizer.to_wire();
    api.authorizers.push(authorizer);
    Ok(wire)
}

pub fn get_authorizer(
    shared: &Shared,
    ctx: &RequestContext,
    key: AuthorizerRef,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &key.rest_api_id)?;
    Ok(find(api, &key.authorizer_id)?.to_wire())
}

pub fn get_authorizers(
    shared: &Shared,
    ctx: &RequestContext,
    input: ApiPage,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &input.api.rest_api_id)?;
    let items: Vec<Value> = api.authorizers.iter().map(Authorizer::to_wire).collect();
    Ok(page(items, &input.paging)?)
}

pub fn update_authorizer(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<AuthorizerRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateAuthorizerInput")?;
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.key.rest_api_id)?;
    let id = input.key.authorizer_id.as_str();
    let authorizer = (api.authorizers.iter_mut().find(|authorizer| authorizer.id == id))
        .ok_or_else(authorizer_not_found)?;
    let mut updated = authorizer.clone();
    for patch in patches {
        match (patch.op, patch.path.as_str()) {
            (Op::Replace, "/name") => updated.name = patch.value()?.to_string(),
            (Op::Replace, "/type") => updated.kind = patch.value()?.to_string(),
            (_, "/authType") => patch::patch_optional(&mut updated.auth_type, &patch)?,
            (_, "/authorizerUri") => patch::patch_optional(&mut updated.authorizer_uri, &patch)?,
            (_, "/authorizerCredentials") => {
                patch::patch_optional(&mut updated.authorizer_credentials, &patch)?;
            }
            (_, "/identitySource") => {
                patch::patch_optional(&mut updated.identity_source, &patch)?;
            }
            (_, "/identityValidationExpression") => {
                patch::patch_optional(&mut updated.identity_validation_expression, &patch)?;
            }
            (Op::Replace | Op::Add, "/authorizerResultTtlInSeconds") => {
                let text = patch.value()?;
                let ttl = text.parse::<i64>().map_err(|_| {
                    ApiGatewayError::BadRequest(format!(
                        "Invalid value '{text}' for authorizerResultTtlInSeconds: must be an \
                         integer"
                    ))
                })?;
                updated.result_ttl = Some(ttl);
            }
            (Op::Add, "/providerARNs") => updated.provider_arns.push(patch.value()?.to_string()),
            (Op::Remove, "/providerARNs") => {
                let arn = patch.value.clone().unwrap_or_default();
                updated.provider_arns.retain(|known| *known != arn);
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    check(&updated)?;
    *authorizer = updated;
    Ok(authorizer.to_wire())
}

pub fn delete_authorizer(
    shared: &Shared,
    ctx: &RequestContext,
    key: AuthorizerRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &key.rest_api_id)?;
    let authorizer = find(api, &key.authorizer_id)?;
    let users = api.resources.iter().flat_map(|resource| {
        (resource.methods.values())
            .filter(|method| method.authorizer_id.as_deref() == Some(authorizer.id.as_str()))
            .map(|method| {
                format!("{}/{}", method.http_method, path_of(&api.resources, &resource.id))
            })
    });
    if let Some(user) = users.into_iter().next() {
        return Err(ApiGatewayError::Conflict(format!(
            "Cannot delete authorizer '{}', is referenced in method: {user}",
            authorizer.name
        ))
        .into());
    }
    api.authorizers.retain(|authorizer| authorizer.id != key.authorizer_id);
    Ok(Value::Null)
}

/// AWS's answer for an authorizer id the API does not have.
pub fn authorizer_not_found() -> ApiGatewayError {
    ApiGatewayError::NotFound("Invalid Authorizer identifier specified".into())
}

/// The authorizer of an API with this id.
pub fn find<'a>(api: &'a RestApi, id: &str) -> Result<&'a Authorizer, ApiGatewayError> {
    api.authorizers.iter().find(|authorizer| authorizer.id == id).ok_or_else(authorizer_not_found)
}

/// What AWS refuses in an authorizer, after a create or an update.
fn check(authorizer: &Authorizer) -> Result<(), ApiGatewayError> {
    let kind = authorizer.kind.as_str();
    if !["TOKEN", "REQUEST", "COGNITO_USER_POOLS"].contains(&kind) {
        return Err(ApiGatewayError::not_in_enum(kind, "createAuthorizerInput.type", TYPES));
    }
    if let Some(ttl) = authorizer.result_ttl
        && !(0..=MAX_TTL).contains(&ttl)
    {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid authorizer result TTL: {ttl}. The TTL must be between 0 and {MAX_TTL} \
             seconds"
        )));
    }
    if kind == "COGNITO_USER_POOLS" {
        if authorizer.provider_arns.is_empty() {
            return Err(ApiGatewayError::BadRequest(
                "Provider ARNs are required for COGNITO_USER_POOLS authorizers".into(),
            ));
        }
        return Ok(());
    }
    let uri = authorizer.authorizer_uri.as_deref().unwrap_or_default();
    let parts: Vec<&str> = uri.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || parts[2] != "apigateway" {
        let shown = authorizer.authorizer_uri.as_deref().unwrap_or("null");
        return Err(ApiGatewayError::BadRequest(format!("Invalid Authorizer URI: {shown}")));
    }
    if let Some(expression) = &authorizer.identity_validation_expression
        && kind == "TOKEN"
        && regex::Regex::new(expression).is_err()
    {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid identity validation expression specified: {expression}"
        )));
    }
    let sources = authorizer.sources();
    if kind == "TOKEN" {
        let source = authorizer.identity_source.as_deref().unwrap_or("null");
        if sources.len() != 1 || !is_token_source(sources[0]) {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid token source expression: {source}. The source must be a method request \
                 header, matching 'method.request.header.[a-zA-Z0-9._-]+'."
            )));
        }
        return Ok(());
    }
    if let Some(source) = sources.iter().find(|source| Source::parse(source).is_none()) {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid identity source expression: {source}. Identity sources must be method \
             request headers or query strings, stage variables or context variables"
        )));
    }
    if sources.is_empty() && authorizer.ttl() > 0 {
        return Err(ApiGatewayError::BadRequest(
            "An identity source is required for a REQUEST authorizer when authorization caching \
             is enabled"
                .into(),
        ));
    }
    Ok(())
}

/// `method.request.header.[a-zA-Z0-9._-]+`.
fn is_token_source(source: &str) -> bool {
    source.strip_prefix("method.request.header.").is_some_and(|name| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    })
}

/// One identity source of a `REQUEST` authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    Header(&'a str),
    QueryString(&'a str),
    StageVariable(&'a str),
    Context(&'a str),
}

impl<'a> Source<'a> {
    pub fn parse(text: &'a str) -> Option<Self> {
        let named = |prefix: &str| text.strip_prefix(prefix).filter(|name| !name.is_empty());
        if let Some(name) = named("method.request.header.") {
            return Some(Source::Header(name));
        }
        if let Some(name) = named("method.request.querystring.") {
            return Some(Source::QueryString(name));
        }
        if let Some(name) = named("stageVariables.") {
            return Some(Source::StageVariable(name));
        }
        named("context.").map(Source::Context)
    }
}

/// A fresh authorizer id (six characters, as AWS's), unique in this API.
fn new_authorizer_id(api: &RestApi, ids: &crate::ids::Ids) -> String {
    loop {
        let id = new_id(ids, 6);
        if find(api, &id).is_err() {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(source: Option<&str>) -> Authorizer {
        Authorizer {
            id: "abc123".into(),
            name: "auth".into(),
            kind: "TOKEN".into(),
            provider_arns: Vec::new(),
            auth_type: Some("custom".into()),
            authorizer_uri: Some("arn:aws:apigateway:ap-northeast-2:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-2:000000000000:function:auth/invocations".into()),
            authorizer_credentials: None,
            identity_source: source.map(Into::into),
            identity_validation_expression: None,
            result_ttl: None,
        }
    }

    #[test]
    fn a_token_source_must_be_one_header() {
        assert!(check(&token(Some("method.request.header.Authorization"))).is_ok());
        for bad in [None, Some("method.request.querystring.key"), Some("method.request.header.")] {
            let error = check(&token(bad)).unwrap_err().to_string();
            assert!(error.starts_with("Invalid token source expression"), "{error}");
        }
    }

    #[test]
    fn request_sources_are_read_and_caching_needs_one() {
        let mut request = token(Some(
            "method.request.header.Auth, method.request.querystring.name, stageVariables.v, \
             context.sourceIp",
        ));
        request.kind = "REQUEST".into();
        assert!(check(&request).is_ok());
        let parsed: Vec<_> = request.sources().into_iter().filter_map(Source::parse).collect();
        assert_eq!(
            parsed,
            [
                Source::Header("Auth"),
                Source::QueryString("name"),
                Source::StageVariable("v"),
                Source::Context("sourceIp")
            ]
        );
        request.identity_source = None;
        assert!(check(&request).is_err(), "caching needs an identity source");
        request.result_ttl = Some(0);
        assert!(check(&request).is_ok());
        request.result_ttl = Some(3601);
        assert!(check(&request).is_err());
    }

    #[test]
    fn only_a_given_ttl_is_shown() {
        let authorizer = token(Some("method.request.header.Authorization"));
        assert_eq!(authorizer.to_wire().get("authorizerResultTtlInSeconds"), None);
        assert_eq!(authorizer.ttl(), DEFAULT_TTL);
        assert_eq!(authorizer.to_wire()["authType"], "custom");
    }
}
