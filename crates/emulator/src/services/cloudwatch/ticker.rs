//! The alarm ticker: a background task that, every [`TICK`] of real time, takes in what the
//! services published ([`crate::metrics::collect`]) and evaluates every alarm whose evaluation
//! is due on the emulator's clock.
//!
//! AWS evaluates an alarm about once a minute; so does the emulator, on its own clock. When the
//! clock runs fast or jumps (`POST /_awslab/clock/advance`), the evaluations catch up, one per
//! emulated minute (at most [`CATCH_UP`] of them), each at its own time, so the history reads
//! as it would have on AWS.

use super::alarms::transition;
use super::data::store_service_data;
use super::evaluate::evaluate;
use super::notify::{self, Fired};
use super::{at_ms, ms};
use crate::state::{Shared, lock};
use std::sync::Arc;
use std::time::Duration;

/// How often the ticker looks, in real time.
pub const TICK: Duration = Duration::from_millis(250);
/// How often an alarm is evaluated, on the emulator's clock.
pub const EVALUATION_INTERVAL_MS: i64 = 60_000;
/// The most evaluations one alarm catches up on in one tick.
pub const CATCH_UP: i64 = 60;

/// Starts the ticker on the current tokio runtime; abort the handle to stop it.
pub fn spawn(shared: Arc<Shared>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            tick(&shared);
        }
    })
}

/// One round: collect, store, evaluate what is due, fire actions, save. Rounds never overlap
/// (the control endpoint that advances the clock runs one too, and answers after it).
pub fn tick(shared: &Arc<Shared>) {
    let _round = lock(&shared.alarm_ticks);
    let now = shared.clock.now();
    let data = crate::metrics::collect(shared, now);
    let now_ms = ms(now);
    let mut fired: Vec<Fired> = Vec::new();
    let mut changed = !data.is_empty();
    {
        let mut state = lock(&shared.cloudwatch);
        if !data.is_empty() {
            store_service_data(&mut state, data, now.unix_timestamp());
        }
        for (region, regional) in state.regions.iter_mut() {
            // An evaluation far ahead of the clock was scheduled before a restart put the clock
            // back on real time: it is due now.
            for alarm in regional.alarms.values_mut() {
                if alarm.next_evaluation_ms > now_ms + EVALUATION_INTERVAL_MS {
                    alarm.next_evaluation_ms = now_ms;
                }
            }
            let due: Vec<String> = (regional.alarms.values())
                .filter(|alarm| alarm.next_evaluation_ms <= now_ms)
                .map(|alarm| alarm.name.clone())
                .collect();
            for name in due {
                let Some(alarm) = regional.alarms.get_mut(&name) else { continue };
                let earliest = now_ms - (CATCH_UP - 1) * EVALUATION_INTERVAL_MS;
                let mut at_ms_due = alarm.next_evaluation_ms.max(earliest);
                while at_ms_due <= now_ms {
                    let Some(alarm) = regional.alarms.get(&name) else { break };
                    let at = at_ms(at_ms_due);
                    let series = regional.metrics.get(&alarm.metric().key());
                    if let Some(outcome) = evaluate(alarm, series, at) {
                        let data = Some(outcome.reason_data.to_string());
                        let moved = alarm.state != outcome.state;
                        if let Some(f) = transition(
                            regional,
                            region,
                            &name,
                            outcome.state,
                            outcome.reason,
                            data,
                            at,
                        ) {
                            fired.push(f);
                        }
                        changed |= moved;
                    }
                    at_ms_due += EVALUATION_INTERVAL_MS;
                }
                if let Some(alarm) = regional.alarms.get_mut(&name) {
                    alarm.next_evaluation_ms = at_ms_due;
                }
            }
        }
    }
    for f in fired {
        notify::fire(shared, f);
    }
    if changed && let Err(error) = shared.save(crate::protocol::Service::CloudWatch) {
        eprintln!("awslab emulator: could not save CloudWatch's state: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use crate::identity::Caller;
    use crate::metrics::ServiceDatum;
    use crate::services::RequestContext;
    use serde_json::json;

    /// The lab's path: EC2 publishes `AWS/EBS` `VolumeWriteBytes` through the metrics seam (the
    /// learner cannot `PutMetricData` there), and the next rounds move the alarm, one emulated
    /// minute at a time, with a history item per change.
    #[test]
    fn service_data_moves_the_labs_alarm_as_the_clock_advances() {
        let shared = Arc::new(Shared::new(EmulatorConfig::default()).unwrap());
        let region = "ap-northeast-2";
        let ctx = RequestContext {
            request_id: "test".into(),
            caller: Caller::Root { account: crate::ACCOUNT_ID.into() },
            region: region.into(),
            now: shared.clock.now(),
        };
        let input = serde_json::from_value(json!({
            "AlarmName": "awslab_cloudwatch_toomuch_volume_alarm",
            "Namespace": "AWS/EBS",
            "MetricName": "VolumeWriteBytes",
            "Dimensions": [{"Name": "VolumeId", "Value": "vol-1"}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 100000,
            "ComparisonOperator": "GreaterThanThreshold",
        }))
        .unwrap();
        super::super::alarms::put_metric_alarm(&shared, &ctx, input).unwrap();
        let write = |bytes: f64| {
            let now = shared.clock.now();
            let datum = ServiceDatum {
                region: region.into(),
                namespace: "AWS/EBS",
                metric_name: "VolumeWriteBytes",
                dimensions: vec![("VolumeId", "vol-1".into())],
                timestamp: now,
                sum: bytes,
                sample_count: 1.0,
                minimum: bytes,
                maximum: bytes,
                unit: "Bytes",
            };
            store_service_data(&mut lock(&shared.cloudwatch), vec![datum], now.unix_timestamp());
        };
        let state = || {
            let mut cloudwatch = lock(&shared.cloudwatch);
            let regional = cloudwatch.region(region);
            let alarm = &regional.alarms["awslab_cloudwatch_toomuch_volume_alarm"];
            (alarm.state.clone(), regional.history.len())
        };
        tick(&shared);
        assert_eq!(state(), ("INSUFFICIENT_DATA".into(), 1), "no data: no change");
        write(2_000.0);
        shared.clock.advance(time::Duration::seconds(60));
        tick(&shared);
        assert_eq!(state(), ("OK".into(), 2));
        write(300_000.0);
        // Ten emulated minutes at once: the first evaluation after the write moves it, the
        // others find it already in ALARM.
        shared.clock.advance(time::Duration::minutes(10));
        tick(&shared);
        assert_eq!(state().0, "ALARM");
        let history = &lock(&shared.cloudwatch).regions[region].history;
        let summaries: Vec<&str> = history.iter().map(|item| item.summary.as_str()).collect();
        assert_eq!(
            summaries[1..],
            ["Alarm updated from INSUFFICIENT_DATA to OK", "Alarm updated from OK to ALARM"]
        );
    }
}
