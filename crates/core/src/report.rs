//! A learner's report for one lab: the score and every check with its latest result and time,
//! as JSON and as one self-contained HTML page (no scripts, no outside files) for an instructor.
//! A report is taken on one target, named in it: on AWS, offline-only checks are listed as not
//! graded and count for nothing.
//!
//! A report is **self-reported**: awslab writes it from the learner's own progress file, and it
//! says so. It carries a SHA-256 over its content (everything but the hash) as canonical JSON,
//! which [`verify`] recomputes; that shows only that the file was not changed by accident since
//! the hash was written. Anyone can edit the content and compute a new hash, so a report is no
//! evidence of what was built, and it does not pretend to be: a trustworthy grade comes from
//! checking the learner's own account read-only. What it does record, for an instructor to
//! weigh: where the results came from (account and region, or the emulator), the app version,
//! the steps whose forms the reference solution filled (`awslab run --solution`), the questions
//! whose answer was revealed, the hints shown, and every failure in words.

mod export;

pub use export::{ExportError, SavedReport, parse_lang, save};

use crate::progress::{CheckRecord, ProgressError, ProgressStore};
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
    /// Always `true`: the learner's own awslab wrote this from the learner's own progress.
    #[serde(default)]
    pub self_reported: bool,
    /// Where the results came from: each account and region checked in (the emulator's own
    /// account when offline).
    #[serde(default)]
    pub sources: Vec<ReportSource>,
    /// Steps whose form the reference solution filled in a recorded run (`awslab run
    /// --solution`).
    #[serde(default)]
    pub solution_steps: Vec<String>,
    /// Questions answered wrongly twice, so their answer was shown.
    #[serde(default)]
    pub revealed_questions: Vec<String>,
}

/// One place results came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportSource {
    /// `emulator` or `aws`.
    pub target: String,
    pub account: String,
    pub region: String,
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
    /// Why its latest result failed, in the report's language: what the check wants, what
    /// differed, what the target said. `None` when it passes or never ran.
    #[serde(default)]
    pub failure: Option<String>,
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
        // A question's answer counts on both targets (`quiz`), as in the standing.
        let latest = crate::quiz::latest_counting(store, lab, target)?;
        let is_question = |step_id: &str| lab.step(step_id).is_some_and(|s| s.question.is_some());
        let history = store.check_history(&lab.id)?;
        // When each check's current run of passes on the target (either, for a question) began.
        let passed_since = |step_id: &str, check_id: &str| {
            let mut since = None;
            for record in history.iter().filter(|record| {
                (record.target == target || is_question(step_id))
                    && record.step_id == step_id
                    && record.check_id == check_id
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
                        // What the pass earned: fewer for a question right on its second try.
                        let earned = record.map_or(0, |r| r.points.min(check.points));
                        let failure = record
                            .filter(|record| graded && !record.passed)
                            .map(|record| failure_text(check, record, lang));
                        ReportCheck {
                            failure,
                            id: check.id.clone(),
                            graded,
                            passed,
                            points: if passed { earned } else { 0 },
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
            self_reported: true,
            sources: sources(&history),
            solution_steps: solution_steps(lab, &history),
            revealed_questions: revealed_questions(lab, &history),
        };
        let sha256 = digest(&content);
        Ok(Report { content, sha256 })
    }

    /// Whether the hash matches the content: the file was not changed by accident since its hash
    /// was written. (Anyone can change it and write a new hash; see the module's note.)
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
                if let Some(failure) = &check.failure {
                    rows.push_str(&format!(
                        "<tr class=\"why\"><td></td><td colspan=\"5\">{}</td></tr>\n",
                        escape(failure)
                    ));
                }
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
.trust {{ border-left: 4px solid #9a6700; background: #fff8c5; padding: .4rem 1rem; margin: 1rem 0; }}
tr.why td {{ color: #57606a; font-size: .9rem; border-bottom: 1px solid #d8dee4; }}
code {{ word-break: break-all; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="score" id="score">{earned}/{possible} ({percent}%) — {verdict} ({pass_mark} {pass}%)</p>
<p>{lab_word} <code>{lab_id}</code> · {target_word} {target_name} · awslab {version} · {generated_word} {generated}</p>
<section class="trust" id="trust">
<p><strong>{trust_title}</strong> {trust_text}</p>
<ul>
<li>{sources_word}: {sources}</li>
<li id="solution-steps">{solution_word}: {solution_steps}</li>
<li id="revealed">{revealed_word}: {revealed}</li>
</ul>
</section>
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
            trust_title = words.trust_title,
            trust_text = words.trust_text,
            sources_word = words.sources,
            sources = if c.sources.is_empty() {
                words.none.to_string()
            } else {
                c.sources
                    .iter()
                    .map(|s| {
                        format!(
                            "{} ({} {}, {})",
                            escape(words.target_name(&s.target)),
                            words.account,
                            escape(&s.account),
                            escape(&s.region)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            solution_word = words.solution,
            solution_steps = list(&c.solution_steps, words.none),
            revealed_word = words.revealed,
            revealed = list(&c.revealed_questions, words.none),
            json = self.to_json().replace("</", "<\\/"),
        )
    }
}

/// What `awslab report verify` found in a report file.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The content as read (fields a newer awslab added are left at their defaults).
    pub content: ReportContent,
    /// The hash the file carries.
    pub written: String,
    /// The hash of the content as it is now.
    pub computed: String,
}

impl Verification {
    pub fn matches(&self) -> bool {
        self.written == self.computed
    }
}

/// Why a file could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("it is neither a JSON report nor an HTML report of awslab (no embedded report found)")]
    NotAReport,
    #[error("its report is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("its report has no `{0}`")]
    Missing(&'static str),
}

/// Reads a report written as JSON, or as HTML with its JSON embedded, and recomputes its hash
/// over the content exactly as written (so a report of an older awslab verifies too).
pub fn verify_file(text: &str) -> Result<Verification, VerifyError> {
    let json = if text.trim_start().starts_with('{') {
        text.to_string()
    } else {
        let start_tag = r#"<script type="application/json" id="report">"#;
        let start = text.find(start_tag).ok_or(VerifyError::NotAReport)? + start_tag.len();
        let end = text[start..].find("</script>").ok_or(VerifyError::NotAReport)? + start;
        text[start..end].replace("<\\/", "</")
    };
    let value: serde_json::Value = serde_json::from_str(&json)?;
    let content_value = value.get("content").ok_or(VerifyError::Missing("content"))?;
    let written =
        value.get("sha256").and_then(|v| v.as_str()).ok_or(VerifyError::Missing("sha256"))?;
    let computed = sha256_hex(&canonical(content_value));
    let content: ReportContent = serde_json::from_value(content_value.clone())?;
    Ok(Verification { content, written: written.to_string(), computed })
}

/// What a recorded result's detail says, as JSON (empty when it has none or is not JSON).
fn detail(record: &CheckRecord) -> serde_json::Value {
    record.detail.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default()
}

/// The distinct accounts and regions the results were checked in.
fn sources(history: &[CheckRecord]) -> Vec<ReportSource> {
    let mut found: Vec<ReportSource> = history
        .iter()
        .filter_map(|record| {
            let detail = detail(record);
            Some(ReportSource {
                target: record.target.as_str().to_string(),
                account: detail["account"].as_str()?.to_string(),
                region: detail["region"].as_str()?.to_string(),
            })
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The steps, in lab order, with a recorded run whose form the reference solution filled.
fn solution_steps(lab: &Lab, history: &[CheckRecord]) -> Vec<String> {
    let filled: std::collections::HashSet<&str> = history
        .iter()
        .filter(|record| detail(record)["solution"] == serde_json::Value::Bool(true))
        .map(|record| record.step_id.as_str())
        .collect();
    lab.steps.iter().filter(|s| filled.contains(s.id.as_str())).map(|s| s.id.clone()).collect()
}

/// The questions, in lab order, whose answer was shown after two wrong tries.
fn revealed_questions(lab: &Lab, history: &[CheckRecord]) -> Vec<String> {
    lab.steps
        .iter()
        .filter(|step| step.question.is_some())
        .filter(|step| {
            let tries: Vec<&CheckRecord> =
                history.iter().filter(|r| r.step_id == step.id && r.check_id == step.id).collect();
            let first_right = tries.iter().position(|r| r.passed);
            tries.len() >= 2 && first_right.is_none_or(|at| at >= 2)
        })
        .map(|step| step.id.clone())
        .collect()
}

/// Why a recorded result failed, in `lang`: the check's own message (a question's gives
/// nothing away), then what differed, the diagnosis, and the target's error.
fn failure_text(check: &awslab_lab::Check, record: &CheckRecord, lang: Lang) -> String {
    let detail = detail(record);
    let text = |value: &serde_json::Value| value[lang.code()].as_str().map(str::to_string);
    let mut parts = vec![check.message.get(lang).to_string()];
    if detail["missing"] == serde_json::Value::Bool(true)
        && check.kind != awslab_lab::CheckKind::QuizAnswer
    {
        parts.push(
            match lang {
                Lang::Ko => "찾는 리소스가 없습니다.",
                Lang::En => "The resource does not exist.",
            }
            .to_string(),
        );
    }
    for difference in detail["differences"].as_array().into_iter().flatten() {
        let (Some(expected), Some(found)) =
            (text(&difference["expected"]), text(&difference["found"]))
        else {
            continue;
        };
        let path = difference["path"].as_str().unwrap_or_default();
        parts.push(match lang {
            Lang::Ko => format!("{path}: 기댓값 {expected}, 실제 {found}"),
            Lang::En => format!("{path}: expected {expected}, found {found}"),
        });
    }
    if let Some(diagnosis) = text(&detail["diagnosis"]) {
        parts.push(diagnosis);
    }
    if let (Some(code), Some(message)) =
        (detail["failure"]["code"].as_str(), detail["failure"]["message"].as_str())
    {
        parts.push(format!("{code}: {message}"));
    }
    parts.join(" ")
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
    trust_title: &'static str,
    trust_text: &'static str,
    sources: &'static str,
    account: &'static str,
    solution: &'static str,
    revealed: &'static str,
    none: &'static str,
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
                integrity_note: "(아래에 담긴 보고서 내용을 정규화한 JSON의 해시: 파일이 실수로 바뀌지 않았다는 것만 보여 줍니다)",
                offline_only: "오프라인 전용 (AWS에서는 채점하지 않음)",
                trust_title: "스스로 낸 보고서입니다.",
                trust_text: "학습자의 awslab이 학습자의 진도 파일로 만들었습니다. 아래 SHA-256은 해시를 쓴 뒤로 \
                    파일이 실수로 바뀌지 않았다는 것만 보여 줍니다. 누구나 내용을 고치고 해시를 다시 계산할 수 \
                    있으므로, 무엇을 만들었는지의 증거는 아닙니다. 믿을 수 있는 채점은 학습자의 계정을 읽기 \
                    전용으로 확인하는 것입니다.",
                sources: "결과를 확인한 곳",
                account: "계정",
                solution: "참고 답안으로 폼을 채운 단계 (awslab run --solution)",
                revealed: "두 번 틀려 정답을 본 문제",
                none: "없음",
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
                integrity_note: "over the report's content as canonical JSON (below): it shows the file was not changed by accident, nothing more.",
                offline_only: "offline only, not graded on AWS",
                trust_title: "This report is self-reported.",
                trust_text: "The learner's own awslab wrote it from the learner's own progress file. The \
                    SHA-256 below shows only that the file was not changed by accident since the hash \
                    was written: anyone can edit the content and compute a new hash, so it is no \
                    evidence of what was built. A grade you can trust comes from checking the \
                    learner's account read-only.",
                sources: "Results checked in",
                account: "account",
                solution: "Steps whose form the reference solution filled (awslab run --solution)",
                revealed: "Questions whose answer was shown after two wrong tries",
                none: "none",
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
    sha256_hex(&canonical(&value))
}

fn sha256_hex(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
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

/// Ids as `<code>` items, or `none`.
fn list(ids: &[String], none: &str) -> String {
    if ids.is_empty() {
        return none.to_string();
    }
    ids.iter().map(|id| format!("<code>{}</code>", escape(id))).collect::<Vec<_>>().join(", ")
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
