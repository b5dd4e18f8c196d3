//! The `patchOperations` of API Gateway's `Update*` operations: JSON-Patch-like operations
//! whose `path` is a JSON pointer (`/requestTemplates/application~1json`) and whose `value` is
//! always a string. Each `Update*` handler decides which paths it accepts; this module reads
//! the operations and their values.

use super::errors::ApiGatewayError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One operation as the wire carries it.
#[derive(Debug, Clone, Deserialize)]
pub struct PatchOperation {
    pub op: Option<String>,
    pub path: Option<String>,
    pub value: Option<String>,
    pub from: Option<String>,
}

/// The body of every `Update*` operation.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchInput {
    #[serde(default)]
    pub patch_operations: Vec<PatchOperation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Replace => "replace",
            Op::Move => "move",
            Op::Copy => "copy",
            Op::Test => "test",
        }
    }
}

/// An operation whose `op` was checked.
#[derive(Debug, Clone)]
pub struct Patch {
    pub op: Op,
    /// The pointer as given (`/variables/lambdaAlias`).
    pub path: String,
    pub value: Option<String>,
    pub from: Option<String>,
}

impl Patch {
    /// The pointer's segments, unescaped (`~1` is `/`, `~0` is `~`).
    pub fn segments(&self) -> Vec<String> {
        segments(&self.path)
    }

    /// The value, which the operation needs.
    pub fn value(&self) -> Result<&str, ApiGatewayError> {
        self.value.as_deref().ok_or_else(|| {
            ApiGatewayError::BadRequest(format!(
                "Invalid null or empty value for op '{}' and path '{}'",
                self.op.as_str(),
                self.path
            ))
        })
    }

    /// The value as a boolean (`"true"`/`"false"`).
    pub fn bool_value(&self) -> Result<bool, ApiGatewayError> {
        match self.value()? {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(ApiGatewayError::BadRequest(format!(
                "Invalid value '{other}' for {}: must be true or false",
                self.path
            ))),
        }
    }

    /// The error for a path (or op on a path) the resource does not support.
    pub fn unsupported(&self) -> ApiGatewayError {
        ApiGatewayError::invalid_patch_path(&self.path)
    }
}

/// Unescaped segments of a JSON pointer.
pub fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Checks every `op` of a request, reporting all bad ones as Smithy does
/// (`2 validation errors detected: Value 'wrong' at 'updateStageInput.patchOperations.1.member.op' …`).
pub fn read(input: PatchInput, operation_input: &str) -> Result<Vec<Patch>, ApiGatewayError> {
    let mut problems = Vec::new();
    let mut patches = Vec::new();
    for (index, operation) in input.patch_operations.into_iter().enumerate() {
        let op = match operation.op.as_deref() {
            Some("add") => Op::Add,
            Some("remove") => Op::Remove,
            Some("replace") => Op::Replace,
            Some("move") => Op::Move,
            Some("copy") => Op::Copy,
            Some("test") => Op::Test,
            other => {
                problems.push(format!(
                    "Value '{}' at '{operation_input}.patchOperations.{}.member.op' failed to \
                     satisfy constraint: Member must satisfy enum value set: [add, remove, move, \
                     test, replace, copy]",
                    other.unwrap_or("null"),
                    index + 1
                ));
                continue;
            }
        };
        patches.push(Patch {
            op,
            path: operation.path.unwrap_or_default(),
            value: operation.value,
            from: operation.from,
        });
    }
    match problems.len() {
        0 => Ok(patches),
        _ => Err(ApiGatewayError::Validation(crate::validation::detected(&problems))),
    }
}

/// Applies an `add`/`replace`/`remove` to one entry of a string map.
pub fn patch_string_map(
    map: &mut BTreeMap<String, String>,
    key: String,
    patch: &Patch,
) -> Result<(), ApiGatewayError> {
    match patch.op {
        Op::Add | Op::Replace => {
            map.insert(key, patch.value.clone().unwrap_or_default());
        }
        Op::Remove => {
            map.remove(&key);
        }
        _ => return Err(patch.unsupported()),
    }
    Ok(())
}

/// Applies an `add`/`replace`/`remove` to one entry of a map of flags
/// (`requestParameters`, `responseParameters` of methods).
pub fn patch_flag_map(
    map: &mut BTreeMap<String, bool>,
    key: String,
    patch: &Patch,
) -> Result<(), ApiGatewayError> {
    match patch.op {
        Op::Add | Op::Replace => {
            let flag = match patch.value.as_deref() {
                None | Some("") => false,
                Some(_) => patch.bool_value()?,
            };
            map.insert(key, flag);
        }
        Op::Remove => {
            map.remove(&key);
        }
        _ => return Err(patch.unsupported()),
    }
    Ok(())
}

/// An optional string member: `replace`/`add` sets it, `remove` clears it.
pub fn patch_optional(target: &mut Option<String>, patch: &Patch) -> Result<(), ApiGatewayError> {
    match patch.op {
        Op::Add | Op::Replace => *target = Some(patch.value()?.to_string()),
        Op::Remove => *target = None,
        _ => return Err(patch.unsupported()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(ops: &[(&str, &str)]) -> PatchInput {
        PatchInput {
            patch_operations: ops
                .iter()
                .map(|(op, path)| PatchOperation {
                    op: Some(op.to_string()),
                    path: Some(path.to_string()),
                    value: Some("v".into()),
                    from: None,
                })
                .collect(),
        }
    }

    #[test]
    fn pointers_are_unescaped() {
        assert_eq!(
            segments("/requestTemplates/application~1json"),
            ["requestTemplates", "application/json"]
        );
        assert_eq!(
            segments("/~1pets/GET/throttling/rateLimit"),
            ["/pets", "GET", "throttling", "rateLimit"]
        );
        assert_eq!(segments("/a~0b"), ["a~b"]);
    }

    #[test]
    fn bad_ops_are_all_reported_with_their_positions() {
        let error = read(
            input(&[("wrong", "/a"), ("replace", "/b"), ("nope", "/c")]),
            "updateRestApiInput",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("2 validation errors detected: Value 'wrong' at 'updateRestApiInput.patchOperations.1.member.op'"), "{message}");
        assert!(message.contains("'updateRestApiInput.patchOperations.3.member.op'"), "{message}");
        let patches = read(input(&[("replace", "/name")]), "x").unwrap();
        assert_eq!((patches[0].op, patches[0].path.as_str()), (Op::Replace, "/name"));
    }
}
