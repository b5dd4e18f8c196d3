//! # awslab-desktop: the window
//!
//! Thin Tauri commands over `awslab-core`, and nothing else: each command turns its arguments
//! into a core call and the result into values the UI can read. The use cases, and their tests,
//! live in `awslab-core` (DESIGN.md §3), so they run without a window.
//!
//! ## Layout
//! - `commands`: one `#[tauri::command]` per use case the UI may call. Each must also be listed
//!   in `build.rs` and granted in `capabilities/default.json`.
//! - `ipc_error`: `IpcError`, the one error shape that crosses the IPC boundary, with its closed
//!   set of codes.
//!
//! Not here: lab parsing, catalog rules, AWS calls, progress storage.

mod commands;
mod ipc_error;

pub use ipc_error::{IpcError, IpcErrorCode};

/// Opens the main window (configured in `tauri.conf.json`) and serves the commands until it
/// closes.
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::list_labs])
        .run(tauri::generate_context!())
}
