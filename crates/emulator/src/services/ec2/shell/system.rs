//! `free -m`, `uname -a`, `stress`, `sleep`, `date`, `hostname` and `help`.

use super::{Activity, Machine, Output, Session};
use crate::services::ec2::catalog::OsFamily;
use crate::services::ec2::model::{Millis, datetime};

pub const HELP: &str = "\
This is a simulated Amazon Linux shell: the offline emulator runs no real machine.
Commands it knows:
  wget URL...                      download (the lab's two files; other hosts do not resolve)
  ls [-l] [-a] [-h] [FILE...]      list the files in the home folder
  rm [-f] FILE...                  delete files
  touch FILE...                    make an empty file
  dd if=/dev/zero of=FILE bs=1M count=N
                                   write N blocks to the root volume
  df -h                            disk usage of the file systems
  free -m                          memory usage
  stress --cpu N --timeout Ns      keep N CPUs busy for N seconds
  sleep N                          wait N seconds
  uname -a, hostname, whoami, pwd, date, echo, clear, help
Each command takes simulated time; its effect shows in the instance's CloudWatch metrics
(CPUUtilization, NetworkIn/Out, and the volume's VolumeWriteBytes) once the 5-minute period ends.
";

/// `ip-172-31-37-173.ec2.internal` (us-east-1) or `….REGION.compute.internal`.
pub fn full_host_name(machine: &Machine) -> String {
    match machine.region.as_str() {
        "us-east-1" => format!("{}.ec2.internal", machine.host_name),
        region => format!("{}.{region}.compute.internal", machine.host_name),
    }
}

pub fn uname(session: &mut Session<'_>, args: &[String]) -> Output {
    let machine = session.machine;
    let arch = if machine.architecture == "arm64" { "aarch64" } else { "x86_64" };
    let (release, version) = match machine.os {
        OsFamily::AmazonLinux2 => {
            (format!("5.10.228-219.884.amzn2.{arch}"), "#1 SMP Wed Oct 23 17:17:00 UTC 2024")
        }
        OsFamily::AmazonLinux2023 => (
            format!("6.1.115-126.197.amzn2023.{arch}"),
            "#1 SMP PREEMPT_DYNAMIC Tue Nov  5 17:36:57 UTC 2024",
        ),
    };
    let all = args.iter().any(|arg| arg == "-a" || arg == "--all");
    if all {
        return Output::ok(format!(
            "Linux {} {release} {version} {arch} {arch} {arch} GNU/Linux\n",
            full_host_name(machine)
        ));
    }
    let mut parts = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-s" => parts.push("Linux".to_string()),
            "-n" => parts.push(full_host_name(machine)),
            "-r" => parts.push(release.clone()),
            "-m" | "-p" | "-i" => parts.push(arch.to_string()),
            "-o" => parts.push("GNU/Linux".to_string()),
            other => {
                return Output::fail(
                    format!(
                        "uname: invalid option -- '{}'\nTry 'uname --help' for more information.\n",
                        other.trim_start_matches('-')
                    ),
                    1,
                );
            }
        }
    }
    if parts.is_empty() {
        parts.push("Linux".to_string());
    }
    Output::ok(format!("{}\n", parts.join(" ")))
}

pub fn free(session: &mut Session<'_>, args: &[String]) -> Output {
    let divisor: u64 = if args.iter().any(|a| a == "-g") {
        1024 * 1024 * 1024
    } else if args.iter().any(|a| a == "-m") {
        1024 * 1024
    } else {
        1024
    };
    let machine = session.machine;
    let total = u64::from(machine.memory_mib) * 1024 * 1024 * 943 / 1000;
    let used = 82 * 1024 * 1024 + total / 40;
    // The page cache keeps what was written lately, until memory runs short.
    let written: u64 = session.shell.files.iter().map(|file| file.size).sum();
    let cache = (290 * 1024 * 1024 + written).min(total.saturating_sub(used + 64 * 1024 * 1024));
    let free = total.saturating_sub(used + cache);
    let available = free + cache * 85 / 100;
    let d = |value: u64| value / divisor;
    let text = match machine.os {
        OsFamily::AmazonLinux2 => format!(
            "              total        used        free      shared  buff/cache   available\n\
             Mem:{:>15}{:>12}{:>12}{:>12}{:>12}{:>12}\nSwap:{:>14}{:>12}{:>12}\n",
            d(total),
            d(used),
            d(free),
            0,
            d(cache),
            d(available),
            0,
            0,
            0
        ),
        OsFamily::AmazonLinux2023 => format!(
            "               total        used        free      shared  buff/cache   available\n\
             Mem:{:>16}{:>12}{:>12}{:>12}{:>12}{:>12}\nSwap:{:>15}{:>12}{:>12}\n",
            d(total),
            d(used),
            d(free),
            0,
            d(cache),
            d(available),
            0,
            0,
            0
        ),
    };
    Output::ok(text)
}

/// `60`, `60s`, `2m`, `1h`: a duration in seconds.
fn seconds(text: &str) -> Option<u64> {
    let (number, unit) = text.split_at(text.trim_end_matches(['s', 'm', 'h', 'd']).len());
    let number: u64 = number.parse().ok()?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// At most a day: a simulated command should not keep the shell busy for longer.
const LONGEST_SECONDS: u64 = 86_400;

pub fn stress(session: &mut Session<'_>, args: &[String]) -> Output {
    let mut cpus = 0u32;
    let mut timeout = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-c" | "--cpu" => cpus = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "-t" | "--timeout" => timeout = args.next().and_then(|t| seconds(t)),
            "-q" | "--quiet" | "-v" | "--verbose" => {}
            other => {
                return Output::fail(
                    format!(
                        "stress: FAIL: [{}] (244) unrecognized option: {other}\n",
                        session.next_pid()
                    ),
                    1,
                );
            }
        }
    }
    let pid = session.next_pid();
    if cpus == 0 {
        return Output::fail(
            format!("stress: FAIL: [{pid}] (373) no hogs given; try --cpu 1\n"),
            1,
        );
    }
    let Some(timeout) = timeout.filter(|t| (1..=LONGEST_SECONDS).contains(t)) else {
        return Output::fail(
            "stress: without --timeout it runs until Ctrl-C, which this simulated shell cannot \
             send; add --timeout 60s (at most a day)\n",
            1,
        );
    };
    let from = session.clock;
    session.clock += i64::try_from(timeout * 1000).unwrap_or(0);
    session.record(Activity {
        from,
        to: session.clock,
        cpu_cores: f64::from(cpus.min(session.machine.vcpus)),
        ..Activity::default()
    });
    Output::ok(format!(
        "stress: info: [{pid}] dispatching hogs: {cpus} cpu, 0 io, 0 vm, 0 hdd\n\
         stress: info: [{pid}] successful run completed in {timeout}s\n"
    ))
}

pub fn sleep(session: &mut Session<'_>, args: &[String]) -> Output {
    let Some(text) = args.first() else {
        return Output::fail(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n",
            1,
        );
    };
    match seconds(text).filter(|s| *s <= LONGEST_SECONDS) {
        Some(seconds) => {
            session.clock += i64::try_from(seconds * 1000).unwrap_or(0);
            Output::ok("")
        }
        None => Output::fail(
            format!(
                "sleep: invalid time interval '{text}'\nTry 'sleep --help' for more information.\n"
            ),
            1,
        ),
    }
}

/// `Sun Nov 22 11:02:03 UTC 2026`.
pub fn date(at: Millis) -> String {
    let at = datetime(at);
    let weekday = &format!("{:?}", at.weekday())[..3];
    let month = &format!("{:?}", at.month())[..3];
    format!(
        "{weekday} {month} {:>2} {:02}:{:02}:{:02} UTC {}",
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.year()
    )
}
