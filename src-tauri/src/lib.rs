//! # awslab-desktop: the window
//!
//! Thin Tauri commands over `awslab-core`, and nothing else: each command turns its arguments
//! into a core call and the result into values the UI can read. The use cases, and their tests,
//! live in `awslab-core` (DESIGN.md §3), so they run without a window.
//!
//! ## Layout
//! - `commands`: the catalog's commands; `lab_commands`: the lab view's, the target switcher's
//!   and the drawers'. One `#[tauri::command]` per use case the UI may call, each a few lines
//!   over a method of `awslab_core::session::Session` (managed state).
//! - `command_list`: every command, listed once; the handler, the permissions (`build.rs`), the
//!   UI's command names and the capability check all come from it. A new command is added
//!   there and granted in `capabilities/default.json`.
//! - `lab_scheme`: the `awslab-lab://` scheme that serves lesson images.
//! - `ipc_error`: `IpcError`, the one error shape that crosses the IPC boundary, with its closed
//!   set of codes.
//! - `bindings`: the TypeScript types generated from the Rust types that cross IPC, and the test
//!   that fails when the committed ones are stale.
//!
//! At launch the app starts the offline emulator (`awslab_core::offline`) in Tauri's async
//! runtime; the window opens at once and asks `emulator_status` how it went.
//!
//! Not here: lab parsing, catalog rules, AWS calls, progress storage.

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod capabilities;
mod commands;
mod ipc_error;
mod lab_commands;
mod lab_scheme;

/// Expands the one list of commands into the handler Tauri dispatches `invoke` with, and the
/// list of their names.
macro_rules! app_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// The name of every command, as the UI's `invoke` names it.
        #[cfg_attr(not(test), allow(dead_code))]
        pub const COMMANDS: &[&str] = &[$(stringify!($command)),*];

        /// Dispatches an `invoke` to its command.
        pub fn handler<R: tauri::Runtime>()
        -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(crate::$module::$command),*]
        }
    };
}

mod command_list;

use std::sync::Arc;

use awslab_core::clock::{Clock, SystemClock};
use awslab_core::offline::{EmulatorStatus, OfflineEmulator, OfflineOptions};
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::session::Session;

pub use ipc_error::{IpcError, IpcErrorCode};

/// Opens the main window (configured in `tauri.conf.json`), starts the offline emulator, and
/// serves the commands until the window closes; then stops the emulator.
pub fn run() -> tauri::Result<()> {
    let offline = Arc::new(OfflineEmulator::new());
    let starting = Arc::clone(&offline);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let session = Session::new(
        awslab_core::catalog::default_labs_dir(),
        ProgressSlot::in_data_folder(Arc::clone(&clock)),
        Arc::clone(&offline),
        clock,
    );
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .register_uri_scheme_protocol(lab_commands::LAB_SCHEME, lab_scheme::serve)
        .setup(move |app| {
            // Asked to stop by a signal, the app exits as when its window closes: the emulator
            // is stopped (its handlers' processes killed, its temp folders removed) on the way.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Ok(signal) = awslab_core::offline::stop_signal().await {
                    eprintln!("awslab: {signal}: closing");
                    handle.exit(0);
                }
            });
            tauri::async_runtime::spawn(async move {
                match starting.start(OfflineOptions::from_environment()).await {
                    EmulatorStatus::Running { endpoint, warning, notices } => {
                        eprintln!("awslab: offline emulator running at {endpoint}");
                        if let Some(warning) = warning {
                            eprintln!("awslab: warning: {warning}");
                        }
                        for notice in notices {
                            eprintln!("awslab: warning: {notice}");
                        }
                    }
                    EmulatorStatus::Failed { message } => eprintln!("awslab: {message}"),
                    EmulatorStatus::Starting => {}
                }
            });
            Ok(())
        })
        .invoke_handler(command_list::handler())
        .build(tauri::generate_context!())?;
    app.run(move |_app, event| {
        if let tauri::RunEvent::Exit = event {
            // Let requests in flight finish and the emulator's state files close cleanly.
            tauri::async_runtime::block_on(offline.stop());
        }
    });
    Ok(())
}
