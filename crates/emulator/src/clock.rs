//! The emulator's clock. Time is injected so tests are deterministic and so the clock can run
//! faster than real time (alarms evaluate in seconds, not five-minute periods), and be moved
//! forward at once (`POST /_awslab/clock/advance`), so a lab or a test never waits for a period.

use std::sync::Mutex;
use std::time::Instant;
use time::OffsetDateTime;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    /// Moves the clock forward by `by` (never backward: stored data would come from the
    /// future) and answers the new time.
    fn advance(&self, by: time::Duration) -> OffsetDateTime;

    /// How many emulated seconds pass per real second.
    fn speed(&self) -> f64;
}

/// Real time, sped up by a factor from the moment the emulator starts, plus whatever it was
/// advanced by.
pub struct ScaledClock {
    started_at: OffsetDateTime,
    started: Instant,
    speed: f64,
    /// The sum of every `advance`. Not saved: a restarted emulator is back on real time.
    offset: Mutex<time::Duration>,
}

impl ScaledClock {
    pub fn new(speed: f64) -> Self {
        Self {
            started_at: OffsetDateTime::now_utc(),
            started: Instant::now(),
            speed,
            offset: Mutex::new(time::Duration::ZERO),
        }
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> OffsetDateTime {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        let offset = *self.offset.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.started_at + time::Duration::seconds_f64(elapsed) + offset
    }

    fn advance(&self, by: time::Duration) -> OffsetDateTime {
        {
            let mut offset = self.offset.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *offset += by.max(time::Duration::ZERO);
        }
        self.now()
    }

    fn speed(&self) -> f64 {
        self.speed
    }
}

/// When `instant`, a moment of the machine's monotonic clock, happened on `clock`: how long
/// ago it was, at the clock's speed, before the clock's now. Handlers' output is stamped this
/// way, so that their log events fall on the emulator's timeline, advanced and sped up as it is.
pub fn at(clock: &dyn Clock, instant: Instant) -> OffsetDateTime {
    let ago = Instant::now().saturating_duration_since(instant).as_secs_f64() * clock.speed();
    clock.now() - time::Duration::seconds_f64(ago)
}

/// Milliseconds since the Unix epoch, on the emulator's clock: how stored state keeps its
/// times (log events, instance lifecycles, when a change settles).
pub type Millis = i64;

/// `at` in [`Millis`], as log events carry their times.
pub fn millis(at: OffsetDateTime) -> Millis {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The moment `at` names.
pub fn datetime(at: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// How AWS writes times, one format each; [`write`] writes a time in one of them, in UTC.
pub mod formats {
    use time::format_description::BorrowedFormatItem as Item;
    use time::macros::format_description;

    /// `2024-05-01T12:00:00Z`: IAM, STS.
    pub const ISO_SECONDS: &[Item<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    /// `2024-05-01T12:00:00.000Z`: EC2, query services' timestamps, Lambda's runtime messages.
    pub const ISO_MILLIS: &[Item<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    /// `2024-05-01T12:00:00.000+0000`: Lambda's `LastModified`, CloudWatch's JSON documents.
    pub const ISO_MILLIS_OFFSET: &[Item<'_>] = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000"
    );
    /// `2024-05-01 12:00:00`: wget's output.
    pub const SPACED: &[Item<'_>] =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    /// `2024-05-01 12:00:00 GMT`: EC2's `StateTransitionReason`.
    pub const SPACED_GMT: &[Item<'_>] =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second] GMT");
    /// `20240501T120000Z`: SigV4's `X-Amz-Date`, and the stamp of a damaged state file.
    pub const COMPACT: &[Item<'_>] =
        format_description!("[year][month][day]T[hour][minute][second]Z");
}

/// `at` in UTC, written in `format` (one of [`formats`]).
pub fn write(
    at: OffsetDateTime,
    format: &[time::format_description::BorrowedFormatItem<'_>],
) -> String {
    // Formatting fails only for a component the time lacks; an OffsetDateTime has them all.
    at.to_offset(time::UtcOffset::UTC).format(format).unwrap_or_default()
}

/// The moment an ISO 8601 time as [`iso8601`] writes it names (`None` for anything else).
pub fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// ISO 8601 with seconds and `Z`, as IAM and STS print times: `2024-05-01T12:00:00Z`.
pub fn iso8601(at: OffsetDateTime) -> String {
    write(at, formats::ISO_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc_as_aws_writes_them() {
        let at = time::macros::datetime!(2024-05-01 21:03:04.5678 +09:00);
        assert_eq!(iso8601(at), "2024-05-01T12:03:04Z");
        assert_eq!(write(at, formats::ISO_MILLIS), "2024-05-01T12:03:04.567Z");
        assert_eq!(write(at, formats::ISO_MILLIS_OFFSET), "2024-05-01T12:03:04.567+0000");
        assert_eq!(write(at, formats::SPACED), "2024-05-01 12:03:04");
        assert_eq!(write(at, formats::SPACED_GMT), "2024-05-01 12:03:04 GMT");
        assert_eq!(write(at, formats::COMPACT), "20240501T120304Z");
    }

    #[test]
    fn iam_times_read_back() {
        let at = time::macros::datetime!(2024-05-01 12:03:04 UTC);
        assert_eq!(parse_iso8601(&iso8601(at)), Some(at));
        assert_eq!(parse_iso8601("yesterday"), None);
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let clock = ScaledClock::new(600.0);
        let first = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let elapsed = clock.now() - first;
        assert!(elapsed >= time::Duration::seconds(10), "{elapsed}");
    }

    #[test]
    fn advancing_moves_now_forward_only() {
        let clock = ScaledClock::new(1.0);
        let before = clock.now();
        let after = clock.advance(time::Duration::minutes(10));
        assert!(after - before >= time::Duration::minutes(10));
        assert!(clock.advance(time::Duration::minutes(-5)) >= after);
        assert_eq!(clock.speed(), 1.0);
    }

    #[test]
    fn formats_like_iam() {
        let at = time::macros::datetime!(2024-05-01 12:03:04 UTC);
        assert_eq!(iso8601(at), "2024-05-01T12:03:04Z");
    }
}
