//! The lab view's commands: open a lab, validate a form as the learner types, run or check a
//! step, reveal a hint, skip a step, reset the lab; and the target switcher's: the current
//! target, switching, the AWS profiles, cleaning a lab up. Each is a thin adapter over
//! `awslab_core::engine`; results are recorded as progress before they are returned, so what
//! the window shows is what a restart will show.
//!
//! The progress store's lock is a std mutex: it is taken only after the target answered, never
//! across an `await`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use awslab_cloud::Target;
use awslab_cloud::apigateway::HttpAnswer;
use awslab_cloud::cleanup::CleanupReport;
use awslab_cloud::emulator_control::{LinkAnswer, Mail, ShellAnswer};
use awslab_cloud::explorer::Explorer;
use awslab_cloud::profiles::AwsProfile;
use awslab_core::charts;
use awslab_core::engine::{self, FieldProblem, FormValues, StepRun};
use awslab_core::lab_view::{self, OpenedLab};
use awslab_core::offline::OfflineEmulator;
use awslab_core::status::{self, LabProgress};
use awslab_lab::{Lang, Localized};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use url::Url;

use crate::progress_slot::ProgressSlot;
use crate::workbench::{self, LAB_SCHEME, TargetView, Workbench};
use crate::{IpcError, IpcErrorCode};

/// What running or checking a step did, and the standing after it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepOutcome {
    pub run: StepRun,
    pub progress: LabProgress,
    /// Charts of what the checks saw (a canary's traffic split), in both languages.
    pub charts: Vec<CheckChart>,
}

/// An SVG chart of one check's observation.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CheckChart {
    pub check_id: String,
    pub svg: Localized,
}

/// The charts of a run's checks: a bar per answer for each traffic-split check.
fn check_charts(run: &StepRun) -> Vec<CheckChart> {
    run.checks
        .iter()
        .filter(|check| check.kind == awslab_lab::CheckKind::HttpTrafficSplit)
        .filter_map(|check| {
            let requests = check.observed["Requests"].as_u64()?;
            let shares: Vec<(String, f64)> = check.observed["Shares"]
                .as_object()?
                .iter()
                .filter_map(|(answer, share)| Some((answer.clone(), share.as_f64()?)))
                .collect();
            Some(CheckChart {
                check_id: check.id.clone(),
                svg: Localized {
                    ko: charts::traffic_split_svg(&shares, requests, Lang::Ko)?,
                    en: charts::traffic_split_svg(&shares, requests, Lang::En)?,
                },
            })
        })
        .collect()
}

/// The lab's score over time as an SVG chart; `null` before the first check.
#[tauri::command]
pub async fn score_chart(
    lab_id: String,
    lang: String,
    workbench: State<'_, Workbench>,
    progress: State<'_, ProgressSlot>,
) -> Result<Option<String>, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let lang: Lang = lang.parse().map_err(export_failed)?;
    let history = progress.with_store(|store, _| charts::score_history(&lab, store))??;
    Ok(charts::score_chart_svg(&history, lang))
}

/// The lab with its lesson HTML, forms and checks, and the learner's standing in it.
#[tauri::command]
pub async fn open_lab(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
    progress: State<'_, ProgressSlot>,
) -> Result<OpenedLab, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let base = lab_base_url(&lab.id);
    // Commands in the lessons show the learner's own account, region and ids when the target
    // answers; otherwise readable stand-ins (`<account>`), and the lab opens all the same.
    let context = match workbench.connection(&offline).await {
        Ok(connection) => {
            lab_view::lesson_context(&connection.clients, &connection.identity, &lab).await
        }
        Err(_) => lab_view::LessonContext::default(),
    };
    Ok(progress.with_store(|store, _| lab_view::open_lab(&lab, &base, &context, store))??)
}

/// The problems of a form's values (empty when every field is valid); nothing is sent.
#[tauri::command]
pub async fn validate_form(
    lab_id: String,
    step_id: String,
    values: FormValues,
    workbench: State<'_, Workbench>,
) -> Result<Vec<FieldProblem>, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let step = workbench::step(&lab, &step_id)?;
    Ok(engine::validate(step, &values))
}

/// Runs a step on the current target: validate, act, check; records the checks.
#[tauri::command]
pub async fn run_step(
    lab_id: String,
    step_id: String,
    values: FormValues,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
    progress: State<'_, ProgressSlot>,
) -> Result<StepOutcome, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let step = workbench::step(&lab, &step_id)?;
    let connection = workbench.connection(&offline).await?;
    let run =
        engine::run_step(&connection.clients, &connection.identity, &lab, step, &values).await;
    record(&progress, &connection.clients, &lab, run)
}

/// Records what a Run or Check did (its checks, unless nothing was sent; what it created, for
/// the ledger) and answers it with the standing after it.
fn record(
    progress: &ProgressSlot,
    clients: &awslab_cloud::Clients,
    lab: &awslab_lab::Lab,
    run: StepRun,
) -> Result<StepOutcome, IpcError> {
    let kind = engine::target_kind(clients);
    progress.with_store(|store, _| {
        if run.field_problems.is_empty() && run.failure.is_none() {
            engine::record_checks(store, lab, &run.step_id, &run.checks, kind, now_ms())?;
        }
        engine::record_created(store, clients, lab, &run, now_ms())?;
        Ok::<_, IpcError>(StepOutcome {
            progress: status::lab_progress(lab, store)?,
            charts: check_charts(&run),
            run,
        })
    })?
}

/// Runs a step's checks only, on the current target; records them.
#[tauri::command]
pub async fn check_step(
    lab_id: String,
    step_id: String,
    values: FormValues,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
    progress: State<'_, ProgressSlot>,
) -> Result<StepOutcome, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let step = workbench::step(&lab, &step_id)?;
    let connection = workbench.connection(&offline).await?;
    let checks =
        engine::check_step(&connection.clients, &connection.identity, &lab, step, &values).await;
    let run = StepRun {
        step_id: step.id.clone(),
        field_problems: Vec::new(),
        action: None,
        failure: None,
        checks,
    };
    record(&progress, &connection.clients, &lab, run)
}

/// Reveals the step's next hint (counted in the progress); the standing says how many show.
#[tauri::command]
pub async fn reveal_hint(
    lab_id: String,
    step_id: String,
    workbench: State<'_, Workbench>,
    progress: State<'_, ProgressSlot>,
) -> Result<LabProgress, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let step = workbench::step(&lab, &step_id)?;
    Ok(progress.with_store(|store, _| {
        engine::next_hint(store, &lab, step)?;
        status::lab_progress(&lab, store)
    })??)
}

/// Skips a step: recorded as skipped, never as passed.
#[tauri::command]
pub async fn skip_step(
    lab_id: String,
    step_id: String,
    workbench: State<'_, Workbench>,
    progress: State<'_, ProgressSlot>,
) -> Result<LabProgress, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let step = workbench::step(&lab, &step_id)?;
    Ok(progress.with_store(|store, _| {
        engine::skip_step(store, &lab, step, now_ms())?;
        status::lab_progress(&lab, store)
    })??)
}

/// Starts the lab over: its resources on the target go, then its progress.
#[tauri::command]
pub async fn reset_lab(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
    progress: State<'_, ProgressSlot>,
) -> Result<LabProgress, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let connection = workbench.connection(&offline).await?;
    // The reset awaits the target while it reads the ledger and clears the progress, so it
    // works on a connection of its own to the same progress file rather than holding the
    // shared one's lock across those awaits.
    let mut store = progress.open_another()?;
    engine::reset_lab(&connection.clients, &mut store, &lab).await.map_err(|error| IpcError {
        code: IpcErrorCode::ResetFailed,
        message: error.to_string(),
    })?;
    Ok(status::lab_progress(&lab, &store)?)
}

/// `awslab-lab://localhost/<lab>/`: the base of a lab's relative links and images.
pub fn lab_base_url(lab_id: &str) -> Url {
    Url::parse(&format!("{LAB_SCHEME}://localhost/{lab_id}/")).expect("a lab id is a URL path")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The current target and who it says we are (the offline emulator unless the learner chose
/// AWS).
#[tauri::command]
pub async fn current_target(
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<TargetView, IpcError> {
    workbench.target(&offline).await
}

/// Switches to the offline emulator (`aws: false`) or to AWS with a profile and region.
#[tauri::command]
pub async fn switch_target(
    aws: bool,
    profile: Option<String>,
    region: Option<String>,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<TargetView, IpcError> {
    let target = match (aws, region) {
        (false, _) => None,
        (true, Some(region)) if !region.trim().is_empty() => {
            Some(Target::Aws { profile: profile.filter(|p| !p.is_empty()), region })
        }
        (true, _) => {
            return Err(IpcError {
                code: IpcErrorCode::TargetUnavailable,
                message: "choose a region for AWS (the labs are written for ap-northeast-2)".into(),
            });
        }
    };
    workbench.switch(target, &offline).await
}

/// The profiles of the learner's AWS configuration (names and regions only).
#[tauri::command]
pub async fn aws_profiles() -> Result<Vec<AwsProfile>, IpcError> {
    awslab_cloud::profiles::aws_profiles()
        .await
        .map_err(|message| IpcError { code: IpcErrorCode::TargetUnavailable, message })
}

/// Deletes what the lab created on the current target (its ledger and tagged resources, in
/// dependency order) and proves nothing of it is left; touches nothing else.
#[tauri::command]
pub async fn clean_up_lab(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
    progress: State<'_, ProgressSlot>,
) -> Result<CleanupReport, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let connection = workbench.connection(&offline).await?;
    let mut store = progress.open_another()?;
    Ok(engine::clean_up(&connection.clients, &mut store, &lab).await?)
}

/// Where a report was saved, and the integrity hash it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedReport {
    pub path: String,
    pub sha256: String,
}

/// Writes the lab's grading report to `path` (chosen by the learner in a save dialog): a
/// self-contained HTML page for `.html`, the same content as JSON for `.json`.
#[tauri::command]
pub async fn export_report(
    lab_id: String,
    path: std::path::PathBuf,
    lang: String,
    workbench: State<'_, Workbench>,
    progress: State<'_, ProgressSlot>,
) -> Result<SavedReport, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let lang: Lang = lang.parse().map_err(export_failed)?;
    progress.with_store(|store, _| save_report(&lab, store, &path, lang, now_ms()))?
}

/// Builds the report from the store and writes it to `path` (`.html` or `.json`).
fn save_report(
    lab: &awslab_lab::Lab,
    store: &awslab_core::progress::ProgressStore,
    path: &std::path::Path,
    lang: Lang,
    at_ms: i64,
) -> Result<SavedReport, IpcError> {
    let html = match path.extension().and_then(|ext| ext.to_str()).map(str::to_ascii_lowercase) {
        Some(ext) if ext == "html" || ext == "htm" => true,
        Some(ext) if ext == "json" => false,
        _ => {
            return Err(export_failed(format!(
                "a report is saved as .html or .json, not {}",
                path.display()
            )));
        }
    };
    let report = awslab_core::report::Report::build(lab, store, lang, at_ms)?;
    let text = if html { report.to_html() } else { report.to_json() };
    std::fs::write(path, text)
        .map_err(|error| export_failed(format!("cannot write {}: {error}", path.display())))?;
    Ok(SavedReport { path: path.display().to_string(), sha256: report.sha256 })
}

fn export_failed(message: String) -> IpcError {
    IpcError { code: IpcErrorCode::ExportFailed, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awslab_core::progress::ProgressStore;

    fn serverless_api() -> awslab_lab::Lab {
        let labs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../labs");
        let catalog = awslab_core::catalog::load_catalog(&labs).expect("the labs load");
        catalog.lab("serverless-api").expect("serverless-api").clone()
    }

    #[test]
    fn saves_the_report_as_html_or_json_by_extension_with_its_hash() {
        let lab = serverless_api();
        let store = ProgressStore::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();

        let html = save_report(&lab, &store, &dir.path().join("r.html"), Lang::En, 1).unwrap();
        let page = std::fs::read_to_string(&html.path).unwrap();
        assert!(
            page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"),
            "{page:.80}"
        );
        assert!(page.contains(&html.sha256));

        let json = save_report(&lab, &store, &dir.path().join("r.JSON"), Lang::Ko, 1).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json.path).unwrap()).unwrap();
        assert_eq!(value["sha256"], serde_json::json!(json.sha256));
    }

    #[test]
    fn refuses_other_extensions_and_names_an_unwritable_path() {
        let lab = serverless_api();
        let store = ProgressStore::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();

        let wrong = save_report(&lab, &store, &dir.path().join("r.pdf"), Lang::En, 1).unwrap_err();
        assert_eq!(wrong.code, IpcErrorCode::ExportFailed);
        assert!(wrong.message.contains(".html or .json"), "{}", wrong.message);

        let nowhere = dir.path().join("missing-folder/r.html");
        let error = save_report(&lab, &store, &nowhere, Lang::En, 1).unwrap_err();
        assert_eq!(error.code, IpcErrorCode::ExportFailed);
        assert!(error.message.contains("missing-folder"), "{}", error.message);
    }
}

/// What exists on the current target for the lab (its tagged resources, described).
#[tauri::command]
pub async fn explore_lab(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<Explorer, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::explorer::explore(&connection.clients, &lab.id).await.map_err(target_failed)
}

/// Sends one request to a URL on the current target (an invoke URL from the explorer).
#[tauri::command]
pub async fn send_request(
    method: String,
    url: String,
    body: Option<String>,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<HttpAnswer, IpcError> {
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::explorer::send_request(&connection.clients, &method, &url, body.as_deref())
        .await
        .map_err(target_failed)
}

/// A target's refusal as the UI shows it: AWS's code and message, and what it means.
fn target_failed(failure: awslab_cloud::Failure) -> IpcError {
    IpcError {
        code: IpcErrorCode::TargetUnavailable,
        message: format!("{}: {}\n{}", failure.code, failure.message, failure.explanation.en),
    }
}

/// Runs one command line in the simulated instance's shell (offline emulator only).
#[tauri::command]
pub async fn instance_shell(
    instance_id: String,
    command: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<ShellAnswer, IpcError> {
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::emulator_control::shell(&connection.clients, &instance_id, &command)
        .await
        .map_err(target_failed)
}

/// The e-mails SNS delivered in the offline emulator, oldest first.
#[tauri::command]
pub async fn mailbox(
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<Vec<Mail>, IpcError> {
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::emulator_control::mailbox(&connection.clients).await.map_err(target_failed)
}

/// Follows a link from an e-mail in the mailbox (only links to the emulator).
#[tauri::command]
pub async fn follow_mail_link(
    url: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<LinkAnswer, IpcError> {
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::emulator_control::follow_link(&connection.clients, &url)
        .await
        .map_err(target_failed)
}

/// The lab's EC2 instances on the current target (for the terminal).
#[tauri::command]
pub async fn lab_instances(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<Vec<String>, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let connection = workbench.connection(&offline).await?;
    awslab_cloud::emulator_control::lab_instances(&connection.clients, &lab.id)
        .await
        .map_err(target_failed)
}

/// One alarm's graph, as the console draws it, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlarmGraph {
    pub alarm_name: String,
    /// The alarm's state now (its last one in the history).
    pub state: String,
    pub svg: Localized,
}

/// The graphs of the lab's CloudWatch alarms: datapoints, threshold, state bands.
#[tauri::command]
pub async fn alarm_graphs(
    lab_id: String,
    workbench: State<'_, Workbench>,
    offline: State<'_, Arc<OfflineEmulator>>,
) -> Result<Vec<AlarmGraph>, IpcError> {
    let lab = workbench.lab(&lab_id)?;
    let connection = workbench.connection(&offline).await?;
    let graphs = awslab_cloud::alarm_graph::lab_alarm_graphs(&connection.clients, &lab.id)
        .await
        .map_err(target_failed)?;
    Ok(graphs
        .into_iter()
        .filter_map(|data| {
            let graph = charts::AlarmGraph {
                title: data.title,
                points: data.points,
                threshold: data.threshold,
                states: data.states,
                from_ms: data.from_ms,
                to_ms: data.to_ms,
            };
            Some(AlarmGraph {
                state: graph.states.last().map(|(_, state)| state.clone()).unwrap_or_default(),
                svg: Localized {
                    ko: charts::alarm_chart_svg(&graph, Lang::Ko)?,
                    en: charts::alarm_chart_svg(&graph, Lang::En)?,
                },
                alarm_name: data.alarm_name,
            })
        })
        .collect())
}
