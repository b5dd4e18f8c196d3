//! What an emulator is started with.

use crate::timing::Clockwork;
use std::path::PathBuf;

/// The one account the emulator plays: every learner key acts as an administrator of it.
pub const ACCOUNT_ID: &str = "000000000000";

/// Settings for an embedded or standalone emulator.
#[derive(Debug, Clone, PartialEq)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Folder holding the emulator's state (SQLite files); `None` keeps state in memory.
    pub data_dir: Option<PathBuf>,
    /// How many emulated seconds pass per real second (alarms, instance state changes).
    pub clock_speed: f64,
    /// Check SigV4 signatures (see `signature`): off by default, since the learner's own keys
    /// can never be checked and a lab should not fail on a clock that is a little off.
    pub verify_signatures: bool,
    /// The interpreters that run Lambda handlers.
    pub interpreters: Interpreters,
    /// Whether changes take AWS's time and control planes are throttled (see `timing`).
    /// [`Clockwork::INSTANT`] by default here, for tests about something else; every program a
    /// learner runs chooses [`Timing::Aws`](crate::Timing::Aws) unless told otherwise.
    pub clockwork: Clockwork,
    /// The seed ids are drawn under (see `ids`): a test that compares ids sets one; `None`, the
    /// default, draws each launch's own.
    pub id_seed: Option<u64>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            data_dir: None,
            clock_speed: 1.0,
            verify_signatures: false,
            interpreters: Interpreters::from_environment(),
            clockwork: Clockwork::INSTANT,
            id_seed: None,
        }
    }
}

/// Which `python3` and `node` run Lambda handlers: `AWSLAB_PYTHON` and `AWSLAB_NODE` when set,
/// else whatever `python3` and `node` are on `PATH`. A Python handler that imports boto3 needs a
/// Python that has it.
///
/// Node.js handlers import the AWS SDK for JavaScript v3 as on AWS, where the runtime carries
/// it: offline it comes from `node_modules`, the folder `AWSLAB_NODE_MODULES` names (`./dev`
/// installs the clients in `crates/emulator/node-sdk` and points it there), else npm's global
/// folder when the SDK was installed there with `npm install -g`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreters {
    pub python: String,
    pub node: String,
    /// A `node_modules` folder holding `@aws-sdk/*`, if one is known.
    pub node_modules: Option<PathBuf>,
}

/// Where `npm install -g` puts packages on Linux and macOS (Homebrew's too).
const GLOBAL_NODE_MODULES: &[&str] =
    &["/usr/local/lib/node_modules", "/usr/lib/node_modules", "/opt/homebrew/lib/node_modules"];

impl Interpreters {
    pub fn from_environment() -> Self {
        let from = |name: &str, default: &str| {
            std::env::var(name).ok().filter(|value| !value.is_empty()).unwrap_or(default.into())
        };
        let node_modules = std::env::var_os("AWSLAB_NODE_MODULES")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                (GLOBAL_NODE_MODULES.iter().map(PathBuf::from))
                    .find(|folder| folder.join("@aws-sdk").is_dir())
            });
        Self {
            python: from("AWSLAB_PYTHON", "python3"),
            node: from("AWSLAB_NODE", "node"),
            node_modules,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_picks_a_free_port_in_real_time_without_checking_signatures_or_delays() {
        let config = EmulatorConfig::default();
        assert_eq!(config.port, 0);
        assert_eq!(config.clock_speed, 1.0);
        assert!(config.data_dir.is_none());
        assert!(!config.verify_signatures);
        assert_eq!(config.clockwork, Clockwork::INSTANT);
    }

    #[test]
    fn account_id_is_twelve_digits() {
        assert_eq!(ACCOUNT_ID.len(), 12);
        assert!(ACCOUNT_ID.bytes().all(|b| b.is_ascii_digit()));
    }
}
