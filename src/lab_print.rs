//! What `run`, `check` and `grade` print about a lab: its score on the target. Text only, so it
//! is tested without a target.

use awslab_lab::grade::Score;
use awslab_lab::{Lang, TargetKind};

/// The score line: points, percent, the verdict and the lab's pass mark; on AWS it says so,
/// since offline-only checks are left out of its total there.
pub fn score_text(score: &Score, target: TargetKind, lang: Lang) -> String {
    let verdict = match (lang, score.passed) {
        (Lang::Ko, true) => "통과",
        (Lang::Ko, false) => "미통과",
        (Lang::En, true) => "passed",
        (Lang::En, false) => "not passed",
    };
    let label = match (target, lang) {
        (TargetKind::Emulator, Lang::Ko) => "점수",
        (TargetKind::Emulator, Lang::En) => "score",
        (TargetKind::Aws, Lang::Ko) => "AWS 점수",
        (TargetKind::Aws, Lang::En) => "score on AWS",
    };
    let pass_mark = match lang {
        Lang::Ko => "통과 기준",
        Lang::En => "pass mark",
    };
    format!(
        "{label}: {}/{} ({}%) — {verdict} ({pass_mark} {}%)",
        score.earned, score.possible, score.percent, score.pass_percent
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_says_when_it_is_taken_on_aws() {
        let score = Score::new(110, 110, 70);
        assert_eq!(
            score_text(&score, TargetKind::Aws, Lang::En),
            "score on AWS: 110/110 (100%) — passed (pass mark 70%)"
        );
        assert_eq!(
            score_text(&Score::new(60, 115, 70), TargetKind::Emulator, Lang::En),
            "score: 60/115 (52.1%) — not passed (pass mark 70%)"
        );
        assert!(score_text(&score, TargetKind::Aws, Lang::Ko).starts_with("AWS 점수: 110/110"));
    }
}
