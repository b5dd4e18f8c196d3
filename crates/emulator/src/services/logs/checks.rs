//! Reading a request: the JSON body into a typed input, and the constraints of the API model
//! (lengths, patterns, ranges, enums), collected in member order so that one answer names every
//! violation, as AWS does.

use super::errors::{LogsError, Violation};
use super::store::group_arn;
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

/// The violations found so far.
#[derive(Debug, Default)]
pub struct Checks {
    violations: Vec<Violation>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, member: &str, constraint: String) {
        self.violations.push(Violation { member: member.to_string(), constraint });
    }

    /// A member that must be present; `None` (and a violation) when it is not.
    pub fn required<'a, T>(&mut self, member: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.fail(member, "Member must not be null".into());
        }
        value.as_ref()
    }

    /// A string's length in characters within `min..=max`.
    pub fn length(&mut self, member: &str, value: Option<&str>, min: usize, max: usize) {
        let Some(value) = value else { return };
        let length = value.chars().count();
        if length < min {
            self.fail(member, format!("Member must have length greater than or equal to {min}"));
        }
        if length > max {
            self.fail(member, format!("Member must have length less than or equal to {max}"));
        }
    }

    /// A list's length within `min..=max`.
    pub fn count<T>(&mut self, member: &str, value: Option<&[T]>, min: usize, max: usize) {
        self.length_of(member, value.map(<[T]>::len), min, max);
    }

    fn length_of(&mut self, member: &str, length: Option<usize>, min: usize, max: usize) {
        let Some(length) = length else { return };
        if length < min {
            self.fail(member, format!("Member must have length greater than or equal to {min}"));
        }
        if length > max {
            self.fail(member, format!("Member must have length less than or equal to {max}"));
        }
    }

    /// A number within `min..=max`.
    pub fn range(&mut self, member: &str, value: Option<i64>, min: i64, max: Option<i64>) {
        let Some(value) = value else { return };
        if value < min {
            self.fail(member, format!("Member must have value greater than or equal to {min}"));
        }
        if let Some(max) = max.filter(|max| value > *max) {
            self.fail(member, format!("Member must have value less than or equal to {max}"));
        }
    }

    /// One of a fixed set of values.
    pub fn one_of<T: PartialEq + std::fmt::Display>(
        &mut self,
        member: &str,
        value: Option<T>,
        set: &[T],
    ) {
        let Some(value) = value else { return };
        if !set.contains(&value) {
            let listed: Vec<String> = set.iter().map(ToString::to_string).collect();
            self.fail(
                member,
                format!("Member must satisfy enum value set: [{}]", listed.join(", ")),
            );
        }
    }

    fn pattern(
        &mut self,
        member: &str,
        value: Option<&str>,
        pattern: &str,
        ok: impl Fn(char) -> bool,
    ) {
        let Some(value) = value else { return };
        if !value.chars().all(ok) {
            self.fail(member, format!("Member must satisfy regular expression pattern: {pattern}"));
        }
    }

    /// A log group name (or prefix): 1–512 of `[\.\-_/#A-Za-z0-9]`.
    pub fn group_name(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 512);
        self.pattern(member, value.filter(|v| !v.is_empty()), GROUP_NAME_PATTERN, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
        });
    }

    /// A log stream name (or prefix): 1–512 characters, neither `:` nor `*`.
    pub fn stream_name(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 512);
        self.pattern(member, value, STREAM_NAME_PATTERN, |c| c != ':' && c != '*');
    }

    /// A log group identifier: its name or its ARN without `:*`.
    pub fn group_identifier(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 2048);
        self.pattern(member, value, IDENTIFIER_PATTERN, |c| {
            c.is_alphanumeric()
                || matches!(c, '_' | '#' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
        });
    }

    /// A resource ARN of the tagging operations.
    pub fn resource_arn(&mut self, member: &str, value: Option<&str>) {
        self.length(member, value, 1, 1011);
        self.pattern(member, value, RESOURCE_ARN_PATTERN, |c| {
            c.is_alphanumeric() || matches!(c, '_' | '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
        });
    }

    /// A tag key: 1–128 of letters, digits, spaces and `_.:/=+-@`.
    pub fn tag_key(&mut self, member: &str, key: &str) {
        self.length(member, Some(key), 1, 128);
        self.pattern(member, Some(key), r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$", tag_char);
    }

    /// A tag value: 0–256 of the same characters.
    pub fn tag_value(&mut self, member: &str, value: &str) {
        self.length(member, Some(value), 0, 256);
        self.pattern(member, Some(value), r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$", tag_char);
    }

    /// `Ok` when nothing was found; else every violation, in the order found.
    pub fn finish(self) -> Result<(), LogsError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(LogsError::Validation(self.violations))
        }
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
