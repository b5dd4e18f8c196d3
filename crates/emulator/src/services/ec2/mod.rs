//! EC2: simulated instances of Amazon Linux with their root EBS volumes and security groups,
//! answering the ec2Query protocol as AWS does (element names, `<item>` lists, error codes and
//! words), plus the simulated shell the lab connects to and the metrics its activity makes.
//!
//! ## Layout
//! - `mod.rs`: [`Ec2State`] access, the dispatch, lab reset, and the shell and metrics entry
//!   points the control endpoints and `crate::metrics` call.
//! - `model`: instances (lifecycle derived from timestamps), volumes, tags, ids and addresses.
//! - `catalog`: Amazon's Amazon Linux images and the instance types.
//! - `launch` (`RunInstances`), `instances` (describe, start, stop, terminate), `status`,
//!   `volumes`, `images`, `tags`, `security_groups` (the groups), `rules` and `permissions`
//!   (their rules), `prefix_lists` (AWS-managed prefix lists): the operations, by resource.
//! - `filters`: `Filter.N` and wildcards. `errors`: [`Ec2Error`]. `operations`: the API's list.
//! - `shell/`: the simulated terminal. `metrics`: `AWS/EC2` and `AWS/EBS` statistic sets.
//!
//! Under AWS's timing ([`crate::Timing::Aws`]) a new instance is unknown for a moment, and the
//! shell is reached as EC2 Instance Connect reaches an instance: only through a security group
//! rule that lets it in on port 22.
//!
//! Not here: key pairs, VPCs and subnets as resources (every instance goes to the region's
//! default ones, whose ids are fixed per region), volumes other than root volumes, snapshots,
//! spot, pagination (every describe answers in one page).

pub(crate) mod catalog;
mod errors;
mod filters;
mod images;
mod instances;
mod launch;
pub mod metrics;
pub mod model;
mod operations;
mod permissions;
mod prefix_lists;
mod rules;
pub mod security_groups;
pub mod shell;
mod status;
mod tags;
mod volumes;

pub use errors::Ec2Error;
pub use model::Ec2State;
pub use operations::Operation;

use super::RequestContext;
use super::operation::{Effect, Operations};
use crate::error::AwsError;
use crate::metrics::ServiceDatum;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::{Shared, lock};
use model::{Millis, millis};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Serves one EC2 operation.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    request: &QueryRequest,
) -> Result<Value, AwsError> {
    if request.params.get("DryRun").and_then(Value::as_str) == Some("true") {
        // What AWS answers when the caller would have been allowed (the learner always is).
        return Err(AwsError::sender(
            "DryRunOperation",
            412,
            "Request would have succeeded, but DryRun flag is set.",
        ));
    }
    authorize(shared, ctx, request)?;
    // Read before EC2's state is locked: SSM's lock is never taken inside it.
    let resolved = match operation {
        Operation::RunInstances => launch::resolve_ssm_image(shared, ctx, request)?,
        _ => None,
    };
    let request = resolved.as_ref().unwrap_or(request);
    let now = millis(ctx.now);
    let region = ctx.region.as_str();
    let mut state = lock(&shared.ec2);
    let state = state.regions.entry(region.to_string()).or_default();
    // Made on any call, read or change: it is the same group whenever it is made, so a read
    // that makes it need not save it.
    security_groups::ensure_default(state, region);
    if operation.effect() == Effect::Changes {
        state.purge(now);
    }
    let clockwork = &shared.config.clockwork;
    let result = match operation {
        Operation::RunInstances => {
            launch::run_instances(state, region, input(request)?, now, clockwork)
        }
        Operation::DescribeInstances => {
            instances::describe_instances(state, region, input(request)?, now)
        }
        Operation::DescribeInstanceStatus => {
            status::describe_instance_status(state, input(request)?, now)
        }
        Operation::StartInstances => instances::start_instances(state, input(request)?, now),
        Operation::StopInstances => instances::stop_instances(state, input(request)?, now),
        Operation::TerminateInstances => {
            instances::terminate_instances(state, input(request)?, now)
        }
        Operation::DescribeVolumes => volumes::describe_volumes(state, input(request)?, now),
        Operation::DescribeImages => images::describe_images(region, input(request)?),
        Operation::CreateTags => tags::create_tags(state, input(request)?, now),
        Operation::DeleteTags => tags::delete_tags(state, input(request)?, now),
        Operation::DescribeTags => tags::describe_tags(state, input(request)?, now),
        Operation::CreateSecurityGroup => {
            security_groups::create_security_group(state, region, input(request)?, now)
        }
        Operation::DeleteSecurityGroup => {
            security_groups::delete_security_group(state, region, input(request)?, now)
        }
        Operation::DescribeSecurityGroups => {
            security_groups::describe_security_groups(state, region, input(request)?)
        }
        Operation::AuthorizeSecurityGroupIngress => {
            permissions::authorize(state, region, input(request)?, false)
        }
        Operation::AuthorizeSecurityGroupEgress => {
            permissions::authorize(state, region, input(request)?, true)
        }
        Operation::RevokeSecurityGroupIngress => {
            permissions::revoke(state, region, input(request)?, false)
        }
        Operation::RevokeSecurityGroupEgress => {
            permissions::revoke(state, region, input(request)?, true)
        }
        Operation::DescribeSecurityGroupRules => {
            permissions::describe_security_group_rules(state, region, input(request)?)
        }
        Operation::DescribeManagedPrefixLists => {
            prefix_lists::describe_managed_prefix_lists(region, input(request)?)
        }
        Operation::GetManagedPrefixListEntries => {
            prefix_lists::get_managed_prefix_list_entries(region, input(request)?)
        }
    };
    Ok(result?)
}

/// A role session (a Lambda function's, say) needs `ec2:ACTION` on each instance it names
/// (`arn:aws:ec2:REGION:ACCOUNT:instance/ID`), or on `*` when it names none; it is refused with
/// EC2's `UnauthorizedOperation`.
fn authorize(
    shared: &Shared,
    ctx: &RequestContext,
    request: &QueryRequest,
) -> Result<(), AwsError> {
    let action = format!("ec2:{}", request.action);
    let instances: Vec<String> = match request.params.get("InstanceId") {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).map(String::from).collect(),
        Some(Value::String(id)) => vec![id.clone()],
        _ => Vec::new(),
    };
    let resources = if instances.is_empty() {
        vec!["*".to_string()]
    } else {
        (instances.iter())
            .map(|id| format!("arn:aws:ec2:{}:{}:instance/{id}", ctx.region, ctx.caller.account()))
            .collect()
    };
    for resource in resources {
        super::authorize(shared, ctx, Service::Ec2, &action, &resource).map_err(|denied| {
            AwsError::sender(
                "UnauthorizedOperation",
                403,
                format!("You are not authorized to perform this operation. {}", denied.message),
            )
        })?;
    }
    Ok(())
}

/// The parameters as an operation's input, with EC2's errors for what does not fit.
fn input<T: DeserializeOwned>(request: &QueryRequest) -> Result<T, Ec2Error> {
    serde_json::from_value(request.params.clone()).map_err(|error| {
        let text = error.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text).to_string();
        Ec2Error::InvalidParameterValue(format!("The request could not be read: {reason}"))
    })
}

impl Ec2State {
    /// Deletes the instances tagged `awslab:lab` = `lab` and their root volumes at once (no
    /// `shutting-down`: a reset leaves nothing behind), then the security groups so tagged that
    /// nothing else uses any more; returns their ids.
    pub fn delete_lab_instances(&mut self, lab: &str) -> Vec<String> {
        let mut deleted = Vec::new();
        for (region_name, region) in self.regions.iter_mut() {
            let ids: Vec<String> = (region.instances.values())
                .filter(|instance| instance.tag("awslab:lab") == Some(lab))
                .map(|instance| instance.id.clone())
                .collect();
            for id in ids {
                if let Some(instance) = region.instances.remove(&id) {
                    region.volumes.remove(&instance.root_volume_id);
                    deleted.push(id);
                }
            }
            let default = launch::default_network(region_name).security_group_id;
            let groups: Vec<String> = (region.security_groups.values())
                .filter(|group| group.id != default)
                .filter(|group| group.tags.iter().any(|t| t.key == "awslab:lab" && t.value == lab))
                .map(|group| group.id.clone())
                .collect();
            for id in groups {
                // Whatever state they are in, the learner's own instances keep their groups.
                let used = (region.instances.values())
                    .any(|instance| instance.security_group_ids.contains(&id))
                    || rules::referenced(region, &id);
                if !used && region.security_groups.remove(&id).is_some() {
                    deleted.push(id);
                }
            }
        }
        deleted
    }
}

/// Why the shell cannot run a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("there is no instance {0} (it may have been terminated more than an hour ago)")]
    NoInstance(String),
    #[error("instance {id} is {state}: connect once it is running")]
    NotRunning { id: String, state: &'static str },
    /// Under AWS's timing: no group of the instance lets EC2 Instance Connect in on port 22.
    #[error("EC2 Instance Connect cannot reach {id} on port 22: {reason}")]
    PortClosed { id: String, reason: String },
}

/// What the shell answers: the command's output, its status, and the prompt that follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellAnswer {
    pub output: String,
    pub exit_code: i32,
    pub prompt: String,
    /// How long after the emulator's now the command ends (a download takes simulated time;
    /// the shell also finishes any command before it first), in milliseconds.
    pub busy_ms: i64,
}

/// Runs a command in an instance's shell, in whichever region the instance is.
pub fn run_shell(
    shared: &Shared,
    instance_id: &str,
    command: &str,
) -> Result<ShellAnswer, ShellError> {
    let now = millis(shared.clock.now());
    let answer = {
        let mut state = lock(&shared.ec2);
        let Some((region, region_state)) = (state.regions.iter_mut())
            .find(|(_, region)| region.instances.contains_key(instance_id))
        else {
            return Err(ShellError::NoInstance(instance_id.to_string()));
        };
        security_groups::ensure_default(region_state, region);
        let Some(instance) = region_state.instances.get(instance_id) else {
            return Err(ShellError::NoInstance(instance_id.to_string()));
        };
        let current = instance.state_at(now);
        if current != model::InstanceState::Running {
            return Err(ShellError::NotRunning {
                id: instance_id.to_string(),
                state: current.name(),
            });
        }
        if shared.config.clockwork.timing.is_aws()
            && let Some(reason) = instance_connect_refused(region_state, instance, region)
        {
            return Err(ShellError::PortClosed { id: instance_id.to_string(), reason });
        }
        let disk_bytes = (region_state.volumes.get(&instance.root_volume_id))
            .map_or(8, |volume| u64::from(volume.size_gib))
            * 1024
            * 1024
            * 1024;
        let kind = catalog::instance_type(&instance.instance_type);
        let machine = shell::Machine {
            region: region.clone(),
            os: instance.os,
            vcpus: kind.map_or(1, |k| k.vcpus),
            memory_mib: kind.map_or(1024, |k| k.memory_mib),
            disk_bytes,
            nitro: kind.is_some_and(|k| k.nitro),
            host_name: instance.host_name(),
            architecture: instance.architecture.clone(),
        };
        let Some(instance) = region_state.instances.get_mut(instance_id) else {
            return Err(ShellError::NoInstance(instance_id.to_string()));
        };
        let output = shell::run(instance, &machine, command, now);
        ShellAnswer {
            output: output.output,
            exit_code: output.exit_code,
            prompt: shell::prompt(instance),
            busy_ms: (instance.shell.busy_until - now).max(0),
        }
    };
    if let Err(error) = shared.save(Service::Ec2) {
        eprintln!("awslab emulator: saving EC2 after a shell command: {error}");
    }
    Ok(answer)
}

/// Why EC2 Instance Connect from the console cannot reach `instance` (see
/// [`rules::lets_instance_connect_in`]), in words that say which groups and which rule
/// would let it in; `None` when one of its groups does.
fn instance_connect_refused(
    state: &model::RegionState,
    instance: &model::Instance,
    region: &str,
) -> Option<String> {
    let groups: Vec<&security_groups::SecurityGroup> = (instance.security_group_ids.iter())
        .filter_map(|id| state.security_groups.get(id))
        .collect();
    if groups.iter().any(|group| rules::lets_instance_connect_in(group, region)) {
        return None;
    }
    let names: Vec<String> =
        groups.iter().map(|group| format!("{} ({})", group.id, group.name)).collect();
    let list = prefix_lists::instance_connect(region);
    let (from, source) = match &list {
        Some(list) => (
            format!("{} ({})", list.cidrs.join(", "), list.name),
            format!("the prefix list {} ({}), or {}", list.id, list.name, list.cidrs.join(", ")),
        ),
        None => ("anywhere".to_string(), "0.0.0.0/0".to_string()),
    };
    let target = groups.first().map_or("one of them".to_string(), |group| group.id.clone());
    Some(format!(
        "none of its security groups ({}) allows inbound SSH (TCP port 22) from EC2 Instance \
         Connect's addresses in {region}, {from}. Add an inbound rule to {target}: type SSH, \
         protocol TCP, port 22, source {source}",
        names.join(", ")
    ))
}

/// The statistic sets of every instance's completed periods up to `now`, each once.
pub fn collect_metrics(shared: &Shared, now: Millis) -> Vec<ServiceDatum> {
    let data = {
        let mut state = lock(&shared.ec2);
        let mut data = Vec::new();
        for (region, region_state) in state.regions.iter_mut() {
            let model::RegionState { instances, volumes, .. } = region_state;
            for instance in instances.values_mut() {
                let volume = volumes.get(&instance.root_volume_id).map(|volume| volume.id.clone());
                let vcpus = catalog::instance_type(&instance.instance_type).map_or(1, |k| k.vcpus);
                data.extend(metrics::collect(instance, region, volume.as_deref(), vcpus, now));
            }
        }
        data
    };
    if !data.is_empty()
        && let Err(error) = shared.save(Service::Ec2)
    {
        eprintln!("awslab emulator: saving EC2 after collecting metrics: {error}");
    }
    data
}

#[cfg(test)]
mod tests;
