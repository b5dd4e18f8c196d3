//! A worker's sandbox: the worker process and everything it starts, as one thing that is
//! measured and killed whole, with a temp folder of its own.
//!
//! How the processes are kept together, without privileges or cgroups (Linux):
//! - The worker starts a session of its own (`setsid`: its own process group, no terminal, so a
//!   Ctrl-C in the emulator's terminal does not reach it before the emulator can clean up).
//! - It is a *child subreaper*: a descendant whose parent ends (a double-forked daemon) is
//!   re-parented to the worker instead of to init, so while the worker lives, its descendants
//!   are exactly its process tree.
//! - It gets SIGKILL if the emulator dies (`PR_SET_PDEATHSIG`). The parent-death signal follows
//!   the *thread* that forked, so every worker is forked by one spawner thread that lives as
//!   long as the process.
//! - Every process of the sandbox inherits a marker, `AWSLAB_SANDBOX=<emulator>/<sandbox>` in its
//!   environment, so members are found in `/proc` even once re-parented away (after the worker
//!   ended on its own), and leftovers of an emulator that was killed are found at the next start
//!   ([`kill_leftovers`]).
//! - The worker is not reaped until the whole sandbox is dead: an unreaped pid cannot be given
//!   to another process, so "its group", "its session" and "its descendants" stay ours.
//!
//! Killing finds the members (descendants of the worker, its group and session, holders of the
//! marker; zombies skipped), stops them all with SIGSTOP (a stopped process cannot fork), looks
//! again until nothing new appears, then sends SIGKILL, and repeats until none remain (bounded
//! by [`KILL_LIMIT`]). Signals go through pidfds opened before checking that the pid is still
//! the process that was found, so a pid recycled meanwhile is never signalled. On other Unix
//! systems the sandbox is the worker's process group (`killpg`), and memory is not measured.
//!
//! Memory is what a memory cgroup would count: the worker's resident memory when it is alone,
//! the sum of proportional set sizes (shared pages counted once) when it has children, and never
//! less than the worker's own peak (`VmHWM`), so a spike between two samples is still seen.
//!
//! What is not isolated: the filesystem beyond the temp folder, the network (loopback included),
//! and a process that leaves the session, clears its environment and outlives a worker that
//! ended on its own. See "A handler's sandbox" in `docs/emulator.md`.

use crate::procfs;
use crate::temp_folders::remove_forcefully;
use std::collections::{HashMap, HashSet};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

/// The environment variable that marks a sandbox's processes.
pub const MARKER: &str = "AWSLAB_SANDBOX";

/// How often memory is sampled while a worker loads its code or runs an invocation.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(15);

/// How often the sandbox's members are looked for again (a look reads all of `/proc`, about
/// 1.5 ms on a quiet machine); in between, the members last found are measured. A new child is
/// seen within 90 ms, the worker's own memory within 15. By time, not by sample: a warm
/// invocation takes a few samples in a few milliseconds, and must not pay for a look each time.
const LOOK_EVERY: Duration = Duration::from_millis(90);

/// The longest a kill keeps finding and killing members.
pub const KILL_LIMIT: Duration = Duration::from_secs(3);

const MIB: u64 = 1024 * 1024;

/// What a sample found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Running, using this many bytes.
    Running(u64),
    /// Over the memory limit: the caller kills the sandbox.
    OverLimit,
    /// The worker process has ended on its own.
    Exited,
}

/// A running worker and its descendants.
pub struct Sandbox {
    child: std::process::Child,
    pid: u32,
    /// Shared with [`SandboxHandle`]s; the worker is reaped under its lock.
    tree: Arc<Mutex<Tree>>,
    temp: Option<PathBuf>,
    limit_bytes: u64,
    peak_bytes: u64,
    exit: Option<std::process::ExitStatus>,
    over_limit: bool,
    /// When the members were last looked for, and the members (pids) that look found.
    last_look: Instant,
    members: Vec<u32>,
}

impl Sandbox {
    /// Starts `command` in a new sandbox limited to `memory_mb`, with a temp folder made under
    /// `temp_parent` (`TMPDIR`, `TMP` and `TEMP` point to it).
    pub fn spawn(
        mut command: std::process::Command,
        memory_mb: u32,
        temp_parent: &Path,
    ) -> io::Result<Self> {
        let id = NEXT_SANDBOX.fetch_add(1, Ordering::Relaxed);
        let marker = format!("{}/{id}", emulator_identity());
        std::fs::create_dir_all(temp_parent)?;
        let temp = temp_parent.join(format!("sandbox-{id}"));
        std::fs::create_dir(&temp)?;
        command.env(MARKER, &marker).env("TMPDIR", &temp).env("TMP", &temp).env("TEMP", &temp);
        let emulator_pid = std::process::id();
        // SAFETY: the closure runs in the child between fork and exec, where only
        // async-signal-safe calls are allowed: rustix's are raw system calls, and nothing here
        // allocates or takes a lock.
        unsafe {
            command.pre_exec(move || enter_sandbox(emulator_pid));
        }
        let child = match spawn_on_spawner_thread(command) {
            Ok(child) => child,
            Err(error) => {
                let _ = remove_forcefully(&temp);
                return Err(error);
            }
        };
        let pid = child.id();
        let tree = Tree {
            pid,
            start_ticks: procfs::stat(pid).map(|stat| stat.start_ticks),
            marker: format!("{MARKER}={marker}").into_bytes(),
            reaped: false,
        };
        Ok(Self {
            child,
            pid,
            tree: Arc::new(Mutex::new(tree)),
            temp: Some(temp),
            limit_bytes: u64::from(memory_mb) * MIB,
            peak_bytes: 0,
            exit: None,
            over_limit: false,
            // A new worker has no children yet.
            last_look: Instant::now(),
            members: vec![pid],
        })
    }

    /// The worker's pid.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// A handle that kills the sandbox's processes from elsewhere (a reset while the worker is
    /// busy); the worker is still reaped, and the temp folder removed, by the sandbox itself.
    pub fn handle(&self) -> SandboxHandle {
        SandboxHandle { tree: Arc::clone(&self.tree) }
    }

    /// Measures the sandbox once: whether the worker still runs, and its memory.
    pub fn sample(&mut self) -> Sample {
        if self.exit.is_some() || self.worker_ended() {
            return Sample::Exited;
        }
        let mut used = self.memory_bytes(false);
        if used.max(self.peak_bytes) > self.limit_bytes {
            // Over the limit, by members found up to 90 ms ago: look again before killing, so
            // that a pid given meanwhile to another process is not counted.
            used = self.memory_bytes(true);
        }
        self.peak_bytes = self.peak_bytes.max(used);
        if self.peak_bytes > self.limit_bytes {
            self.over_limit = true;
            return Sample::OverLimit;
        }
        Sample::Running(used)
    }

    /// Samples every [`SAMPLE_EVERY`] until the worker ends or goes over its memory limit
    /// (then kills the sandbox), and says which. Never ends otherwise: callers race it against
    /// the events they wait for.
    pub async fn watch(&mut self) -> Sample {
        loop {
            match self.sample() {
                Sample::Running(_) => tokio::time::sleep(SAMPLE_EVERY).await,
                ended => {
                    self.kill();
                    return ended;
                }
            }
        }
    }

    /// The most memory the sandbox used so far, in MB (rounded up): the peak over its life, as
    /// AWS reports it. Capped at the limit when it went over, since on AWS it cannot.
    pub fn peak_mb(&self) -> u64 {
        let peak = self.peak_bytes.div_ceil(MIB);
        if self.over_limit { peak.min(self.limit_bytes / MIB) } else { peak }
    }

    /// Whether the sandbox was killed for going over its memory limit.
    pub fn over_limit(&self) -> bool {
        self.over_limit
    }

    /// Kills every process of the sandbox, reaps the worker, removes the temp folder, and
    /// returns how the worker ended. Does nothing more the second time.
    pub fn kill(&mut self) -> Option<std::process::ExitStatus> {
        if self.exit.is_none() {
            let mut tree = crate::state::lock(&self.tree);
            tree.kill_members();
            // Every member is gone (or the kill gave up): the worker may be reaped now.
            let _ = self.child.kill();
            self.exit = self.child.wait().ok();
            tree.reaped = true;
        }
        if let Some(temp) = self.temp.take()
            && let Err(error) = remove_forcefully(&temp)
        {
            eprintln!("awslab emulator: could not remove {}: {error}", temp.display());
        }
        self.exit
    }

    fn worker_ended(&self) -> bool {
        if cfg!(target_os = "linux") {
            // Not reaped, so the pid is still the worker's: a zombie has ended.
            procfs::stat(self.pid).is_none_or(|stat| stat.ended())
        } else {
            // No /proc: wait without reaping.
            use rustix::process::{WaitId, WaitIdOptions, waitid};
            let Some(pid) = rustix::process::Pid::from_raw(self.pid as i32) else { return true };
            let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
            matches!(waitid(WaitId::Pid(pid), options), Ok(Some(_)) | Err(_))
        }
    }

    fn memory_bytes(&mut self, look: bool) -> u64 {
        if look || self.last_look.elapsed() >= LOOK_EVERY {
            let members = crate::state::lock(&self.tree).members(false);
            self.members = members.iter().map(|member| member.pid).collect();
            self.last_look = Instant::now();
        }
        let own_peak = procfs::peak_resident_bytes(self.pid).unwrap_or(0);
        let total: u64 = match self.members.as_slice() {
            [] => 0,
            [only] => procfs::resident_bytes(*only).unwrap_or(0),
            many => (many.iter())
                .map(|pid| {
                    (procfs::proportional_bytes(*pid))
                        .or_else(|| procfs::resident_bytes(*pid))
                        .unwrap_or(0)
                })
                .sum(),
        };
        total.max(own_peak)
    }
}

/// What identifies a sandbox's processes: the worker (unreaped while `reaped` is false, so its
/// pid, group id and session id are still its own) and the marker.
struct Tree {
    pid: u32,
    /// The worker's start (clock ticks after boot), to recognise it in `/proc`.
    start_ticks: Option<u64>,
    /// `AWSLAB_SANDBOX=…`, as the environment holds it.
    marker: Vec<u8>,
    reaped: bool,
}

impl Tree {
    /// The sandbox's processes that have not ended. With `by_marker`, also those that carry the
    /// marker wherever they are (this reads every own process's environment: only for kills).
    fn members(&self, by_marker: bool) -> Vec<procfs::ProcessStat> {
        let table = procfs::processes();
        let own_uid = rustix::process::getuid().as_raw();
        let own_pid = std::process::id();
        let root = self.pid;
        let carries_marker = |pid: u32| {
            procfs::owner(pid) == Some(own_uid) && procfs::environment_holds(pid, &self.marker)
        };
        // The worker is unreaped, so its pid, group and session ids are still its own; a
        // process listed under its pid with another start time cannot be.
        let root_is_ours = (table.iter())
            .find(|stat| stat.pid == root)
            .is_some_and(|stat| Some(stat.start_ticks) == self.start_ticks);
        let mut member: HashSet<u32> = (table.iter())
            .filter(|stat| {
                (root_is_ours && (stat.pid == root || stat.pgid == root || stat.sid == root))
                    || (by_marker && carries_marker(stat.pid))
            })
            .map(|stat| stat.pid)
            .collect();
        // Descendants: whatever has a member for a parent, until nothing is added.
        loop {
            let before = member.len();
            for stat in &table {
                if member.contains(&stat.ppid) {
                    member.insert(stat.pid);
                }
            }
            if member.len() == before {
                break;
            }
        }
        (table.into_iter())
            .filter(|stat| member.contains(&stat.pid) && !stat.ended() && stat.pid != own_pid)
            .collect()
    }

    fn kill_members(&self) {
        if !cfg!(target_os = "linux") {
            if let Some(group) = rustix::process::Pid::from_raw(self.pid as i32) {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            return;
        }
        let deadline = Instant::now() + KILL_LIMIT;
        // Freeze: stop every member, then look again, until a look finds nobody new.
        let mut stopped: HashMap<u32, u64> = HashMap::new();
        loop {
            let new: Vec<procfs::ProcessStat> = (self.members(true).into_iter())
                .filter(|stat| stopped.get(&stat.pid) != Some(&stat.start_ticks))
                .collect();
            if new.is_empty() || Instant::now() >= deadline {
                break;
            }
            for stat in new {
                signal(&stat, rustix::process::Signal::STOP);
                stopped.insert(stat.pid, stat.start_ticks);
            }
        }
        // Kill, until nobody is left.
        loop {
            let left = self.members(true);
            if left.is_empty() || Instant::now() >= deadline {
                break;
            }
            for stat in &left {
                signal(stat, rustix::process::Signal::KILL);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Kills a sandbox's processes from another thread than its owner's.
#[derive(Clone)]
pub struct SandboxHandle {
    tree: Arc<Mutex<Tree>>,
}

impl SandboxHandle {
    /// Kills every process of the sandbox, unless its owner already did. The owner sees its
    /// worker end, and reaps it.
    pub fn kill(&self) {
        let tree = crate::state::lock(&self.tree);
        if !tree.reaped {
            tree.kill_members();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends `signal` to the process `found` describes, if that pid is still that process.
fn signal(found: &procfs::ProcessStat, signal: rustix::process::Signal) {
    use rustix::process::{Pid, PidfdFlags, kill_process, pidfd_open, pidfd_send_signal};
    let Some(pid) = Pid::from_raw(found.pid as i32) else { return };
    let same = || procfs::stat(found.pid).is_some_and(|now| now.start_ticks == found.start_ticks);
    match pidfd_open(pid, PidfdFlags::empty()) {
        // The pidfd holds on to the process it was opened for: checked after opening, the
        // signal cannot reach a newer process given the same pid.
        Ok(pidfd) => {
            if same() {
                let _ = pidfd_send_signal(&pidfd, signal);
            }
        }
        // A kernel older than 5.3: check, then signal by pid.
        Err(rustix::io::Errno::NOSYS) => {
            if same() {
                let _ = kill_process(pid, signal);
            }
        }
        Err(_) => {}
    }
}

/// Runs in the child between fork and exec: a session of its own, the subreaper flag and the
/// parent-death signal; refuses to start if the emulator already died.
fn enter_sandbox(emulator_pid: u32) -> io::Result<()> {
    let failed = |errno: rustix::io::Errno| io::Error::from_raw_os_error(errno.raw_os_error());
    rustix::process::setsid().map_err(failed)?;
    #[cfg(target_os = "linux")]
    {
        let own = rustix::process::getpid();
        rustix::process::set_child_subreaper(Some(own)).map_err(failed)?;
        rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
            .map_err(failed)?;
        // The emulator may have died before the death signal was set: then nobody would kill
        // this worker.
        let parent = rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get());
        if parent as u32 != emulator_pid {
            return Err(io::Error::from_raw_os_error(rustix::io::Errno::SRCH.raw_os_error()));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = emulator_pid;
    Ok(())
}

static NEXT_SANDBOX: AtomicU64 = AtomicU64::new(1);

/// This emulator process, as markers name it: its pid and its start time (clock ticks after
/// boot), so that a later process given the same pid is not taken for it.
fn emulator_identity() -> &'static str {
    static IDENTITY: OnceLock<String> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let pid = std::process::id();
        let start = procfs::stat(pid).map_or(0, |stat| stat.start_ticks);
        format!("{pid}.{start}")
    })
}

/// Kills the sandboxes that emulators which no longer run left behind (killed with SIGKILL,
/// crashed): processes of this user whose marker names a pid that is gone or that is another
/// process now. Stops them all first, as a kill does, and waits (bounded) until none is left.
/// Returns how many processes were killed.
pub fn kill_leftovers() -> usize {
    let deadline = Instant::now() + KILL_LIMIT;
    let mut killed: HashMap<u32, u64> = HashMap::new();
    loop {
        let mut found = leftovers();
        // A process that is dying has already given up its memory, environment and marker with
        // it, and is not a zombie yet: it is waited for by pid.
        for (pid, start) in &killed {
            let dying = procfs::stat(*pid).filter(|s| s.start_ticks == *start && !s.ended());
            if let Some(stat) = dying.filter(|s| found.iter().all(|f| f.pid != s.pid)) {
                found.push(stat);
            }
        }
        if found.is_empty() || Instant::now() >= deadline {
            break;
        }
        for stat in &found {
            signal(stat, rustix::process::Signal::STOP);
        }
        for stat in &found {
            signal(stat, rustix::process::Signal::KILL);
            killed.insert(stat.pid, stat.start_ticks);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    killed.len()
}

/// The processes of this user that carry the marker of an emulator that no longer runs.
fn leftovers() -> Vec<procfs::ProcessStat> {
    let own_uid = rustix::process::getuid().as_raw();
    let prefix = format!("{MARKER}=").into_bytes();
    let mut found = Vec::new();
    for stat in procfs::processes() {
        if stat.ended() || procfs::owner(stat.pid) != Some(own_uid) {
            continue;
        }
        let Ok(environ) = std::fs::read(format!("/proc/{}/environ", stat.pid)) else { continue };
        let Some(marker) = (environ.split(|byte| *byte == 0))
            .find_map(|entry| entry.strip_prefix(prefix.as_slice()))
            .and_then(|value| std::str::from_utf8(value).ok())
        else {
            continue;
        };
        let Some((emulator, _sandbox)) = marker.split_once('/') else { continue };
        let Some((pid, start)) = emulator.split_once('.') else { continue };
        let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else { continue };
        let running =
            procfs::stat(pid).is_some_and(|owner| owner.start_ticks == start && !owner.ended());
        if !running {
            found.push(stat);
        }
    }
    found
}

/// A command to start, and where to send the child (or why it could not start).
type SpawnRequest = (std::process::Command, mpsc::SyncSender<io::Result<std::process::Child>>);

/// Starts `command` on the spawner thread, which lives as long as the process, so that the
/// parent-death signal means "the emulator died" and not "a thread of its pool ended".
fn spawn_on_spawner_thread(command: std::process::Command) -> io::Result<std::process::Child> {
    static SPAWNER: OnceLock<Mutex<Option<mpsc::Sender<SpawnRequest>>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (sender, requests) = mpsc::channel::<SpawnRequest>();
        let started =
            std::thread::Builder::new().name("awslab-lambda-spawner".into()).spawn(move || {
                for (mut command, reply) in requests {
                    let _ = reply.send(command.spawn());
                }
            });
        Mutex::new(started.ok().map(|_| sender))
    });
    let sender = crate::state::lock(spawner).clone();
    let Some(sender) = sender else {
        return Err(io::Error::other("the thread that starts workers could not be started"));
    };
    let (reply, answer) = mpsc::sync_channel(1);
    sender
        .send((command, reply))
        .map_err(|_| io::Error::other("the thread that starts workers has stopped"))?;
    answer.recv().map_err(|_| io::Error::other("the thread that starts workers has stopped"))?
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn alive(pid: u32) -> bool {
        procfs::stat(pid).is_some_and(|stat| !stat.ended())
    }

    fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
        let until = Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(Instant::now() < until, "waited 10 s for {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A shell that starts a plain child, a child in a new session, and a double-forked one,
    /// writes their pids, then waits.
    fn forking_shell(pids: &Path) -> Command {
        let script = format!(
            "sleep 300 & echo $! >> {p}; setsid sleep 300 & echo $! >> {p}; \
             (sh -c 'sleep 300 & echo $! >> {p}' &); echo $TMPDIR > {p}.tmp; sleep 300",
            p = pids.display()
        );
        let mut command = Command::new("sh");
        command.args(["-c", &script]).stdin(Stdio::null()).stdout(Stdio::null());
        command
    }

    fn pids_in(file: &Path) -> Vec<u32> {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        text.lines().filter_map(|line| line.trim().parse().ok()).collect()
    }

    #[test]
    fn killing_a_sandbox_kills_every_descendant_and_removes_its_temp_folder() {
        let folder = tempfile::tempdir().unwrap();
        let pids = folder.path().join("pids");
        let mut sandbox =
            Sandbox::spawn(forking_shell(&pids), 128, &folder.path().join("workers")).unwrap();
        wait_for("three children", || pids_in(&pids).len() == 3);
        let children = pids_in(&pids);
        let temp =
            PathBuf::from(std::fs::read_to_string(pids.with_extension("tmp")).unwrap().trim());
        assert!(temp.starts_with(folder.path().join("workers")), "{}", temp.display());
        assert!(temp.is_dir());
        assert!(matches!(sandbox.sample(), Sample::Running(used) if used > 0));
        let worker = sandbox.pid();

        let started = Instant::now();
        sandbox.kill();
        eprintln!("killed a sandbox of 5 processes in {:?}", started.elapsed());
        for pid in children.iter().chain([&worker]) {
            assert!(!alive(*pid), "{pid} survived the kill");
        }
        assert!(!temp.exists(), "the temp folder is removed");
    }

    #[test]
    fn dropping_a_sandbox_kills_it_and_leaves_other_processes_alone() {
        let folder = tempfile::tempdir().unwrap();
        let pids = folder.path().join("pids");
        // A process of ours outside the sandbox, in no relation to it.
        let mut stranger = Command::new("sleep").arg("300").spawn().unwrap();
        let sandbox =
            Sandbox::spawn(forking_shell(&pids), 128, &folder.path().join("workers")).unwrap();
        wait_for("three children", || pids_in(&pids).len() == 3);
        let children = pids_in(&pids);
        drop(sandbox);
        for pid in &children {
            assert!(!alive(*pid), "{pid} survived the drop");
        }
        assert!(alive(stranger.id()), "a process outside the sandbox is left alone");
        stranger.kill().unwrap();
        stranger.wait().unwrap();
    }

    #[test]
    fn orphans_of_a_worker_that_exited_are_found_by_their_marker() {
        let folder = tempfile::tempdir().unwrap();
        let pids = folder.path().join("pids");
        let script = format!("(setsid sleep 300 & echo $! > {p}) ; exit 3", p = pids.display());
        let mut command = Command::new("sh");
        command.args(["-c", &script]).stdin(Stdio::null());
        let mut sandbox = Sandbox::spawn(command, 128, &folder.path().join("workers")).unwrap();
        wait_for("the worker to exit", || sandbox.sample() == Sample::Exited);
        let orphan = pids_in(&pids)[0];
        assert!(alive(orphan));
        let status = sandbox.kill().expect("an exit status");
        assert_eq!(status.code(), Some(3));
        wait_for("the orphan to go", || !alive(orphan));
    }

    #[test]
    fn memory_over_the_limit_is_seen_and_reported_at_the_limit() {
        let folder = tempfile::tempdir().unwrap();
        // 64 MB of touched memory in a sandbox of 32 MB.
        let mut command = Command::new("python3");
        command.args(["-c", "x = b'a' * (64 << 20)\nimport time\ntime.sleep(300)"]);
        let mut sandbox = Sandbox::spawn(command, 32, &folder.path().join("workers")).unwrap();
        wait_for("the memory to pass 32 MB", || sandbox.sample() == Sample::OverLimit);
        assert!(sandbox.over_limit());
        assert_eq!(sandbox.peak_mb(), 32);
        let worker = sandbox.pid();
        sandbox.kill();
        assert!(!alive(worker));
    }
}
