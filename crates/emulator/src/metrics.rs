//! Metrics that services of the emulator publish to CloudWatch on their own, as AWS does for
//! EC2 instances (`AWS/EC2`) and EBS volumes (`AWS/EBS`).
//!
//! A source turns what happened in a service (an instance idling, a download writing to its
//! volume) into one statistic set per metric and period; CloudWatch's ticker calls [`collect`]
//! before it evaluates alarms and stores what it gets like a `PutMetricData` with
//! `StatisticValues`.

use crate::state::Shared;
use time::OffsetDateTime;

/// One period's statistic set of one metric, as a service reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDatum {
    pub region: String,
    /// `AWS/EC2`, `AWS/EBS`.
    pub namespace: &'static str,
    pub metric_name: &'static str,
    /// Name and value, e.g. `("VolumeId", "vol-0123…")`.
    pub dimensions: Vec<(&'static str, String)>,
    /// The start of the period the set summarises.
    pub timestamp: OffsetDateTime,
    pub sum: f64,
    pub sample_count: f64,
    pub minimum: f64,
    pub maximum: f64,
    /// CloudWatch's unit name: `Bytes`, `Count`, `Percent`.
    pub unit: &'static str,
}

/// Every datum the services have ready up to `now`; each is handed out once.
pub fn collect(shared: &Shared, now: OffsetDateTime) -> Vec<ServiceDatum> {
    crate::services::ec2::collect_metrics(shared, crate::services::ec2::model::millis(now))
}
