//! The vocabulary a lab may use: action kinds, check kinds, context variables and lookups.
//!
//! `awslab labs check` refuses anything not listed here, so a typo in a lab is caught before a
//! learner meets it. Action and check kinds are enums ([`ActionKind`], [`CheckKind`]): a lab's
//! strings become one of them when it is loaded, and `awslab-cloud` dispatches on them with an
//! exhaustive `match`, so a kind cannot be added without its implementation.
//!
//! Action parameters are the console-like inputs of the step (snake_case, documented in
//! `labs/README.md`). Check properties are the field names of the AWS API's own description of
//! the resource (`Threshold`, `KeySchema`, `endpointConfiguration`), so a diff reads like what
//! `aws … describe` prints.
//!
//! Not here: what an action does or how a check looks (`awslab-cloud`), reading a lab (`load`).

/// Declares a closed list of names of the lab format as an enum whose variants serialize as
/// their names, with `ALL`, `name()`, `from_name()` and `spec()` (what the entry takes, as
/// `labs/README.md` documents it). Each entry is written once, so its variant, its name and
/// its documentation cannot drift apart.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $kind:ident: $spec:ty {
            $( $variant:ident = $name:literal => $entry:expr, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, ts_rs::TS,
        )]
        pub enum $kind {
            $( #[serde(rename = $name)] $variant, )+
        }

        impl $kind {
            /// Every entry, in the order of `labs/README.md`.
            pub const ALL: &'static [$kind] = &[$($kind::$variant),+];

            /// The name written in `lab.toml` (and in reports and the UI).
            pub fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name,)+
                }
            }

            /// The entry written as `name` in `lab.toml`, if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some($kind::$variant),)+
                    _ => None,
                }
            }

            /// What the entry takes, as `labs/README.md` documents it.
            pub fn spec(self) -> $spec {
                match self {
                    $($kind::$variant => $entry,)+
                }
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

// After the macro, which they use.
mod action_kind;
mod check_kind;

pub use action_kind::{ActionKind, ActionSpec};
pub use check_kind::{Access, CheckKind, CheckKindSpec};

/// Values every step can use as `{{name}}`.
pub const CONTEXT_VARIABLES: &[&str] = &["account_id", "region", "lab_id"];

/// Lookups on the target usable as `{{function:argument}}`, each resolving a name to an id or
/// address at run time.
pub const LOOKUPS: &[&str] = &[
    "policy_arn",
    "role_arn",
    "function_arn",
    "rest_api_id",
    "invoke_url",
    "api_key_value",
    "topic_arn",
    "instance_id",
    "volume_id",
];

/// The closest known name to a misspelt one, for "did you mean" hints.
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|name| (edit_distance(wrong, name), name))
        .filter(|(distance, name)| *distance <= (name.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_parameters_disjoint() {
        let actions: HashSet<_> = ActionKind::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(actions.len(), ActionKind::ALL.len());
        let kinds: HashSet<_> = CheckKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(kinds.len(), CheckKind::ALL.len());
        for action in ActionKind::ALL {
            let spec = action.spec();
            assert!(spec.required.iter().all(|p| !spec.optional.contains(p)), "{action}");
        }
    }

    #[test]
    fn names_read_back_and_serialize_as_written_in_lab_toml() {
        for action in ActionKind::ALL {
            assert_eq!(ActionKind::from_name(action.name()), Some(*action));
            assert_eq!(serde_json::to_value(action).ok(), Some(action.name().into()));
        }
        for kind in CheckKind::ALL {
            assert_eq!(CheckKind::from_name(kind.name()), Some(*kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(kind.name().into()));
        }
        assert_eq!(ActionKind::from_name("iam.create_rol"), None);
        assert_eq!(ActionKind::IamCreateRole.to_string(), "iam.create_role");
        assert_eq!(CheckKind::HttpTrafficSplit.name(), "http.traffic_split");
    }

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(
            closest("iam.create_rol", ActionKind::ALL.iter().map(|a| a.name())),
            Some("iam.create_role")
        );
        assert_eq!(closest("Treshold", ["Threshold", "Period"]), Some("Threshold"));
        assert_eq!(closest("banana", ["Threshold", "Period"]), None);
    }
}
