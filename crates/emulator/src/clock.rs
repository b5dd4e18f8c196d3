//! The emulator's clock. Time is injected so tests are deterministic and so the clock can run
//! faster than real time (alarms evaluate in seconds, not five-minute periods).

use std::time::Instant;
use time::OffsetDateTime;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// Real time, sped up by a factor from the moment the emulator starts.
pub struct ScaledClock {
    started_at: OffsetDateTime,
    started: Instant,
    speed: f64,
}

impl ScaledClock {
    pub fn new(speed: f64) -> Self {
        Self { started_at: OffsetDateTime::now_utc(), started: Instant::now(), speed }
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> OffsetDateTime {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        self.started_at + time::Duration::seconds_f64(elapsed)
    }
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
    fn formats_like_iam() {
        let at = time::macros::datetime!(2024-05-01 12:03:04 UTC);
        assert_eq!(iso8601(at), "2024-05-01T12:03:04Z");
    }
}
