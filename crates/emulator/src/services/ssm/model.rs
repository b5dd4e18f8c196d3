//! What Parameter Store keeps: each account's parameters by region, each with its versions and
//! tags, and the shapes its answers write them in (`Parameter`, `ParameterMetadata`,
//! `ParameterHistory`).
//!
//! A `SecureString` is kept as the learner wrote it: there is no KMS here. Read without
//! `WithDecryption`, its value is a base64 blob made from the value, the key and the version
//! (see [`ciphertext`]), so that what a learner sees looks like AWS's ciphertext and is never
//! the secret itself; it is not encryption, and the state file holds the plain value.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The key a `SecureString` is encrypted with when the request names none.
pub const DEFAULT_KEY: &str = "alias/aws/ssm";

/// The versions AWS keeps of a parameter; a new one past it drops the oldest.
pub const MAX_VERSIONS: usize = 100;

/// Parameter Store's state. Every member has a default, so a state file saved before SSM
/// existed (or before a member was added) still loads.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SsmState {
    /// By account, then region: parameters are regional, as on AWS.
    pub accounts: BTreeMap<String, BTreeMap<String, RegionParameters>>,
}

/// One account's parameters in one region, by [key](super::names::key).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionParameters {
    pub parameters: BTreeMap<String, StoredParameter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredParameter {
    /// The name as it was first put (`/dev/db`, or `x` or `/x` for a top-level one).
    pub name: String,
    /// Oldest first; never empty.
    pub versions: Vec<ParameterVersion>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl StoredParameter {
    pub fn latest(&self) -> &ParameterVersion {
        // `versions` is never empty: a parameter is made with its first version.
        &self.versions[self.versions.len() - 1]
    }
}

/// One version of a parameter, everything `PutParameter` set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterVersion {
    pub version: i64,
    /// `String`, `StringList` or `SecureString`.
    pub kind: String,
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `text`, `aws:ec2:image` or `aws:ssm:integration`.
    pub data_type: String,
    /// A `SecureString`'s key.
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub allowed_pattern: Option<String>,
    pub tier: String,
    /// Milliseconds since the epoch.
    pub modified_ms: i64,
    /// The ARN of whoever put it.
    pub modified_by: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

impl ParameterVersion {
    /// The value as a reader sees it: a `SecureString` stays ciphertext unless decrypted.
    pub fn shown_value(&self, name_key: &str, decrypt: bool) -> String {
        match (&self.key_id, decrypt) {
            (Some(key_id), false) if self.kind == "SecureString" => {
                ciphertext(key_id, name_key, self.version, &self.value)
            }
            _ => self.value.clone(),
        }
    }
}

/// A parameter found for a request: its name as asked, ARN, version and selector.
#[derive(Debug, Clone)]
pub struct Found {
    pub name: String,
    pub key: String,
    pub arn: String,
    pub version: ParameterVersion,
    pub selector: Option<String>,
}

fn seconds(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

/// `Parameter`: what GetParameter(s) and GetParametersByPath answer.
pub fn parameter_json(found: &Found, decrypt: bool) -> Value {
    let version = &found.version;
    let mut out = json!({
        "Name": found.name,
        "Type": version.kind,
        "Value": version.shown_value(&found.key, decrypt),
        "Version": version.version,
        "LastModifiedDate": seconds(version.modified_ms),
        "ARN": found.arn,
        "DataType": version.data_type,
    });
    if let Some(selector) = &found.selector {
        out["Selector"] = json!(selector);
    }
    out
}

/// `ParameterMetadata`: what DescribeParameters answers (no value).
pub fn metadata_json(stored: &StoredParameter, arn: &str) -> Value {
    let latest = stored.latest();
    let mut out = json!({
        "Name": stored.name,
        "ARN": arn,
        "Type": latest.kind,
        "LastModifiedDate": seconds(latest.modified_ms),
        "LastModifiedUser": latest.modified_by,
        "Version": latest.version,
        "Tier": latest.tier,
        "Policies": [],
        "DataType": latest.data_type,
    });
    optional_members(&mut out, latest);
    out
}

/// `ParameterHistory`: one version, as GetParameterHistory answers it.
pub fn history_json(name: &str, key: &str, version: &ParameterVersion, decrypt: bool) -> Value {
    let mut out = json!({
        "Name": name,
        "Type": version.kind,
        "LastModifiedDate": seconds(version.modified_ms),
        "LastModifiedUser": version.modified_by,
        "Value": version.shown_value(key, decrypt),
        "Version": version.version,
        "Labels": version.labels,
        "Tier": version.tier,
        "Policies": [],
        "DataType": version.data_type,
    });
    optional_members(&mut out, version);
    out
}

fn optional_members(out: &mut Value, version: &ParameterVersion) {
    if let Some(key_id) = &version.key_id {
        out["KeyId"] = json!(key_id);
    }
    if let Some(description) = &version.description {
        out["Description"] = json!(description);
    }
    if let Some(pattern) = &version.allowed_pattern {
        out["AllowedPattern"] = json!(pattern);
    }
}

/// What a `SecureString` reads as without decryption: base64 of a KMS-like header and the value
/// scrambled with a keystream drawn from the key, the parameter and the version. Stable for one
/// version, different for the next, never the value itself.
pub fn ciphertext(key_id: &str, name_key: &str, version: i64, value: &str) -> String {
    let seed = format!("awslab/ssm/{key_id}/{name_key}/{version}");
    let mut blob = vec![1, 2, 2, 0, 0x78];
    blob.extend_from_slice(&Sha256::digest(seed.as_bytes())[..16]);
    let stream = (0u32..).flat_map(|block| {
        let mut hash = Sha256::new();
        hash.update(seed.as_bytes());
        hash.update(block.to_be_bytes());
        hash.finalize().to_vec()
    });
    blob.extend(value.bytes().zip(stream).map(|(byte, key)| byte ^ key));
    base64::engine::general_purpose::STANDARD.encode(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secure_string_reads_as_ciphertext_unless_decrypted() {
        let version = ParameterVersion {
            version: 1,
            kind: "SecureString".into(),
            value: "hunter2".into(),
            description: None,
            data_type: "text".into(),
            key_id: Some(DEFAULT_KEY.into()),
            allowed_pattern: None,
            tier: "Standard".into(),
            modified_ms: 0,
            modified_by: "arn:aws:iam::123456789012:root".into(),
            labels: Vec::new(),
        };
        let hidden = version.shown_value("/db/password", false);
        assert_ne!(hidden, "hunter2");
        assert!(!hidden.contains("hunter2"));
        assert_eq!(hidden, version.shown_value("/db/password", false), "stable");
        assert_ne!(hidden, ciphertext(DEFAULT_KEY, "/db/password", 2, "hunter2"), "per version");
        assert_eq!(version.shown_value("/db/password", true), "hunter2");
        let plain = ParameterVersion { kind: "String".into(), key_id: None, ..version };
        assert_eq!(plain.shown_value("/x", false), "hunter2");
    }
}
