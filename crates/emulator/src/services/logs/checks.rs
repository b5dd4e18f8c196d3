//! Reading a request: the JSON body into a typed input, and the constraints of the API model
//! (lengths, patterns, ranges, enums), collected in member order so that one answer names every
//! violation, as AWS does.

use super::errors::LogsError;
use super::store::group_arn;
use crate::validation::{self, Shown};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `[\.\-_/#A-Za-z0-9]+`, 1–512 characters: log group names and prefixes.
pub const GROUP_NAME_PATTERN: &str = r"[\.\-_/#A-Za-z0-9]+";
/// `[^:*]*`, 1–512 characters: log stream names and prefixes.
pub const STREAM_NAME_PATTERN: &str = "[^:*]*";
/// `[\w#+=/:,.@-]*`, 1–2048 characters: a log group's name or ARN (without `:*`).
pub const IDENTIFIER_PATTERN: &str = r"[\w#+=/:,.@-]*";
/// `[\w+=/:,.@-]*`, 1–1011 characters: a resource ARN in the tagging operations.
pub const RESOURCE_ARN_PATTERN: &str = r"[\w+=/:,.@-]*";

/// The JSON body as the operation's input; a member of the wrong type is a
/// `SerializationException`, as AWS answers it.
pub fn input<T: DeserializeOwned>(body: &Value) -> Result<T, LogsError> {
    T::deserialize(body).map_err(|error| {
        let text = error.to_string();
        let reason = text.split(" at line ").next().unwrap_or("invalid input");
        LogsError::Serialization(format!("Could not read the request: {reason}"))
    })
}

/// The violations found so far: the shared collector (values left out, as CloudWatch Logs
/// writes them), with the rules of the service's own kinds of member.
#[derive(Debug)]
pub struct Checks(validation::Checks);

impl std::ops::Deref for Checks {
    type Target = validation::Checks;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Checks {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Default for Checks {
    fn default() -> Self {
        Self::new()
    }
}

impl Checks {
    pub fn new() -> Self {
        Self(validation::Checks::new(Shown::Hidden))
    }

    /// A string whose every character must pass `ok`, reported against `pattern`.
    fn characters(
        &mut self,
        member: &str,
        value: Option<&str>,
        pattern: &str,
        ok: impl Fn(char) -> bool,
    ) {
        if let Some(value) = value {
            self.0.pattern(member, value, value.chars().all(ok), pattern);
        }
    }

    /// A log group name (or prefix): 1–512 of `[\.\-_/#A-Za-z0-9]`.
    pub fn group_name(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 512);
        self.characters(member, value.filter(|v| !v.is_empty()), GROUP_NAME_PATTERN, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
        });
    }

    /// A log stream name (or prefix): 1–512 characters, neither `:` nor `*`.
    pub fn stream_name(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 512);
        self.characters(member, value, STREAM_NAME_PATTERN, |c| c != ':' && c != '*');
    }

    /// A log group identifier: its name or its ARN without `:*`.
    pub fn group_identifier(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 2048);
        self.characters(member, value, IDENTIFIER_PATTERN, |c| {
            c.is_alphanumeric()
                || matches!(c, '_' | '#' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
        });
    }

    /// A resource ARN of the tagging operations.
    pub fn resource_arn(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 1011);
        self.characters(member, value, RESOURCE_ARN_PATTERN, |c| {
            c.is_alphanumeric() || matches!(c, '_' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
        });
    }

    /// A tag key: 1–128 of letters, digits, spaces and `_.:/=+-@`.
    pub fn tag_key(&mut self, member: &str, key: &str) {
        self.length(member, Some(key), 1, 128);
        self.characters(member, Some(key), r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$", tag_char);
    }

    /// A tag value: 0–256 of the same characters.
    pub fn tag_value(&mut self, member: &str, value: &str) {
        self.length(member, Some(value), 0, 256);
        self.characters(member, Some(value), r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$", tag_char);
    }

    /// `Ok` when nothing was found; else every violation, in the order found.
    pub fn finish(self) -> Result<(), LogsError> {
        self.0.finish().map_err(LogsError::Validation)
    }
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// The group a request names by `logGroupName` or `logGroupIdentifier` (a name, or the group's
/// ARN without `:*`), exactly one of them. An ARN of another region or account names a group
/// the emulator does not have: `None`, which the caller answers as not found.
pub fn named_group(
    region: &str,
    name: Option<&str>,
    identifier: Option<&str>,
) -> Result<Option<String>, LogsError> {
    match (name, identifier) {
        (Some(_), Some(_)) => Err(LogsError::BothGroupNameAndIdentifier),
        (None, None) => Err(LogsError::NoGroupNameOrIdentifier),
        (Some(name), None) => Ok(Some(name.to_string())),
        (None, Some(identifier)) => Ok(group_from_arn(region, identifier)),
    }
}

/// The group name in `arn:aws:logs:{region}:{account}:log-group:{name}` when the ARN is of
/// this region and account; anything not an ARN is a name.
pub fn group_from_arn(region: &str, identifier: &str) -> Option<String> {
    if !identifier.starts_with("arn:") {
        return Some(identifier.to_string());
    }
    let prefix = group_arn(region, "");
    identifier
        .strip_prefix(&prefix)
        .filter(|name| !name.is_empty() && !name.contains(':'))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ACCOUNT_ID;

    #[test]
    fn names_are_checked_against_the_api_model() {
        let mut checks = Checks::new();
        checks.group_name("logGroupName", Some("/aws/lambda/addCustomer"));
        checks.stream_name("logStreamName", Some("2024/05/01/[$LATEST]0123abcd"));
        assert!(checks.finish().is_ok());

        let mut checks = Checks::new();
        checks.group_name("logGroupName", Some("my group"));
        checks.stream_name("logStreamName", Some("a:b"));
        checks.group_name("logGroupNamePrefix", Some(&"x".repeat(513)));
        let Err(LogsError::Validation(violations)) = checks.finish() else { panic!("refused") };
        let members: Vec<&str> = violations.iter().map(|v| v.member.as_str()).collect();
        assert_eq!(members, ["logGroupName", "logStreamName", "logGroupNamePrefix"]);
        assert_eq!(
            violations[0].constraint,
            r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
        );
        assert_eq!(violations[2].constraint, "Member must have length less than or equal to 512");
    }

    #[test]
    fn an_empty_name_breaks_the_length_only() {
        let mut checks = Checks::new();
        checks.group_name("logGroupName", Some(""));
        let Err(LogsError::Validation(violations)) = checks.finish() else { panic!("refused") };
        assert_eq!(violations.len(), 1);
    }

    #[test]
    fn identifiers_are_names_or_this_accounts_arns() {
        let name = |id: &str| named_group("us-east-1", None, Some(id)).unwrap();
        assert_eq!(name("/aws/lambda/f").as_deref(), Some("/aws/lambda/f"));
        let arn = format!("arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/aws/lambda/f");
        assert_eq!(name(&arn).as_deref(), Some("/aws/lambda/f"));
        assert_eq!(name(&arn.replace("us-east-1", "eu-west-1")), None);
        assert_eq!(name(&arn.replace(ACCOUNT_ID, "111122223333")), None);
        assert!(named_group("us-east-1", Some("a"), Some("a")).is_err());
        assert!(named_group("us-east-1", None, None).is_err());
    }
}
