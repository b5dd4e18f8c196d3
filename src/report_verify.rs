//! `awslab report verify FILE`: recompute a report's hash, and say in words what a matching hash
//! proves (the file was not changed by accident since it was written) and what it cannot (that
//! the learner built anything: the report is self-reported, and anyone can rewrite it with a new
//! hash). Then what the report records for an instructor to weigh: where the results came from,
//! the steps the reference solution filled, the answers revealed, the hints shown, the failures.

use anyhow::{Context, Result};
use awslab_core::report::{self, ReportContent, Verification};
use awslab_lab::Lang;
use std::path::Path;
use std::process::ExitCode;

pub fn verify(file: &Path, lang: Lang) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the report {}", file.display()))?;
    let verification = report::verify_file(&text)
        .with_context(|| format!("{} cannot be verified", file.display()))?;
    print!("{}", verification_text(&verification, lang));
    Ok(if verification.matches() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Everything `verify` prints.
pub fn verification_text(verification: &Verification, lang: Lang) -> String {
    let c = &verification.content;
    let ko = lang == Lang::Ko;
    let mut out = String::new();
    let verdict = match (ko, c.passed) {
        (true, true) => "합격",
        (true, false) => "불합격",
        (false, true) => "passed",
        (false, false) => "not passed",
    };
    let when = awslab_core::clock::utc_text(c.generated_at_ms);
    out.push_str(&if ko {
        format!(
            "보고서: {} ({}), {}/{} ({}%) {verdict}, 대상 {}, awslab {}, {when} UTC 작성\n",
            c.lab_id, c.lab_title, c.earned, c.possible, c.percent, c.target, c.app_version
        )
    } else {
        format!(
            "report: {} ({}), {}/{} ({}%) {verdict}, on {}, awslab {}, made {when} UTC\n",
            c.lab_id, c.lab_title, c.earned, c.possible, c.percent, c.target, c.app_version
        )
    });
    if verification.matches() {
        out.push_str(if ko {
            "해시: 일치합니다. 내용은 해시를 계산했을 때 그대로입니다.\n"
        } else {
            "hash: matches; the content is as it was when its hash was computed.\n"
        });
    } else {
        out.push_str(&if ko {
            format!(
                "해시: 일치하지 않습니다. 해시를 쓴 뒤에 내용이 바뀌었습니다 (적힌 값 {}, 지금 내용의 값 {}).\n",
                verification.written, verification.computed
            )
        } else {
            format!(
                "hash: does NOT match; the content changed after its hash was written (written {}, \
                 computed {}).\n",
                verification.written, verification.computed
            )
        });
    }
    out.push_str(if ko {
        "이것이 증명하는 것: 파일이 실수로 바뀌지 않았다는 것뿐입니다. 이 보고서는 학습자가 스스로 낸 \
         것이라, 누구나 내용을 고치고 해시를 다시 계산할 수 있습니다. 무엇을 만들었는지의 증거가 아니며, \
         믿을 수 있는 채점은 학습자의 계정을 읽기 전용으로 확인하는 것입니다.\n"
    } else {
        "What this proves: only that the file was not changed by accident. The report is \
         self-reported: anyone can edit it and compute a new hash, so it is no evidence of what was \
         built. A grade you can trust comes from checking the learner's account read-only.\n"
    });
    out.push_str(&recorded_text(c, ko));
    out
}

/// What the report records besides the score: sources, solution, revealed answers, hints,
/// failures.
fn recorded_text(c: &ReportContent, ko: bool) -> String {
    let none = if ko { "없음" } else { "none" };
    let or_none =
        |items: Vec<String>| if items.is_empty() { none.to_string() } else { items.join(", ") };
    let mut out = String::new();
    let sources = c
        .sources
        .iter()
        .map(|s| {
            format!(
                "{} ({} {}, {})",
                s.target,
                if ko { "계정" } else { "account" },
                s.account,
                s.region
            )
        })
        .collect();
    let hints: Vec<String> = c
        .steps
        .iter()
        .filter(|step| step.hints_revealed > 0)
        .map(|step| format!("{} ({})", step.id, step.hints_revealed))
        .collect();
    let labels = if ko {
        ["결과를 확인한 곳", "참고 답안으로 채운 단계", "정답을 본 문제", "힌트를 본 단계"]
    } else {
        [
            "results checked in",
            "steps filled by the reference solution",
            "answers revealed",
            "hints shown",
        ]
    };
    for (label, items) in labels.into_iter().zip([
        sources,
        c.solution_steps.clone(),
        c.revealed_questions.clone(),
        hints,
    ]) {
        out.push_str(&format!("{label}: {}\n", or_none(items)));
    }
    let failures: Vec<(&str, &str, &str)> = c
        .steps
        .iter()
        .flat_map(|step| step.checks.iter().map(move |check| (step, check)))
        .filter_map(|(step, check)| {
            Some((step.id.as_str(), check.id.as_str(), check.failure.as_deref()?))
        })
        .collect();
    out.push_str(&if ko {
        format!("실패한 확인 항목: {}\n", failures.len())
    } else {
        format!("failed checks: {}\n", failures.len())
    });
    for (step, check, why) in failures {
        out.push_str(&format!("  {step}/{check}: {why}\n"));
    }
    out
}
