//! A learner's report for one lab: the score and every check with its latest result and time,
//! as JSON and as one self-contained HTML page (no scripts, no outside files) for an instructor.
//! A report is taken on one target, named in it: on AWS, offline-only checks are listed as not
//! graded and count for nothing.
//!
//! The report carries an integrity hash: SHA-256 over its content (everything but the hash),
//! written as canonical JSON. An instructor recomputes it with [`Report::verify`] (or any
//! SHA-256 tool over the `content` object with sorted keys): editing a number breaks it. It
//! proves the file was not edited since awslab wrote it, not who wrote it.

mod export;

pub use export::{ExportError, SavedReport, parse_lang, save};

use crate::progress::{ProgressError, ProgressStore};
use crate::status::{StepStatus, lab_progress};
use awslab_lab::{Lab, Lang, TargetKind};
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// The report's content (what the hash covers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportContent {
    pub lab_id: String,
    pub lab_title: String,
    pub language: String,
    pub app_version: String,
    /// When the report was made, unix milliseconds.
    pub generated_at_ms: i64,
    /// The target the score is taken on: `emulator` or `aws`.
    pub target: String,
    pub earned: u32,
    pub possible: u32,
    pub percent: f64,
    pub pass_percent: u8,
    pub passed: bool,
    pub steps: Vec<ReportStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportStep {
    pub id: String,
    pub title: String,
    pub status: String,
    pub earned: u32,
    pub possible: u32,
    pub hints_revealed: u32,
    pub checks: Vec<ReportCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCheck {
    pub id: String,
    /// Whether it counts on the report's target; `false` for an offline-only check on AWS,
    /// which then earns and is worth nothing.
    pub graded: bool,
    pub passed: bool,
    pub points: u32,
    pub possible: u32,
    /// `emulator` or `aws`, when it ran; `None` when it never ran.
    pub target: Option<String>,
    /// When its latest result was recorded.
    pub at_ms: Option<i64>,
    /// When it passed: the first of the passes it has held since (a re-check that passes again
    /// does not move it); `None` unless it passes now.
    #[serde(default)]
    pub passed_at_ms: Option<i64>,
}

/// A report and its integrity hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub content: ReportContent,
    /// Hex SHA-256 of `content` as canonical JSON.
    pub sha256: String,
}

impl Report {
    /// Builds the report on `target` from what the store recorded.
    pub fn build(
        lab: &Lab,
        store: &ProgressStore,
        target: TargetKind,
        lang: Lang,
        generated_at_ms: i64,
    ) -> Result<Report, ProgressError> {
        let progress = lab_progress(lab, store, target)?;
        let latest = store.latest_checks_on(&lab.id, target)?;
        let history = store.check_history(&lab.id)?;
        // When each check's current run of passes on the target began.
        let passed_since = |step_id: &str, check_id: &str| {
            let mut since = None;
            for record in history.iter().filter(|record| {
                record.target == target && record.step_id == step_id && record.check_id == check_id
            }) {
                since = if record.passed { since.or(Some(record.at_ms)) } else { None };
            }
            since
        };
        let steps = lab
            .steps
            .iter()
            .zip(&progress.steps)
            .map(|(step, standing)| ReportStep {
                id: step.id.clone(),
                title: step.title.get(lang).to_string(),
                status: match standing.status {
                    StepStatus::NotStarted => "not started",
                    StepStatus::Passed => "passed",
                    StepStatus::Failed => "failed",
                    StepStatus::Skipped => "skipped",
                    StepStatus::OfflineOnly => "offline only",
                }
                .to_string(),
                earned: standing.earned,
                possible: standing.possible,
                hints_revealed: standing.hints_revealed,
                checks: step
                    .checks
                    .iter()
                    .map(|check| {
                        let record =
                            latest.iter().find(|r| r.step_id == step.id && r.check_id == check.id);
                        let graded = check.graded_on(target);
                        let passed = graded && record.is_some_and(|r| r.passed);
                        ReportCheck {
                            id: check.id.clone(),
                            graded,
                            passed,
                            points: if passed { check.points } else { 0 },
                            possible: if graded { check.points } else { 0 },
                            target: record.map(|r| r.target.as_str().to_string()),
                            at_ms: record.map(|r| r.at_ms),
                            passed_at_ms: if passed {
                                passed_since(&step.id, &check.id)
                            } else {
                                None
                            },
                        }
                    })
                    .collect(),
            })
            .collect();
        let content = ReportContent {
            lab_id: lab.id.clone(),
            lab_title: lab.title.get(lang).to_string(),
            language: lang.code().to_string(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at_ms,
            target: target.as_str().to_string(),
            earned: progress.score.earned,
            possible: progress.score.possible,
            percent: progress.score.percent,
            pass_percent: progress.score.pass_percent,
            passed: progress.score.passed,
            steps,
        };
        let sha256 = digest(&content);
        Ok(Report { content, sha256 })
    }

    /// Whether the hash matches the content (nothing was edited).
    pub fn verify(&self) -> bool {
        digest(&self.content) == self.sha256
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// One HTML page with the same numbers as the JSON, and the JSON itself embedded (as data,
    /// not script) so the page alone can be verified.
    pub fn to_html(&self) -> String {
        let c = &self.content;
        let words = Words::of(&c.language);
        let mut rows = String::new();
        for step in &c.steps {
            rows.push_str(&format!(
                "<tr class=\"step\"><th colspan=\"4\">{} <small>({})</small></th><td>{}</td><td>{}/{}</td></tr>\n",
                escape(&step.title),
                escape(&step.id),
                escape(words.status(&step.status)),
                step.earned,
                step.possible
            ));
            for check in &step.checks {
                let (class, mark) = match (check.graded, check.passed) {
                    (false, _) => ("ungraded", words.offline_only),
                    (true, true) => ("pass", "✓"),
                    (true, false) => ("fail", "✗"),
                };
                rows.push_str(&format!(
                    "<tr><td></td><td>{}</td><td class=\"{class}\">{mark}</td><td>{}</td><td>{}</td><td>{}/{}</td></tr>\n",
                    escape(&check.id),
                    check.target.as_deref().map_or("—".to_string(), escape),
                    check.passed_at_ms.or(check.at_ms).map_or("—".to_string(), crate::clock::utc_text),
                    check.points,
                    check.possible
                ));
            }
        }
        format!(
            r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} — {report_word}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK KR", sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b1f24; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d8dee4; }}
tr.step th {{ background: #f3f5f7; }}
.pass {{ color: #1a7f37; }} .fail {{ color: #cf222e; }} .ungraded {{ color: #57606a; }}
.score {{ font-size: 1.6rem; }}
code {{ word-break: break-all; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="score" id="score">{earned}/{possible} ({percent}%) — {verdict} ({pass_mark} {pass}%)</p>
<p>{lab_word} <code>{lab_id}</code> · {target_word} {target_name} · awslab {version} · {generated_word} {generated}</p>
<table>
<thead><tr><th></th><th>{check_word}</th><th>{result_word}</th><th>{target_word}</th><th>{time_word}</th><th>{points_word}</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<p>{integrity_word}: SHA-256 <code id="sha256">{sha}</code> {integrity_note}</p>
<script type="application/json" id="report">{json}</script>
</body>
</html>
"#,
            lang = escape(&c.language),
            title = escape(&c.lab_title),
            earned = c.earned,
            possible = c.possible,
            percent = c.percent,
            verdict = if c.passed { words.passed } else { words.not_passed },
            report_word = words.report,
            pass_mark = words.pass_mark,
            lab_word = words.lab,
            generated_word = words.generated,
            check_word = words.check,
            result_word = words.result,
            target_word = words.target,
            time_word = words.time,
            points_word = words.points,
            integrity_word = words.integrity,
            integrity_note = words.integrity_note,
            pass = c.pass_percent,
            lab_id = escape(&c.lab_id),
            target_name = escape(words.target_name(&c.target)),
            version = escape(&c.app_version),
            generated = crate::clock::utc_text(c.generated_at_ms),
            rows = rows,
            sha = self.sha256,
            json = self.to_json().replace("</", "<\\/"),
        )
    }
}

/// The page's own words, in the report's language (the JSON keeps stable English codes).
struct Words {
    report: &'static str,
    passed: &'static str,
    not_passed: &'static str,
    pass_mark: &'static str,
    lab: &'static str,
    generated: &'static str,
    check: &'static str,
    result: &'static str,
    target: &'static str,
    time: &'static str,
    points: &'static str,
    integrity: &'static str,
    integrity_note: &'static str,
    /// What an offline-only check shows on AWS instead of a mark.
    offline_only: &'static str,
    /// The emulator's and AWS's names.
    targets: [&'static str; 2],
    statuses: [&'static str; 5],
}

impl Words {
    fn of(language: &str) -> Self {
        match language {
            "ko" => Words {
                report: "awslab 보고서",
                passed: "합격",
                not_passed: "불합격",
                pass_mark: "합격 기준",
                lab: "실습",
                generated: "작성",
                check: "확인 항목",
                result: "결과",
                target: "대상",
                time: "통과 또는 확인 시각 (UTC)",
                points: "점수",
                integrity: "무결성",
                integrity_note: "(아래에 담긴 보고서 내용을 정규화한 JSON의 해시)",
                offline_only: "오프라인 전용 (AWS에서는 채점하지 않음)",
                targets: ["오프라인 에뮬레이터", "AWS"],
                statuses: ["시작 전", "통과", "실패", "건너뜀", "오프라인 전용"],
            },
            _ => Words {
                report: "awslab report",
                passed: "passed",
                not_passed: "not passed",
                pass_mark: "pass mark",
                lab: "Lab",
                generated: "generated",
                check: "check",
                result: "result",
                target: "target",
                time: "passed, or last checked (UTC)",
                points: "points",
                integrity: "Integrity",
                integrity_note: "over the report's content as canonical JSON (below).",
                offline_only: "offline only, not graded on AWS",
                targets: ["offline emulator", "AWS"],
                statuses: ["not started", "passed", "failed", "skipped", "offline only"],
            },
        }
    }

    /// A step status code of the JSON in the page's language.
    fn status<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "not started" => self.statuses[0],
            "passed" => self.statuses[1],
            "failed" => self.statuses[2],
            "skipped" => self.statuses[3],
            "offline only" => self.statuses[4],
            other => other,
        }
    }

    /// A target code of the JSON (`emulator`, `aws`) in the page's language.
    fn target_name<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "emulator" => self.targets[0],
            "aws" => self.targets[1],
            other => other,
        }
    }
}

/// SHA-256 of the content as canonical JSON (object keys sorted, no spaces).
fn digest(content: &ReportContent) -> String {
    let value = serde_json::to_value(content).unwrap_or_default();
    let canonical = canonical(&value);
    sha2::Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!("{}:{}", serde_json::Value::String(key.clone()), canonical(&map[key]))
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        serde_json::Value::Array(items) => {
            format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let value = serde_json::json!({"b": 1, "a": {"d": [2, {"z": 1, "y": 2}], "c": "x"}});
        assert_eq!(canonical(&value), r#"{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}"#);
    }
}
