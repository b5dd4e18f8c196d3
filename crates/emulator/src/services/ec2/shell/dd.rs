//! `dd`: blocks written to (or read from) the root volume, with dd's own report.

use super::files::{allocated, free_bytes};
use super::{Activity, File, Output, Session};
use crate::services::ec2::catalog::OsFamily;

/// `bs=` and `count=` values: a number with an optional `K`, `M`, `G` (1024) or `kB`, `MB`,
/// `GB` (1000) suffix.
fn dd_number(text: &str) -> Option<u64> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let number: u64 = text[..digits].parse().ok()?;
    let factor: u64 = match &text[digits..] {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        "K" | "k" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "kB" => 1000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// gp2 volumes this small move at most 128 MiB/s.
const DISK_RATE: f64 = 128.0 * 1024.0 * 1024.0;

/// `dd if=/dev/zero of=FILE bs=1M count=N`: writes (or, from a file to `/dev/null`, reads)
/// through the root volume.
pub fn dd(session: &mut Session<'_>, args: &[String]) -> Output {
    let mut input = "-".to_string();
    let mut output = "-".to_string();
    let mut block = 512u64;
    let mut count: Option<u64> = None;
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else {
            return Output::fail(
                format!(
                    "dd: unrecognized operand '{arg}'\nTry 'dd --help' for more information.\n"
                ),
                1,
            );
        };
        match key {
            "if" => input = value.to_string(),
            "of" => output = value.to_string(),
            "bs" => match dd_number(value).filter(|n| *n > 0) {
                Some(n) => block = n,
                None => return Output::fail(format!("dd: invalid number: '{value}'\n"), 1),
            },
            "count" => match dd_number(value) {
                Some(n) => count = Some(n),
                None => return Output::fail(format!("dd: invalid number: '{value}'\n"), 1),
            },
            _ => return Output::fail(format!("dd: unrecognized operand '{arg}'\n"), 1),
        }
    }
    let source_size = match input.as_str() {
        "/dev/zero" | "/dev/urandom" | "/dev/random" => None,
        "-" => {
            return Output::fail(
                "dd: reading standard input needs a keyboard this simulated shell does not have; give if=/dev/zero\n",
                1,
            );
        }
        name => {
            match session.shell.files.iter().find(|f| f.name == name.trim_start_matches("./")) {
                Some(file) => Some(file.size),
                None => {
                    return Output::fail(
                        format!("dd: failed to open '{name}': No such file or directory\n"),
                        1,
                    );
                }
            }
        }
    };
    let wanted = match (count, source_size) {
        (Some(count), Some(size)) => (count.saturating_mul(block)).min(size),
        (Some(count), None) => count.saturating_mul(block),
        (None, Some(size)) => size,
        // From /dev/zero without a count: until the disk is full.
        (None, None) => u64::MAX,
    };
    let to_disk = !matches!(output.as_str(), "/dev/null" | "-");
    let existing = (session.shell.files.iter())
        .find(|f| f.name == output)
        .map_or(0, |file| allocated(file.size));
    let room = if to_disk { free_bytes(session) + existing } else { u64::MAX };
    let written = wanted.min(room);
    let full = written < wanted;
    let seconds = (written as f64 / DISK_RATE).max(0.001);
    // Copying from a device to /dev/null without an end runs until Ctrl-C, which this shell
    // cannot send; anything over a day would keep the shell busy as long.
    if seconds > 86_400.0 {
        return Output::fail(
            "dd: this copy would run for more than a day (or until Ctrl-C, which this simulated \
             shell cannot send); give a smaller count=\n",
            1,
        );
    }
    let from = session.clock;
    session.clock += (seconds * 1000.0).round() as i64;
    let reads = source_size.map_or(0.0, |_| written as f64);
    session.record(Activity {
        from,
        to: session.clock,
        cpu_cores: if input == "/dev/urandom" { 0.9 } else { 0.25 },
        write_bytes: if to_disk { written as f64 } else { 0.0 },
        write_ops: if to_disk { (written as f64 / 131_072.0).ceil() } else { 0.0 },
        read_bytes: reads,
        read_ops: (reads / 131_072.0).ceil(),
        ..Activity::default()
    });
    if to_disk {
        let name = output.trim_start_matches("./").to_string();
        let modified = session.clock;
        match session.shell.files.iter_mut().find(|file| file.name == name) {
            Some(file) => {
                file.size = written;
                file.modified = modified;
            }
            None => session.shell.files.push(File { name, size: written, modified }),
        }
    }
    let whole = written / block;
    let partial = u64::from(written % block != 0);
    let al2 = session.machine.os == OsFamily::AmazonLinux2;
    let (open, close) = if al2 { ('‘', '’') } else { ('\'', '\'') };
    let mut text = String::new();
    if full {
        text.push_str(&format!(
            "dd: error writing {open}{output}{close}: No space left on device\n"
        ));
    }
    let records_in = if full { whole + 1 } else { whole };
    text.push_str(&format!(
        "{records_in}+{partial} records in\n{whole}+{partial} records out\n{written} bytes ({}{}) copied, {} s, {}\n",
        si_size(written),
        if al2 { String::new() } else { format!(", {}", iec_size(written)) },
        seconds_text(seconds),
        si_rate(written as f64 / seconds)
    ));
    Output { output: text, exit_code: i32::from(full) }
}

/// `105 MB`, `6.8 GB`: dd's 1000-based sizes.
fn si_size(bytes: u64) -> String {
    scaled(bytes as f64, 1000.0, &["kB", "MB", "GB", "TB"], " ")
        .unwrap_or_else(|| format!("{bytes} B"))
}

/// `100 MiB`: dd's 1024-based sizes.
fn iec_size(bytes: u64) -> String {
    scaled(bytes as f64, 1024.0, &["KiB", "MiB", "GiB", "TiB"], " ")
        .unwrap_or_else(|| format!("{bytes} B"))
}

fn si_rate(per_second: f64) -> String {
    scaled(per_second, 1000.0, &["kB/s", "MB/s", "GB/s"], " ")
        .unwrap_or_else(|| format!("{per_second:.0} B/s"))
}

fn scaled(mut value: f64, base: f64, units: &[&str], separator: &str) -> Option<String> {
    let mut unit = None;
    for next in units {
        if value < base {
            break;
        }
        value /= base;
        unit = Some(*next);
    }
    let unit = unit?;
    Some(if value < 10.0 {
        format!("{value:.1}{separator}{unit}")
    } else {
        format!("{value:.0}{separator}{unit}")
    })
}

fn seconds_text(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{seconds:.4}")
    } else if seconds < 10.0 {
        format!("{seconds:.2}")
    } else {
        format!("{seconds:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dd_numbers() {
        assert_eq!(dd_number("1M"), Some(1 << 20));
        assert_eq!(dd_number("100"), Some(100));
        assert_eq!(dd_number("1MB"), Some(1_000_000));
        assert_eq!(dd_number("x"), None);
        assert_eq!(si_size(104_857_600), "105 MB");
        assert_eq!(iec_size(104_857_600), "100 MiB");
    }
}
