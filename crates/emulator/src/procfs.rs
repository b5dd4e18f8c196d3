//! What Linux's `/proc` says about processes: parent, group, session and state (`stat`), and
//! start time. The temp folders use it to tell a running emulator from a pid that was given to
//! another process.
//!
//! Every reader answers `None` (or nothing) when the file cannot be read: the process ended,
//! belongs to someone else, or the system has no `/proc` (macOS), where callers fall back to
//! what process groups offer.

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
        assert!(parse_stat("4242 (truncated").is_none());
        assert!(parse_stat("").is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_started_in_the_past() {
        let started = started_at(std::process::id()).unwrap();
        assert!(started <= SystemTime::now() + Duration::from_secs(2));
    }
}
