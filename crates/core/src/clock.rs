//! The clock the use cases read the time from, passed in rather than read from the system, so
//! that a test can fix "now" and assert on the exact times that progress records.
//!
//! Not here: the emulator's own clock (it can run faster than real time; `awslab-emulator`
//! keeps it) and the times AWS stamps on what it returns.

use std::time::{SystemTime, UNIX_EPOCH};

/// Where "now" comes from: unix milliseconds.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The system's wall clock: what the app and the CLI use.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        // A clock set before 1970 reads 0 rather than failing a learner's run; a clock past
        // the year 292 million saturates.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that always reads the same moment (tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

/// `2024-05-01 12:00:03`: a time in unix milliseconds as reports and the CLI write it, in UTC
/// (said next to it, since a learner's clock may be anywhere).
pub fn utc_text(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|at| at.format(format).ok())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(super::utc_text(0), "1970-01-01 00:00:00");
        assert_eq!(super::utc_text(1_714_564_803_000), "2024-05-01 12:00:03");
    }
}
