// No console window on Windows release builds; harmless elsewhere.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = awslab_desktop::run() {
        eprintln!("awslab: the window could not start: {error}");
        std::process::exit(1);
    }
}
