//! The constraints IAM puts on names, paths, tags and ARNs, and the words it uses when one is
//! broken.
//!
//! IAM's validation messages no longer quote the offending value (`Value at 'roleName' failed
//! to satisfy constraint: …`, as recorded from AWS in 2024–2026); STS's still do (`Value
//! 'Session1:2' at 'roleSessionName' …`). [`Checks`] writes either form.

use super::errors::IamError;
use crate::validation::{self, Shown};
use serde::{Deserialize, Serialize};

pub const NAME_PATTERN: &str = r"[\w+=,.@-]+";
pub const PATH_PATTERN: &str = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
pub const PATH_PREFIX_PATTERN: &str = r"\u002F[\u0021-\u007F]*";
pub const DOCUMENT_PATTERN: &str = r"[\u0009\u000A\u000D\u0020-\u00FF]+";
pub const ROLE_DESCRIPTION_PATTERN: &str = r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*";
pub const VERSION_ID_PATTERN: &str = r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?";
pub const TAG_KEY_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";

/// Collects broken constraints, then reports them all in one `ValidationError`: the shared
/// collector, with the rules of IAM's own kinds of member.
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

impl Checks {
    /// IAM's form: the value is not quoted.
    pub fn iam() -> Self {
        Self(validation::Checks::new(Shown::Hidden))
    }

    /// STS's form: `Value 'x' at 'field' …`.
    pub fn sts() -> Self {
        Self(validation::Checks::new(Shown::Quoted))
    }

    /// A role, policy or session name: `[\w+=,.@-]+`, 1 to `max` characters.
    pub fn name(&mut self, field: &str, value: &str, max: usize) {
        self.length(field, value, 1, max);
        self.pattern(field, value, is_name(value), NAME_PATTERN);
    }

    pub fn path(&mut self, field: &str, value: &str) {
        self.length(field, value, 1, 512);
        self.pattern(field, value, is_path(value), PATH_PATTERN);
    }

    pub fn path_prefix(&mut self, field: &str, value: &str) {
        self.length(field, value, 1, 512);
        let valid =
            value.starts_with('/') && value.chars().all(|c| ('\u{21}'..='\u{7F}').contains(&c));
        self.pattern(field, value, valid, PATH_PREFIX_PATTERN);
    }

    /// A policy document parameter: 1 to 131072 characters of Latin-1 text.
    pub fn document(&mut self, field: &str, value: &str) {
        self.length(field, value, 1, 131_072);
        let latin1 = value.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'));
        self.pattern(field, value, latin1 && !value.is_empty(), DOCUMENT_PATTERN);
    }

    pub fn max_items(&mut self, value: Option<i64>) {
        if let Some(value) = value {
            self.range("maxItems", value, 1, 1000);
        }
    }

    pub fn version_id(&mut self, value: &str) {
        self.pattern("versionId", value, is_version_id(value), VERSION_ID_PATTERN);
    }

    pub fn finish(self) -> Result<(), IamError> {
        self.0.finish().map_err(|violations| {
            IamError::Validation(violations.iter().map(ToString::to_string).collect())
        })
    }
}

/// `[\w+=,.@-]+` with Java's ASCII `\w`.
pub fn is_name(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// `/` or `/…/` of printable ASCII.
pub fn is_path(value: &str) -> bool {
    value == "/"
        || (value.len() >= 3
            && value.starts_with('/')
            && value.ends_with('/')
            && value.chars().all(|c| ('\u{21}'..='\u{7E}').contains(&c)))
}

fn is_version_id(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('v') else { return false };
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(digits_end);
    let digits_ok = digits.chars().next().is_some_and(|c| c != '0');
    let suffix_ok = suffix.is_empty()
        || suffix
            .strip_prefix('.')
            .is_some_and(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    digits_ok && suffix_ok
}

/// A tag, as inputs carry it and outputs show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

fn is_tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || "_.:/=+-@".contains(c)
        || matches!(
            c,
            ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
        )
}

/// Whether tag keys compare with or without case: role tags without (and AWS says so when two
/// collide), policy tags with (`a` and `A` may both be there), as recorded from AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Insensitive,
    Sensitive,
}

impl Case {
    fn same(self, a: &str, b: &str) -> bool {
        match self {
            Case::Insensitive => a.to_lowercase() == b.to_lowercase(),
            Case::Sensitive => a == b,
        }
    }
}

/// The tags of a `Create…`/`Tag…` call: at most 50, keys 1–128 and values 0–256 characters of
/// letters, numbers, spaces and `_.:/=+-@`, keys unique.
pub fn check_tags(tags: &[Tag], case: Case) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    if tags.len() > 50 {
        checks.fail("tags", "", "Member must have length less than or equal to 50");
        return checks.finish();
    }
    for (index, tag) in tags.iter().enumerate() {
        let key_field = format!("tags.{}.member.key", index + 1);
        let value_field = format!("tags.{}.member.value", index + 1);
        checks.length(&key_field, &tag.key, 1, 128);
        let key_ok = !tag.key.is_empty() && tag.key.chars().all(is_tag_char);
        checks.pattern(&key_field, &tag.key, key_ok, TAG_KEY_PATTERN);
        checks.length(&value_field, &tag.value, 0, 256);
        let value_ok = tag.value.chars().all(is_tag_char);
        checks.pattern(&value_field, &tag.value, value_ok, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
    }
    checks.finish()?;
    for (index, tag) in tags.iter().enumerate() {
        if tags[..index].iter().any(|earlier| case.same(&earlier.key, &tag.key)) {
            return Err(IamError::DuplicateTags { case_hint: case == Case::Insensitive });
        }
    }
    Ok(())
}

/// The keys of an `Untag…` call.
pub fn check_tag_keys(keys: &[String]) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    if keys.len() > 50 {
        checks.fail("tagKeys", "", "Member must have length less than or equal to 50");
    } else if keys
        .iter()
        .any(|k| k.is_empty() || k.chars().count() > 128 || !k.chars().all(is_tag_char))
    {
        checks.fail(
            "tagKeys",
            "",
            format!(
                "Member must satisfy constraint: [Member must have length less than or equal to \
                 128, Member must have length greater than or equal to 1, Member must satisfy \
                 regular expression pattern: {TAG_KEY_PATTERN}, Member must not be null]"
            ),
        );
    }
    checks.finish()
}

/// Adds or replaces tags (a replaced key takes the new spelling), keeping at most 50.
pub fn merge_tags(
    existing: &mut Vec<Tag>,
    new: Vec<Tag>,
    resource: &'static str,
    case: Case,
) -> Result<(), IamError> {
    let mut merged = existing.clone();
    for tag in new {
        match merged.iter_mut().find(|t| case.same(&t.key, &tag.key)) {
            Some(slot) => *slot = tag,
            None => merged.push(tag),
        }
    }
    if merged.len() > 50 {
        return Err(IamError::TagQuota(resource));
    }
    *existing = merged;
    Ok(())
}

/// The parts of `arn:partition:service:region:account:resource`, or `None` when it is not an
/// ARN (fewer than six parts, or an empty partition, service or resource).
pub struct Arn<'a> {
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    let (prefix, partition, service, _region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let valid =
        prefix == "arn" && !partition.is_empty() && !service.is_empty() && !resource.is_empty();
    valid.then_some(Arn { service, account, resource })
}

/// A policy ARN parameter: 20 to 2048 characters, and an ARN.
pub fn check_policy_arn(field: &str, arn: &str) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.length(field, arn, 20, 2048);
    checks.finish()?;
    match parse_arn(arn) {
        Some(_) => Ok(()),
        None => Err(IamError::InvalidArn(arn.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_versions() {
        assert!(is_name("aws-lab-dynamodb-role") && is_name("a_b+c=d,e.f@g"));
        assert!(!is_name("a b") && !is_name("") && !is_name("역할"));
        assert!(is_path("/") && is_path("/service-role/") && is_path("/a/b/"));
        assert!(!is_path("a/") && !is_path("/a") && !is_path("//") && !is_path("/a b/"));
        assert!(is_version_id("v1") && is_version_id("v12") && is_version_id("v2.x-1"));
        assert!(!is_version_id("v0") && !is_version_id("1") && !is_version_id("v"));
    }

    #[test]
    fn iam_messages_leave_the_value_out_and_sts_messages_quote_it() {
        let mut checks = Checks::iam();
        checks.name("roleName", "a b", 64);
        let Err(IamError::Validation(violations)) = checks.finish() else { panic!() };
        assert_eq!(
            violations,
            ["Value at 'roleName' failed to satisfy constraint: Member must satisfy regular \
              expression pattern: [\\w+=,.@-]+"]
        );
        let mut checks = Checks::sts();
        checks.name("roleSessionName", &"x".repeat(65), 64);
        let Err(IamError::Validation(violations)) = checks.finish() else { panic!() };
        assert!(
            violations[0].starts_with(&format!("Value '{}' at 'roleSessionName'", "x".repeat(65)))
        );
        assert!(violations[0].ends_with("Member must have length less than or equal to 64"));
    }

    #[test]
    fn tags_are_checked_like_aws() {
        let tag = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
        assert_eq!(check_tags(&[tag("team", ""), tag("a b:c", "x")], Case::Insensitive), Ok(()));
        let Err(IamError::Validation(v)) =
            check_tags(&[tag("ok", "1"), tag("bad!", "1")], Case::Insensitive)
        else {
            panic!()
        };
        assert!(v[0].starts_with("Value at 'tags.2.member.key'"), "{v:?}");
        assert_eq!(
            check_tags(&[tag("Team", "a"), tag("team", "b")], Case::Insensitive),
            Err(IamError::DuplicateTags { case_hint: true })
        );
        assert_eq!(check_tags(&[tag("a", "1"), tag("A", "2")], Case::Sensitive), Ok(()));
        let mut existing = vec![tag("somekey", "1")];
        merge_tags(&mut existing, vec![tag("Somekey", "2")], "Role", Case::Insensitive).unwrap();
        assert_eq!(existing, [tag("Somekey", "2")]);
    }

    #[test]
    fn arns_need_six_parts_and_a_partition_service_and_resource() {
        assert!(
            parse_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some()
        );
        for bad in ["nothing", "arn::b:::x/y", "arn:a::::x", "arn:a:::x/y", "arn:a:a::aaaa:"] {
            assert!(parse_arn(bad).is_none(), "{bad}");
        }
        assert_eq!(
            check_policy_arn("policyArn", "longpolicynamebutnoarn"),
            Err(IamError::InvalidArn("longpolicynamebutnoarn".into()))
        );
    }
}
