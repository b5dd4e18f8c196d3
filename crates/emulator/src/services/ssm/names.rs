//! Parameter names as Parameter Store reads them: the rules a name must follow, the name a
//! request asks for (a name, or a parameter's ARN, either with a `:version` or `:label`
//! selector), the key a parameter is kept under, and its ARN.
//!
//! Two spellings name one top-level parameter: `MyParameter` and `/MyParameter` (AWS answers
//! either, and echoes the spelling asked for). A name with more than one level is a path and
//! must start with `/` (`/dev/db/url`); `a/b` and `//a` are refused.

use super::errors::{SUB_PATHS, SsmError};

/// The deepest hierarchy AWS allows: `/1/2/…/15`.
pub const MAX_LEVELS: usize = 15;

/// What a request names: the parameter, and which of its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    /// The name as asked for, without the selector (an ARN turned into its name).
    pub name: String,
    /// The key the parameter is kept under ([`key`]).
    pub key: String,
    /// `:3` or `:prod`, as asked for, when a selector was given.
    pub selector: Option<Selector>,
    /// An ARN of another account or region: no parameter the emulator keeps.
    pub elsewhere: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Version(i64),
    Label(String),
}

impl Selector {
    /// As the response's `Selector` member writes it: `:3`, `:prod`.
    pub fn text(&self) -> String {
        match self {
            Selector::Version(version) => format!(":{version}"),
            Selector::Label(label) => format!(":{label}"),
        }
    }
}

/// The key a parameter is kept under: its name, with a top-level name's leading `/` dropped,
/// since `x` and `/x` are one parameter.
pub fn key(name: &str) -> String {
    match name.strip_prefix('/') {
        Some(rest) if !rest.contains('/') => rest.to_string(),
        _ => name.to_string(),
    }
}

/// The parameter's ARN: `arn:aws:ssm:REGION:ACCOUNT:parameter/dev/db` for `/dev/db`, and
/// `…:parameter/x` for `x` and `/x` alike. Public parameters have an empty account.
pub fn arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:ssm:{region}:{account}:parameter/{}", name.trim_start_matches('/'))
}

/// Whether `name` is under `/aws/`, the public parameters' namespace.
pub fn is_public(name: &str) -> bool {
    name.starts_with("/aws/")
}

/// Reads a name from a request: a name or an ARN, each maybe with a selector. A name that
/// breaks the path rules is refused as AWS refuses it.
pub fn requested(text: &str, region: &str, account: &str) -> Result<Requested, SsmError> {
    let (name, elsewhere) = match text.strip_prefix("arn:") {
        Some(_) => from_arn(text, region, account),
        None => (text.to_string(), false),
    };
    let (name, selector) = match name.split_once(':') {
        Some((name, selector)) => (name.to_string(), Some(parse_selector(selector))),
        None => (name, None),
    };
    check_format(&name)?;
    Ok(Requested { key: key(&name), name, selector, elsewhere })
}

/// The name an ARN names (`…:parameter/a/b` is `/a/b`, `…:parameter/x` is `x`), and whether
/// it is of another account or region than the caller's.
fn from_arn(arn: &str, region: &str, account: &str) -> (String, bool) {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let Some(resource) = parts.get(5).and_then(|r| r.strip_prefix("parameter/")) else {
        return (arn.to_string(), true);
    };
    let name = if resource.contains('/') { format!("/{resource}") } else { resource.to_string() };
    let public = is_public(&name) && parts.get(4) == Some(&"");
    let ours = parts.get(3) == Some(&region) && (parts.get(4) == Some(&account) || public);
    (name, !ours || parts.get(2) != Some(&"ssm"))
}

fn parse_selector(text: &str) -> Selector {
    match text.parse::<i64>() {
        Ok(version) => Selector::Version(version),
        Err(_) => Selector::Label(text.to_string()),
    }
}

/// The path rules: letters, digits, `_`, `.`, `-`, and `/` between levels; a name with levels
/// starts with `/` and has no empty level.
pub fn check_format(name: &str) -> Result<(), SsmError> {
    let characters =
        name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'));
    let levelled = name.trim_start_matches('/').contains('/');
    let rooted = !levelled || name.starts_with('/');
    if !characters || !rooted || name.contains("//") {
        return Err(SsmError::Invalid(SUB_PATHS.to_string()));
    }
    Ok(())
}

/// What PutParameter asks of a new name beyond its format: not under `aws` or `ssm` (any
/// case), at most fifteen levels.
pub fn check_new(name: &str) -> Result<(), SsmError> {
    let lowered = name.to_ascii_lowercase();
    let bare = lowered.trim_start_matches('/');
    if bare.starts_with("aws") || bare.starts_with("ssm") {
        let path = name.matches('/').count() > 1;
        if lowered.starts_with("/aws") && path {
            return Err(SsmError::ReservedName(name.to_string()));
        }
        if !path {
            return Err(SsmError::Invalid(
                "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
                    .into(),
            ));
        }
        return Err(SsmError::Invalid(SUB_PATHS.to_string()));
    }
    check_format(name)?;
    if name.split('/').filter(|level| !level.is_empty()).count() > MAX_LEVELS {
        return Err(SsmError::HierarchyTooDeep);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_level_name_is_one_parameter_with_or_without_its_slash() {
        assert_eq!(key("/greeting"), "greeting");
        assert_eq!(key("greeting"), "greeting");
        assert_eq!(key("/dev/db"), "/dev/db");
        assert_eq!(arn("us-east-1", "123456789012", "/dev/db"), {
            "arn:aws:ssm:us-east-1:123456789012:parameter/dev/db"
        });
        assert_eq!(arn("us-east-1", "123456789012", "/x"), arn("us-east-1", "123456789012", "x"));
    }

    #[test]
    fn requests_name_a_parameter_by_name_or_arn_with_a_selector() {
        let asked = requested("/dev/db:3", "us-east-1", "123456789012").unwrap();
        assert_eq!((asked.name.as_str(), asked.key.as_str()), ("/dev/db", "/dev/db"));
        assert_eq!(asked.selector, Some(Selector::Version(3)));
        let by_arn = requested(
            "arn:aws:ssm:us-east-1:123456789012:parameter/x:prod",
            "us-east-1",
            "123456789012",
        )
        .unwrap();
        assert_eq!((by_arn.name.as_str(), by_arn.elsewhere), ("x", false));
        assert_eq!(by_arn.selector.map(|s| s.text()), Some(":prod".into()));
        let public = "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/x";
        let public = requested(public, "us-east-1", "123456789012").unwrap();
        assert_eq!(public.name, "/aws/service/ami-amazon-linux-latest/x");
        assert!(!public.elsewhere);
        let other = "arn:aws:ssm:eu-west-1:123456789012:parameter/x";
        assert!(requested(other, "us-east-1", "123456789012").unwrap().elsewhere);
    }

    #[test]
    fn paths_must_be_rooted_and_have_no_empty_level() {
        for bad in ["a/b", "//a", "/a//b", "my parameter"] {
            assert_eq!(
                requested(bad, "us-east-1", "1").unwrap_err(),
                SsmError::Invalid(SUB_PATHS.into()),
                "{bad}"
            );
        }
        assert!(check_format("/a/b-c/d_e.f").is_ok());
    }

    #[test]
    fn new_names_stay_out_of_aws_and_ssm_and_fifteen_levels_deep() {
        assert_eq!(check_new("/aws/x/y"), Err(SsmError::ReservedName("/aws/x/y".into())));
        assert_eq!(check_new("/AWS/X/Y"), Err(SsmError::ReservedName("/AWS/X/Y".into())));
        assert!(
            matches!(check_new("aws_test"), Err(SsmError::Invalid(m)) if m.contains("\"aws\" or \"ssm\""))
        );
        assert_eq!(check_new("/ssm/a/b"), Err(SsmError::Invalid(SUB_PATHS.into())));
        let fifteen: String = (1..=15).map(|n| format!("/{n}")).collect();
        assert!(check_new(&fifteen).is_ok());
        assert_eq!(check_new(&format!("{fifteen}/16")), Err(SsmError::HierarchyTooDeep));
    }
}
