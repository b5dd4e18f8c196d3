//! The home folder on the root volume: `ls`, `rm`, `touch` and `df -h` (`dd` is in `dd`).
//!
//! The root file system holds the operating system (about 1.5 GiB used on a fresh Amazon
//! Linux) plus the files the learner made; what is left is what `wget` and `dd` can write.

use super::{File, Output, Session};
use crate::services::ec2::catalog::OsFamily;
use crate::services::ec2::model::{Millis, datetime};

/// What a fresh Amazon Linux uses of its root file system.
fn base_used(os: OsFamily) -> u64 {
    match os {
        OsFamily::AmazonLinux2 => 1_652_000_000,
        OsFamily::AmazonLinux2023 => 1_598_000_000,
    }
}

/// The file system's size: the volume less what XFS keeps for itself.
fn fs_size(session: &Session<'_>) -> u64 {
    session.machine.disk_bytes.saturating_sub(44 * 1024 * 1024)
}

/// Blocks of 4 KiB a file takes.
pub(super) fn allocated(size: u64) -> u64 {
    size.div_ceil(4096) * 4096
}

fn used(session: &Session<'_>) -> u64 {
    base_used(session.machine.os)
        + session.shell.files.iter().map(|file| allocated(file.size)).sum::<u64>()
}

/// The bytes a new file may still take.
pub fn free_bytes(session: &Session<'_>) -> u64 {
    fs_size(session).saturating_sub(used(session))
}

/// `df -h`'s sizes: 1024-based, rounded up, one decimal below 10.
fn df_size(bytes: u64) -> String {
    if bytes == 0 {
        return "0".to_string();
    }
    let mut value = bytes as f64;
    let mut unit = "";
    for next in ["K", "M", "G", "T"] {
        if value < 1024.0 && !unit.is_empty() {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if value < 10.0 {
        format!("{:.1}{unit}", (value * 10.0).ceil() / 10.0)
    } else {
        format!("{:.0}{unit}", value.ceil())
    }
}

fn df_row(name: &str, size: u64, used: u64, mount: &str) -> String {
    let avail = size.saturating_sub(used);
    let percent = if size == 0 { 0 } else { (used * 100).div_ceil(used + avail) };
    format!(
        "{name:<15}{:>5} {:>5} {:>5} {:>3}% {mount}\n",
        df_size(size),
        df_size(used),
        df_size(avail),
        percent
    )
}

pub fn df(session: &mut Session<'_>, args: &[String]) -> Output {
    let human = args.iter().any(|arg| arg.starts_with('-') && arg.contains('h'));
    let memory = u64::from(session.machine.memory_mib) * 1024 * 1024;
    let tmpfs = memory * 47 / 100;
    let root_device = if session.machine.nitro { "/dev/nvme0n1p1" } else { "/dev/xvda1" };
    let mut rows = vec![("devtmpfs", 4 * 1024 * 1024, 0, "/dev")];
    match session.machine.os {
        OsFamily::AmazonLinux2 => {
            rows[0].1 = memory * 46 / 100;
            rows.push(("tmpfs", tmpfs, 0, "/dev/shm"));
            rows.push(("tmpfs", tmpfs, 475_136, "/run"));
            rows.push(("tmpfs", tmpfs, 0, "/sys/fs/cgroup"));
            rows.push((root_device, fs_size(session), used(session), "/"));
            rows.push(("tmpfs", memory / 10, 0, "/run/user/1000"));
        }
        OsFamily::AmazonLinux2023 => {
            rows.push(("tmpfs", tmpfs, 0, "/dev/shm"));
            rows.push(("tmpfs", memory * 19 / 100, 462_848, "/run"));
            rows.push((root_device, fs_size(session), used(session), "/"));
            rows.push(("tmpfs", tmpfs, 0, "/tmp"));
            rows.push(("tmpfs", memory * 95 / 1000, 0, "/run/user/1000"));
        }
    }
    let mut text = String::from("Filesystem      Size  Used Avail Use% Mounted on\n");
    if !human {
        text = String::from("Filesystem     1K-blocks    Used Available Use% Mounted on\n");
    }
    for (name, size, used, mount) in rows {
        if human {
            text.push_str(&df_row(name, size, used, mount));
        } else {
            let avail = size.saturating_sub(used);
            let percent = if size == 0 { 0 } else { (used * 100).div_ceil(used + avail) };
            text.push_str(&format!(
                "{name:<15}{:>9} {:>7} {:>9} {:>3}% {mount}\n",
                size / 1024,
                used / 1024,
                avail / 1024,
                percent
            ));
        }
    }
    Output::ok(text)
}

/// `Nov 22 11:02`, or `Jul 15  2020` for times more than six months away.
fn ls_time(at: Millis, now: Millis) -> String {
    let when = datetime(at);
    let month = &format!("{:?}", when.month())[..3];
    let six_months: Millis = 182 * 24 * 60 * 60 * 1000;
    if (now - at).abs() > six_months {
        format!("{month} {:>2}  {}", when.day(), when.year())
    } else {
        format!("{month} {:>2} {:02}:{:02}", when.day(), when.hour(), when.minute())
    }
}

pub fn ls(session: &mut Session<'_>, args: &[String]) -> Output {
    let flags: String = (args.iter())
        .filter(|arg| arg.starts_with('-') && arg.len() > 1)
        .flat_map(|arg| arg.chars().skip(1))
        .collect();
    let names: Vec<&String> = args.iter().filter(|arg| !arg.starts_with('-')).collect();
    if let Some(bad) = flags.chars().find(|flag| !"lah1".contains(*flag)) {
        return Output::fail(
            format!("ls: invalid option -- '{bad}'\nTry 'ls --help' for more information.\n"),
            2,
        );
    }
    let (long, human) = (flags.contains('l'), flags.contains('h'));
    let mut text = String::new();
    let mut status = 0;
    let mut shown: Vec<&File> = Vec::new();
    if names.is_empty() {
        shown = session.shell.files.iter().collect();
        shown.sort_by_key(|file| file.name.to_lowercase());
    } else {
        for name in names {
            let name = name.trim_start_matches("./");
            match session.shell.files.iter().find(|file| file.name == name) {
                Some(file) => shown.push(file),
                None => {
                    text.push_str(&format!(
                        "ls: cannot access '{name}': No such file or directory\n"
                    ));
                    status = 2;
                }
            }
        }
    }
    let hidden = flags.contains('a');
    if !long {
        let mut listed: Vec<String> = Vec::new();
        if hidden {
            listed.extend(
                [".", "..", ".bash_logout", ".bash_profile", ".bashrc", ".ssh"].map(String::from),
            );
        }
        listed.extend(shown.iter().map(|file| file.name.clone()));
        if !listed.is_empty() {
            let separator = if flags.contains('1') { "\n" } else { "  " };
            text.push_str(&listed.join(separator));
            text.push('\n');
        }
        return Output { output: text, exit_code: status };
    }
    // Long listings: the home folder's own entries first with `-a`, then the files.
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut blocks: u64 = shown.iter().map(|file| allocated(file.size) / 1024).sum();
    if hidden {
        blocks += 12;
        let shell_files = |name: &str, size: u64| {
            let at = (session.clock - session.clock.rem_euclid(86_400_000)) - 300 * 86_400_000;
            [
                "-rw-r--r-- 1".into(),
                "ec2-user ec2-user".into(),
                size.to_string(),
                ls_time(at, session.clock),
                name.into(),
            ]
        };
        let boot = ls_time(session.clock, session.clock);
        rows.push([
            "drwx------ 3".into(),
            "ec2-user ec2-user".into(),
            "95".into(),
            boot.clone(),
            ".".into(),
        ]);
        rows.push([
            "drwxr-xr-x 3".into(),
            "root     root    ".into(),
            "22".into(),
            boot.clone(),
            "..".into(),
        ]);
        rows.push(shell_files(".bash_logout", 18));
        rows.push(shell_files(".bash_profile", 193));
        rows.push(shell_files(".bashrc", 231));
        rows.push([
            "drwx------ 2".into(),
            "ec2-user ec2-user".into(),
            "29".into(),
            boot,
            ".ssh".into(),
        ]);
    }
    for file in &shown {
        rows.push([
            "-rw-rw-r-- 1".into(),
            "ec2-user ec2-user".into(),
            size_text(file.size, human),
            ls_time(file.modified, session.clock),
            file.name.clone(),
        ]);
    }
    let width = rows.iter().map(|row| row[2].len()).max().unwrap_or(1);
    let total = if human { df_size(blocks * 1024) } else { blocks.to_string() };
    text.push_str(&format!("total {total}\n"));
    for [mode, owners, size, time, name] in rows {
        text.push_str(&format!("{mode} {owners} {size:>width$} {time} {name}\n"));
    }
    Output { output: text, exit_code: status }
}

fn size_text(size: u64, human: bool) -> String {
    if human && size >= 1024 { df_size(size) } else { size.to_string() }
}

pub fn rm(session: &mut Session<'_>, args: &[String]) -> Output {
    let force = args.iter().any(|arg| arg.starts_with('-') && arg.contains('f'));
    let names: Vec<&String> = args.iter().filter(|arg| !arg.starts_with('-')).collect();
    if names.is_empty() {
        if force {
            return Output::ok("");
        }
        return Output::fail("rm: missing operand\nTry 'rm --help' for more information.\n", 1);
    }
    let mut text = String::new();
    let mut status = 0;
    for name in names {
        let name = name.trim_start_matches("./");
        let before = session.shell.files.len();
        session.shell.files.retain(|file| file.name != name);
        if session.shell.files.len() == before && !force {
            text.push_str(&format!("rm: cannot remove '{name}': No such file or directory\n"));
            status = 1;
        }
    }
    Output { output: text, exit_code: status }
}

pub fn touch(session: &mut Session<'_>, args: &[String]) -> Output {
    let names: Vec<&String> = args.iter().filter(|arg| !arg.starts_with('-')).collect();
    if names.is_empty() {
        return Output::fail(
            "touch: missing file operand\nTry 'touch --help' for more information.\n",
            1,
        );
    }
    let now = session.clock;
    for name in names {
        match session.shell.files.iter_mut().find(|file| file.name == *name) {
            Some(file) => file.modified = now,
            None => session.shell.files.push(File { name: name.clone(), size: 0, modified: now }),
        }
    }
    Output::ok("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_like_df() {
        assert_eq!(df_size(0), "0");
        assert_eq!(df_size(8 * 1024 * 1024 * 1024 - 44 * 1024 * 1024), "8.0G");
        assert_eq!(df_size(1_652_000_000), "1.6G");
        assert_eq!(df_size(475_136), "464K");
        assert_eq!(df_size(500 * 1024 * 1024), "500M");
    }
}
