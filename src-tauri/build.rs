//! Generates the Tauri context (config, icons, capabilities) and the permissions of the app's own
//! commands. Listing the commands in the app manifest means each one needs an explicit
//! `allow-<command>` in `capabilities/`: the UI can call nothing it was not granted. The
//! commands come from `src/command_list.rs`, the one list of them.

use tauri_build::{AppManifest, Attributes};

/// Takes the command names (the last part of each `module::command`) from the list.
macro_rules! app_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        pub const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}

#[path = "src/command_list.rs"]
mod command_list;

fn main() {
    println!("cargo::rerun-if-changed=src/command_list.rs");
    let attributes =
        Attributes::new().app_manifest(AppManifest::new().commands(command_list::COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; `{error:#}` keeps the whole cause chain.
        panic!("tauri-build failed: {error:#}");
    }
}
