//! EC2 as AWS keeps time, through aws-sdk-ec2: a new instance is briefly unknown (and the SDK's
//! waiters wait through it), security groups and their rules with AWS's errors, the EC2 Instance
//! Connect prefix list, and the terminal that, like the console's Connect, needs port 22 open to
//! Instance Connect.
//!
//! Every emulator here runs under `Timing::Aws` with a fixed seed and a clock that stands still
//! (speed 0) unless a test advances it, so what a test sees never depends on how fast the
//! machine is; the waiters' sleeps advance the emulator's clock instead of waiting.

mod common;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::config::timeout::TimeoutConfig;
use aws_sdk_ec2::config::{
    AsyncSleep, IdentityCache, SharedAsyncSleep, Sleep, StalledStreamProtectionConfig,
};
use aws_sdk_ec2::types::{
    Filter, InstanceStateName, InstanceType, IpPermission, IpRange, Ipv6Range, PrefixListId,
    ResourceType, Tag, TagSpecification, UserIdGroupPair,
};
use awslab_emulator::{Clockwork, Emulator, EmulatorConfig, Timing};
use common::failure;
use serde_json::{Value, json};
use std::time::Duration;

const REGION: &str = "ap-northeast-2";
const AWS: Clockwork = Clockwork { timing: Timing::Aws, seed: 16 };
/// Seoul's `com.amazonaws.ap-northeast-2.ec2-instance-connect` and its one range.
const INSTANCE_CONNECT: &str = "pl-00ec8fd779e5b4175";
const INSTANCE_CONNECT_RANGE: &str = "13.209.1.56/29";

async fn start_with(clockwork: Clockwork) -> (Emulator, Client) {
    let config = EmulatorConfig { clock_speed: 0.0, clockwork, ..EmulatorConfig::default() };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let client = Client::new(&common::sdk_config(&emulator, REGION).await);
    (emulator, client)
}

async fn start() -> (Emulator, Client) {
    start_with(AWS).await
}

/// Moves the emulator's clock forward (what waiting does on AWS).
async fn advance(emulator: &Emulator, seconds: f64) {
    let path = format!("/_awslab/clock/advance?seconds={seconds}");
    let answer =
        common::send(emulator.port(), "POST", &path, &[common::token(emulator)], b"").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// The waiters' sleep: it advances the emulator's clock by what the waiter would wait.
#[derive(Debug, Clone)]
struct ClockSleep {
    port: u16,
    token: String,
}

impl AsyncSleep for ClockSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        let (port, token) = (self.port, self.token.clone());
        Sleep::new(async move {
            let path = format!("/_awslab/clock/advance?seconds={}", duration.as_secs_f64());
            let header = (awslab_emulator::CONTROL_TOKEN_HEADER, token.as_str());
            let answer = common::send(port, "POST", &path, &[header], b"").await;
            assert_eq!(answer.status, 200, "{}", answer.body);
        })
    }
}

/// A client whose waiters sleep on the emulator's clock. Nothing else of it sleeps: no timeouts
/// (they would end at once), no stalled-stream checks, no identity cache.
async fn waiting_client(emulator: &Emulator) -> Client {
    let sdk = common::sdk_config(emulator, REGION).await;
    let sleep = ClockSleep { port: emulator.port(), token: emulator.control_token().to_string() };
    let config = aws_sdk_ec2::config::Builder::from(&sdk)
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .timeout_config(TimeoutConfig::disabled())
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .identity_cache(IdentityCache::no_cache())
        .build();
    Client::from_conf(config)
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn tags(resource: ResourceType, key: &str, value: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource)
        .tags(Tag::builder().key(key).value(value).build())
        .build()
}

async fn image(ec2: &Client) -> String {
    let images = ec2
        .describe_images()
        .owners("amazon")
        .filters(filter("name", "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2"))
        .send()
        .await
        .expect("DescribeImages");
    images.images()[0].image_id().expect("an image id").to_string()
}

/// Launches a t2.micro in `groups` (the default group when empty); answers its id.
async fn launch(ec2: &Client, groups: &[&str]) -> String {
    let mut request = ec2
        .run_instances()
        .image_id(image(ec2).await)
        .instance_type(InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .tag_specifications(tags(ResourceType::Instance, "awslab:lab", "cloudwatch-alarm"));
    for group in groups {
        request = request.security_group_ids(*group);
    }
    let answer = request.send().await.expect("RunInstances");
    answer.instances()[0].instance_id().expect("an instance id").to_string()
}

/// Launches an instance and moves the clock until it runs (AWS's 15 s of `pending`).
async fn launch_running(emulator: &Emulator, ec2: &Client, groups: &[&str]) -> String {
    let id = launch(ec2, groups).await;
    advance(emulator, 20.0).await;
    let answer = ec2.describe_instances().instance_ids(&id).send().await.expect("Describe");
    let state = answer.reservations()[0].instances()[0].state().and_then(|s| s.name()).cloned();
    assert_eq!(state, Some(InstanceStateName::Running));
    id
}

async fn create_group(ec2: &Client, name: &str) -> String {
    let answer = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("{name} for the lab"))
        .send()
        .await
        .expect("CreateSecurityGroup");
    answer.group_id().expect("a group id").to_string()
}

fn ssh_from(peer: IpPermissionPeer<'_>) -> IpPermission {
    let permission = IpPermission::builder().ip_protocol("tcp").from_port(22).to_port(22);
    match peer {
        IpPermissionPeer::Cidr(cidr) => {
            permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        }
        IpPermissionPeer::PrefixList(id) => {
            permission.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).build())
        }
    }
    .build()
}

enum IpPermissionPeer<'a> {
    Cidr(&'a str),
    PrefixList(&'a str),
}

async fn shell(emulator: &Emulator, id: &str, command: &str) -> (u16, Value) {
    let body = json!({ "command": command }).to_string();
    let path = format!("/_awslab/ec2/instances/{id}/shell");
    let headers = [("content-type", "application/json"), common::token(emulator)];
    let answer = common::send(emulator.port(), "POST", &path, &headers, body.as_bytes()).await;
    (answer.status, serde_json::from_str(&answer.body).expect("a JSON answer"))
}

#[tokio::test]
async fn a_new_instance_is_unknown_until_aws_has_it_then_pending_then_running() {
    let (emulator, ec2) = start().await;
    let id = launch(&ec2, &[]).await;
    let not_found = (
        "InvalidInstanceID.NotFound".to_string(),
        format!("The instance ID '{id}' does not exist"),
        400,
    );
    let described = ec2.describe_instances().instance_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(described), not_found);
    let status = ec2.describe_instance_status().instance_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(status), not_found);
    let tagged = ec2
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("Owner").value("student").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(tagged), not_found);
    let everything = ec2.describe_instances().send().await.expect("DescribeInstances");
    assert!(everything.reservations().is_empty(), "nor is it listed");

    advance(&emulator, 2.0).await;
    let found = ec2.describe_instances().instance_ids(&id).send().await.expect("Describe");
    let instance = &found.reservations()[0].instances()[0];
    assert_eq!(instance.state().and_then(|s| s.name()), Some(&InstanceStateName::Pending));
    advance(&emulator, 15.0).await;
    let found = ec2.describe_instances().instance_ids(&id).send().await.expect("Describe");
    let instance = &found.reservations()[0].instances()[0];
    assert_eq!(instance.state().and_then(|s| s.name()), Some(&InstanceStateName::Running));
}

#[tokio::test]
async fn the_sdks_waiters_wait_through_not_found_until_the_instance_runs() {
    let (emulator, ec2) = start().await;
    let id = launch(&ec2, &[]).await;
    let unknown = ec2.describe_instances().instance_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(unknown).0, "InvalidInstanceID.NotFound");

    let waiter = waiting_client(&emulator).await;
    let exists =
        waiter.wait_until_instance_exists().instance_ids(&id).wait(Duration::from_secs(60));
    let exists = exists.await.expect("instance_exists");
    let output = exists.as_result().expect("a DescribeInstances answer");
    assert_eq!(output.reservations()[0].instances()[0].instance_id(), Some(id.as_str()));
    let running =
        waiter.wait_until_instance_running().instance_ids(&id).wait(Duration::from_secs(60));
    let running = running.await.expect("instance_running");
    let instance = &running.as_result().expect("an answer").reservations()[0].instances()[0];
    assert_eq!(instance.state().and_then(|s| s.name()), Some(&InstanceStateName::Running));
}

#[tokio::test]
async fn under_instant_timing_a_new_instance_is_known_at_once_and_the_terminal_is_open() {
    let (emulator, ec2) = start_with(Clockwork::INSTANT).await;
    let id = launch(&ec2, &[]).await;
    let found = ec2.describe_instances().instance_ids(&id).send().await.expect("Describe");
    assert_eq!(found.reservations()[0].instances()[0].instance_id(), Some(id.as_str()));
    advance(&emulator, 20.0).await;
    let (status, answer) = shell(&emulator, &id, "whoami").await;
    assert_eq!((status, answer["output"].as_str()), (200, Some("ec2-user\n")));
}

#[tokio::test]
async fn each_region_has_a_default_group_with_awss_default_rules_and_instances_go_in_it() {
    let (emulator, ec2) = start().await;
    let groups = ec2
        .describe_security_groups()
        .filters(filter("group-name", "default"))
        .send()
        .await
        .expect("DescribeSecurityGroups");
    let [default] = groups.security_groups() else { panic!("{groups:?}") };
    let id = default.group_id().expect("an id").to_string();
    assert_eq!(default.description(), Some("default VPC security group"));
    assert_eq!(
        default.security_group_arn(),
        Some(format!("arn:aws:ec2:{REGION}:000000000000:security-group/{id}").as_str())
    );
    let [ingress] = default.ip_permissions() else { panic!("{default:?}") };
    assert_eq!(ingress.ip_protocol(), Some("-1"));
    assert_eq!(ingress.user_id_group_pairs()[0].group_id(), Some(id.as_str()), "from itself");
    let [egress] = default.ip_permissions_egress() else { panic!("{default:?}") };
    assert_eq!(egress.ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));

    let instance = launch(&ec2, &[]).await;
    advance(&emulator, 2.0).await;
    let found = ec2.describe_instances().instance_ids(&instance).send().await.expect("Describe");
    let groups = found.reservations()[0].instances()[0].security_groups();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        (groups[0].group_id(), groups[0].group_name()),
        (Some(id.as_str()), Some("default"))
    );
    let refused = ec2.delete_security_group().group_id(&id).send().await.unwrap_err();
    assert_eq!(
        failure(refused),
        (
            "CannotDelete".into(),
            format!("the specified group: \"{id}\" name: \"default\" cannot be deleted by a user"),
            400
        )
    );
}

#[tokio::test]
async fn groups_are_created_found_by_id_name_and_filters_and_refused_as_aws_refuses() {
    let (_emulator, ec2) = start().await;
    let made = ec2
        .create_security_group()
        .group_name("web")
        .description("HTTP and SSH")
        .tag_specifications(tags(ResourceType::SecurityGroup, "Name", "web"))
        .send()
        .await
        .expect("CreateSecurityGroup");
    let id = made.group_id().expect("an id").to_string();
    assert!(id.starts_with("sg-0") && id.len() == 20, "{id}");
    assert_eq!(made.tags()[0].value(), Some("web"));

    let by_id = ec2.describe_security_groups().group_ids(&id).send().await.expect("by id");
    let group = &by_id.security_groups()[0];
    assert_eq!((group.group_name(), group.description()), (Some("web"), Some("HTTP and SSH")));
    assert!(group.ip_permissions().is_empty(), "nothing comes in");
    assert_eq!(group.ip_permissions_egress()[0].ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
    let vpc = group.vpc_id().expect("the default VPC").to_string();
    let by_name = ec2.describe_security_groups().group_names("web").send().await.expect("name");
    assert_eq!(by_name.security_groups()[0].group_id(), Some(id.as_str()));
    for (name, value) in [("group-id", id.as_str()), ("vpc-id", &vpc), ("tag:Name", "web")] {
        let found = ec2.describe_security_groups().filters(filter(name, value)).send().await;
        let found = found.expect("DescribeSecurityGroups with a filter");
        let ids: Vec<_> = found.security_groups().iter().filter_map(|g| g.group_id()).collect();
        assert!(ids.contains(&id.as_str()), "{name}: {ids:?}");
    }

    let again = ec2.create_security_group().group_name("web").description("x").send().await;
    assert_eq!(
        failure(again.unwrap_err()),
        (
            "InvalidGroup.Duplicate".into(),
            format!("The security group 'web' already exists for VPC '{vpc}'"),
            400
        )
    );
    let reserved = ec2.create_security_group().group_name("default").description("x").send().await;
    assert_eq!(
        failure(reserved.unwrap_err()).1,
        "Cannot use reserved security group name: default"
    );
    let missing = ec2.describe_security_groups().group_ids("sg-0123456789abcdef0").send().await;
    assert_eq!(
        failure(missing.unwrap_err()),
        (
            "InvalidGroup.NotFound".into(),
            "The security group 'sg-0123456789abcdef0' does not exist".into(),
            400
        )
    );
    let no_name = ec2.describe_security_groups().group_names("api").send().await.unwrap_err();
    assert_eq!(
        failure(no_name).1,
        format!("The security group 'api' does not exist in default VPC '{vpc}'")
    );
    let malformed = ec2.delete_security_group().group_id("web").send().await.unwrap_err();
    assert_eq!(
        failure(malformed),
        (
            "InvalidGroupId.Malformed".into(),
            "Invalid id: \"web\" (expecting \"sg-...\")".into(),
            400
        )
    );
    ec2.delete_security_group().group_id(&id).send().await.expect("DeleteSecurityGroup");
    let gone = ec2.describe_security_groups().group_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(gone).0, "InvalidGroup.NotFound");
}

#[tokio::test]
async fn ingress_rules_are_added_once_listed_by_permission_and_by_rule_and_revoked() {
    let (_emulator, ec2) = start().await;
    let web = create_group(&ec2, "web").await;
    let admins = create_group(&ec2, "admins").await;
    let permission = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip("203.0.113.0/24").description("office").build())
        .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("2001:db8::/32").build())
        .prefix_list_ids(PrefixListId::builder().prefix_list_id(INSTANCE_CONNECT).build())
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(&admins).build())
        .build();
    let added = ec2
        .authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(permission.clone())
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    assert_eq!(added.r#return(), Some(true));
    assert_eq!(added.security_group_rules().len(), 4, "one rule per peer");
    // The older flat form the CLI's --protocol/--port/--cidr sends.
    (ec2.authorize_security_group_ingress().group_name("web"))
        .ip_protocol("tcp")
        .from_port(80)
        .to_port(80)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress, flat");

    let described = ec2.describe_security_groups().group_ids(&web).send().await.expect("describe");
    let ingress = described.security_groups()[0].ip_permissions();
    assert_eq!(ingress.len(), 2, "{ingress:?}");
    let ssh = &ingress[0];
    assert_eq!(
        (ssh.ip_protocol(), ssh.from_port(), ssh.to_port()),
        (Some("tcp"), Some(22), Some(22))
    );
    assert_eq!(ssh.ip_ranges()[0].cidr_ip(), Some("203.0.113.0/24"));
    assert_eq!(ssh.ip_ranges()[0].description(), Some("office"));
    assert_eq!(ssh.ipv6_ranges()[0].cidr_ipv6(), Some("2001:db8::/32"));
    assert_eq!(ssh.prefix_list_ids()[0].prefix_list_id(), Some(INSTANCE_CONNECT));
    assert_eq!(ssh.user_id_group_pairs()[0].group_id(), Some(admins.as_str()));
    assert_eq!(ingress[1].ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
    let rules = ec2
        .describe_security_group_rules()
        .filters(filter("group-id", &web))
        .send()
        .await
        .expect("DescribeSecurityGroupRules");
    let inbound: Vec<_> =
        rules.security_group_rules().iter().filter(|r| r.is_egress() == Some(false)).collect();
    assert_eq!(inbound.len(), 5);
    assert!(
        inbound
            .iter()
            .all(|rule| rule.security_group_rule_id().is_some_and(|id| id.starts_with("sgr-")))
    );

    let twice = ec2
        .authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("0.0.0.0/0")))
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("0.0.0.0/0")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(twice).1, "The same permission must not appear multiple times");
    let duplicate = ec2
        .authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("203.0.113.7/24")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(duplicate),
        (
            "InvalidPermission.Duplicate".into(),
            "the specified rule \"peer: 203.0.113.0/24, TCP, from port: 22, to port: 22, ALLOW\" \
             already exists"
                .into(),
            400
        )
    );
    let no_ports = (ec2.authorize_security_group_ingress().group_id(&web))
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(no_ports).1,
        "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."
    );
    let unknown_group = (ec2.authorize_security_group_ingress().group_id("sg-0123456789abcdef0"))
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("10.0.0.0/8")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(unknown_group).0, "InvalidGroup.NotFound");

    (ec2.revoke_security_group_ingress().group_id(&web))
        .ip_permissions(permission.clone())
        .send()
        .await
        .expect("RevokeSecurityGroupIngress");
    let after = ec2.describe_security_groups().group_ids(&web).send().await.expect("describe");
    assert_eq!(after.security_groups()[0].ip_permissions().len(), 1, "port 80 stays");
    let again = (ec2.revoke_security_group_ingress().group_id(&web))
        .ip_permissions(permission)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(again),
        (
            "InvalidPermission.NotFound".into(),
            "The specified rule does not exist in this security group.".into(),
            400
        )
    );
    let in_use = ec2.delete_security_group().group_id(&admins).send().await;
    assert!(in_use.is_ok(), "no rule refers to admins any more: {in_use:?}");
}

#[tokio::test]
async fn egress_rules_are_added_and_revoked_by_rule_id() {
    let (_emulator, ec2) = start().await;
    let web = create_group(&ec2, "web").await;
    let rules_of = |kind: bool| {
        let ec2 = ec2.clone();
        let web = web.clone();
        async move {
            let rules = ec2
                .describe_security_group_rules()
                .filters(filter("group-id", &web))
                .send()
                .await
                .expect("DescribeSecurityGroupRules");
            (rules.security_group_rules().iter())
                .filter(|rule| rule.is_egress() == Some(kind))
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let [all_out] = rules_of(true).await.try_into().expect("one egress rule: all traffic out");
    assert_eq!((all_out.ip_protocol(), all_out.cidr_ipv4()), (Some("-1"), Some("0.0.0.0/0")));
    let https = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    (ec2.authorize_security_group_egress().group_id(&web))
        .ip_permissions(https)
        .send()
        .await
        .expect("AuthorizeSecurityGroupEgress");
    let revoked = (ec2.revoke_security_group_egress().group_id(&web))
        .security_group_rule_ids(all_out.security_group_rule_id().expect("a rule id"))
        .send()
        .await
        .expect("RevokeSecurityGroupEgress by rule id");
    assert_eq!(revoked.revoked_security_group_rules().len(), 1);
    let [left] = rules_of(true).await.try_into().expect("only HTTPS goes out");
    assert_eq!(
        (left.ip_protocol(), left.from_port(), left.to_port()),
        (Some("tcp"), Some(443), Some(443))
    );
    assert!(rules_of(false).await.is_empty(), "nothing comes in");
    let gone = (ec2.revoke_security_group_egress().group_id(&web))
        .security_group_rule_ids(all_out.security_group_rule_id().expect("a rule id"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(gone).0, "InvalidSecurityGroupRuleId.NotFound");
}

#[tokio::test]
async fn run_instances_takes_groups_by_id_and_name_and_refuses_unknown_ones() {
    let (emulator, ec2) = start().await;
    let web = create_group(&ec2, "web").await;
    let admins = create_group(&ec2, "admins").await;
    let answer = ec2
        .run_instances()
        .image_id(image(&ec2).await)
        .min_count(1)
        .max_count(1)
        .security_group_ids(&web)
        .security_groups("admins")
        .send()
        .await
        .expect("RunInstances");
    let id = answer.instances()[0].instance_id().expect("an id").to_string();
    let groups: Vec<_> =
        answer.instances()[0].security_groups().iter().filter_map(|g| g.group_name()).collect();
    assert_eq!(groups, ["web", "admins"]);
    advance(&emulator, 2.0).await;
    let found = ec2
        .describe_instances()
        .filters(filter("instance.group-id", &admins))
        .send()
        .await
        .expect("DescribeInstances by group");
    assert_eq!(found.reservations()[0].instances()[0].instance_id(), Some(id.as_str()));

    let unknown = ec2
        .run_instances()
        .image_id(image(&ec2).await)
        .min_count(1)
        .max_count(1)
        .security_group_ids("sg-0123456789abcdef0")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(unknown),
        (
            "InvalidGroup.NotFound".into(),
            "The security group 'sg-0123456789abcdef0' does not exist".into(),
            400
        )
    );
    let by_name = ec2
        .run_instances()
        .image_id(image(&ec2).await)
        .min_count(1)
        .max_count(1)
        .security_groups("nope")
        .send()
        .await;
    assert!(
        failure(by_name.unwrap_err())
            .1
            .starts_with("The security group 'nope' does not exist in default VPC 'vpc-")
    );

    let busy = ec2.delete_security_group().group_id(&web).send().await.unwrap_err();
    assert_eq!(
        failure(busy),
        ("DependencyViolation".into(), format!("resource {web} has a dependent object"), 400)
    );
    ec2.terminate_instances().instance_ids(&id).send().await.expect("TerminateInstances");
    let shutting_down = ec2.delete_security_group().group_id(&web).send().await.unwrap_err();
    assert_eq!(failure(shutting_down).0, "DependencyViolation");
    advance(&emulator, 30.0).await;
    ec2.delete_security_group().group_id(&web).send().await.expect("deletable once terminated");
}

#[tokio::test]
async fn the_instance_connect_prefix_list_holds_the_regions_range() {
    let (_emulator, ec2) = start().await;
    let lists = ec2
        .describe_managed_prefix_lists()
        .filters(filter("prefix-list-name", "com.amazonaws.ap-northeast-2.ec2-instance-connect"))
        .send()
        .await
        .expect("DescribeManagedPrefixLists");
    let [list] = lists.prefix_lists() else { panic!("{lists:?}") };
    assert_eq!(list.prefix_list_id(), Some(INSTANCE_CONNECT));
    assert_eq!(list.owner_id(), Some("AWS"));
    assert_eq!(list.address_family(), Some("IPv4"));
    let entries = ec2
        .get_managed_prefix_list_entries()
        .prefix_list_id(INSTANCE_CONNECT)
        .send()
        .await
        .expect("GetManagedPrefixListEntries");
    let cidrs: Vec<_> = entries.entries().iter().filter_map(|entry| entry.cidr()).collect();
    assert_eq!(cidrs, [INSTANCE_CONNECT_RANGE]);
    let missing =
        ec2.get_managed_prefix_list_entries().prefix_list_id("pl-0123456789abcdef0").send().await;
    assert_eq!(failure(missing.unwrap_err()).0, "InvalidPrefixListID.NotFound");
}

#[tokio::test]
async fn the_terminal_refuses_until_a_group_lets_instance_connect_in_on_port_22() {
    let (emulator, ec2) = start().await;
    let ssh = create_group(&ec2, "ssh").await;
    let id = launch_running(&emulator, &ec2, &[&ssh]).await;
    let (status, refused) = shell(&emulator, &id, "whoami").await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("SshPortClosed")));
    let message = refused["message"].as_str().unwrap_or_default();
    for words in [&id, &ssh, INSTANCE_CONNECT, INSTANCE_CONNECT_RANGE, "TCP port 22"] {
        assert!(message.contains(words), "{words} in {message}");
    }

    // Port 22 from the office only: Instance Connect still cannot come in.
    (ec2.authorize_security_group_ingress().group_id(&ssh))
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("203.0.113.0/24")))
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    assert_eq!(shell(&emulator, &id, "whoami").await.0, 403);
    (ec2.authorize_security_group_ingress().group_id(&ssh))
        .ip_permissions(ssh_from(IpPermissionPeer::PrefixList(INSTANCE_CONNECT)))
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    let (status, answer) = shell(&emulator, &id, "whoami").await;
    assert_eq!((status, answer["output"].as_str()), (200, Some("ec2-user\n")), "{answer}");

    // From anywhere, as the console's launch wizard offers, lets it in too.
    let open = create_group(&ec2, "open").await;
    (ec2.authorize_security_group_ingress().group_id(&open))
        .ip_permissions(ssh_from(IpPermissionPeer::Cidr("0.0.0.0/0")))
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    let other = launch_running(&emulator, &ec2, &[&open]).await;
    assert_eq!(shell(&emulator, &other, "whoami").await.0, 200);
}

#[tokio::test]
async fn groups_are_saved_restored_from_a_snapshot_and_a_lab_reset_deletes_the_labs_own() {
    let folder = tempfile::tempdir().expect("a data folder");
    let config = EmulatorConfig {
        clock_speed: 0.0,
        clockwork: AWS,
        data_dir: Some(folder.path().to_path_buf()),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config.clone()).await.expect("the emulator starts");
    let ec2 = Client::new(&common::sdk_config(&emulator, REGION).await);
    let made = ec2
        .create_security_group()
        .group_name("lab-ssh")
        .description("Instance Connect")
        .tag_specifications(tags(ResourceType::SecurityGroup, "awslab:lab", "cloudwatch-alarm"))
        .send()
        .await
        .expect("CreateSecurityGroup");
    let id = made.group_id().expect("an id").to_string();
    (ec2.authorize_security_group_ingress().group_id(&id))
        .ip_permissions(ssh_from(IpPermissionPeer::PrefixList(INSTANCE_CONNECT)))
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    let snapshot = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/ssh",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(snapshot.status, 201, "{}", snapshot.body);
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.expect("the emulator starts again");
    let ec2 = Client::new(&common::sdk_config(&emulator, REGION).await);
    let kept = ec2.describe_security_groups().group_ids(&id).send().await.expect("kept");
    let rule = &kept.security_groups()[0].ip_permissions()[0];
    assert_eq!(rule.prefix_list_ids()[0].prefix_list_id(), Some(INSTANCE_CONNECT));
    let port = emulator.port();
    let reset = common::send(
        port,
        "POST",
        "/_awslab/reset?lab=cloudwatch-alarm",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert!(reset.body.contains(&id), "{}", reset.body);
    let gone = ec2.describe_security_groups().group_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(gone).0, "InvalidGroup.NotFound");
    let defaults = ec2.describe_security_groups().group_names("default").send().await;
    assert!(defaults.is_ok(), "the default group stays");
    let restore = common::send(
        port,
        "POST",
        "/_awslab/snapshots/ssh/restore",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(restore.status, 200, "{}", restore.body);
    ec2.describe_security_groups().group_ids(&id).send().await.expect("back from the snapshot");
}
