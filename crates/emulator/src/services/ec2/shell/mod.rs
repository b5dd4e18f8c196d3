//! The simulated shell of an instance: what the lab's "Connect" opens. It accepts the
//! handout's commands (`wget URL`, `ls`, `df -h`, …) and answers as Amazon Linux would, at
//! once, with the command's final output.
//!
//! A command takes simulated time (a download runs at a realistic rate on the emulator's
//! clock), and the shell is busy until it ends: the next command starts after it. What a command
//! does to the machine is recorded as an [`Activity`] (CPU, network, disk over a span of time),
//! from which `metrics` makes the instance's `AWS/EC2` and `AWS/EBS` metrics.
//!
//! ## Layout
//! - `mod.rs`: the session state, the command line's words, and the dispatch.
//! - `wget`: downloads from the hosts the handout uses.
//! - `files`: `ls`, `rm`, `touch`, `df -h`: the home folder on the root volume. `dd`: `dd`.
//! - `system`: `free -m`, `uname -a`, `stress`, `sleep`, `help` and the small builtins.
//!
//! Not here: pipes, redirections, variables, a file system beyond the home folder.

mod dd;
mod files;
mod system;
mod wget;

use super::catalog::OsFamily;
use super::model::{Instance, Millis, datetime};
use serde::{Deserialize, Serialize};

/// The home folder's files and the shell's activity, saved with the instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Shell {
    pub files: Vec<File>,
    /// When the last command ends; a new command starts no earlier.
    pub busy_until: Millis,
    /// Process ids handed out so far (`stress` prints its own).
    pub processes: u32,
    /// What commands did to the machine, until the metrics have accounted for it.
    pub activity: Vec<Activity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub name: String,
    pub size: u64,
    pub modified: Millis,
}

/// Load over a span of time; amounts are totals over the span, spread evenly across it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub from: Millis,
    pub to: Millis,
    /// How many vCPUs the work keeps busy.
    pub cpu_cores: f64,
    pub network_in: f64,
    pub network_out: f64,
    pub write_bytes: f64,
    pub write_ops: f64,
    pub read_bytes: f64,
    pub read_ops: f64,
}

/// The machine a shell runs on, as the commands need it.
#[derive(Debug, Clone)]
pub struct Machine {
    pub region: String,
    pub os: OsFamily,
    pub vcpus: u32,
    pub memory_mib: u32,
    pub disk_bytes: u64,
    pub nitro: bool,
    pub host_name: String,
    pub architecture: String,
}

/// What a command printed (stdout and stderr, interleaved as a terminal shows them) and its
/// exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub output: String,
    pub exit_code: i32,
}

impl Output {
    fn ok(output: impl Into<String>) -> Self {
        Self { output: output.into(), exit_code: 0 }
    }

    fn fail(output: impl Into<String>, exit_code: i32) -> Self {
        Self { output: output.into(), exit_code }
    }
}

/// A command while it runs: the machine, the shell's state, and its own simulated time.
pub struct Session<'a> {
    pub machine: &'a Machine,
    pub shell: &'a mut Shell,
    /// The simulated time the command has reached.
    pub clock: Millis,
    pub user: &'static str,
}

impl Session<'_> {
    fn record(&mut self, activity: Activity) {
        self.shell.activity.push(activity);
    }

    fn next_pid(&mut self) -> u32 {
        self.shell.processes += 1;
        3200 + self.shell.processes * 17
    }
}

/// `[ec2-user@ip-172-31-37-173 ~]$ `.
pub fn prompt(instance: &Instance) -> String {
    format!("[ec2-user@{} ~]$ ", instance.host_name())
}

/// Runs one command line at `now` (or when the previous command ends, if later).
pub fn run(instance: &mut Instance, machine: &Machine, line: &str, now: Millis) -> Output {
    let start = now.max(instance.shell.busy_until);
    let mut session =
        Session { machine, shell: &mut instance.shell, clock: start, user: "ec2-user" };
    let output = match words(line) {
        Err(quote) => Output::fail(
            format!(
                "-bash: unexpected EOF while looking for matching `{quote}'\n\
                 -bash: syntax error: unexpected end of file\n"
            ),
            2,
        ),
        Ok(words) => dispatch(&mut session, &words),
    };
    // The terminal's own traffic: the keystrokes in, the output back.
    let end = session.clock;
    session.record(Activity {
        from: start,
        to: start,
        network_in: 120.0 + line.len() as f64 * 2.0,
        network_out: 160.0 + output.output.len() as f64 * 1.1,
        ..Activity::default()
    });
    instance.shell.busy_until = end;
    output
}

fn dispatch(session: &mut Session<'_>, words: &[String]) -> Output {
    let Some((command, args)) = words.split_first() else { return Output::ok("") };
    if command == "sudo" {
        if args.is_empty() {
            return Output::fail(
                "usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] command\n",
                1,
            );
        }
        let user = std::mem::replace(&mut session.user, "root");
        let output = dispatch(session, args);
        session.user = user;
        return output;
    }
    match command.as_str() {
        "wget" => wget::wget(session, args),
        "ls" => files::ls(session, args),
        "rm" => files::rm(session, args),
        "touch" => files::touch(session, args),
        "dd" => dd::dd(session, args),
        "df" => files::df(session, args),
        "free" => system::free(session, args),
        "uname" => system::uname(session, args),
        "stress" => system::stress(session, args),
        "sleep" => system::sleep(session, args),
        "pwd" => Output::ok(format!("{}\n", home(session.user))),
        "whoami" => Output::ok(format!("{}\n", session.user)),
        "hostname" => Output::ok(format!("{}\n", system::full_host_name(session.machine))),
        "echo" => Output::ok(format!("{}\n", args.join(" "))),
        "clear" | "cd" | "true" | ":" => Output::ok(""),
        "false" => Output::fail("", 1),
        "date" => Output::ok(format!("{}\n", system::date(session.clock))),
        "help" => Output::ok(system::HELP),
        "exit" | "logout" => Output::ok("logout\n"),
        _ => Output::fail(format!("-bash: {command}: command not found\n"), 127),
    }
}

fn home(user: &str) -> &'static str {
    if user == "root" { "/root" } else { "/home/ec2-user" }
}

/// Splits a command line into words as bash does for simple commands: blanks separate words,
/// `'…'` keeps everything, `"…"` keeps all but `\"` and `\\`, a backslash escapes one
/// character. An unclosed quote is the quote character as the error.
pub fn words(line: &str) -> Result<Vec<String>, char> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err('\''),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err('"'),
                        },
                        Some(c) => word.push(c),
                        None => return Err('"'),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// `2023-09-08 07:09:21`, as wget prints times.
fn wget_time(at: Millis) -> String {
    let at = datetime(at);
    crate::clock::write(at, crate::clock::formats::SPACED)
}

/// Sizes with 1024-based units as wget prints them: `4.7M`, `14M`, `899M`.
fn short_size(bytes: u64) -> String {
    let units = ["K", "M", "G", "T"];
    let mut value = bytes as f64;
    let mut unit = "";
    for next in units {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if unit.is_empty() {
        bytes.to_string()
    } else if value < 10.0 {
        format!("{value:.1}{unit}")
    } else {
        format!("{value:.0}{unit}")
    }
}

#[cfg(test)]
mod tests;
