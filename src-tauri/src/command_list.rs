//! Every command the UI may call, listed once, as `module::command`. This list is the source of
//! the others:
//! - `build.rs` reads it for the app manifest, which makes Tauri generate an `allow-<command>`
//!   permission for each;
//! - the crate reads it for `generate_handler!` and for [`COMMANDS`];
//! - `ui/src/lib/bindings/CommandName.ts` is generated from [`COMMANDS`], so the UI's `invoke`
//!   wrappers can name only these commands and must wrap every one (`npm run ui:check`);
//! - a test checks that `capabilities/default.json` grants exactly these.
//!
//! The macro `app_commands!` is defined by whoever includes this file (the crate root and
//! `build.rs`), so each takes from the one list what it needs.

app_commands! {
    commands::list_labs,
    commands::emulator_status,
    lab_commands::open_lab,
    lab_commands::validate_form,
    lab_commands::run_step,
    lab_commands::check_step,
    lab_commands::reveal_hint,
    lab_commands::skip_step,
    lab_commands::reset_lab,
    lab_commands::current_target,
    lab_commands::switch_target,
    lab_commands::aws_profiles,
    lab_commands::clean_up_lab,
    lab_commands::export_report,
    lab_commands::score_chart,
    lab_commands::explore_lab,
    lab_commands::send_request,
    lab_commands::instance_shell,
    lab_commands::mailbox,
    lab_commands::follow_mail_link,
    lab_commands::lab_instances,
    lab_commands::alarm_graphs,
    lab_commands::progress_note,
}
