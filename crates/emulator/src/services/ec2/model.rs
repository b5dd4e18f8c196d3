//! EC2's state as plain data: instances with their lifecycle, root volumes, security groups,
//! tags, and the ids and addresses they are given.
//!
//! Times are Unix milliseconds of the emulator's clock. An instance's state is never stored: it
//! is derived from its lifecycle events and the time asked about (`pending` until 15 simulated
//! seconds after a launch or start, then `running`, …), so nothing has to tick for instances to
//! come up, and the metrics can ask when an instance ran in any past minute.

use super::shell::Shell;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub use crate::clock::{Millis, datetime, millis};

/// How long an instance stays `pending` after a launch or a start.
pub const PENDING_MS: Millis = 15_000;
/// How long `stopping` lasts.
pub const STOPPING_MS: Millis = 30_000;
/// How long `shutting-down` lasts before `terminated`.
pub const SHUTTING_DOWN_MS: Millis = 20_000;
/// How long a terminated instance stays visible, as on AWS (about an hour).
pub const TERMINATED_VISIBLE_MS: Millis = 60 * 60 * 1000;
/// How long the status checks say `initializing` once an instance runs.
pub const STATUS_INITIALIZING_MS: Millis = 2 * 60 * 1000;

/// `2024-05-01T12:00:00.000Z`, as EC2 prints times.
pub fn timestamp(at: Millis) -> String {
    let at = datetime(at);
    crate::clock::write(at, crate::clock::formats::ISO_MILLIS)
}

/// EC2 in one account: each region on its own.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ec2State {
    pub regions: BTreeMap<String, RegionState>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionState {
    /// How many ids were handed out: ids and private addresses derive from it, so a fresh
    /// emulator gives the same ids in the same order (tests and lab text can rely on shapes).
    pub sequence: u64,
    /// How many instances were launched: the n-th gets the n-th private address.
    pub launched: u64,
    pub instances: BTreeMap<String, Instance>,
    pub volumes: BTreeMap<String, Volume>,
    /// By id. Absent from state files written before security groups existed: the region's
    /// default group is made when first needed ([`super::security_groups::ensure_default`]).
    #[serde(default)]
    pub security_groups: BTreeMap<String, super::security_groups::SecurityGroup>,
}

impl RegionState {
    /// A new id: `prefix-` and 17 hex digits, the first `0`, as current EC2 ids look.
    pub fn next_id(&mut self, region: &str, prefix: &str) -> String {
        self.sequence += 1;
        format!("{prefix}-0{}", &hex_digest(&format!("{region}/{prefix}/{}", self.sequence))[..16])
    }

    /// Drops instances terminated more than an hour ago, and the volumes deleted with them.
    pub fn purge(&mut self, now: Millis) {
        let gone: Vec<String> = (self.instances.iter())
            .filter(|(_, instance)| {
                instance.terminated_at().is_some_and(|at| now >= at + TERMINATED_VISIBLE_MS)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            self.instances.remove(&id);
        }
        let instances = &self.instances;
        self.volumes.retain(|_, volume| match &volume.attachment {
            Some(attachment) if attachment.delete_on_termination => {
                instances.contains_key(&attachment.instance_id)
            }
            _ => true,
        });
    }
}

/// SHA-256 of a text, in hex: the source of deterministic ids and addresses.
pub fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// What the user (or AWS) did to an instance, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Launch,
    Start,
    Stop,
    Terminate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: Millis,
    pub action: Action,
}

/// An instance state with EC2's name and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }

    /// The low byte of EC2's state code.
    pub fn code(self) -> u16 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    pub fn json(self) -> serde_json::Value {
        serde_json::json!({ "code": self.code(), "name": self.name() })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn tags_json(tags: &[Tag]) -> serde_json::Value {
    tags.iter().map(|tag| serde_json::json!({ "key": tag.key, "value": tag.value })).collect()
}

/// Sets tags, replacing the value of a key already there.
pub fn merge_tags(tags: &mut Vec<Tag>, new: &[Tag]) {
    for tag in new {
        match tags.iter_mut().find(|old| old.key == tag.key) {
            Some(old) => old.value = tag.value.clone(),
            None => tags.push(tag.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub reservation_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub architecture: String,
    pub key_name: Option<String>,
    pub launch_index: u32,
    pub client_token: Option<String>,
    pub availability_zone: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// The instance's security groups, in the order they were given. State files written
    /// before instances had several groups name one, as `security_group_id`.
    #[serde(alias = "security_group_id", deserialize_with = "one_or_many")]
    pub security_group_ids: Vec<String>,
    pub private_ip: String,
    pub root_device_name: String,
    pub root_volume_id: String,
    /// Amazon Linux 2 or 2023: what the shell prints (`uname`, `df`) depends on it.
    pub os: super::catalog::OsFamily,
    pub tags: Vec<Tag>,
    pub events: Vec<Event>,
    pub shell: Shell,
    /// The end of the last metric period handed to CloudWatch.
    pub metrics_until: Millis,
    /// Until when `DescribeInstances` and the calls naming the instance do not know it yet
    /// (AWS's eventual consistency, [`crate::timing::Delay::InstanceDescribable`]); 0 in state
    /// files written before the emulator kept AWS's time: known at once.
    #[serde(default)]
    pub describable_at: Millis,
}

/// One id, or a list of them.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(id) => vec![id],
        OneOrMany::Many(ids) => ids,
    })
}

impl Instance {
    pub fn launched_at(&self) -> Millis {
        self.events.first().map_or(0, |event| event.at)
    }

    /// The state at `now`, from the last event at or before it.
    pub fn state_at(&self, now: Millis) -> InstanceState {
        let Some(event) = self.events.iter().rev().find(|event| event.at <= now) else {
            return InstanceState::Pending;
        };
        let elapsed = now - event.at;
        match event.action {
            Action::Launch | Action::Start if elapsed < PENDING_MS => InstanceState::Pending,
            Action::Launch | Action::Start => InstanceState::Running,
            Action::Stop if elapsed < STOPPING_MS => InstanceState::Stopping,
            Action::Stop => InstanceState::Stopped,
            Action::Terminate if elapsed < SHUTTING_DOWN_MS => InstanceState::ShuttingDown,
            Action::Terminate => InstanceState::Terminated,
        }
    }

    /// When the instance was (or will be) terminated, if it was asked to be.
    pub fn terminated_at(&self) -> Option<Millis> {
        (self.events.iter())
            .find(|event| event.action == Action::Terminate)
            .map(|event| event.at + SHUTTING_DOWN_MS)
    }

    /// Every span in which the instance ran: from the end of `pending` to the next stop or
    /// termination (`None`: still running).
    pub fn running_spans(&self) -> Vec<(Millis, Option<Millis>)> {
        let mut spans = Vec::new();
        for (index, event) in self.events.iter().enumerate() {
            if !matches!(event.action, Action::Launch | Action::Start) {
                continue;
            }
            let from = event.at + PENDING_MS;
            let to = self.events.get(index + 1).map(|next| next.at);
            if to.is_none_or(|to| to > from) {
                spans.push((from, to));
            }
        }
        spans
    }

    /// Whether the instance ever reached `running` by `now`.
    pub fn has_run(&self, now: Millis) -> bool {
        self.running_spans().iter().any(|(from, _)| *from <= now)
    }

    /// When the current run began (for the status checks), if it is running.
    pub fn running_since(&self, now: Millis) -> Option<Millis> {
        (self.running_spans().into_iter())
            .find(|(from, to)| *from <= now && to.is_none_or(|to| now < to))
            .map(|(from, _)| from)
    }

    /// The last event, for `StateTransitionReason`.
    pub fn last_event(&self) -> Option<&Event> {
        self.events.last()
    }

    /// `ip-172-31-37-173`: the host name Amazon Linux gives itself.
    pub fn host_name(&self) -> String {
        format!("ip-{}", self.private_ip.replace('.', "-"))
    }

    /// A public address while the instance runs; a new one after each start, as on AWS.
    pub fn public_ip(&self) -> String {
        let starts = self.events.iter().filter(|e| e.action != Action::Stop).count();
        let digest = hex_digest(&format!("{}/public/{starts}", self.id));
        let byte = |at: usize| u8::from_str_radix(&digest[at..at + 2], 16).unwrap_or(1);
        let first = [3, 13, 18, 34, 43, 52, 54][usize::from(byte(0)) % 7];
        format!("{first}.{}.{}.{}", byte(2), byte(4), byte(6).max(1))
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|tag| tag.key == key).map(|tag| tag.value.as_str())
    }
}

/// The private address of the n-th instance of a region: the first is the handout's
/// `172.31.37.173`, the rest follow in the same /20 default subnet.
pub fn private_ip(n: u64) -> String {
    let offset = (1453 + n * 263) % 4096;
    // Skip the subnet's network, reserved and broadcast addresses.
    let offset = match offset {
        0..=3 => offset + 4,
        4095 => 4094,
        other => other,
    };
    format!("172.31.{}.{}", 32 + offset / 256, offset % 256)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub size_gib: u32,
    pub volume_type: String,
    pub iops: Option<u32>,
    pub throughput: Option<u32>,
    pub snapshot_id: String,
    pub availability_zone: String,
    pub encrypted: bool,
    pub created_at: Millis,
    pub tags: Vec<Tag>,
    pub attachment: Option<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub instance_id: String,
    pub device: String,
    pub attached_at: Millis,
    pub delete_on_termination: bool,
}

/// A t2.micro running Amazon Linux 2, launched at `at`, for tests.
#[cfg(test)]
pub fn test_instance(at: Millis) -> Instance {
    Instance {
        id: "i-0123456789abcdef0".into(),
        reservation_id: "r-0123456789abcdef0".into(),
        image_id: "ami-0123456789abcdef0".into(),
        instance_type: "t2.micro".into(),
        architecture: "x86_64".into(),
        key_name: None,
        launch_index: 0,
        client_token: None,
        availability_zone: "us-east-1a".into(),
        vpc_id: "vpc-0123456789abcdef0".into(),
        subnet_id: "subnet-0123456789abcdef0".into(),
        security_group_ids: vec!["sg-0123456789abcdef0".into()],
        private_ip: "172.31.37.173".into(),
        root_device_name: "/dev/xvda".into(),
        root_volume_id: "vol-0123456789abcdef0".into(),
        os: super::catalog::OsFamily::AmazonLinux2,
        tags: Vec::new(),
        events: vec![Event { at, action: Action::Launch }],
        shell: Shell::default(),
        metrics_until: at - at.rem_euclid(super::metrics::PERIOD_MS),
        describable_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_address_is_the_handouts_and_the_rest_stay_in_the_subnet() {
        assert_eq!(private_ip(0), "172.31.37.173");
        for n in 0..5000 {
            let ip = private_ip(n);
            let parts: Vec<u32> = ip.split('.').map(|p| p.parse().unwrap()).collect();
            assert!((32..48).contains(&parts[2]), "{ip}");
            assert!(parts[3] <= 255);
        }
        assert_ne!(private_ip(1), private_ip(0));
    }

    #[test]
    fn states_follow_the_clock() {
        let mut instance = test_instance(0);
        assert_eq!(instance.state_at(0), InstanceState::Pending);
        assert_eq!(instance.state_at(PENDING_MS - 1), InstanceState::Pending);
        assert_eq!(instance.state_at(PENDING_MS), InstanceState::Running);
        instance.events.push(Event { at: 60_000, action: Action::Stop });
        assert_eq!(instance.state_at(60_000), InstanceState::Stopping);
        assert_eq!(instance.state_at(60_000 + STOPPING_MS), InstanceState::Stopped);
        instance.events.push(Event { at: 120_000, action: Action::Start });
        assert_eq!(instance.state_at(120_000), InstanceState::Pending);
        assert_eq!(instance.state_at(120_000 + PENDING_MS), InstanceState::Running);
        instance.events.push(Event { at: 200_000, action: Action::Terminate });
        assert_eq!(instance.state_at(200_000), InstanceState::ShuttingDown);
        assert_eq!(instance.state_at(200_000 + SHUTTING_DOWN_MS), InstanceState::Terminated);
        assert_eq!(
            instance.running_spans(),
            vec![(PENDING_MS, Some(60_000)), (120_000 + PENDING_MS, Some(200_000))]
        );
        assert_eq!(instance.terminated_at(), Some(200_000 + SHUTTING_DOWN_MS));
    }

    #[test]
    fn instances_saved_with_one_security_group_still_load() {
        let mut saved = serde_json::to_value(test_instance(0)).unwrap();
        let fields = saved.as_object_mut().unwrap();
        fields.remove("security_group_ids");
        fields.remove("describable_at");
        fields.insert("security_group_id".into(), "sg-0123456789abcdef0".into());
        let loaded: Instance = serde_json::from_value(saved).unwrap();
        assert_eq!(loaded.security_group_ids, ["sg-0123456789abcdef0"]);
        assert_eq!(loaded.describable_at, 0);
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let at = millis(time::macros::datetime!(2024-05-01 12:03:04.5 UTC));
        assert_eq!(timestamp(at), "2024-05-01T12:03:04.500Z");
    }
}
