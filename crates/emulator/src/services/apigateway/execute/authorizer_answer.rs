//! What an authorizer function's answer becomes: the [`Answer`] read from its payload (or why
//! API Gateway cannot use it), the [`Refusal`]s a request can meet with their statuses and
//! bodies, what a passed request carries on ([`Authorized`]), and the [`Cache`] of answers.
//!
//! Not here: running the function or evaluating the policy (`authorizer`).

use crate::clock::Millis;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// What a passed authorizer tells the rest of the request.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorized {
    pub principal_id: String,
    /// String, number and boolean values only.
    pub context: Map<String, Value>,
    /// The API key, for APIs whose `apiKeySource` is `AUTHORIZER`.
    pub usage_identifier_key: Option<String>,
    /// Milliseconds the function took; `TOKEN` authorizers pass it on.
    pub integration_latency: Option<u64>,
}

impl Authorized {
    /// `requestContext.authorizer` of a proxy event: `principalId`, the context's values as
    /// text, and for a `TOKEN` authorizer `integrationLatency`.
    pub fn request_context(&self) -> Value {
        let mut out = Map::new();
        out.insert("principalId".into(), json!(self.principal_id));
        for (key, value) in &self.context {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            out.insert(key.clone(), json!(text));
        }
        if let Some(latency) = self.integration_latency {
            out.insert("integrationLatency".into(), json!(latency));
        }
        Value::Object(out)
    }
}

/// An authorizer function's answer, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub principal_id: String,
    pub policy: Value,
    pub context: Map<String, Value>,
    pub usage_identifier_key: Option<String>,
}

/// Why an authorizer stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No identity, a failed validation expression, or the function said `Unauthorized`.
    Unauthorized,
    /// The policy denies the method explicitly.
    ExplicitDeny,
    /// The policy does not allow the method.
    NotAllowed,
    /// The authorizer could not be run, or answered something API Gateway cannot read.
    Configuration,
}

impl Refusal {
    pub fn status(self) -> u16 {
        match self {
            Refusal::Unauthorized => 401,
            Refusal::ExplicitDeny | Refusal::NotAllowed => 403,
            Refusal::Configuration => 500,
        }
    }

    /// The client's body, as AWS's default gateway responses write it.
    pub fn body(self) -> Value {
        match self {
            Refusal::Unauthorized => json!({ "message": "Unauthorized" }),
            Refusal::ExplicitDeny => json!({
                "Message": "User is not authorized to access this resource with an explicit deny"
            }),
            Refusal::NotAllowed => {
                json!({ "Message": "User is not authorized to access this resource" })
            }
            Refusal::Configuration => json!({ "message": null }),
        }
    }

    pub(super) fn error_type(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "UnauthorizedException",
            Refusal::ExplicitDeny | Refusal::NotAllowed => "AccessDeniedException",
            Refusal::Configuration => "AuthorizerConfigurationException",
        }
    }

    pub(super) fn gateway_response(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "UNAUTHORIZED",
            Refusal::ExplicitDeny | Refusal::NotAllowed => "ACCESS_DENIED",
            Refusal::Configuration => "AUTHORIZER_CONFIGURATION_ERROR",
        }
    }
}

/// Authorizer results by stage, deployment, authorizer and identity; kept in memory only.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    entries: BTreeMap<String, Cached>,
}

#[derive(Debug, Clone)]
struct Cached {
    answer: Answer,
    expires_at: Millis,
}

impl Cache {
    pub(super) fn get(&self, key: &str, now: Millis) -> Option<Answer> {
        (self.entries.get(key)).filter(|cached| now < cached.expires_at).map(|c| c.answer.clone())
    }

    pub(super) fn put(&mut self, key: String, answer: Answer, expires_at: Millis, now: Millis) {
        self.entries.retain(|_, cached| now < cached.expires_at);
        self.entries.insert(key, Cached { answer, expires_at });
    }
}

/// Reads a function's answer; `Err` says why API Gateway cannot use it.
pub fn read_answer(body: &[u8]) -> Result<Answer, String> {
    let text = String::from_utf8_lossy(body);
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else {
        return Err(format!("Invalid JSON in response: {text}"));
    };
    const FIELDS: [&str; 4] = ["principalId", "policyDocument", "context", "usageIdentifierKey"];
    if let Some(key) = answer.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(format!(
            "Invalid JSON in response: Unrecognized field \"{key}\" , not marked as ignorable"
        ));
    }
    let principal_id = match answer.get("principalId") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => return Err("The authorizer's answer has no principalId".into()),
    };
    let policy = match answer.get("policyDocument") {
        Some(policy @ Value::Object(document))
            if matches!(document.get("Statement"), Some(Value::Array(_) | Value::Object(_))) =>
        {
            policy.clone()
        }
        _ => return Err("The authorizer's answer has no valid policyDocument".into()),
    };
    let context = match answer.get("context") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(context)) => {
            let nested = context.iter().find(|(_, value)| {
                !matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
            });
            if let Some((key, _)) = nested {
                return Err(format!(
                    "The authorizer's context value '{key}' is not a string, number or boolean"
                ));
            }
            context.clone()
        }
        Some(_) => return Err("The authorizer's context is not a map".into()),
    };
    let usage_identifier_key = match answer.get("usageIdentifierKey") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) => Some(key.clone()),
        Some(_) => return Err("The authorizer's usageIdentifierKey is not a string".into()),
    };
    Ok(Answer { principal_id, policy, context, usage_identifier_key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_api_gateway_reads_them() {
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]});
        let good = json!({"principalId": "user", "policyDocument": policy, "context": {"a": "b", "n": 1, "t": true}});
        let answer = read_answer(good.to_string().as_bytes()).unwrap();
        assert_eq!(answer.principal_id, "user");
        let authorized = Authorized {
            principal_id: answer.principal_id,
            context: answer.context,
            usage_identifier_key: None,
            integration_latency: Some(3),
        };
        assert_eq!(
            authorized.request_context(),
            json!({"principalId": "user", "a": "b", "n": "1", "t": "true", "integrationLatency": 3})
        );
        let error = json!({"errorMessage": "boom", "errorType": "Exception"});
        assert_eq!(
            read_answer(error.to_string().as_bytes()).unwrap_err(),
            "Invalid JSON in response: Unrecognized field \"errorMessage\" , not marked as ignorable"
        );
        for bad in [
            json!({"policyDocument": policy}),
            json!({"principalId": "u"}),
            json!({"principalId": "u", "policyDocument": {"Version": "2012-10-17"}}),
            json!({"principalId": "u", "policyDocument": policy, "context": {"nested": {"x": 1}}}),
        ] {
            assert!(read_answer(bad.to_string().as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn cached_results_expire() {
        let mut cache = Cache::default();
        let answer = Answer {
            principal_id: "u".into(),
            policy: json!({}),
            context: Map::new(),
            usage_identifier_key: None,
        };
        cache.put("k".into(), answer.clone(), 1_000, 0);
        assert_eq!(cache.get("k", 999), Some(answer));
        assert_eq!(cache.get("k", 1_000), None);
    }
}
