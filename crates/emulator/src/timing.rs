//! AWS's time: how long AWS takes to make a change ready, consistent or visible, and how fast it
//! lets an account call its control planes.
//!
//! Under [`Timing::Aws`] (the default wherever a learner meets the emulator) a new function is
//! `Pending` for a moment, a new role cannot yet be assumed by Lambda, a new deployment answers
//! only after it has propagated, and API Gateway's control plane throttles as its published
//! quotas say. Under [`Timing::Instant`] every change is ready at once and nothing is throttled:
//! the emulator as it was before it kept AWS's time, for tests about something else.
//!
//! Every delay is a span of the emulator's clock, so `--clock-speed` shortens it and
//! `POST /_awslab/clock/advance` skips it. A delay is drawn from its [`Delay`]'s range by a hash
//! of the seed, the delay and the subject it delays (a function's ARN, a table's name): the
//! same seed gives the same delays whatever order requests come in. Services store the moment a
//! change settles ([`Timing::settles`]) and compare it to the clock's now when asked, so nothing
//! has to tick (as EC2's instance lifecycle already did).
//!
//! `docs/emulator.md` "AWS's time" lists each delay with the AWS source its range is taken from.

use crate::clock::Millis;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Whether the emulator keeps AWS's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timing {
    /// Changes take AWS's time to settle and control planes are throttled as on AWS.
    #[default]
    Aws,
    /// Everything is ready at once and nothing is throttled.
    Instant,
}

impl Timing {
    pub const NAMES: [&str; 2] = ["aws", "instant"];

    pub fn name(self) -> &'static str {
        match self {
            Timing::Aws => "aws",
            Timing::Instant => "instant",
        }
    }

    pub fn is_aws(self) -> bool {
        self == Timing::Aws
    }
}

impl std::str::FromStr for Timing {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "aws" => Ok(Timing::Aws),
            "instant" => Ok(Timing::Instant),
            other => Err(format!("unknown timing '{other}': choose aws or instant")),
        }
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Each wait AWS makes a caller sit through, with the range (in emulated milliseconds) a delay
/// is drawn from. The ranges and their sources are in `docs/emulator.md` "AWS's time".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delay {
    /// A new role, before Lambda can assume it (IAM is eventually consistent).
    RoleAssumable,
    /// A policy attached to or changed on a role, before the role's sessions are allowed by it.
    PolicyPropagation,
    /// A new function, `Pending` before `Active`.
    FunctionCreating,
    /// A function's code or configuration update, `InProgress` before `Successful`.
    FunctionUpdating,
    /// A new table, `CREATING` before `ACTIVE`.
    TableCreating,
    /// A deleted table, `DELETING` before it is gone.
    TableDeleting,
    /// A stage's new deployment, canary or variables, before the stage's URL answers with them.
    StagePropagation,
    /// A new instance, before `DescribeInstances` knows its id.
    InstanceDescribable,
    /// A log event, before `GetLogEvents` and `FilterLogEvents` return it.
    LogIngestion,
}

impl Delay {
    /// The shortest and longest delay, in emulated milliseconds.
    pub fn range(self) -> (Millis, Millis) {
        match self {
            Delay::RoleAssumable => (4_000, 10_000),
            Delay::PolicyPropagation => (2_000, 8_000),
            Delay::FunctionCreating => (1_000, 4_000),
            Delay::FunctionUpdating => (1_000, 3_000),
            Delay::TableCreating => (3_000, 8_000),
            Delay::TableDeleting => (2_000, 6_000),
            Delay::StagePropagation => (2_000, 6_000),
            Delay::InstanceDescribable => (500, 2_000),
            Delay::LogIngestion => (500, 2_000),
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Delay::RoleAssumable => "role-assumable",
            Delay::PolicyPropagation => "policy-propagation",
            Delay::FunctionCreating => "function-creating",
            Delay::FunctionUpdating => "function-updating",
            Delay::TableCreating => "table-creating",
            Delay::TableDeleting => "table-deleting",
            Delay::StagePropagation => "stage-propagation",
            Delay::InstanceDescribable => "instance-describable",
            Delay::LogIngestion => "log-ingestion",
        }
    }
}

/// The timing an emulator runs with: the model and the seed its delays are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clockwork {
    pub timing: Timing,
    pub seed: u64,
}

impl Clockwork {
    pub const INSTANT: Clockwork = Clockwork { timing: Timing::Instant, seed: 0 };

    /// How long `delay` lasts for `subject` (zero under [`Timing::Instant`]).
    pub fn delay(&self, delay: Delay, subject: &str) -> Millis {
        if !self.timing.is_aws() {
            return 0;
        }
        let (shortest, longest) = delay.range();
        let mut hash = Sha256::new();
        hash.update(self.seed.to_le_bytes());
        hash.update(delay.tag().as_bytes());
        hash.update([0]);
        hash.update(subject.as_bytes());
        let digest = hash.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let spread = u64::try_from(longest - shortest).unwrap_or(0);
        shortest + i64::try_from(u64::from_le_bytes(first) % (spread + 1)).unwrap_or(0)
    }

    /// When a change made at `at` to `subject` settles.
    pub fn settles(&self, delay: Delay, subject: &str, at: Millis) -> Millis {
        at.saturating_add(self.delay(delay, subject))
    }
}

/// Token buckets on the emulator's clock, one per key: API Gateway's control-plane quotas, and
/// later usage plans and stage throttling.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// A rate: `burst` tokens at most, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    /// One call every `seconds`, with no burst beyond it (how API Gateway writes most quotas).
    pub fn one_every(seconds: f64) -> Self {
        Self { per_second: 1.0 / seconds, burst: 1.0 }
    }

    /// `calls` per `seconds`, all of which may come at once.
    pub fn per(calls: f64, seconds: f64) -> Self {
        Self { per_second: calls / seconds, burst: calls }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Millis,
}

impl Buckets {
    /// Takes a token from `key`'s bucket at `now`, or answers how many whole seconds until one
    /// is there (for `Retry-After`).
    pub fn take(&self, key: &str, rate: Rate, now: Millis) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket =
            buckets.entry(key.to_string()).or_insert(Bucket { tokens: rate.burst, at: now });
        let elapsed = (now - bucket.at).max(0) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * rate.per_second).min(rate.burst);
        bucket.at = now.max(bucket.at);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.tokens) / rate.per_second;
        Err(wait.ceil().max(1.0) as u64)
    }

    /// Forgets every bucket (a reset of the emulator).
    pub fn clear(&self) {
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_timing_never_delays() {
        let clockwork = Clockwork::INSTANT;
        assert_eq!(clockwork.delay(Delay::RoleAssumable, "arn:aws:iam::000000000000:role/r"), 0);
        assert_eq!(clockwork.settles(Delay::TableCreating, "customers", 1_000), 1_000);
    }

    #[test]
    fn aws_delays_fall_in_their_range_and_repeat_under_one_seed() {
        let clockwork = Clockwork { timing: Timing::Aws, seed: 7 };
        for delay in [Delay::FunctionCreating, Delay::TableCreating, Delay::StagePropagation] {
            let (shortest, longest) = delay.range();
            for subject in ["a", "b", "customers", "addCustomer"] {
                let drawn = clockwork.delay(delay, subject);
                assert!((shortest..=longest).contains(&drawn), "{delay:?} {subject}: {drawn}");
                assert_eq!(drawn, clockwork.delay(delay, subject));
            }
        }
    }

    #[test]
    fn other_seeds_and_subjects_draw_other_delays() {
        let one = Clockwork { timing: Timing::Aws, seed: 1 };
        let two = Clockwork { timing: Timing::Aws, seed: 2 };
        let subjects: Vec<String> = (0..20).map(|n| format!("function-{n}")).collect();
        let drawn = |clockwork: Clockwork| -> Vec<Millis> {
            subjects.iter().map(|s| clockwork.delay(Delay::FunctionCreating, s)).collect()
        };
        assert_ne!(drawn(one), drawn(two));
        let mut distinct = drawn(one);
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() > 10, "{distinct:?}");
    }

    #[test]
    fn timing_names_parse_back() {
        for name in Timing::NAMES {
            assert_eq!(name.parse::<Timing>().unwrap().name(), name);
        }
        assert_eq!(
            "fast".parse::<Timing>().unwrap_err(),
            "unknown timing 'fast': choose aws or instant"
        );
    }

    #[test]
    fn a_bucket_lets_its_burst_through_then_refills_at_its_rate() {
        let buckets = Buckets::default();
        let rate = Rate::per(5.0, 2.0);
        for _ in 0..5 {
            assert_eq!(buckets.take("GetResources", rate, 0), Ok(()));
        }
        assert_eq!(buckets.take("GetResources", rate, 0), Err(1));
        assert_eq!(buckets.take("GetResources", rate, 400), Ok(()));
        assert_eq!(buckets.take("GetResources", rate, 400), Err(1));
        assert_eq!(buckets.take("other", rate, 400), Ok(()));
    }

    #[test]
    fn one_call_every_five_seconds_says_how_long_to_wait() {
        let buckets = Buckets::default();
        let rate = Rate::one_every(5.0);
        assert_eq!(buckets.take("CreateDeployment", rate, 10_000), Ok(()));
        assert_eq!(buckets.take("CreateDeployment", rate, 11_000), Err(4));
        assert_eq!(buckets.take("CreateDeployment", rate, 15_000), Ok(()));
    }
}
