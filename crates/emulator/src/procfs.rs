//! What Linux's `/proc` says about processes: parent, group, session and state (`stat`), start
//! time, environment, and memory (`statm`, `status`, `smaps_rollup`). The Lambda sandboxes use
//! it to find a worker's processes and measure them; the temp folders to tell a running
//! emulator from a pid that was given to another process.
//!
//! Every reader answers `None` (or nothing) when the file cannot be read: the process ended,
//! belongs to someone else, or the system has no `/proc` (macOS), where callers fall back to
//! what process groups offer.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// One line of `/proc/<pid>/stat`, the fields we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessStat {
    pub pid: u32,
    /// `R`, `S`, `D`, `T`, `Z` (a zombie: ended, waiting for its parent), `X`…
    pub state: char,
    pub ppid: u32,
    pub pgid: u32,
    pub sid: u32,
    /// Clock ticks after boot.
    pub start_ticks: u64,
}

impl ProcessStat {
    /// Whether the process has ended (a zombie or dead): nothing to signal any more.
    pub fn ended(&self) -> bool {
        matches!(self.state, 'Z' | 'X' | 'x')
    }
}

/// Parses `/proc/<pid>/stat`. The command name is in parentheses and may itself hold spaces
/// and parentheses, so fields are counted from the last `)`.
pub fn parse_stat(text: &str) -> Option<ProcessStat> {
    let (head, tail) = text.rsplit_once(')')?;
    let pid = head.split_once(" (")?.0.trim().parse().ok()?;
    let fields: Vec<&str> = tail.split_whitespace().collect();
    let field = |index: usize| fields.get(index).and_then(|value| value.parse().ok());
    Some(ProcessStat {
        pid,
        state: fields.first()?.chars().next()?,
        ppid: field(1)?,
        pgid: field(2)?,
        sid: field(3)?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

pub fn stat(pid: u32) -> Option<ProcessStat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Every process the system lists now. A process that ends while the list is read is left out.
/// This reads one file per process (about 15 µs each, most of it the kernel's): callers that
/// sample often do it every few samples, not each time.
pub fn processes() -> Vec<ProcessStat> {
    (std::fs::read_dir("/proc").into_iter().flatten().flatten())
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(stat)
        .collect()
}

/// The uid that owns a process.
pub fn owner(pid: u32) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}")).ok().map(|metadata| metadata.uid())
}

/// Whether the environment a process started with holds `entry` (`NAME=value`) exactly.
pub fn environment_holds(pid: u32, entry: &[u8]) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|environ| environ.split(|byte| *byte == 0).any(|item| item == entry))
}

/// When a process started, as the wall clock tells it.
pub fn started_at(pid: u32) -> Option<SystemTime> {
    let ticks = stat(pid)?.start_ticks;
    let boot = boot_time()?;
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Some(boot + Duration::from_millis(ticks.saturating_mul(1000) / per_second))
}

fn boot_time() -> Option<SystemTime> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let seconds: u64 =
        text.lines().find_map(|line| line.strip_prefix("btime "))?.trim().parse().ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The resident memory of a process, in bytes (`statm`'s second field, in pages).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages.saturating_mul(rustix::param::page_size() as u64))
}

/// The proportional set size of a process, in bytes: its private pages plus its share of the
/// pages it shares with others (a forked child's copy-on-write pages count half in each).
/// Summed over processes, it counts every page once, as a memory cgroup does.
pub fn proportional_bytes(pid: u32) -> Option<u64> {
    kib_field(format!("/proc/{pid}/smaps_rollup"), "Pss:")
}

/// The peak resident memory of a process over its life, in bytes (`VmHWM`).
pub fn peak_resident_bytes(pid: u32) -> Option<u64> {
    kib_field(format!("/proc/{pid}/status"), "VmHWM:")
}

fn kib_field(path: impl AsRef<Path>, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let kib: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix(name))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_from_the_last_parenthesis() {
        let line = "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 \
                    1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        let stat = parse_stat(line).unwrap();
        assert_eq!(
            stat,
            ProcessStat {
                pid: 4242,
                state: 'S',
                ppid: 17,
                pgid: 4242,
                sid: 4242,
                start_ticks: 987654
            }
        );
        assert!(!stat.ended());
        assert!(parse_stat("4242 (truncated").is_none());
        assert!(parse_stat("").is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_listed_with_its_memory_and_start() {
        let pid = std::process::id();
        assert!(processes().iter().any(|stat| stat.pid == pid), "this process is in the list");
        assert_eq!(owner(pid), Some(rustix::process::getuid().as_raw()));
        assert!(resident_bytes(pid).unwrap() > 0);
        assert!(peak_resident_bytes(pid).unwrap() >= resident_bytes(pid).unwrap() / 2);
        let started = started_at(pid).unwrap();
        assert!(started <= SystemTime::now() + Duration::from_secs(2));
        assert!(!environment_holds(pid, b"AWSLAB_NO_SUCH_VARIABLE=1"));
    }
}
