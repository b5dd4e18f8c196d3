//! Metric data: `PutMetricData` in, `GetMetricStatistics`, `GetMetricData` and `ListMetrics`
//! out, and the store of what services publish on their own ([`store_service_data`]).

use super::errors::{CloudWatchError, constraint};
use super::series::{MetricId, Series, StatisticSet, parse_percentile};
use super::{CloudWatchState, DimensionInput, dimensions};
use crate::metrics::ServiceDatum;
use crate::protocol::lenient;
use crate::protocol::shape::{map, timestamp};
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutMetricDataInput {
    namespace: String,
    #[serde(default)]
    metric_data: Vec<MetricDatum>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricDatum {
    metric_name: String,
    #[serde(default)]
    dimensions: Vec<DimensionInput>,
    #[serde(default, deserialize_with = "lenient::option_timestamp")]
    timestamp: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient::option_f64")]
    value: Option<f64>,
    statistic_values: Option<StatisticValues>,
    #[serde(default, deserialize_with = "lenient::vec_f64")]
    values: Vec<f64>,
    #[serde(default, deserialize_with = "lenient::vec_f64")]
    counts: Vec<f64>,
    unit: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    storage_resolution: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StatisticValues {
    #[serde(deserialize_with = "lenient::option_f64")]
    sample_count: Option<f64>,
    #[serde(deserialize_with = "lenient::option_f64")]
    sum: Option<f64>,
    #[serde(deserialize_with = "lenient::option_f64")]
    minimum: Option<f64>,
    #[serde(deserialize_with = "lenient::option_f64")]
    maximum: Option<f64>,
}

pub fn put_metric_data(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutMetricDataInput,
) -> Result<Value, CloudWatchError> {
    if input.namespace.is_empty() || input.namespace.starts_with("AWS/") {
        return Err(CloudWatchError::InvalidValue(format!(
            "The value {} for parameter Namespace is invalid.",
            input.namespace
        )));
    }
    if input.metric_data.len() > 1000 {
        return Err(constraint(
            input.metric_data.len(),
            "metricData",
            "Member must have length less than or equal to 1000",
        ));
    }
    let now = ctx.now.unix_timestamp();
    let mut points = Vec::new();
    for (index, datum) in input.metric_data.into_iter().enumerate() {
        let member = format!("MetricData.member.{}", index + 1);
        let second = datum.timestamp.map_or(now, |at| at.unix_timestamp());
        if second < now - super::series::RETENTION_SECONDS {
            return Err(CloudWatchError::InvalidValue(format!(
                "The parameter {member}.Timestamp must specify a time no more than two weeks in \
                 the past."
            )));
        }
        if second > now + 2 * 3600 {
            return Err(CloudWatchError::InvalidValue(format!(
                "The parameter {member}.Timestamp must specify a time no more than two hours in \
                 the future."
            )));
        }
        if let Some(unit) = &datum.unit
            && !super::alarm::UNITS.contains(&unit.as_str())
        {
            return Err(CloudWatchError::InvalidValue(format!(
                "The value {unit} for parameter {member}.Unit is not supported."
            )));
        }
        if let Some(resolution) = datum.storage_resolution
            && resolution != 1
            && resolution != 60
        {
            return Err(CloudWatchError::InvalidValue(format!(
                "The value {resolution} for parameter {member}.StorageResolution is not \
                 supported."
            )));
        }
        let sets = statistic_sets(&datum, &member)?;
        let id = MetricId::new(&input.namespace, &datum.metric_name, dimensions(datum.dimensions));
        points.push((id, second, sets));
    }
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    for (id, second, sets) in points {
        let series = (regional.metrics.entry(id.key()))
            .or_insert_with(|| Series { id, seconds: BTreeMap::new() });
        for set in &sets {
            series.add(second, set);
        }
        series.prune(now);
    }
    Ok(json!({}))
}

/// A datum's data as statistic sets: one value, values with counts, or a set given whole.
fn statistic_sets(datum: &MetricDatum, member: &str) -> Result<Vec<StatisticSet>, CloudWatchError> {
    let given = [datum.value.is_some(), datum.statistic_values.is_some(), !datum.values.is_empty()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(CloudWatchError::InvalidCombination(format!(
            "The parameters {member}.Value, {member}.StatisticValues and {member}.Values are \
             mutually exclusive and you have specified more than one."
        )));
    }
    let unit = datum.unit.clone();
    if let Some(value) = datum.value {
        if !value.is_finite() {
            return Err(CloudWatchError::InvalidValue(format!(
                "The value {value} for parameter {member}.Value is invalid."
            )));
        }
        return Ok(vec![StatisticSet::of_value(value, 1.0, unit)]);
    }
    if let Some(stats) = &datum.statistic_values {
        let (Some(sample_count), Some(sum), Some(minimum), Some(maximum)) =
            (stats.sample_count, stats.sum, stats.minimum, stats.maximum)
        else {
            return Err(CloudWatchError::Missing(format!(
                "The parameter {member}.StatisticValues must contain SampleCount, Sum, Minimum \
                 and Maximum."
            )));
        };
        return Ok(vec![StatisticSet {
            sum,
            sample_count,
            minimum,
            maximum,
            unit,
            values: Vec::new(),
            summarised: true,
        }]);
    }
    if !datum.values.is_empty() {
        if !datum.counts.is_empty() && datum.counts.len() != datum.values.len() {
            return Err(CloudWatchError::InvalidValue(format!(
                "The parameters {member}.Values and {member}.Counts must be of the same size."
            )));
        }
        return Ok((datum.values.iter().enumerate())
            .map(|(i, value)| {
                StatisticSet::of_value(
                    *value,
                    datum.counts.get(i).copied().unwrap_or(1.0),
                    unit.clone(),
                )
            })
            .collect());
    }
    Err(CloudWatchError::InvalidCombination(format!(
        "The parameters {member}.Value, {member}.StatisticValues and {member}.Values: exactly \
         one must be specified."
    )))
}

/// Stores what services published (EC2's instances and volumes) as statistic sets.
pub fn store_service_data(state: &mut CloudWatchState, data: Vec<ServiceDatum>, now: i64) {
    for datum in data {
        let dimensions = (datum.dimensions.into_iter())
            .map(|(name, value)| super::series::Dimension { name: name.to_string(), value })
            .collect();
        let id = MetricId::new(datum.namespace, datum.metric_name, dimensions);
        let set = StatisticSet {
            sum: datum.sum,
            sample_count: datum.sample_count,
            minimum: datum.minimum,
            maximum: datum.maximum,
            unit: Some(datum.unit.to_string()),
            values: Vec::new(),
            summarised: true,
        };
        let series = (state.region(&datum.region).metrics.entry(id.key()))
            .or_insert_with(|| Series { id, seconds: BTreeMap::new() });
        series.add(datum.timestamp.unix_timestamp(), &set);
        series.prune(now);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMetricStatisticsInput {
    namespace: String,
    metric_name: String,
    #[serde(default)]
    dimensions: Vec<DimensionInput>,
    #[serde(deserialize_with = "lenient::option_timestamp")]
    start_time: Option<OffsetDateTime>,
    #[serde(deserialize_with = "lenient::option_timestamp")]
    end_time: Option<OffsetDateTime>,
    #[serde(deserialize_with = "lenient::option_i64")]
    period: Option<i64>,
    #[serde(default)]
    statistics: Vec<String>,
    #[serde(default)]
    extended_statistics: Vec<String>,
    unit: Option<String>,
}

fn check_period(period: i64, member: &str) -> Result<(), CloudWatchError> {
    let valid = [1, 5, 10, 30].contains(&period) || (period >= 60 && period % 60 == 0);
    if valid {
        Ok(())
    } else {
        Err(CloudWatchError::InvalidValue(format!(
            "The parameter {member} must be 1, 5, 10, 30, or a multiple of 60."
        )))
    }
}

pub fn get_metric_statistics(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetMetricStatisticsInput,
) -> Result<Value, CloudWatchError> {
    let (Some(start), Some(end), Some(period)) = (input.start_time, input.end_time, input.period)
    else {
        let missing = if input.start_time.is_none() {
            "StartTime"
        } else if input.end_time.is_none() {
            "EndTime"
        } else {
            "Period"
        };
        return Err(CloudWatchError::Missing(format!("The parameter {missing} is required.")));
    };
    check_period(period, "Period")?;
    if input.statistics.is_empty() == input.extended_statistics.is_empty() {
        return Err(CloudWatchError::InvalidCombination(
            "Must specify either Statistics or ExtendedStatistics, but not both.".into(),
        ));
    }
    for statistic in &input.statistics {
        if !super::alarm::STATISTICS.contains(&statistic.as_str()) {
            return Err(constraint(
                format!("[{}]", input.statistics.join(", ")),
                "statistics",
                "Member must satisfy constraint: [Member must satisfy enum value set: \
                 [Maximum, SampleCount, Sum, Minimum, Average]]",
            ));
        }
    }
    for extended in &input.extended_statistics {
        if parse_percentile(extended).is_none() {
            return Err(CloudWatchError::InvalidValue(format!(
                "The value {extended} for parameter ExtendedStatistics is not supported."
            )));
        }
    }
    let (from, to) = (start.unix_timestamp(), end.unix_timestamp());
    if from >= to {
        return Err(CloudWatchError::InvalidValue(
            "The parameter StartTime must be less than the parameter EndTime.".into(),
        ));
    }
    let requested = (to - from).div_euclid(period) + 1;
    if requested > 1440 {
        return Err(CloudWatchError::InvalidCombination(format!(
            "You have requested up to {requested} datapoints, which exceeds the limit of 1,440. \
             You may reduce the datapoints requested by increasing Period, or decreasing the \
             time range."
        )));
    }
    let id = MetricId::new(&input.namespace, &input.metric_name, dimensions(input.dimensions));
    let mut state = lock(&shared.cloudwatch);
    let Some(series) = state.region(&ctx.region).metrics.get(&id.key()) else {
        return Ok(json!({ "Label": input.metric_name, "Datapoints": [] }));
    };
    let mut datapoints = Vec::new();
    let mut bucket = from.div_euclid(period) * period;
    while bucket < to {
        if let Some(set) = series.period(bucket, period, input.unit.as_deref()) {
            let mut point = Map::new();
            point.insert("Timestamp".into(), timestamp(super::at_ms(bucket * 1000)));
            for statistic in &input.statistics {
                if let Some(value) = set.statistic(statistic) {
                    point.insert(statistic.clone(), json!(value));
                }
            }
            if !input.extended_statistics.is_empty() {
                let mut extended = Map::new();
                for name in &input.extended_statistics {
                    if let Some(value) = set.statistic(name) {
                        extended.insert(name.clone(), json!(value));
                    }
                }
                point.insert("ExtendedStatistics".into(), map(extended));
            }
            let unit = input.unit.clone().or(set.unit.clone()).unwrap_or_else(|| "None".into());
            point.insert("Unit".into(), json!(unit));
            datapoints.push(Value::Object(point));
        }
        bucket += period;
    }
    Ok(json!({ "Label": input.metric_name, "Datapoints": datapoints }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMetricDataInput {
    metric_data_queries: Vec<MetricDataQuery>,
    #[serde(deserialize_with = "lenient::option_timestamp")]
    start_time: Option<OffsetDateTime>,
    #[serde(deserialize_with = "lenient::option_timestamp")]
    end_time: Option<OffsetDateTime>,
    scan_by: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    max_datapoints: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricDataQuery {
    id: String,
    metric_stat: Option<MetricStat>,
    expression: Option<String>,
    label: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_bool")]
    return_data: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricStat {
    metric: MetricInput,
    #[serde(deserialize_with = "lenient::option_i64")]
    period: Option<i64>,
    stat: String,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricInput {
    namespace: Option<String>,
    metric_name: Option<String>,
    #[serde(default)]
    dimensions: Vec<DimensionInput>,
}

pub fn get_metric_data(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetMetricDataInput,
) -> Result<Value, CloudWatchError> {
    let (Some(start), Some(end)) = (input.start_time, input.end_time) else {
        return Err(CloudWatchError::Missing(
            "The parameters StartTime and EndTime are required.".into(),
        ));
    };
    if let Some(query) = input.metric_data_queries.iter().find(|q| q.expression.is_some()) {
        return Err(CloudWatchError::Unsupported(format!(
            "The offline emulator does not evaluate metric math: query {} has the expression \
             \"{}\"; use MetricStat queries (SEARCH, METRICS(), arithmetic and functions are \
             not supported)",
            query.id,
            query.expression.as_deref().unwrap_or_default()
        )));
    }
    let ascending = input.scan_by.as_deref() == Some("TimestampAscending");
    let limit = input.max_datapoints.unwrap_or(100_800).max(1) as usize;
    let (from, to) = (start.unix_timestamp(), end.unix_timestamp());
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    let mut results = Vec::new();
    for query in &input.metric_data_queries {
        let Some(stat) = &query.metric_stat else {
            return Err(CloudWatchError::InvalidValue(format!(
                "The parameter MetricDataQueries.member.{}: exactly one of MetricStat and \
                 Expression must be given.",
                query.id
            )));
        };
        if query.return_data == Some(false) {
            continue;
        }
        let period = stat.period.unwrap_or(60);
        check_period(period, "MetricStat.Period")?;
        let id = MetricId::new(
            stat.metric.namespace.as_deref().unwrap_or_default(),
            stat.metric.metric_name.as_deref().unwrap_or_default(),
            dimensions(stat.metric.dimensions.clone()),
        );
        let mut points: Vec<(i64, f64)> = Vec::new();
        if let Some(series) = regional.metrics.get(&id.key()) {
            let mut bucket = from.div_euclid(period) * period;
            while bucket < to {
                let value = (series.period(bucket, period, stat.unit.as_deref()))
                    .and_then(|set| set.statistic(&stat.stat));
                if let Some(value) = value {
                    points.push((bucket, value));
                }
                bucket += period;
            }
        }
        if !ascending {
            points.reverse();
        }
        points.truncate(limit);
        results.push(json!({
            "Id": query.id,
            "Label": query.label.clone().unwrap_or_else(|| id.name.clone()),
            "Timestamps": points.iter().map(|(s, _)| timestamp(super::at_ms(s * 1000))).collect::<Vec<_>>(),
            "Values": points.iter().map(|(_, v)| json!(v)).collect::<Vec<_>>(),
            "StatusCode": "Complete",
        }));
    }
    Ok(json!({ "MetricDataResults": results, "Messages": [] }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMetricsInput {
    namespace: Option<String>,
    metric_name: Option<String>,
    #[serde(default)]
    dimensions: Vec<DimensionInput>,
    recently_active: Option<String>,
}

pub fn list_metrics(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListMetricsInput,
) -> Result<Value, CloudWatchError> {
    if let Some(active) = &input.recently_active
        && active != "PT3H"
    {
        return Err(constraint(
            active,
            "recentlyActive",
            "Member must satisfy enum value set: [PT3H]",
        ));
    }
    let since = ctx.now.unix_timestamp() - 3 * 3600;
    let mut state = lock(&shared.cloudwatch);
    let metrics: Vec<Value> = (state.region(&ctx.region).metrics.values())
        .filter(|s| input.namespace.as_ref().is_none_or(|n| &s.id.namespace == n))
        .filter(|s| input.metric_name.as_ref().is_none_or(|n| &s.id.name == n))
        .filter(|s| {
            input.dimensions.iter().all(|filter| {
                s.id.dimensions.iter().any(|d| {
                    d.name == filter.name && filter.value.as_ref().is_none_or(|v| &d.value == v)
                })
            })
        })
        .filter(|s| input.recently_active.is_none() || s.latest().is_some_and(|at| at >= since))
        .map(|s| {
            json!({
                "Namespace": s.id.namespace,
                "MetricName": s.id.name,
                "Dimensions": super::alarm::dimensions_output(&s.id.dimensions),
            })
        })
        .collect();
    Ok(json!({ "Metrics": metrics }))
}
