//! Where datapoints are kept: one [`Series`] per metric (namespace, name, dimension set), its
//! values summed into one statistic set per second, as CloudWatch's high-resolution storage
//! does. Queries then add those sets up per period.
//!
//! Raw values are kept per second too (at most [`VALUES_KEPT`]) so percentiles can be
//! answered; a set that arrived as `StatisticValues` has none, and percentiles over it are
//! not answered, as on AWS.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many raw values a one-second bucket keeps for percentiles.
pub const VALUES_KEPT: usize = 1000;
/// How long datapoints are kept (CloudWatch keeps one-minute data for 15 days).
pub const RETENTION_SECONDS: i64 = 15 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

/// A metric's identity. Dimensions are sorted by name: their order in a request does not
/// make a different metric.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MetricId {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<Dimension>,
}

impl MetricId {
    pub fn new(namespace: &str, name: &str, mut dimensions: Vec<Dimension>) -> Self {
        dimensions.sort();
        dimensions.dedup_by(|a, b| a.name == b.name);
        Self { namespace: namespace.to_string(), name: name.to_string(), dimensions }
    }

    /// The key a region's series map uses (JSON object keys must be text).
    pub fn key(&self) -> String {
        let mut key = format!("{}\u{1f}{}", self.namespace, self.name);
        for dimension in &self.dimensions {
            key.push_str(&format!("\u{1f}{}={}", dimension.name, dimension.value));
        }
        key
    }
}

/// A statistic set: what one second (or one period) of a metric adds up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatisticSet {
    pub sum: f64,
    pub sample_count: f64,
    pub minimum: f64,
    pub maximum: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Raw values, when they came as values (for percentiles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<f64>,
    /// Whether some data came without raw values (a `StatisticValues` set).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub summarised: bool,
}

impl StatisticSet {
    pub fn of_value(value: f64, count: f64, unit: Option<String>) -> Self {
        let mut values = Vec::new();
        if count.fract() == 0.0 && count <= VALUES_KEPT as f64 {
            values.resize(count as usize, value);
        }
        Self {
            sum: value * count,
            sample_count: count,
            minimum: value,
            maximum: value,
            unit,
            summarised: values.is_empty(),
            values,
        }
    }

    pub fn merge(&mut self, other: &StatisticSet) {
        self.sum += other.sum;
        self.sample_count += other.sample_count;
        self.minimum = self.minimum.min(other.minimum);
        self.maximum = self.maximum.max(other.maximum);
        if self.unit.is_none() {
            self.unit.clone_from(&other.unit);
        }
        let room = VALUES_KEPT.saturating_sub(self.values.len());
        self.values.extend(other.values.iter().take(room));
        self.summarised |= other.summarised || other.values.len() > room;
    }

    /// A statistic by its API name: `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount`,
    /// or a percentile `p90`, `p99.9`.
    pub fn statistic(&self, name: &str) -> Option<f64> {
        match name {
            "Sum" => Some(self.sum),
            "Average" => Some(self.sum / self.sample_count),
            "Minimum" => Some(self.minimum),
            "Maximum" => Some(self.maximum),
            "SampleCount" => Some(self.sample_count),
            other => percentile(self, parse_percentile(other)?),
        }
    }
}

/// `p99` → 99.0; anything else (trimmed means, `tm90`, …) is not answered.
pub fn parse_percentile(name: &str) -> Option<f64> {
    let number: f64 = name.strip_prefix('p')?.parse().ok()?;
    (0.0..=100.0).contains(&number).then_some(number)
}

fn percentile(set: &StatisticSet, p: f64) -> Option<f64> {
    if set.summarised || set.values.is_empty() {
        return None;
    }
    let mut values = set.values.clone();
    values.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values.get(rank.saturating_sub(1).min(values.len() - 1)).copied()
}

/// A metric and its data, by epoch second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub id: MetricId,
    pub seconds: BTreeMap<i64, StatisticSet>,
}

impl Series {
    pub fn add(&mut self, second: i64, set: &StatisticSet) {
        match self.seconds.get_mut(&second) {
            Some(existing) => existing.merge(set),
            None => {
                self.seconds.insert(second, set.clone());
            }
        }
    }

    /// The set of `[start, start + period)`, for one unit (or any when `unit` is `None`).
    pub fn period(&self, start: i64, period: i64, unit: Option<&str>) -> Option<StatisticSet> {
        let mut total: Option<StatisticSet> = None;
        for set in self.seconds.range(start..start + period).map(|(_, set)| set) {
            if unit.is_some_and(|unit| set.unit.as_deref().unwrap_or("None") != unit) {
                continue;
            }
            match &mut total {
                Some(total) => total.merge(set),
                None => total = Some(set.clone()),
            }
        }
        total
    }

    /// The second of the newest datapoint.
    pub fn latest(&self) -> Option<i64> {
        self.seconds.keys().next_back().copied()
    }

    /// Forgets data older than the retention.
    pub fn prune(&mut self, now: i64) {
        let keep_from = now - RETENTION_SECONDS;
        self.seconds = self.seconds.split_off(&keep_from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_add_up_seconds_and_percentiles_come_from_values() {
        let id = MetricId::new("App", "Latency", vec![]);
        let mut series = Series { id, seconds: BTreeMap::new() };
        for (second, value) in [(0, 1.0), (10, 3.0), (59, 5.0), (60, 100.0)] {
            series.add(second, &StatisticSet::of_value(value, 1.0, Some("Milliseconds".into())));
        }
        let first = series.period(0, 60, None).unwrap();
        assert_eq!(
            [first.sum, first.sample_count, first.minimum, first.maximum],
            [9.0, 3.0, 1.0, 5.0]
        );
        assert_eq!(first.statistic("Average"), Some(3.0));
        assert_eq!(first.statistic("p50"), Some(3.0));
        assert_eq!(first.statistic("p100"), Some(5.0));
        assert_eq!(first.statistic("tm90"), None);
        assert!(series.period(0, 60, Some("Bytes")).is_none());
        assert_eq!(series.period(0, 120, None).unwrap().maximum, 100.0);
    }

    #[test]
    fn dimension_order_does_not_make_another_metric() {
        let dim = |name: &str| Dimension { name: name.into(), value: "v".into() };
        assert_eq!(
            MetricId::new("N", "M", vec![dim("b"), dim("a")]).key(),
            MetricId::new("N", "M", vec![dim("a"), dim("b")]).key()
        );
    }
}
