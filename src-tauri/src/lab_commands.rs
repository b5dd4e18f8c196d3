//! The lab view's commands (open a lab, validate a form as the learner types, run or check a
//! step, reveal a hint, skip a step, reset the lab, clean it up, export its report, its score
//! chart) and the target switcher's and drawers' (the current target, switching, the AWS
//! profiles, the explorer, requests, the terminal, the mailbox, the alarm graphs). Each is an
//! adapter over one method of `awslab_core::session::Session`: arguments in, the use case, the
//! answer out.

use std::path::PathBuf;

use awslab_cloud::apigateway::HttpAnswer;
use awslab_cloud::cleanup::CleanupReport;
use awslab_cloud::emulator_control::{LinkAnswer, Mail, ShellAnswer};
use awslab_cloud::explorer::Explorer;
use awslab_cloud::profiles::AwsProfile;
use awslab_core::engine::{FieldProblem, FormValues};
use awslab_core::lab_view::OpenedLab;
use awslab_core::report::SavedReport;
use awslab_core::session::{AlarmGraph, Session};
use awslab_core::status::LabProgress;
use awslab_core::steps::StepOutcome;
use awslab_core::target::TargetView;
use awslab_lab::Localized;
use tauri::State;
use url::Url;

use crate::IpcError;

/// The scheme under which the app serves lab folders to the web view (`awslab-lab://localhost/
/// <lab>/images/x.svg`), so lesson images load without opening the file system to the page.
pub const LAB_SCHEME: &str = "awslab-lab";

/// `awslab-lab://localhost/<lab>/`: the base of a lab's relative links and images.
pub fn lab_base_url(lab_id: &str) -> Url {
    Url::parse(&format!("{LAB_SCHEME}://localhost/{lab_id}/")).expect("a lab id is a URL path")
}

/// The lab with its lesson HTML, forms and checks, and the learner's standing in it.
#[tauri::command]
pub async fn open_lab(lab_id: String, session: State<'_, Session>) -> Result<OpenedLab, IpcError> {
    Ok(session.open_lab(&lab_id, &lab_base_url(&lab_id)).await?)
}

/// The problems of a form's values (empty when every field is valid); nothing is sent.
#[tauri::command]
pub async fn validate_form(
    lab_id: String,
    step_id: String,
    values: FormValues,
    session: State<'_, Session>,
) -> Result<Vec<FieldProblem>, IpcError> {
    Ok(session.validate_form(&lab_id, &step_id, &values)?)
}

/// Runs a step on the current target: validate, act, check; records the checks.
#[tauri::command]
pub async fn run_step(
    lab_id: String,
    step_id: String,
    values: FormValues,
    session: State<'_, Session>,
) -> Result<StepOutcome, IpcError> {
    Ok(session.run_step(&lab_id, &step_id, &values).await?)
}

/// Runs a step's checks only, on the current target; records them.
#[tauri::command]
pub async fn check_step(
    lab_id: String,
    step_id: String,
    values: FormValues,
    session: State<'_, Session>,
) -> Result<StepOutcome, IpcError> {
    Ok(session.check_step(&lab_id, &step_id, &values).await?)
}

/// Reveals the step's next hint (counted in the progress); the standing says how many show.
#[tauri::command]
pub async fn reveal_hint(
    lab_id: String,
    step_id: String,
    session: State<'_, Session>,
) -> Result<LabProgress, IpcError> {
    Ok(session.reveal_hint(&lab_id, &step_id).await?)
}

/// Skips a step: recorded as skipped, never as passed.
#[tauri::command]
pub async fn skip_step(
    lab_id: String,
    step_id: String,
    session: State<'_, Session>,
) -> Result<LabProgress, IpcError> {
    Ok(session.skip_step(&lab_id, &step_id).await?)
}

/// Starts the lab over: its resources on the target go, then its progress.
#[tauri::command]
pub async fn reset_lab(
    lab_id: String,
    session: State<'_, Session>,
) -> Result<LabProgress, IpcError> {
    Ok(session.reset_lab(&lab_id).await?)
}

/// Deletes what the lab created on the current target and proves nothing of it is left.
#[tauri::command]
pub async fn clean_up_lab(
    lab_id: String,
    session: State<'_, Session>,
) -> Result<CleanupReport, IpcError> {
    Ok(session.clean_up_lab(&lab_id).await?)
}

/// Writes the lab's grading report to `path` (chosen by the learner in a save dialog): a
/// self-contained HTML page for `.html`, the same content as JSON for `.json`.
#[tauri::command]
pub async fn export_report(
    lab_id: String,
    path: PathBuf,
    lang: String,
    session: State<'_, Session>,
) -> Result<SavedReport, IpcError> {
    Ok(session.export_report(&lab_id, &path, &lang).await?)
}

/// The lab's score over time as an SVG chart; `null` before the first check.
#[tauri::command]
pub async fn score_chart(
    lab_id: String,
    lang: String,
    session: State<'_, Session>,
) -> Result<Option<String>, IpcError> {
    Ok(session.score_chart(&lab_id, &lang).await?)
}

/// What the step, check or clean-up under way waits for now ("waiting for addCustomer to become
/// Active… 3 s"); `None` when nothing long is under way. The window asks while it waits.
#[tauri::command]
pub fn progress_note(session: State<'_, Session>) -> Option<Localized> {
    session.progress_note()
}

/// The current target and who it says we are.
#[tauri::command]
pub async fn current_target(session: State<'_, Session>) -> Result<TargetView, IpcError> {
    Ok(session.current_target().await?)
}

/// Switches to the offline emulator (`aws: false`) or to AWS with a profile and region.
#[tauri::command]
pub async fn switch_target(
    aws: bool,
    profile: Option<String>,
    region: Option<String>,
    session: State<'_, Session>,
) -> Result<TargetView, IpcError> {
    Ok(session.switch_target(aws, profile, region).await?)
}

/// The profiles of the learner's AWS configuration (names and regions only).
#[tauri::command]
pub async fn aws_profiles(session: State<'_, Session>) -> Result<Vec<AwsProfile>, IpcError> {
    Ok(session.aws_profiles().await?)
}

/// What exists on the current target for the lab (its tagged resources, described).
#[tauri::command]
pub async fn explore_lab(
    lab_id: String,
    session: State<'_, Session>,
) -> Result<Explorer, IpcError> {
    Ok(session.explore_lab(&lab_id).await?)
}

/// Sends one request to a URL on the current target (an invoke URL from the explorer).
#[tauri::command]
pub async fn send_request(
    method: String,
    url: String,
    body: Option<String>,
    session: State<'_, Session>,
) -> Result<HttpAnswer, IpcError> {
    Ok(session.send_request(&method, &url, body.as_deref()).await?)
}

/// Runs one command line in the simulated instance's shell (offline emulator only).
#[tauri::command]
pub async fn instance_shell(
    instance_id: String,
    command: String,
    session: State<'_, Session>,
) -> Result<ShellAnswer, IpcError> {
    Ok(session.instance_shell(&instance_id, &command).await?)
}

/// The e-mails SNS delivered in the offline emulator, oldest first.
#[tauri::command]
pub async fn mailbox(session: State<'_, Session>) -> Result<Vec<Mail>, IpcError> {
    Ok(session.mailbox().await?)
}

/// Follows a link from an e-mail in the mailbox (only links to the emulator).
#[tauri::command]
pub async fn follow_mail_link(
    url: String,
    session: State<'_, Session>,
) -> Result<LinkAnswer, IpcError> {
    Ok(session.follow_mail_link(&url).await?)
}

/// The lab's EC2 instances on the current target (for the terminal).
#[tauri::command]
pub async fn lab_instances(
    lab_id: String,
    session: State<'_, Session>,
) -> Result<Vec<String>, IpcError> {
    Ok(session.lab_instances(&lab_id).await?)
}

/// The graphs of the lab's CloudWatch alarms: datapoints, threshold, state bands.
#[tauri::command]
pub async fn alarm_graphs(
    lab_id: String,
    session: State<'_, Session>,
) -> Result<Vec<AlarmGraph>, IpcError> {
    Ok(session.alarm_graphs(&lab_id).await?)
}
