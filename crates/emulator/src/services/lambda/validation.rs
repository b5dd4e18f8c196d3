//! What Lambda accepts in a function's settings, in its words: the function name, runtime,
//! handler, role ARN, timeout, memory, ephemeral storage, environment variables and
//! architectures, and the runtimes the emulator can run.
//!
//! Not here: the checks that need the state (a role's trust policy, a revision id), which are
//! with the operations in `functions`.

use super::LambdaError;
use std::collections::BTreeMap;

/// Runtimes the emulator runs, with the interpreter each needs.
pub const PYTHON_RUNTIMES: &[&str] =
    &["python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"];
pub const NODE_RUNTIMES: &[&str] = &["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"];

/// Runtimes AWS has retired for new functions.
pub(super) const DEPRECATED_RUNTIMES: &[&str] = &[
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "ruby2.5",
    "ruby2.7",
    "java8",
    "go1.x",
];

/// Runtimes AWS has that the emulator cannot run.
pub(super) const OTHER_RUNTIMES: &[&str] = &[
    "java11",
    "java17",
    "java21",
    "java8.al2",
    "dotnet8",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "provided",
    "provided.al2",
    "provided.al2023",
];

/// Environment variables Lambda sets itself and refuses to have overridden.
pub(super) const RESERVED_VARIABLES: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

pub fn validate_function_name(name: &str) -> Result<(), LambdaError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(LambdaError::validation(
        name,
        "functionName",
        if name.len() > 64 {
            "Member must have length less than or equal to 64".to_string()
        } else {
            format!(
                "Member must satisfy regular expression pattern: {}",
                super::model::FUNCTION_NAME_PATTERN
            )
        },
    ))
}

pub(super) fn validate_runtime(runtime: &str) -> Result<(), LambdaError> {
    if PYTHON_RUNTIMES.contains(&runtime) || NODE_RUNTIMES.contains(&runtime) {
        return Ok(());
    }
    if DEPRECATED_RUNTIMES.contains(&runtime) {
        return Err(LambdaError::InvalidParameterValue(format!(
            "The runtime parameter of {runtime} is no longer supported for creating or updating \
             AWS Lambda functions. We recommend you use a supported runtime while creating or \
             upgrading functions."
        )));
    }
    if OTHER_RUNTIMES.contains(&runtime) {
        return Err(LambdaError::InvalidParameterValue(format!(
            "The offline emulator runs Python (python3.9 to python3.14) and Node.js (nodejs18.x \
             to nodejs24.x) functions; {runtime} runs only on AWS."
        )));
    }
    let known: Vec<&str> = (PYTHON_RUNTIMES.iter())
        .chain(NODE_RUNTIMES)
        .chain(OTHER_RUNTIMES)
        .chain(DEPRECATED_RUNTIMES)
        .copied()
        .collect();
    Err(LambdaError::validation(
        runtime,
        "runtime",
        format!("Member must satisfy enum value set: [{}]", known.join(", ")),
    ))
}

pub(super) fn validate_handler(handler: &str) -> Result<(), LambdaError> {
    if handler.is_empty() {
        return Err(LambdaError::InvalidParameterValue(
            "Handler is required for the Zip package type.".to_string(),
        ));
    }
    if handler.len() > 128 {
        return Err(LambdaError::validation(
            handler,
            "handler",
            "Member must have length less than or equal to 128",
        ));
    }
    if handler.chars().any(char::is_whitespace) {
        return Err(LambdaError::validation(
            handler,
            "handler",
            "Member must satisfy regular expression pattern: [^\\s]+",
        ));
    }
    Ok(())
}

pub(super) fn validate_role(role: &str) -> Result<(), LambdaError> {
    let valid = role
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.split_once(":role/"))
        .is_some_and(|(account, name)| {
            account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
        });
    if valid {
        return Ok(());
    }
    Err(LambdaError::validation(
        role,
        "role",
        "Member must satisfy regular expression pattern: \
         arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    ))
}

pub(super) fn validate_timeout(timeout: i64) -> Result<u32, LambdaError> {
    bounded(timeout, "timeout", 1, 900)
}

pub(super) fn validate_memory(memory: i64) -> Result<u32, LambdaError> {
    bounded(memory, "memorySize", 128, 10240)
}

pub(super) fn validate_storage(size: u32) -> Result<u32, LambdaError> {
    bounded(i64::from(size), "ephemeralStorage.size", 512, 10240)
}

pub(super) fn bounded(value: i64, member: &str, low: i64, high: i64) -> Result<u32, LambdaError> {
    if value < low {
        return Err(LambdaError::validation(
            &value.to_string(),
            member,
            format!("Member must have value greater than or equal to {low}"),
        ));
    }
    if value > high {
        return Err(LambdaError::validation(
            &value.to_string(),
            member,
            format!("Member must have value less than or equal to {high}"),
        ));
    }
    u32::try_from(value).map_err(|_| LambdaError::validation(&value.to_string(), member, "range"))
}

pub(super) fn validate_environment(
    variables: &BTreeMap<String, String>,
) -> Result<(), LambdaError> {
    let reserved: Vec<&str> = (variables.keys())
        .filter(|key| RESERVED_VARIABLES.contains(&key.as_str()))
        .map(String::as_str)
        .collect();
    if !reserved.is_empty() {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Lambda was unable to configure your environment variables because the environment \
             variables you have provided contains reserved keys that are currently not supported \
             for modification. Reserved keys used in this request: {}",
            reserved.join(", ")
        )));
    }
    for key in variables.keys() {
        let valid = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && key.len() >= 2
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(LambdaError::validation(
                "[sensitive]",
                "environment.variables",
                "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+",
            ));
        }
    }
    let measured = serde_json::to_string(variables).unwrap_or_default();
    if measured.len() > 4096 {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Lambda was unable to configure your environment variables because the environment \
             variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )));
    }
    Ok(())
}

pub(super) fn validate_architectures(
    given: Option<Vec<String>>,
) -> Result<Vec<String>, LambdaError> {
    let architectures = given.unwrap_or_else(|| vec!["x86_64".to_string()]);
    match architectures.as_slice() {
        [one] if one == "x86_64" || one == "arm64" => Ok(architectures),
        [one] => Err(LambdaError::validation(
            one,
            "architectures",
            "Member must satisfy enum value set: [x86_64, arm64]",
        )),
        _ => Err(LambdaError::validation(
            &format!("{architectures:?}"),
            "architectures",
            "Member must have length less than or equal to 1",
        )),
    }
}
