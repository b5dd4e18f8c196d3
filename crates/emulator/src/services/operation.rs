//! The one list of a service's operations, from which everything that depends on it follows.
//!
//! Each service declares its operations once, with [`operations!`]: the ones the emulator
//! serves become the variants of the service's `Operation` enum, each with its [`Effect`], and
//! the rest of the real API is a list of names. From that declaration follow
//! - the dispatch: a service's `handle` matches its `Operation` with no catch-all arm, so an
//!   operation declared but not served does not compile;
//! - the coverage table (`docs/emulator-coverage.md`): served and missing names;
//! - saving: [`serve`] saves a service's state after an operation whose effect is
//!   [`Effect::Changes`] succeeds, and after nothing else;
//! - the answer to a name the service does not serve: `NotImplemented` for a real operation,
//!   the protocol's "unknown operation" for anything else ([`super::not_implemented`]).
//!
//! Not here: what an operation does (each service's modules), and how its input is decoded
//! (`crate::protocol`).

use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::Shared;

/// What an operation does to what the emulator keeps for its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads, and changes nothing that is saved (`Get…`, `List…`, `Describe…`, `Invoke`).
    Reads,
    /// Changes what the service keeps: saved once the operation has succeeded.
    Changes,
    /// Changes what the service keeps, and saves it itself at the moment it must: SNS's
    /// `Publish` saves the mailbox before it hands the message to Lambda subscribers.
    ChangesAndSaves,
}

/// A service's operation enum, as [`operations!`] declares it.
pub trait Operations: Copy + Eq + std::fmt::Debug + 'static {
    /// The operations the emulator serves, in declaration order.
    const SERVED: &'static [Self];
    /// The other operations of the real API: each answers `NotImplemented`.
    const MISSING: &'static [&'static str];

    /// The operation's name in the API (`CreateRole`).
    fn name(self) -> &'static str;

    fn effect(self) -> Effect;

    /// The served operation with this name (names compare exactly, as AWS's do).
    fn find(name: &str) -> Option<Self> {
        Self::SERVED.iter().copied().find(|operation| operation.name() == name)
    }

    /// Whether `name` is an operation of the real API, served or not.
    fn is_real(name: &str) -> bool {
        Self::find(name).is_some() || Self::MISSING.contains(&name)
    }

    /// Every operation of the real API with whether it is served, sorted by name.
    fn coverage() -> Vec<(&'static str, bool)> {
        let served = Self::SERVED.iter().map(|operation| (operation.name(), true));
        let missing = Self::MISSING.iter().map(|name| (*name, false));
        let mut all: Vec<(&'static str, bool)> = served.chain(missing).collect();
        all.sort_unstable();
        all
    }
}

/// Declares a service's `Operation` enum: the served operations with their [`Effect`], then
/// the names of the real API's other operations.
///
/// ```ignore
/// operations! {
///     /// IAM's operations (2010-05-08).
///     pub enum Operation {
///         CreateRole: Changes,
///         GetRole: Reads,
///     }
///     missing: ["CreateUser", "GetUser"]
/// }
/// ```
macro_rules! operations {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($operation:ident: $effect:ident),+ $(,)?
        }
        missing: [$($missing:literal),* $(,)?]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($operation),+
        }

        impl $crate::services::operation::Operations for $name {
            const SERVED: &'static [Self] = &[$(Self::$operation),+];
            const MISSING: &'static [&'static str] = &[$($missing),*];

            fn name(self) -> &'static str {
                match self {
                    $(Self::$operation => stringify!($operation)),+
                }
            }

            fn effect(self) -> $crate::services::operation::Effect {
                match self {
                    $(Self::$operation => $crate::services::operation::Effect::$effect),+
                }
            }
        }
    };
}
pub(crate) use operations;

/// The served operation `name` names, or the error its service answers for it.
pub fn find<O: Operations>(service: Service, name: &str) -> Result<O, AwsError> {
    O::find(name).ok_or_else(|| super::not_implemented(service, name))
}

/// Serves operation `name` of `service` with `run`, then saves the service's state if the
/// operation changed it. A failed operation saves nothing: AWS's operations change nothing
/// when they fail.
pub fn serve<O: Operations, T>(
    shared: &Shared,
    service: Service,
    name: &str,
    run: impl FnOnce(O) -> Result<T, AwsError>,
) -> Result<T, AwsError> {
    let operation = find::<O>(service, name)?;
    let output = run(operation)?;
    saved(shared, service, operation)?;
    Ok(output)
}

/// Saves `service`'s state if `operation`, which has succeeded, changed it.
pub fn saved<O: Operations>(
    shared: &Shared,
    service: Service,
    operation: O,
) -> Result<(), AwsError> {
    match operation.effect() {
        Effect::Changes => shared.save(service),
        Effect::Reads | Effect::ChangesAndSaves => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    operations! {
        /// A service of three operations, for these tests.
        enum Sample {
            PutThing: Changes,
            GetThing: Reads,
        }
        missing: ["DeleteThing"]
    }

    #[test]
    fn a_declaration_names_its_operations_and_their_effects() {
        assert_eq!(Sample::find("PutThing"), Some(Sample::PutThing));
        assert_eq!(Sample::find("putthing"), None, "names compare exactly");
        assert_eq!(Sample::find("DeleteThing"), None, "declared, not served");
        assert!(Sample::is_real("DeleteThing") && !Sample::is_real("Nothing"));
        assert_eq!(Sample::GetThing.effect(), Effect::Reads);
        assert_eq!(Sample::PutThing.name(), "PutThing");
        assert_eq!(
            Sample::coverage(),
            [("DeleteThing", false), ("GetThing", true), ("PutThing", true)]
        );
    }
}
