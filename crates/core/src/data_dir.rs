//! Where awslab keeps its files: `$AWSLAB_DATA_DIR` if set and not empty, else the platform data
//! folder (`~/.local/share/awslab` on Linux, `~/Library/Application Support/dev.awslab.awslab`
//! on macOS, `%APPDATA%\awslab\awslab\data` on Windows). Progress and the emulator's state live
//! there.

use std::path::PathBuf;

/// The environment variable naming a folder to use instead of the platform's.
pub const DATA_DIR_ENV: &str = "AWSLAB_DATA_DIR";

/// The data folder, or `None` when the platform has none (no home folder).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(folder) = std::env::var_os(DATA_DIR_ENV).filter(|folder| !folder.is_empty()) {
        return Some(PathBuf::from(folder));
    }
    directories::ProjectDirs::from("dev", "awslab", "awslab")
        .map(|dirs| dirs.data_dir().to_path_buf())
}

/// The folder the offline emulator keeps its state in.
pub fn emulator_dir() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join("emulator"))
}
