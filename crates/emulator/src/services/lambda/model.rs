//! What Lambda keeps: functions with their `$LATEST` configuration, published versions,
//! aliases, resource policies and tags, and how each is named (ARNs, qualifiers).
//!
//! The state is plain data, saved whole as a JSON document after every change (see
//! `crate::persist`); code lives outside it, in content-addressed zip files (`code`).

use super::LambdaError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Every function, by region and then by name.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct LambdaState {
    pub regions: BTreeMap<String, BTreeMap<String, Function>>,
}

impl LambdaState {
    pub fn function(&self, region: &str, name: &str) -> Option<&Function> {
        self.regions.get(region)?.get(name)
    }

    pub fn function_mut(&mut self, region: &str, name: &str) -> Option<&mut Function> {
        self.regions.get_mut(region)?.get_mut(name)
    }

    /// Removes the functions tagged `awslab:lab` = `lab`; returns `(region, name)` of each.
    pub fn delete_lab_functions(&mut self, lab: &str) -> Vec<(String, String)> {
        let mut deleted = Vec::new();
        for (region, functions) in &mut self.regions {
            functions.retain(|name, function| {
                let of_lab = function.tags.get("awslab:lab").is_some_and(|value| value == lab);
                if of_lab {
                    deleted.push((region.clone(), name.clone()));
                }
                !of_lab
            });
        }
        deleted
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    pub latest: Config,
    /// Published versions by number.
    pub versions: BTreeMap<u64, Config>,
    /// The number the last `PublishVersion` used (versions are never reused, even when deleted).
    pub last_version: u64,
    pub aliases: BTreeMap<String, Alias>,
    /// Resource-based policy statements, by qualifier (`""` for the unqualified function).
    pub policies: BTreeMap<String, Policy>,
    pub tags: BTreeMap<String, String>,
    /// `$LATEST`'s last change, while it settles under AWS's time (see `settling`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settling: Option<super::settling::Settling>,
}

impl Function {
    /// The configuration a qualifier names: `$LATEST` (or none), a version number, or an alias
    /// (its main version).
    pub fn resolve(&self, qualifier: Option<&str>) -> Option<&Config> {
        match qualifier {
            None | Some("$LATEST") => Some(&self.latest),
            Some(qualifier) => match qualifier.parse::<u64>() {
                Ok(number) => self.versions.get(&number),
                Err(_) => {
                    let alias = self.aliases.get(qualifier)?;
                    self.version(&alias.function_version)
                }
            },
        }
    }

    /// `$LATEST` or a published version, by its name.
    pub fn version(&self, version: &str) -> Option<&Config> {
        if version == "$LATEST" {
            return Some(&self.latest);
        }
        self.versions.get(&version.parse::<u64>().ok()?)
    }
}

/// A version's configuration (and a reference to its code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub name: String,
    pub region: String,
    pub account: String,
    /// `$LATEST` or a number.
    pub version: String,
    pub runtime: String,
    pub role: String,
    pub handler: String,
    pub description: String,
    pub timeout: u32,
    pub memory_size: u32,
    pub environment: BTreeMap<String, String>,
    pub architectures: Vec<String>,
    pub ephemeral_storage: u32,
    /// Base64 of the zip's SHA-256, as AWS reports it.
    pub code_sha256: String,
    pub code_size: u64,
    pub last_modified: String,
    pub revision_id: String,
    /// The log group, when it is not `/aws/lambda/NAME`.
    #[serde(default)]
    pub log_group: Option<String>,
}

impl Config {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
    pub fn function_arn(&self) -> String {
        function_arn(&self.region, &self.account, &self.name)
    }

    /// The ARN with this version's qualifier.
    pub fn qualified_arn(&self) -> String {
        format!("{}:{}", self.function_arn(), self.version)
    }

    /// The log group the function writes to.
    pub fn log_group(&self) -> String {
        self.log_group.clone().unwrap_or_else(|| format!("/aws/lambda/{}", self.name))
    }

    /// The `FunctionConfiguration` shape. `arn` is the ARN to report (unqualified for an
    /// unqualified `$LATEST`, qualified otherwise); `status` adds the states that an answer to
    /// a create or update reports while the change is "in progress".
    pub fn to_wire(&self, arn: &str, status: WireStatus) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("FunctionName", json!(self.name));
        put("FunctionArn", json!(arn));
        put("Runtime", json!(self.runtime));
        put("Role", json!(self.role));
        put("Handler", json!(self.handler));
        put("CodeSize", json!(self.code_size));
        put("Description", json!(self.description));
        put("Timeout", json!(self.timeout));
        put("MemorySize", json!(self.memory_size));
        put("LastModified", json!(self.last_modified));
        put("CodeSha256", json!(self.code_sha256));
        put("Version", json!(self.version));
        if !self.environment.is_empty() {
            put("Environment", json!({ "Variables": self.environment }));
        }
        put("TracingConfig", json!({ "Mode": "PassThrough" }));
        put("RevisionId", json!(self.revision_id));
        match status {
            WireStatus::Creating => {
                put("State", json!("Pending"));
                put("StateReason", json!("The function is being created."));
                put("StateReasonCode", json!("Creating"));
            }
            WireStatus::Updating => {
                put("State", json!("Active"));
                put("LastUpdateStatus", json!("InProgress"));
                put("LastUpdateStatusReason", json!("The function is being created."));
                put("LastUpdateStatusReasonCode", json!("Creating"));
            }
            WireStatus::Settled => {
                put("State", json!("Active"));
                put("LastUpdateStatus", json!("Successful"));
            }
        }
        put("PackageType", json!("Zip"));
        put("Architectures", json!(self.architectures));
        put("EphemeralStorage", json!({ "Size": self.ephemeral_storage }));
        put("SnapStart", json!({ "ApplyOn": "None", "OptimizationStatus": "Off" }));
        put("RuntimeVersionConfig", json!({ "RuntimeVersionArn": self.runtime_version_arn() }));
        put("LoggingConfig", json!({ "LogFormat": "Text", "LogGroup": self.log_group() }));
        Value::Object(out)
    }

    /// `arn:aws:lambda:REGION::runtime:<id>`: a stable, made-up id per runtime (AWS reports a
    /// hash of the runtime build).
    pub fn runtime_version_arn(&self) -> String {
        format!("arn:aws:lambda:{}::runtime:{}", self.region, runtime_version_id(&self.runtime))
    }

    /// What a `PublishVersion` compares to decide whether anything changed.
    pub fn same_code_and_settings(&self, other: &Config) -> bool {
        let strip = |config: &Config| Config {
            version: String::new(),
            last_modified: String::new(),
            revision_id: String::new(),
            ..config.clone()
        };
        strip(self) == strip(other)
    }
}

/// How far a configuration change has got, as an answer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireStatus {
    /// The answer to `CreateFunction`: `State: Pending`.
    Creating,
    /// The answer to an update: `LastUpdateStatus: InProgress`.
    Updating,
    /// Everything else: `State: Active`, `LastUpdateStatus: Successful`.
    Settled,
}

/// A stable, made-up runtime version id per runtime (AWS reports a hash).
fn runtime_version_id(runtime: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(runtime.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub function_version: String,
    pub description: String,
    /// Extra versions and the share of invocations each gets (0.0–1.0).
    pub additional_weights: BTreeMap<String, f64>,
    pub revision_id: String,
}

impl Alias {
    pub fn to_wire(&self, function_arn: &str) -> Value {
        let mut out = json!({
            "AliasArn": format!("{function_arn}:{}", self.name),
            "Name": self.name,
            "FunctionVersion": self.function_version,
            "Description": self.description,
            "RevisionId": self.revision_id,
        });
        if !self.additional_weights.is_empty() {
            out["RoutingConfig"] = json!({ "AdditionalVersionWeights": self.additional_weights });
        }
        out
    }
}

/// A resource-based policy: its statements, in the order they were added.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub statements: Vec<Value>,
    pub revision_id: String,
}

impl Policy {
    /// The document as `GetPolicy` returns it (a JSON string in the answer).
    pub fn document(&self) -> Value {
        json!({ "Version": "2012-10-17", "Id": "default", "Statement": self.statements })
    }
}

pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

/// A `FunctionName` as callers may give it: a name, `ACCOUNT:function:NAME`, or a full ARN,
/// each with an optional `:QUALIFIER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRef {
    pub name: String,
    pub qualifier: Option<String>,
    /// The region a full ARN names (it must be the request's).
    pub region: Option<String>,
}

/// Lambda's pattern for names, ARNs and qualifiers, as its validation message quotes it.
pub const FUNCTION_NAME_PATTERN: &str = "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

impl FunctionRef {
    pub fn parse(given: &str) -> Result<Self, LambdaError> {
        let invalid = || LambdaError::validation(given, "functionName", pattern_constraint());
        if given.is_empty() || given.len() > 170 {
            return Err(invalid());
        }
        let parts: Vec<&str> = given.split(':').collect();
        let (region, rest): (Option<String>, &[&str]) = match parts.as_slice() {
            ["arn", _partition, "lambda", region, account, "function", rest @ ..] => {
                if !is_account(account) {
                    return Err(invalid());
                }
                (Some((*region).to_string()), rest)
            }
            [account, "function", rest @ ..] if is_account(account) => (None, rest),
            rest => (None, rest),
        };
        let (name, qualifier) = match rest {
            [name] => (*name, None),
            [name, qualifier] => (*name, Some((*qualifier).to_string())),
            _ => return Err(invalid()),
        };
        let name_ok = !name.is_empty()
            && name.len() <= 140
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let qualifier_ok = qualifier.as_deref().is_none_or(|q| {
            q == "$LATEST"
                || (!q.is_empty()
                    && q.len() <= 128
                    && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        });
        if !name_ok || !qualifier_ok {
            return Err(invalid());
        }
        Ok(Self { name: name.to_string(), qualifier, region })
    }
}

fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn pattern_constraint() -> String {
    format!("Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}")
}

/// `2024-05-01T12:00:00.000+0000`, the way Lambda writes `LastModified`.
pub fn last_modified(at: time::OffsetDateTime) -> String {
    crate::clock::write(at, crate::clock::formats::ISO_MILLIS_OFFSET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_in_every_form_callers_use() {
        let plain = FunctionRef::parse("addCustomer").unwrap();
        assert_eq!((plain.name.as_str(), plain.qualifier), ("addCustomer", None));
        let alias = FunctionRef::parse("addCustomer:PROD").unwrap();
        assert_eq!(alias.qualifier.as_deref(), Some("PROD"));
        let partial = FunctionRef::parse("000000000000:function:addCustomer:$LATEST").unwrap();
        assert_eq!(
            (partial.name.as_str(), partial.qualifier.as_deref()),
            ("addCustomer", Some("$LATEST"))
        );
        let arn =
            FunctionRef::parse("arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer:3")
                .unwrap();
        assert_eq!(arn.region.as_deref(), Some("ap-northeast-2"));
        assert_eq!(arn.qualifier.as_deref(), Some("3"));
        for bad in ["", "a b", "a:b:c", "arn:aws:lambda:us-east-1:12:function:x", "x:$NOPE"] {
            let error = FunctionRef::parse(bad).unwrap_err();
            assert!(error.to_string().contains("at 'functionName'"), "{bad}: {error}");
        }
    }

    #[test]
    fn last_modified_has_milliseconds_and_a_numeric_offset() {
        let at = time::macros::datetime!(2024-05-01 12:03:04.250 UTC);
        assert_eq!(last_modified(at), "2024-05-01T12:03:04.250+0000");
    }
}
