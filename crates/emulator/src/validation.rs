//! Smithy's words for a request that breaks its API model's constraints, shared by every
//! service: `2 validation errors detected: Value 'x' at 'roleName' failed to satisfy
//! constraint: Member must have length less than or equal to 64; Value …`.
//!
//! Services differ in one thing: whether the offending value is quoted. IAM and CloudWatch Logs
//! leave it out (`Value at 'roleName' …`, in AWS's answers since 2024 and mid-2026); STS,
//! Lambda, API Gateway and CloudWatch quote it. A missing required member is `Value null at …`.
//! [`Checks`] collects violations in member order, so that one answer names them all, as AWS's
//! do.
//!
//! Not here: which error code carries the message (`ValidationError` in query services,
//! `ValidationException` in JSON ones); each service's error type decides.

use std::fmt;

/// How a violation shows the value that broke the constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// `Value 'x' at 'member' …`.
    Quoted,
    /// `Value at 'member' …`.
    Hidden,
}

/// One constraint a member of the request breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The member's path as AWS writes it: `roleName`, `logEvents.1.member.message`.
    pub member: String,
    value: Value,
    /// `Member must have length less than or equal to 64`, …
    pub constraint: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Quoted(String),
    Hidden,
    Null,
}

impl Violation {
    /// `value` at `member` breaks `constraint`, the value shown as `shown` says.
    pub fn new(shown: Shown, member: &str, value: &str, constraint: impl fmt::Display) -> Self {
        let value = match shown {
            Shown::Quoted => Value::Quoted(value.to_string()),
            Shown::Hidden => Value::Hidden,
        };
        Self { member: member.to_string(), value, constraint: constraint.to_string() }
    }

    /// `member` is required and missing.
    pub fn missing(member: &str) -> Self {
        Self { member: member.to_string(), value: Value::Null, constraint: NOT_NULL.to_string() }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Value::Quoted(value) => write!(f, "Value '{value}' at")?,
            Value::Hidden => write!(f, "Value at")?,
            Value::Null => write!(f, "Value null at")?,
        }
        write!(f, " '{}' failed to satisfy constraint: {}", self.member, self.constraint)
    }
}

/// `1 validation error detected: A`, or `2 validation errors detected: A; B`.
pub fn detected<T: fmt::Display>(violations: &[T]) -> String {
    let count = violations.len();
    let plural = if count == 1 { "" } else { "s" };
    let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
    format!("{count} validation error{plural} detected: {}", listed.join("; "))
}

/// The message for one violation whose value is quoted, the commonest case.
pub fn one(value: &str, member: &str, constraint: impl fmt::Display) -> String {
    detected(&[Violation::new(Shown::Quoted, member, value, constraint)])
}

/// The message for one violation whose value is left out.
pub fn one_hidden(member: &str, constraint: impl fmt::Display) -> String {
    detected(&[Violation::new(Shown::Hidden, member, "", constraint)])
}

/// The message for one required member that is missing (`Value null at …`).
pub fn missing(member: &str) -> String {
    detected(&[Violation::missing(member)])
}

pub const NOT_NULL: &str = "Member must not be null";

/// `Member must have length greater than or equal to N`: of a string, in characters, or of a
/// list.
pub fn min_length(min: usize) -> String {
    format!("Member must have length greater than or equal to {min}")
}

pub fn max_length(max: usize) -> String {
    format!("Member must have length less than or equal to {max}")
}

pub fn min_value(min: impl fmt::Display) -> String {
    format!("Member must have value greater than or equal to {min}")
}

pub fn max_value(max: impl fmt::Display) -> String {
    format!("Member must have value less than or equal to {max}")
}

pub fn pattern(pattern: &str) -> String {
    format!("Member must satisfy regular expression pattern: {pattern}")
}

/// `Member must satisfy enum value set: [A, B]`.
pub fn enum_set<T: fmt::Display>(set: &[T]) -> String {
    let listed: Vec<String> = set.iter().map(ToString::to_string).collect();
    format!("Member must satisfy enum value set: [{}]", listed.join(", "))
}

/// A member's text as the checks take it: present (`&str`, `&String`) or maybe absent
/// (`Option<&str>`, not checked when absent).
pub trait Text<'a> {
    fn text(self) -> Option<&'a str>;
}

impl<'a> Text<'a> for &'a str {
    fn text(self) -> Option<&'a str> {
        Some(self)
    }
}

impl<'a> Text<'a> for &'a String {
    fn text(self) -> Option<&'a str> {
        Some(self.as_str())
    }
}

impl<'a> Text<'a> for Option<&'a str> {
    fn text(self) -> Option<&'a str> {
        self
    }
}

/// Collects the violations of a request, in the order its members are checked.
#[derive(Debug)]
pub struct Checks {
    shown: Shown,
    violations: Vec<Violation>,
}

impl Checks {
    pub fn new(shown: Shown) -> Self {
        Self { shown, violations: Vec::new() }
    }

    /// A violation made elsewhere (one whose value is shown otherwise than the rest).
    pub fn push(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// `value` at `member` breaks `constraint`.
    pub fn fail(&mut self, member: &str, value: &str, constraint: impl fmt::Display) {
        self.violations.push(Violation::new(self.shown, member, value, constraint));
    }

    /// A member that must be present; `None` (and a violation) when it is not. Where values
    /// are left out, so is `null`.
    pub fn required<'a, T>(&mut self, member: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.violations.push(match self.shown {
                Shown::Quoted => Violation::missing(member),
                Shown::Hidden => Violation::new(Shown::Hidden, member, "", NOT_NULL),
            });
        }
        value.as_ref()
    }

    /// A string's length in characters within `min..=max`; an absent value is not checked.
    pub fn length<'a>(&mut self, member: &str, value: impl Text<'a>, min: usize, max: usize) {
        let Some(value) = value.text() else { return };
        let length = value.chars().count();
        if length < min {
            self.fail(member, value, min_length(min));
        }
        if length > max {
            self.fail(member, value, max_length(max));
        }
    }

    /// A list's length within `min..=max`; an absent list is not checked.
    pub fn count<T>(&mut self, member: &str, value: Option<&[T]>, min: usize, max: usize) {
        let Some(items) = value else { return };
        let shown = format!("{}", items.len());
        if items.len() < min {
            self.fail(member, &shown, min_length(min));
        }
        if items.len() > max {
            self.fail(member, &shown, max_length(max));
        }
    }

    /// A number within `min..=max` (no upper bound when `max` is `None`); an absent value is
    /// not checked.
    pub fn range(
        &mut self,
        member: &str,
        value: impl Into<Option<i64>>,
        min: i64,
        max: impl Into<Option<i64>>,
    ) {
        let Some(value) = value.into() else { return };
        if value < min {
            self.fail(member, &value.to_string(), min_value(min));
        }
        if let Some(max) = max.into().filter(|max| value > *max) {
            self.fail(member, &value.to_string(), max_value(max));
        }
    }

    /// A string that must match `pattern` (`matches` says whether it does); an absent value is
    /// not checked.
    pub fn pattern<'a>(
        &mut self,
        member: &str,
        value: impl Text<'a>,
        matches: bool,
        expression: &str,
    ) {
        if let Some(value) = value.text()
            && !matches
        {
            self.fail(member, value, pattern(expression));
        }
    }

    /// One of a fixed set of values; an absent value is not checked.
    pub fn one_of<T: PartialEq + fmt::Display>(
        &mut self,
        member: &str,
        value: Option<T>,
        set: &[T],
    ) {
        let Some(value) = value else { return };
        if !set.contains(&value) {
            self.fail(member, &value.to_string(), enum_set(set));
        }
    }

    /// The violations found, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), Vec<Violation>> {
        if self.violations.is_empty() { Ok(()) } else { Err(self.violations) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_more_violations_read_as_smithy_writes_them() {
        let mut checks = Checks::new(Shown::Quoted);
        checks.length("roleName", "", 1, 64);
        checks.range("maxItems", 0, 1, 1000);
        let violations = checks.finish().unwrap_err();
        assert_eq!(
            detected(&violations),
            "2 validation errors detected: Value '' at 'roleName' failed to satisfy constraint: \
             Member must have length greater than or equal to 1; Value '0' at 'maxItems' failed \
             to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            missing("authorizationType"),
            "1 validation error detected: Value null at 'authorizationType' failed to satisfy \
             constraint: Member must not be null"
        );
    }

    #[test]
    fn hidden_values_are_left_out_and_absent_ones_are_not_checked() {
        let mut checks = Checks::new(Shown::Hidden);
        checks.pattern("path", "x", false, "/");
        checks.length("name", None, 1, 2);
        checks.one_of("order", Some("Bigger"), &["LogStreamName", "LastEventTime"]);
        let violations = checks.finish().unwrap_err();
        assert_eq!(violations.len(), 2);
        assert_eq!(
            violations[1].to_string(),
            "Value at 'order' failed to satisfy constraint: Member must satisfy enum value set: \
             [LogStreamName, LastEventTime]"
        );
        assert!(Checks::new(Shown::Hidden).finish().is_ok());
    }
}
