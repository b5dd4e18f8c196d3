//! Grading math: points per check, a lab's score and percentage, and its pass threshold.
//!
//! A check earns all of its points or none. A skipped step earns nothing: skipping is how a
//! learner moves on, never a way to pass. A score is taken on one target: on AWS, offline-only
//! checks count neither in what was earned nor in what was possible, and the pass mark stays the
//! lab's.

use crate::model::{Lab, TargetKind};
use serde::Serialize;

/// A learner's standing in one lab.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Score {
    pub earned: u32,
    pub possible: u32,
    /// `earned / possible` in percent, rounded down to one decimal (99.96 shows as 99.9, so
    /// 100 means every point).
    pub percent: f64,
    /// The lab's threshold in percent.
    pub pass_percent: u8,
    pub passed: bool,
}

impl Score {
    pub fn new(earned: u32, possible: u32, pass_percent: u8) -> Self {
        let earned = earned.min(possible);
        let (percent, passed) = if possible == 0 {
            (0.0, false)
        } else {
            let tenths = u64::from(earned) * 1000 / u64::from(possible);
            // Compare in integers so 70% of 10 points passes at exactly 7.
            let passed = u64::from(earned) * 100 >= u64::from(pass_percent) * u64::from(possible);
            (tenths as f64 / 10.0, passed)
        };
        Self { earned, possible, percent, pass_percent, passed }
    }
}

/// Scores a lab on `target` given which checks (by id) currently pass there.
pub fn score(lab: &Lab, target: TargetKind, passes: impl Fn(&str) -> bool) -> Score {
    let earned =
        lab.checks_on(target).filter(|(_, check)| passes(&check.id)).map(|(_, c)| c.points).sum();
    Score::new(earned, lab.total_points_on(target), lab.pass_percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_down_and_threshold_is_inclusive() {
        let score = Score::new(7, 10, 70);
        assert_eq!((score.percent, score.passed), (70.0, true));
        let score = Score::new(6, 10, 70);
        assert_eq!((score.percent, score.passed), (60.0, false));
        let score = Score::new(2499, 2500, 100);
        assert_eq!((score.percent, score.passed), (99.9, false));
        let score = Score::new(2, 3, 50);
        assert_eq!(score.percent, 66.6);
    }

    #[test]
    fn no_points_is_not_a_pass_and_earned_is_capped() {
        assert!(!Score::new(0, 0, 0).passed);
        assert_eq!(Score::new(12, 10, 70).earned, 10);
    }
}
