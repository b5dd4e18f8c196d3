//! `wget URL…`: downloads from the two hosts the handout uses, with wget's own words.
//!
//! The files and sizes are the real ones: the NSMC ratings (`ratings_train.txt`, 14,628,807
//! bytes) and the Anaconda installer of the CloudWatch lab (942,216,640 bytes, "899M"). The
//! installer comes at the handout's 74.3 MB/s (12 s); GitHub's raw host at 41.7 MB/s. Any other
//! host does not resolve (the shell has no real network), as `wget wget URL` shows in the
//! handout; any other path on a known host is a 404.

use super::files::free_bytes;
use super::{Activity, File, Output, Session, short_size, wget_time};

const MIB: f64 = 1024.0 * 1024.0;
/// DNS, TCP and TLS before the first byte.
const CONNECT_MS: i64 = 100;

struct Host {
    name: &'static str,
    /// What `Resolving` lists, and the address `Connecting to` picks.
    addresses: &'static str,
    first_address: &'static str,
    /// Transfer rate in MiB/s (wget's "MB/s").
    rate_mib: f64,
    files: &'static [RemoteFile],
}

struct RemoteFile {
    path: &'static str,
    size: u64,
    content_type: &'static str,
}

const HOSTS: &[Host] = &[
    Host {
        name: "raw.githubusercontent.com",
        addresses: "185.199.108.133, 185.199.109.133, 185.199.110.133, ...",
        first_address: "185.199.108.133",
        rate_mib: 41.7,
        files: &[
            RemoteFile {
                path: "/e9t/nsmc/master/ratings_train.txt",
                size: 14_628_807,
                content_type: "text/plain",
            },
            RemoteFile {
                path: "/e9t/nsmc/master/ratings_test.txt",
                size: 4_893_335,
                content_type: "text/plain",
            },
            RemoteFile {
                path: "/e9t/nsmc/master/ratings.txt",
                size: 19_515_078,
                content_type: "text/plain",
            },
        ],
    },
    Host {
        name: "repo.anaconda.com",
        addresses: "104.16.131.3, 104.16.130.3, 2606:4700::6810:8203, ...",
        first_address: "104.16.131.3",
        rate_mib: 74.3,
        files: &[RemoteFile {
            path: "/archive/Anaconda3-2023.07-2-Windows-x86_64.exe",
            size: 942_216_640,
            content_type: "application/octet-stream",
        }],
    },
];

/// A URL as wget reads it: a missing scheme means `http`, a missing path `/`.
struct Url {
    https: bool,
    host: String,
    path: String,
}

impl Url {
    fn parse(text: &str) -> Url {
        let (https, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.eq_ignore_ascii_case("https"), rest),
            None => (false, text),
        };
        let (host, path) = match rest.find(['/', '?']) {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        Url { https, host: host.to_ascii_lowercase(), path }
    }

    fn text(&self) -> String {
        format!("{}://{}{}", if self.https { "https" } else { "http" }, self.host, self.path)
    }

    /// The local file name: the last path segment, or `index.html`.
    fn file_name(&self) -> String {
        let path = self.path.split('?').next().unwrap_or_default();
        match path.rsplit('/').next() {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => "index.html".to_string(),
        }
    }
}

/// The result of one URL: wget's exit status for it, the bytes it saved and how long the
/// transfer took.
struct Fetched {
    status: i32,
    bytes: u64,
    transfer_ms: i64,
}

pub fn wget(session: &mut Session<'_>, args: &[String]) -> Output {
    let mut urls = Vec::new();
    let mut output_name = None;
    let mut quiet = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-O" => output_name = args.next().cloned(),
            other if other.starts_with("--output-document=") => {
                output_name = Some(other["--output-document=".len()..].to_string());
            }
            other if other.starts_with('-') && other.len() > 1 => {}
            url => urls.push(url.to_string()),
        }
    }
    if urls.is_empty() {
        return Output::fail(
            "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\n\
             Try `wget --help' for more options.\n",
            1,
        );
    }
    let started = session.clock;
    let mut text = String::new();
    let mut worst = 0;
    let (mut files, mut bytes, mut transfer_ms) = (0, 0, 0);
    for url in &urls {
        let fetched = fetch(session, &Url::parse(url), output_name.as_deref(), &mut text);
        if fetched.status == 0 {
            files += 1;
            bytes += fetched.bytes;
            transfer_ms += fetched.transfer_ms;
        } else if worst == 0 || fetched.status < worst {
            // With several errors, the lower status wins (wget's manual).
            worst = fetched.status;
        }
    }
    if urls.len() > 1 {
        let elapsed = session.clock - started;
        text.push_str(&format!(
            "FINISHED --{}--\nTotal wall clock time: {}\n",
            wget_time(session.clock),
            elapsed_text(elapsed)
        ));
        if files > 0 {
            text.push_str(&format!(
                "Downloaded: {files} files, {} in {} ({})\n",
                short_size(bytes),
                elapsed_text(transfer_ms),
                rate_text(bytes, transfer_ms)
            ));
        }
    }
    Output { output: if quiet { String::new() } else { text }, exit_code: worst }
}

fn fetch(
    session: &mut Session<'_>,
    url: &Url,
    output_name: Option<&str>,
    text: &mut String,
) -> Fetched {
    text.push_str(&format!("--{}--  {}\n", wget_time(session.clock), url.text()));
    let Some(host) = HOSTS.iter().find(|host| host.name == url.host) else {
        text.push_str(&format!(
            "Resolving {0} ({0})... failed: Name or service not known.\n\
             wget: unable to resolve host address ‘{0}’\n",
            url.host
        ));
        session.clock += 20;
        return Fetched { status: 4, bytes: 0, transfer_ms: 0 };
    };
    let port = if url.https { 443 } else { 80 };
    text.push_str(&format!(
        "Resolving {0} ({0})... {1}\nConnecting to {0} ({0})|{2}|:{port}... connected.\n",
        host.name, host.addresses, host.first_address
    ));
    session.clock += CONNECT_MS;
    if !url.https {
        let location = Url { https: true, host: url.host.clone(), path: url.path.clone() };
        text.push_str(&format!(
            "HTTP request sent, awaiting response... 301 Moved Permanently\n\
             Location: {} [following]\n",
            location.text()
        ));
        return fetch(session, &location, output_name, text);
    }
    let path = url.path.split('?').next().unwrap_or_default();
    let Some(file) = host.files.iter().find(|file| file.path == path) else {
        text.push_str(&format!(
            "HTTP request sent, awaiting response... 404 Not Found\n{} ERROR 404: Not Found.\n\n",
            wget_time(session.clock)
        ));
        return Fetched { status: 8, bytes: 0, transfer_ms: 0 };
    };
    let name = match output_name {
        Some(name) => name.to_string(),
        None => free_name(&session.shell.files, &url.file_name()),
    };
    text.push_str(&format!(
        "HTTP request sent, awaiting response... 200 OK\nLength: {} ({}) [{}]\nSaving to: ‘{name}’\n\n",
        file.size,
        short_size(file.size),
        file.content_type
    ));
    // Writing more than the volume holds stops where it is full, as wget does.
    let room = free_bytes(session) + existing_size(session, &name);
    let saved = file.size.min(room);
    let rate = host.rate_mib * MIB;
    let duration = ((saved as f64 / rate) * 1000.0).round().max(1.0) as i64;
    let from = session.clock;
    session.clock += duration;
    record_download(session, from, saved, host.rate_mib);
    save(session, &name, saved);
    let percent = saved * 100 / file.size.max(1);
    text.push_str(&format!(
        "{:<20}{:>3}%[{}] {:>7}  {}    in {}\n\n",
        bar_name(&name),
        percent,
        bar(percent),
        bar_size(saved),
        rate_text(saved, duration).replace(' ', ""),
        elapsed_text(duration)
    ));
    if saved < file.size {
        text.push_str(&format!("Cannot write to ‘{name}’ (No space left on device).\n"));
        return Fetched { status: 3, bytes: saved, transfer_ms: duration };
    }
    text.push_str(&format!(
        "{} ({}) - ‘{name}’ saved [{}/{}]\n\n",
        wget_time(session.clock),
        rate_text(saved, duration),
        saved,
        file.size
    ));
    Fetched { status: 0, bytes: saved, transfer_ms: duration }
}

/// `name`, or `name.1`, `name.2`, … if taken: wget never overwrites without `-O`.
fn free_name(files: &[File], name: &str) -> String {
    let taken = |candidate: &str| files.iter().any(|file| file.name == candidate);
    if !taken(name) {
        return name.to_string();
    }
    (1..).map(|n| format!("{name}.{n}")).find(|candidate| !taken(candidate)).unwrap_or_default()
}

fn existing_size(session: &Session<'_>, name: &str) -> u64 {
    session.shell.files.iter().find(|file| file.name == name).map_or(0, |file| file.size)
}

fn save(session: &mut Session<'_>, name: &str, size: u64) {
    let modified = session.clock;
    let files = &mut session.shell.files;
    match files.iter_mut().find(|file| file.name == name) {
        Some(file) => {
            file.size = size;
            file.modified = modified;
        }
        None => files.push(File { name: name.to_string(), size, modified }),
    }
}

/// A download's load: the bytes in (plus TCP/TLS overhead), acknowledgements out, the file
/// written to the root volume in 128 KiB requests, and a share of a vCPU for TLS and copying.
fn record_download(session: &mut Session<'_>, from: i64, bytes: u64, rate_mib: f64) {
    let bytes = bytes as f64;
    session.record(Activity {
        from,
        to: session.clock,
        cpu_cores: (rate_mib * 0.0045).min(0.6),
        network_in: (bytes * 1.032).round(),
        network_out: (bytes * 0.018).round(),
        write_bytes: bytes,
        write_ops: (bytes / 131_072.0).ceil(),
        ..Activity::default()
    });
}

fn bar(percent: u64) -> String {
    if percent >= 100 {
        return "===================>".to_string();
    }
    let filled = (percent * 19 / 100) as usize;
    format!("{}>{}", "=".repeat(filled), " ".repeat(19 - filled))
}

/// The name column of the progress bar: at most 19 characters.
fn bar_name(name: &str) -> String {
    name.chars().take(19).collect()
}

/// `13.95M`, `898.57M`: the progress bar's size, two decimals.
fn bar_size(bytes: u64) -> String {
    let value = bytes as f64;
    if value >= 1024.0 * MIB {
        format!("{:.2}G", value / (1024.0 * MIB))
    } else if value >= MIB {
        format!("{:.2}M", value / MIB)
    } else if value >= 1024.0 {
        format!("{:.2}K", value / 1024.0)
    } else {
        format!("{bytes}")
    }
}

/// `74.3 MB/s`, `2.59 MB/s`: three significant digits, 1024-based units.
fn rate_text(bytes: u64, elapsed_ms: i64) -> String {
    let mut rate = bytes as f64 / (elapsed_ms.max(1) as f64 / 1000.0);
    let mut unit = "B/s";
    for next in ["KB/s", "MB/s", "GB/s"] {
        if rate < 1024.0 {
            break;
        }
        rate /= 1024.0;
        unit = next;
    }
    let decimals = if rate >= 100.0 {
        0
    } else if rate >= 10.0 {
        1
    } else {
        2
    };
    format!("{rate:.decimals$} {unit}")
}

/// `0.3s`, `12s`, `1m 5s`.
fn elapsed_text(ms: i64) -> String {
    let seconds = ms as f64 / 1000.0;
    if seconds < 10.0 {
        format!("{seconds:.1}s")
    } else if seconds < 60.0 {
        format!("{seconds:.0}s")
    } else {
        let whole = seconds.round() as i64;
        format!("{}m {}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_like_wget() {
        let url = Url::parse("wget");
        assert_eq!((url.text(), url.file_name()), ("http://wget/".into(), "index.html".into()));
        let url = Url::parse("https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt");
        assert_eq!(url.file_name(), "ratings_train.txt");
        assert!(url.https);
    }

    #[test]
    fn sizes_and_rates_read_like_wget() {
        assert_eq!(short_size(942_216_640), "899M");
        assert_eq!(short_size(14_628_807), "14M");
        assert_eq!(short_size(4_893_335), "4.7M");
        assert_eq!(bar_size(14_628_807), "13.95M");
        assert_eq!(bar_size(942_216_640), "898.57M");
        let twelve_seconds = (942_216_640.0 / (74.3 * MIB) * 1000.0_f64).round() as i64;
        assert_eq!(rate_text(942_216_640, twelve_seconds), "74.3 MB/s");
        assert_eq!(elapsed_text(twelve_seconds), "12s");
        assert_eq!(elapsed_text(335), "0.3s");
    }

    #[test]
    fn taken_names_get_a_number() {
        let file = |name: &str| File { name: name.into(), size: 1, modified: 0 };
        assert_eq!(free_name(&[], "a.txt"), "a.txt");
        assert_eq!(free_name(&[file("a.txt")], "a.txt"), "a.txt.1");
        assert_eq!(free_name(&[file("a.txt"), file("a.txt.1")], "a.txt"), "a.txt.2");
    }
}
