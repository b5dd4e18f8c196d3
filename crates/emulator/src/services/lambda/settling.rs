//! How far a function's last change has settled, under AWS's time (`crate::timing`).
//!
//! A new function is `Pending` for a moment: it cannot be invoked, updated or published, and
//! `GetFunction` says `State: Pending`. After a code or configuration update, `$LATEST` is
//! `LastUpdateStatus: InProgress`: further updates and `PublishVersion` are refused, and
//! invocations of `$LATEST` still run the configuration from before the update. The SDK's
//! `function_active_v2` and `function_updated_v2` waiters poll exactly these states.
//!
//! The moment a change settles is stored with the function and compared with the clock's now
//! when asked; under `Timing::Instant` every change settles at once and nothing is stored.

use super::LambdaError;
use super::model::{Config, Function, WireStatus};
use crate::clock::Millis;
use crate::timing::{Clockwork, Delay};
use serde::{Deserialize, Serialize};

/// A change to `$LATEST` that has not settled yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settling {
    pub change: Change,
    /// When it settles, on the emulator's clock.
    pub until: Millis,
    /// What invocations of `$LATEST` run until then: the configuration before an update.
    pub previous: Option<Box<Config>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Creating,
    Updating,
}

/// The settling of a function just created at `now`, or none when it is ready at once.
pub fn creating(clockwork: &Clockwork, function_arn: &str, now: Millis) -> Option<Settling> {
    let until = clockwork.settles(Delay::FunctionCreating, function_arn, now);
    (until > now).then_some(Settling { change: Change::Creating, until, previous: None })
}

/// The settling of an update made at `now` to a function whose `$LATEST` was `previous` and
/// is now `updated`. The subject is the function with its new code, so that a seed repeats the
/// delays of the same updates (revision ids are random).
pub fn updating(
    clockwork: &Clockwork,
    previous: &Config,
    updated: &Config,
    now: Millis,
) -> Option<Settling> {
    let subject = format!("{}@{}", updated.function_arn(), updated.code_sha256);
    let until = clockwork.settles(Delay::FunctionUpdating, &subject, now);
    (until > now).then(|| Settling {
        change: Change::Updating,
        until,
        previous: Some(Box::new(previous.clone())),
    })
}

impl Function {
    /// The change still settling at `now`, if any.
    fn unsettled(&self, now: Millis) -> Option<&Settling> {
        self.settling.as_ref().filter(|settling| now < settling.until)
    }

    /// How `GetFunction` reports `config` at `now`: `$LATEST` while its last change settles,
    /// every published version as settled.
    pub fn status_of(&self, config: &Config, now: Millis) -> WireStatus {
        if config.version != "$LATEST" {
            return WireStatus::Settled;
        }
        match self.unsettled(now).map(|settling| settling.change) {
            Some(Change::Creating) => WireStatus::Creating,
            Some(Change::Updating) => WireStatus::Updating,
            None => WireStatus::Settled,
        }
    }

    /// Refuses an update or a `PublishVersion` while the function is `Pending` or an update is
    /// in progress, with AWS's `ResourceConflictException`.
    pub fn check_changeable(&self, now: Millis) -> Result<(), LambdaError> {
        match self.unsettled(now).map(|settling| settling.change) {
            Some(Change::Creating) => Err(pending()),
            Some(Change::Updating) => Err(LambdaError::ResourceConflict(format!(
                "The operation cannot be performed at this time. An update is in progress for \
                 resource: {}",
                self.latest.function_arn()
            ))),
            None => Ok(()),
        }
    }

    /// What an invocation of `config` runs at `now`: nothing while the function is `Pending`,
    /// the previous `$LATEST` while an update of it is in progress, else `config` itself.
    pub fn runnable(&self, config: &Config, now: Millis) -> Result<Config, LambdaError> {
        match self.unsettled(now) {
            Some(Settling { change: Change::Creating, .. }) => Err(pending()),
            Some(Settling { change: Change::Updating, previous: Some(previous), .. })
                if config.version == "$LATEST" =>
            {
                Ok(previous.as_ref().clone())
            }
            _ => Ok(config.clone()),
        }
    }
}

fn pending() -> LambdaError {
    LambdaError::ResourceConflict(
        "The operation cannot be performed at this time. The function is currently in the \
         following state: Pending"
            .to_string(),
    )
}
