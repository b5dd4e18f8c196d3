//! Generates the Tauri context (config, icons, capabilities) and the permissions of the app's own
//! commands. Listing the commands in the app manifest means each one needs an explicit
//! `allow-<command>` in `capabilities/`: the UI can call nothing it was not granted.

use tauri_build::{AppManifest, Attributes};

fn main() {
    let attributes = Attributes::new().app_manifest(AppManifest::new().commands(&[
        "list_labs",
        "emulator_status",
        "open_lab",
        "validate_form",
        "run_step",
        "check_step",
        "reveal_hint",
        "skip_step",
        "reset_lab",
        "current_target",
        "switch_target",
        "aws_profiles",
        "clean_up_lab",
        "export_report",
        "score_chart",
        "explore_lab",
        "send_request",
        "instance_shell",
        "mailbox",
        "follow_mail_link",
        "lab_instances",
        "alarm_graphs",
    ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; `{error:#}` keeps the whole cause chain.
        panic!("tauri-build failed: {error:#}");
    }
}
