//! The instances' `AWS/EC2` and `AWS/EBS` metrics, as five-minute statistic sets (basic
//! monitoring), each period handed to CloudWatch once when it is complete.
//!
//! ## How the numbers are made
//! Each minute in which an instance ran gets one sample per metric: an idle baseline (a quiet
//! Amazon Linux: a fraction of a percent of CPU, a few kilobytes of network chatter and of
//! journal writes) plus the shell's activity in that minute. An activity (a download, `dd`,
//! `stress`) is spread evenly over its span, so a 12-second download lands in the minute (and
//! the period) it ran in. A period's set is the sum, count, minimum and maximum of its minute
//! samples: `SampleCount` is the number of minutes the instance ran, as EBS reports for
//! volumes on Nitro instances, so `Average` of `VolumeWriteBytes` is bytes per minute.
//!
//! The baseline varies from minute to minute, but as a function of the instance id and the
//! minute only: the same clock gives the same numbers, and no draw can flip an alarm. Its
//! `VolumeWriteBytes` stay between 4 and 12 KiB a minute, at most 60 KiB a period: well under
//! the lab's 100,000-byte threshold, yet never zero, so a new alarm has data and goes `OK`.

use super::model::{Instance, Millis};
use super::shell::Activity;
use crate::metrics::ServiceDatum;

/// Basic monitoring's period.
pub const PERIOD_MS: Millis = 5 * 60 * 1000;
const MINUTE_MS: Millis = 60 * 1000;
/// How far back a long-stopped emulator catches up when it runs again.
const MAX_BACKLOG_MS: Millis = 24 * 60 * 60 * 1000;

/// One minute's sample of every metric.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub cpu_percent: f64,
    pub network_in: f64,
    pub network_out: f64,
    pub write_bytes: f64,
    pub write_ops: f64,
    pub read_bytes: f64,
    pub read_ops: f64,
}

/// A deterministic number in [0, 1) for an instance, a minute and a channel.
fn noise(instance_id: &str, minute: Millis, channel: u64) -> f64 {
    let mut x = instance_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    x ^= (minute as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ channel.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    // splitmix64's finaliser.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The idle baseline of a whole running minute, with the first two minutes after a boot busier.
fn baseline(instance_id: &str, minute: Millis, since_boot: Millis) -> Sample {
    let n = |channel| noise(instance_id, minute, channel);
    let boot_cpu = match since_boot {
        t if t < MINUTE_MS => 24.0,
        t if t < 2 * MINUTE_MS => 6.0,
        _ => 0.0,
    };
    let write_blocks = 1.0 + (n(4) * 3.0).floor();
    Sample {
        cpu_percent: 0.15 + 0.25 * n(1) + boot_cpu,
        network_in: 900.0 + (n(2) * 1400.0).round(),
        network_out: 700.0 + (n(3) * 1100.0).round(),
        write_bytes: write_blocks * 4096.0,
        write_ops: write_blocks,
        read_bytes: if n(5) < 0.2 { 4096.0 } else { 0.0 },
        read_ops: if n(5) < 0.2 { 1.0 } else { 0.0 },
    }
}

fn overlap(a: (Millis, Millis), b: (Millis, Millis)) -> Millis {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

/// The minute starting at `minute`, or `None` if the instance did not run in it.
pub fn minute_sample(
    instance: &Instance,
    vcpus: u32,
    minute: Millis,
    now: Millis,
) -> Option<Sample> {
    let span = (minute, minute + MINUTE_MS);
    let runs = instance.running_spans();
    let running: Millis =
        (runs.iter()).map(|(from, to)| overlap(span, (*from, to.unwrap_or(now).min(now)))).sum();
    if running == 0 {
        return None;
    }
    let boot = (runs.iter())
        .filter(|(from, _)| *from <= minute + MINUTE_MS)
        .map(|(from, _)| *from)
        .max()
        .unwrap_or(minute);
    let share = running as f64 / MINUTE_MS as f64;
    let base = baseline(&instance.id, minute, minute - boot);
    let mut sample = Sample {
        cpu_percent: base.cpu_percent,
        network_in: base.network_in * share,
        network_out: base.network_out * share,
        write_bytes: (base.write_bytes * share).round(),
        write_ops: (base.write_ops * share).round(),
        read_bytes: (base.read_bytes * share).round(),
        read_ops: (base.read_ops * share).round(),
    };
    for activity in &instance.shell.activity {
        add_activity(&mut sample, activity, span, vcpus);
    }
    sample.cpu_percent = sample.cpu_percent.min(100.0);
    Some(sample)
}

/// Adds the part of an activity that falls in the minute `span`.
fn add_activity(sample: &mut Sample, activity: &Activity, span: (Millis, Millis), vcpus: u32) {
    let length = activity.to - activity.from;
    let part = if length <= 0 {
        if (span.0..span.1).contains(&activity.from) { 1.0 } else { 0.0 }
    } else {
        overlap(span, (activity.from, activity.to)) as f64 / length as f64
    };
    if part == 0.0 {
        return;
    }
    let busy = overlap(span, (activity.from, activity.to)) as f64 / MINUTE_MS as f64;
    sample.cpu_percent += activity.cpu_cores * 100.0 / f64::from(vcpus.max(1)) * busy;
    sample.network_in += (activity.network_in * part).round();
    sample.network_out += (activity.network_out * part).round();
    sample.write_bytes += (activity.write_bytes * part).round();
    sample.write_ops += (activity.write_ops * part).round();
    sample.read_bytes += (activity.read_bytes * part).round();
    sample.read_ops += (activity.read_ops * part).round();
}

/// The statistic sets of every period of `instance` completed by `now` and not handed out yet,
/// advancing its mark; activity wholly before the mark is dropped.
pub fn collect(
    instance: &mut Instance,
    region: &str,
    volume_id: Option<&str>,
    vcpus: u32,
    now: Millis,
) -> Vec<ServiceDatum> {
    let last_complete = now - now.rem_euclid(PERIOD_MS);
    let mut start = instance.metrics_until.max(last_complete - MAX_BACKLOG_MS);
    start -= start.rem_euclid(PERIOD_MS);
    let mut data = Vec::new();
    while start + PERIOD_MS <= last_complete {
        let samples: Vec<Sample> = (0..PERIOD_MS / MINUTE_MS)
            .filter_map(|m| minute_sample(instance, vcpus, start + m * MINUTE_MS, now))
            .collect();
        if !samples.is_empty() {
            data.extend(period_data(&instance.id, region, volume_id, start, &samples));
        }
        start += PERIOD_MS;
    }
    if last_complete > instance.metrics_until {
        instance.metrics_until = last_complete;
        let until = instance.metrics_until;
        instance.shell.activity.retain(|activity| activity.to >= until);
    }
    data
}

fn period_data(
    instance_id: &str,
    region: &str,
    volume_id: Option<&str>,
    start: Millis,
    samples: &[Sample],
) -> Vec<ServiceDatum> {
    let timestamp = super::model::datetime(start);
    let set = |namespace,
               metric_name,
               dimension: (&'static str, &str),
               unit,
               pick: fn(&Sample) -> f64| {
        let values: Vec<f64> = samples.iter().map(pick).collect();
        ServiceDatum {
            region: region.to_string(),
            namespace,
            metric_name,
            dimensions: vec![(dimension.0, dimension.1.to_string())],
            timestamp,
            sum: values.iter().sum(),
            sample_count: values.len() as f64,
            minimum: values.iter().copied().fold(f64::INFINITY, f64::min),
            maximum: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            unit,
        }
    };
    let instance = ("InstanceId", instance_id);
    let mut data = vec![
        set("AWS/EC2", "CPUUtilization", instance, "Percent", |s| s.cpu_percent),
        set("AWS/EC2", "NetworkIn", instance, "Bytes", |s| s.network_in),
        set("AWS/EC2", "NetworkOut", instance, "Bytes", |s| s.network_out),
        // The simulated machine never fails its status checks; the console graphs them anyway.
        set("AWS/EC2", "StatusCheckFailed", instance, "Count", |_| 0.0),
        set("AWS/EC2", "StatusCheckFailed_Instance", instance, "Count", |_| 0.0),
        set("AWS/EC2", "StatusCheckFailed_System", instance, "Count", |_| 0.0),
    ];
    if let Some(volume_id) = volume_id {
        let volume = ("VolumeId", volume_id);
        data.extend([
            set("AWS/EBS", "VolumeWriteBytes", volume, "Bytes", |s| s.write_bytes),
            set("AWS/EBS", "VolumeWriteOps", volume, "Count", |s| s.write_ops),
            set("AWS/EBS", "VolumeReadBytes", volume, "Bytes", |s| s.read_bytes),
            set("AWS/EBS", "VolumeReadOps", volume, "Count", |s| s.read_ops),
        ]);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ec2::model::{Action, Event, test_instance};
    use crate::services::ec2::shell::{Machine, run};

    /// 2024-05-01 12:00:00 UTC: a period boundary.
    const NOON: Millis = 1_714_564_800_000;
    const MINUTE: Millis = 60_000;
    const VOLUME: &str = "vol-0123456789abcdef0";

    fn machine() -> Machine {
        Machine {
            region: "ap-northeast-2".into(),
            os: crate::services::ec2::catalog::OsFamily::AmazonLinux2,
            vcpus: 1,
            memory_mib: 1024,
            disk_bytes: 8 << 30,
            nitro: false,
            host_name: "ip-172-31-37-173".into(),
            architecture: "x86_64".into(),
        }
    }

    fn collect_at(instance: &mut Instance, now: Millis) -> Vec<ServiceDatum> {
        collect(instance, "ap-northeast-2", Some(VOLUME), 1, now)
    }

    fn find<'a>(
        data: &'a [ServiceDatum],
        metric: &str,
        period: Millis,
    ) -> Option<&'a ServiceDatum> {
        (data.iter()).find(|d| {
            d.metric_name == metric && d.timestamp == crate::services::ec2::model::datetime(period)
        })
    }

    #[test]
    fn each_completed_period_is_handed_out_once() {
        let mut instance = test_instance(NOON);
        assert!(collect_at(&mut instance, NOON + 5 * MINUTE - 1).is_empty());
        let first = collect_at(&mut instance, NOON + 5 * MINUTE);
        assert_eq!(first.len(), 10, "six EC2 metrics and four EBS ones");
        let writes = find(&first, "VolumeWriteBytes", NOON).unwrap();
        assert_eq!((writes.namespace, writes.unit), ("AWS/EBS", "Bytes"));
        assert_eq!(writes.dimensions, vec![("VolumeId", VOLUME.to_string())]);
        assert_eq!(writes.sample_count, 5.0);
        let cpu = find(&first, "CPUUtilization", NOON).unwrap();
        assert_eq!(cpu.dimensions, vec![("InstanceId", instance.id.clone())]);
        assert_eq!(cpu.unit, "Percent");
        assert!(collect_at(&mut instance, NOON + 5 * MINUTE).is_empty());
        assert!(collect_at(&mut instance, NOON + 9 * MINUTE).is_empty());
        // A later call catches up on every period it missed, each once.
        let later = collect_at(&mut instance, NOON + 60 * MINUTE + 10);
        let periods: Vec<_> =
            later.iter().filter(|d| d.metric_name == "NetworkIn").map(|d| d.timestamp).collect();
        assert_eq!(periods.len(), 11);
        assert_eq!(periods[0], crate::services::ec2::model::datetime(NOON + 5 * MINUTE));
    }

    #[test]
    fn the_idle_baseline_stays_under_the_labs_threshold_but_above_zero() {
        let mut instance = test_instance(NOON);
        let data = collect_at(&mut instance, NOON + 24 * 60 * MINUTE);
        let writes: Vec<_> = data.iter().filter(|d| d.metric_name == "VolumeWriteBytes").collect();
        assert_eq!(writes.len(), 24 * 12);
        for set in &writes {
            assert!(set.sum > 0.0 && set.sum <= 61_440.0, "{set:?}");
            assert!(set.sum / set.sample_count < 100_000.0);
            assert!(set.minimum <= set.maximum);
        }
        // The same clock gives the same numbers.
        let mut again = test_instance(NOON);
        assert_eq!(collect_at(&mut again, NOON + 24 * 60 * MINUTE), data);
    }

    #[test]
    fn the_large_download_lands_in_its_period() {
        let mut instance = test_instance(NOON);
        let url = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
        run(&mut instance, &machine(), &format!("wget {url}"), NOON + 7 * MINUTE);
        let data = collect_at(&mut instance, NOON + 15 * MINUTE);
        let before = find(&data, "VolumeWriteBytes", NOON).unwrap();
        let during = find(&data, "VolumeWriteBytes", NOON + 5 * MINUTE).unwrap();
        let after = find(&data, "VolumeWriteBytes", NOON + 10 * MINUTE).unwrap();
        assert!(before.sum < 100_000.0 && after.sum < 100_000.0);
        assert!(
            during.sum >= 942_216_640.0 && during.sum < 942_216_640.0 + 100_000.0,
            "{during:?}"
        );
        // The 12-second download falls in one minute: the maximum sample holds it.
        assert!(during.maximum >= 942_216_640.0);
        assert!(during.sum / during.sample_count > 100_000.0, "Average breaches too");
        let network = find(&data, "NetworkIn", NOON + 5 * MINUTE).unwrap();
        assert!(network.sum > 942_216_640.0);
        let cpu = find(&data, "CPUUtilization", NOON + 5 * MINUTE).unwrap();
        assert!(cpu.maximum > 5.0 && cpu.maximum < 100.0, "{cpu:?}");
    }

    #[test]
    fn a_download_across_a_boundary_is_split_and_nothing_is_lost() {
        let mut instance = test_instance(NOON);
        let url = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
        run(&mut instance, &machine(), &format!("wget {url}"), NOON + 10 * MINUTE - 5_000);
        let data = collect_at(&mut instance, NOON + 15 * MINUTE);
        let first = find(&data, "VolumeWriteBytes", NOON + 5 * MINUTE).unwrap().sum;
        let second = find(&data, "VolumeWriteBytes", NOON + 10 * MINUTE).unwrap().sum;
        assert!(first > 300_000_000.0 && second > 500_000_000.0, "{first} {second}");
        assert!((first + second - 942_216_640.0).abs() < 130_000.0, "{first} {second}");
    }

    #[test]
    fn a_stopped_instance_reports_nothing_and_stress_raises_cpu() {
        let mut instance = test_instance(NOON);
        instance.events.push(Event { at: NOON + 6 * MINUTE, action: Action::Stop });
        instance.events.push(Event { at: NOON + 20 * MINUTE, action: Action::Start });
        let data = collect_at(&mut instance, NOON + 20 * MINUTE);
        assert!(find(&data, "CPUUtilization", NOON + 5 * MINUTE).unwrap().sample_count == 1.0);
        assert!(find(&data, "CPUUtilization", NOON + 10 * MINUTE).is_none());
        assert!(find(&data, "CPUUtilization", NOON + 15 * MINUTE).is_none());
        run(&mut instance, &machine(), "stress --cpu 1 --timeout 120s", NOON + 26 * MINUTE);
        let data = collect_at(&mut instance, NOON + 30 * MINUTE);
        let cpu = find(&data, "CPUUtilization", NOON + 25 * MINUTE).unwrap();
        assert_eq!(cpu.maximum, 100.0);
        assert!(cpu.sum / cpu.sample_count > 40.0, "{cpu:?}");
    }
}
