//! The emulator's own temporary folders, in the system's temp folder (`TMPDIR`):
//! `awslab-<kind>-<pid>-<random>`, where `kind` is one of [`KINDS`] and `pid` is the emulator
//! process that made the folder.
//!
//! A folder is removed when its [`TempFolder`] is dropped, by force if a handler left read-only
//! folders inside it (a Python handler may `chmod` what it writes). A process that is killed
//! drops nothing, so the pid in the name lets the next emulator tell leftovers from folders in
//! use: [`remove_stale`], called at start, removes the folders of emulators that no longer run.
//!
//! Not here: the Lambda workers' own temp folders, which live inside the `lambda-runtime` folder
//! (see `services::lambda::runtime::sandbox`) and go with it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The kinds of folder the emulator makes, as they appear in the names.
pub const KINDS: &[&str] = &["lambda-runtime", "lambda-code", "lambda-task", "snapshots"];

/// A temporary folder of this emulator, removed (with everything in it) when dropped.
#[derive(Debug)]
pub struct TempFolder {
    path: PathBuf,
}

impl TempFolder {
    /// Makes `awslab-<kind>-<pid>-<random>` in the system's temp folder.
    pub fn create(kind: &str) -> io::Result<Self> {
        Self::create_in(&std::env::temp_dir(), kind)
    }

    fn create_in(parent: &Path, kind: &str) -> io::Result<Self> {
        debug_assert!(KINDS.contains(&kind), "{kind} is not a known kind of temp folder");
        let prefix = format!("awslab-{kind}-{}-", std::process::id());
        let folder = tempfile::Builder::new().prefix(&prefix).tempdir_in(parent)?;
        Ok(Self { path: folder.keep() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        if let Err(error) = remove_forcefully(&self.path) {
            eprintln!("awslab emulator: could not remove {}: {error}", self.path.display());
        }
    }
}

/// Removes a folder and everything in it, making folders inside writable first if that is what
/// stands in the way. Never follows a symbolic link out of the folder. A folder that is already
/// gone is not an error.
pub fn remove_forcefully(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(_) => {
            make_writable(path);
            match std::fs::remove_dir_all(path) {
                Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            }
        }
    }
}

/// Gives the owner full access to `path` and every folder under it (not through links).
fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(metadata) = std::fs::symlink_metadata(path) else { return };
    if !metadata.is_dir() {
        return;
    }
    let mode = metadata.permissions().mode() | 0o700;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
        make_writable(&entry.path());
    }
}

/// Removes the temp folders that emulators which no longer run left in the system's temp
/// folder (killed, or crashed); returns how many. Folders of running emulators, of other users,
/// and anything not named as ours are left alone.
pub fn remove_stale() -> usize {
    remove_stale_in(&std::env::temp_dir())
}

fn remove_stale_in(parent: &Path) -> usize {
    let own_pid = std::process::id();
    let mut removed = 0;
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else { continue };
        if pid == own_pid {
            continue;
        }
        let path = entry.path();
        let Ok(metadata) = std::fs::symlink_metadata(&path) else { continue };
        if !metadata.is_dir() || !owned_by_us(&metadata) {
            continue;
        }
        let changed = metadata.modified().unwrap_or_else(|_| SystemTime::now());
        if still_running(pid, changed) {
            continue;
        }
        match remove_forcefully(&path) {
            Ok(()) => removed += 1,
            Err(error) => {
                eprintln!("awslab emulator: could not remove {}: {error}", path.display())
            }
        }
    }
    removed
}

/// The pid in the name of one of our folders: `awslab-<kind>-<pid>-<random>`.
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("awslab-")?;
    let kind = KINDS
        .iter()
        .find(|kind| rest.strip_prefix(**kind).is_some_and(|after| after.starts_with('-')))?;
    let after = &rest[kind.len() + 1..];
    let (pid, random) = after.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok().filter(|pid| *pid > 0)
}

fn owned_by_us(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.uid() == rustix::process::getuid().as_raw()
}

/// Whether the emulator that last changed a folder at `changed` may still be running as `pid`:
/// a process with that pid exists, and (where the system says when it started) it started
/// before the folder last changed, so it is not a newer process that was given the same pid.
fn still_running(pid: u32, changed: SystemTime) -> bool {
    let Some(process) = rustix::process::Pid::from_raw(pid as i32) else { return false };
    match rustix::process::test_kill_process(process) {
        Ok(()) => {}
        // Someone else's process: alive, and not ours to judge.
        Err(rustix::io::Errno::PERM) => return true,
        Err(_) => return false,
    }
    match crate::procfs::started_at(pid) {
        // Start times are known to the second or so; only a clear "after" counts.
        Some(started) => started <= changed + Duration::from_secs(2),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_pid_of_the_emulator_that_made_them() {
        let parent = tempfile::tempdir().unwrap();
        let folder = TempFolder::create_in(parent.path(), "lambda-task").unwrap();
        let name = folder.path().file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with(&format!("awslab-lambda-task-{}-", std::process::id())), "{name}");
        assert_eq!(owner_pid(&name), Some(std::process::id()));
        assert_eq!(owner_pid("awslab-lambda-task-12-abc"), Some(12));
        assert_eq!(owner_pid("awslab-lambda-runtime-abc"), None, "an older name, with no pid");
        assert_eq!(owner_pid("awslab-lambda-runtimes-12-abc"), None);
        assert_eq!(owner_pid("awslab-snapshots-12-"), None);
        assert_eq!(owner_pid("other-12-abc"), None);
    }

    #[test]
    fn dropping_a_folder_removes_it_even_with_read_only_folders_inside() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let folder = TempFolder::create_in(parent.path(), "lambda-runtime").unwrap();
        let path = folder.path().to_path_buf();
        let locked = path.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("file"), "x").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
        drop(folder);
        assert!(!path.exists(), "{} is still there", path.display());
    }

    #[test]
    fn leftovers_of_emulators_that_are_gone_are_removed_and_nothing_else() {
        let parent = tempfile::tempdir().unwrap();
        // A process that has ended: its pid is free (or taken by a newer process).
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        ended.wait().unwrap();
        let gone = ended.id();
        let leftover = parent.path().join(format!("awslab-lambda-code-{gone}-x1"));
        std::fs::create_dir_all(leftover.join("inner")).unwrap();
        let ours = TempFolder::create_in(parent.path(), "snapshots").unwrap();
        // pid 1 runs, and started long before this folder was made.
        let running = parent.path().join("awslab-lambda-task-1-x2");
        std::fs::create_dir(&running).unwrap();
        let unrelated = parent.path().join(format!("something-{gone}-x3"));
        std::fs::create_dir(&unrelated).unwrap();

        assert_eq!(remove_stale_in(parent.path()), 1);
        assert!(!leftover.exists());
        assert!(ours.path().exists());
        assert!(running.exists());
        assert!(unrelated.exists());
    }
}
