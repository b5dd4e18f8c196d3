//! `Filter.N.Name` / `Filter.N.Value.M`: EC2's filters, and the `*` and `?` wildcards their
//! values may hold.
//!
//! A resource matches when every filter matches, and a filter matches when any of its values
//! matches any of the resource's values under that name.

use super::errors::Ec2Error;
use crate::services::iam::list;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    pub name: String,
    #[serde(default, rename = "Value", deserialize_with = "list")]
    pub values: Vec<String>,
}

/// Checks every filter name against what a describe operation knows: exact names, and names
/// starting with `tag:`.
pub fn check(filters: &[Filter], known: &[&str]) -> Result<(), Ec2Error> {
    for filter in filters {
        let tag = filter.name.strip_prefix("tag:").is_some_and(|key| !key.is_empty());
        if !tag && !known.contains(&filter.name.as_str()) {
            return Err(Ec2Error::InvalidFilter(filter.name.clone()));
        }
    }
    Ok(())
}

/// Whether a resource passes every filter; `values(name)` gives its values under a name.
pub fn matches_all(filters: &[Filter], values: impl Fn(&str) -> Vec<String>) -> bool {
    filters.iter().all(|filter| {
        let have = values(&filter.name);
        filter.values.iter().any(|pattern| have.iter().any(|value| wildcard(pattern, value)))
    })
}

/// EC2's wildcard match: `*` any run of characters, `?` one, `\` escapes either.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point for the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let (literal, width) = match pattern.get(p) {
            Some('\\') if p + 1 < pattern.len() => (Some(pattern[p + 1]), 2),
            Some('*') => {
                star = Some((p + 1, t));
                p += 1;
                continue;
            }
            Some('?') => (None, 1),
            Some(c) => (Some(*c), 1),
            None => (Some('\0'), 0),
        };
        let fits = width > 0 && literal.is_none_or(|c| c == text[t]);
        if fits {
            p += width;
            t += 1;
        } else if let Some((after_star, from)) = star {
            p = after_star;
            t = from + 1;
            star = Some((after_star, from + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_ec2() {
        assert!(wildcard(
            "al2023-ami-2023.*-x86_64",
            "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64"
        ));
        assert!(!wildcard(
            "al2023-ami-2023.*-x86_64",
            "al2023-ami-2023.6.20241121.0-kernel-6.1-arm64"
        ));
        assert!(wildcard(
            "amzn2-ami-kernel-5.10-hvm-*",
            "amzn2-ami-kernel-5.10-hvm-2.0.1-x86_64-gp2"
        ));
        assert!(wildcard("t2.?icro", "t2.micro"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("a", "ab"));
        assert!(wildcard("a\\*", "a*"));
        assert!(!wildcard("a\\*", "ab"));
        assert!(wildcard("*a*b", "xxaxxb"));
    }

    #[test]
    fn unknown_filter_names_are_refused() {
        let filter = |name: &str| Filter { name: name.into(), values: vec!["x".into()] };
        assert!(check(&[filter("instance-id"), filter("tag:Name")], &["instance-id"]).is_ok());
        assert_eq!(
            check(&[filter("colour")], &["instance-id"]),
            Err(Ec2Error::InvalidFilter("colour".into()))
        );
        assert!(check(&[filter("tag:")], &["instance-id"]).is_err());
    }
}
