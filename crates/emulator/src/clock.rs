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

/// Milliseconds since the epoch, as log events carry their times.
pub fn epoch_ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// ISO 8601 with seconds and `Z`, as IAM and STS print times: `2024-05-01T12:00:00Z`.
pub fn iso8601(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
