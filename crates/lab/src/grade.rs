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
    /// `earned / possible` in percent, rounded to the nearest tenth, halves up (18.75 shows as
    /// 18.8), except that a score short of every point never shows as 100 (99.96 shows as 99.9).
    /// The one rounding rule: the app, the CLI and the report all show this number.
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
            let (earned, possible) = (u64::from(earned), u64::from(possible));
            let rounded = (earned * 2000 + possible) / (2 * possible);
            let tenths = if earned < possible { rounded.min(999) } else { rounded };
            // Compare in integers so 70% of 10 points passes at exactly 7.
            let passed = earned * 100 >= u64::from(pass_percent) * possible;
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
    fn percent_rounds_to_the_nearest_tenth_and_threshold_is_inclusive() {
        let score = Score::new(7, 10, 70);
        assert_eq!((score.percent, score.passed), (70.0, true));
        let score = Score::new(6, 10, 70);
        assert_eq!((score.percent, score.passed), (60.0, false));
        assert_eq!(Score::new(3, 16, 70).percent, 18.8, "18.75 rounds half up");
        assert_eq!(Score::new(2, 3, 50).percent, 66.7);
        assert_eq!(Score::new(125, 165, 70).percent, 75.8);
        // Short of every point is never 100.
        let score = Score::new(2499, 2500, 100);
        assert_eq!((score.percent, score.passed), (99.9, false));
        assert_eq!(Score::new(2500, 2500, 100).percent, 100.0);
    }

    #[test]
    fn no_points_is_not_a_pass_and_earned_is_capped() {
        assert!(!Score::new(0, 0, 0).passed);
        assert_eq!(Score::new(12, 10, 70).earned, 10);
    }
}
