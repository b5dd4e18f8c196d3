//! Alarm evaluation: what state an alarm's metric puts it in at a given time, with AWS's
//! reason sentence and `StateReasonData` document. Pure: the data and the time come in, so the
//! rules are tested without a clock or a server.
//!
//! The rules (CloudWatch User Guide, "Evaluating an alarm"):
//! - The alarm retrieves an evaluation range of its `EvaluationPeriods` (N) most recent periods
//!   and [`EXTRA_PERIODS`] more, aligned to the period. The period in progress counts once it
//!   has data; until then the one before it is the most recent (so a new period does not read
//!   as missing before anything could arrive).
//! - When the range holds at least N real datapoints, the N most recent of them are evaluated
//!   and missing data does not matter; otherwise the N most recent periods are, with the gaps
//!   treated as `TreatMissingData` says.
//! - A period's value is the alarm's statistic over the period's data; it breaches when it
//!   compares to the threshold as the operator says.
//! - `TreatMissingData`: `breaching` and `notBreaching` count an empty period as that;
//!   `missing` and `ignore` leave it out.
//! - ALARM when at least `DatapointsToAlarm` (M, default N) periods breach; otherwise, when
//!   every period is missing, INSUFFICIENT_DATA (`missing`) or no change (`ignore`); otherwise
//!   OK.

use super::alarm::Alarm;
use super::series::Series;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// The three states of an alarm.
pub const OK: &str = "OK";
pub const ALARM: &str = "ALARM";
pub const INSUFFICIENT_DATA: &str = "INSUFFICIENT_DATA";

/// The outcome of one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub state: &'static str,
    pub reason: String,
    pub reason_data: Value,
}

/// How many periods beyond N an evaluation looks back for real datapoints (AWS's "evaluation
/// range"; its exact size on AWS depends on the period and is not documented per value).
pub const EXTRA_PERIODS: usize = 2;

/// One period of the evaluation range, newest first.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    start: i64,
    sample_count: f64,
    value: Option<f64>,
}

/// Evaluates `alarm` over `series` at `at`. `None`: the state stays as it is (`ignore` with
/// no data at all).
pub fn evaluate(alarm: &Alarm, series: Option<&Series>, at: OffsetDateTime) -> Option<Evaluation> {
    let period = alarm.period.max(1);
    let n = alarm.evaluation_periods.max(1) as usize;
    let m = alarm.datapoints_to_alarm.unwrap_or(alarm.evaluation_periods).max(1) as usize;
    let statistic = alarm.statistic_name();
    let now = at.unix_timestamp();
    let current = now.div_euclid(period) * period;
    let value_at = |start: i64| {
        series.and_then(|series| series.period(start, period, alarm.unit.as_deref())).map(|set| {
            let value = set.statistic(statistic);
            (set.sample_count, value)
        })
    };
    let newest = match value_at(current) {
        Some(_) => current,
        None => current - period,
    };
    // The evaluation range: a few periods more than N, as AWS retrieves.
    let range: Vec<Point> = (0..(n + EXTRA_PERIODS) as i64)
        .map(|k| {
            let start = newest - k * period;
            match value_at(start) {
                Some((sample_count, value)) => Point { start, sample_count, value },
                None => Point { start, sample_count: 0.0, value: None },
            }
        })
        .collect();
    let real: Vec<Point> = range.iter().filter(|p| p.value.is_some()).cloned().collect();
    // Enough real datapoints in the range: the N most recent decide, whatever the treatment
    // of missing data says. Otherwise the N most recent periods, gaps filled as told.
    let points: Vec<Point> = if real.len() >= n {
        real.into_iter().take(n).collect()
    } else {
        range.into_iter().take(n).collect()
    };

    let treat = alarm.treat_missing_data.as_deref().unwrap_or("missing");
    let breaches = |point: &Point| match point.value {
        Some(value) => Some(compare(&alarm.comparison_operator, value, alarm.threshold)),
        None => match treat {
            "breaching" => Some(true),
            "notBreaching" => Some(false),
            _ => None,
        },
    };
    let verdicts: Vec<Option<bool>> = points.iter().map(breaches).collect();
    let breaching = verdicts.iter().filter(|v| **v == Some(true)).count();
    let known = verdicts.iter().filter(|v| v.is_some()).count();

    let state = if breaching >= m {
        ALARM
    } else if known == 0 {
        if treat == "ignore" {
            return None;
        }
        INSUFFICIENT_DATA
    } else {
        OK
    };
    let reason = reason(alarm, state, &points, &verdicts, n);
    let start = points.last().map_or(newest, |p| p.start);
    let reason_data = json!({
        "version": "1.0",
        "queryDate": json_date_millis(at),
        "startDate": json_date(start),
        "statistic": statistic,
        "period": period,
        "recentDatapoints": points.iter().rev().filter_map(|p| p.value).collect::<Vec<_>>(),
        "threshold": alarm.threshold,
        "evaluatedDatapoints": points
            .iter()
            .map(|p| match p.value {
                Some(value) => json!({
                    "timestamp": json_date(p.start),
                    "sampleCount": p.sample_count,
                    "value": value,
                }),
                None => json!({ "timestamp": json_date(p.start) }),
            })
            .collect::<Vec<_>>(),
    });
    Some(Evaluation { state, reason, reason_data })
}

/// Whether `value` breaches `threshold` under `operator`. The anomaly-band operators are
/// refused at `PutMetricAlarm` (they need a band), so they never breach here.
pub fn compare(operator: &str, value: f64, threshold: f64) -> bool {
    match operator {
        "GreaterThanThreshold" => value > threshold,
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => false,
    }
}

/// How AWS words an operator in a reason: "greater than", "less than or equal to".
pub fn operator_words(operator: &str) -> &'static str {
    match operator {
        "GreaterThanThreshold" => "greater than",
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => "outside the band of",
    }
}

fn reason(
    alarm: &Alarm,
    state: &str,
    points: &[Point],
    verdicts: &[Option<bool>],
    n: usize,
) -> String {
    let words = operator_words(&alarm.comparison_operator);
    let threshold = java_double(alarm.threshold);
    let listed = |filter: &dyn Fn(usize) -> bool| {
        let items: Vec<String> = (points.iter().enumerate())
            .filter(|(i, p)| p.value.is_some() && filter(*i))
            .map(|(_, p)| {
                format!("{} ({})", java_double(p.value.unwrap_or(0.0)), reason_date(p.start))
            })
            .collect();
        format!("[{}]", items.join(", "))
    };
    let all = listed(&|_| true);
    match state {
        INSUFFICIENT_DATA => {
            if n == 1 {
                "Insufficient Data: 1 datapoint was unknown.".to_string()
            } else {
                format!("Insufficient Data: {n} datapoints were unknown.")
            }
        }
        ALARM if n == 1 => {
            if points[0].value.is_some() {
                format!(
                    "Threshold Crossed: 1 datapoint {all} was {words} the threshold ({threshold})."
                )
            } else {
                "Threshold Crossed: no datapoints were received for 1 period and 1 missing \
                 datapoint was treated as [Breaching]."
                    .to_string()
            }
        }
        ALARM => {
            let breaching = verdicts.iter().filter(|v| **v == Some(true)).count();
            let crossed = listed(&|i| verdicts[i] == Some(true));
            format!(
                "Threshold Crossed: {breaching} out of the last {n} datapoints {all} were {words} \
                 the threshold ({threshold}). The most recent datapoints which crossed the \
                 threshold: {crossed}."
            )
        }
        _ if n == 1 && points[0].value.is_some() => {
            format!(
                "Threshold Crossed: 1 datapoint {all} was not {words} the threshold ({threshold})."
            )
        }
        _ if points.iter().all(|p| p.value.is_none()) => format!(
            "Threshold Crossed: no datapoints were received for {n} period{} and {n} missing \
             datapoint{} {} treated as [NonBreaching].",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" }
        ),
        _ => {
            let known = points.iter().filter(|p| p.value.is_some()).count();
            format!(
                "Threshold Crossed: {known} datapoint{} {all} {} not {words} the threshold \
                 ({threshold}).",
                if known == 1 { "" } else { "s" },
                if known == 1 { "was" } else { "were" }
            )
        }
    }
}

/// A number as CloudWatch (Java) prints it in reasons: `250000.0`, `1.5E7`.
pub fn java_double(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-3..1e7).contains(&magnitude) {
        let exponent = magnitude.log10().floor() as i32;
        let mantissa = value / 10f64.powi(exponent);
        return format!("{}E{exponent}", java_double(mantissa));
    }
    if value.fract() == 0.0 { format!("{value:.1}") } else { format!("{value}") }
}

/// `22/11/26 10:55:00`, as reasons print a datapoint's time.
fn reason_date(second: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp(second) else { return String::new() };
    format!(
        "{:02}/{:02}/{:02} {:02}:{:02}:{:02}",
        at.day(),
        u8::from(at.month()),
        at.year() % 100,
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `2026-11-22T10:55:00.000+0000`, as CloudWatch's JSON documents print dates.
pub fn json_date(second: i64) -> String {
    OffsetDateTime::from_unix_timestamp(second).map(json_date_millis).unwrap_or_default()
}

pub fn json_date_millis(at: OffsetDateTime) -> String {
    crate::clock::write(at, crate::clock::formats::ISO_MILLIS_OFFSET)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::cloudwatch::series::{MetricId, StatisticSet};
    use std::collections::BTreeMap;
    use time::macros::datetime;

    /// 10:55:00 on 22 Nov 2026; periods of 300 s start at 10:50, 10:45, …
    const NOW: OffsetDateTime = datetime!(2026-11-22 10:55:30 UTC);

    fn alarm(statistic: &str, n: i64, m: Option<i64>, treat: &str) -> Alarm {
        let mut alarm = Alarm::example("awslab_cloudwatch_toomuch_volume_alarm");
        alarm.statistic = Some(statistic.to_string());
        alarm.evaluation_periods = n;
        alarm.datapoints_to_alarm = m;
        alarm.treat_missing_data = Some(treat.to_string());
        alarm
    }

    /// A series with the given values (each a list of samples) in the periods before NOW,
    /// newest last; `None` leaves a period empty.
    fn series(periods: &[Option<&[f64]>]) -> Series {
        let mut series = Series {
            id: MetricId::new("AWS/EBS", "VolumeWriteBytes", vec![]),
            seconds: BTreeMap::new(),
        };
        let newest = NOW.unix_timestamp().div_euclid(300) * 300;
        for (k, samples) in periods.iter().rev().enumerate() {
            let start = newest - k as i64 * 300;
            for (i, value) in samples.iter().copied().flatten().enumerate() {
                series.add(start + i as i64, &StatisticSet::of_value(*value, 1.0, None));
            }
        }
        series
    }

    #[test]
    fn each_statistic_is_compared_to_the_threshold() {
        // One period with 60000 and 90000: Sum 150000, Average 75000, Max 90000, Min 60000.
        let data = series(&[Some(&[60_000.0, 90_000.0])]);
        let cases = [
            ("Sum", ALARM),
            ("Average", OK),
            ("Maximum", OK),
            ("Minimum", OK),
            ("SampleCount", OK),
        ];
        for (statistic, expected) in cases {
            let evaluation = evaluate(&alarm(statistic, 1, None, "missing"), Some(&data), NOW);
            assert_eq!(evaluation.unwrap().state, expected, "{statistic}");
        }
        let mut low = alarm("Maximum", 1, None, "missing");
        low.threshold = 80_000.0;
        assert_eq!(evaluate(&low, Some(&data), NOW).unwrap().state, ALARM);
        low.comparison_operator = "LessThanOrEqualToThreshold".into();
        low.statistic = Some("Minimum".into());
        low.threshold = 60_000.0;
        assert_eq!(evaluate(&low, Some(&data), NOW).unwrap().state, ALARM);
    }

    #[test]
    fn m_of_n_counts_breaching_periods() {
        let high: &[f64] = &[200_000.0];
        let low: &[f64] = &[10.0];
        type Case<'a> = (&'a [Option<&'a [f64]>], i64, Option<i64>, &'a str);
        let cases: [Case; 5] = [
            (&[Some(high), Some(low), Some(high)], 3, Some(2), ALARM),
            (&[Some(high), Some(low), Some(low)], 3, Some(2), OK),
            (&[Some(high), Some(high), Some(low)], 3, None, OK),
            (&[Some(high), Some(high), Some(high)], 3, None, ALARM),
            (&[Some(low), Some(high)], 2, Some(1), ALARM),
        ];
        for (periods, n, m, expected) in cases {
            let data = series(periods);
            let evaluation = evaluate(&alarm("Sum", n, m, "missing"), Some(&data), NOW).unwrap();
            assert_eq!(evaluation.state, expected, "{periods:?} {m:?} of {n}");
        }
    }

    #[test]
    fn missing_data_is_treated_as_told() {
        let high: &[f64] = &[200_000.0];
        // 2 of 3, with the oldest period breaching and the two newest empty.
        let data = series(&[Some(high), None, None]);
        let cases = [
            ("missing", Some(OK)),
            ("ignore", Some(OK)),
            ("breaching", Some(ALARM)),
            ("notBreaching", Some(OK)),
        ];
        for (treat, expected) in cases {
            let evaluation = evaluate(&alarm("Sum", 3, Some(2), treat), Some(&data), NOW);
            assert_eq!(evaluation.map(|e| e.state), expected, "{treat}");
        }
        // No data at all.
        let cases = [
            ("missing", Some(INSUFFICIENT_DATA)),
            ("ignore", None),
            ("breaching", Some(ALARM)),
            ("notBreaching", Some(OK)),
        ];
        for (treat, expected) in cases {
            let evaluation = evaluate(&alarm("Sum", 3, Some(2), treat), None, NOW);
            assert_eq!(evaluation.map(|e| e.state), expected, "{treat} without data");
        }
    }

    #[test]
    fn recent_real_datapoints_stand_in_for_missing_ones() {
        let high: &[f64] = &[200_000.0];
        // One datapoint two periods back, nothing since: still within the range.
        let data = series(&[Some(high), None, None]);
        let evaluation = evaluate(&alarm("Sum", 1, None, "missing"), Some(&data), NOW).unwrap();
        assert_eq!(evaluation.state, ALARM);
        assert!(evaluation.reason.contains("(22/11/26 10:45:00)"), "{}", evaluation.reason);
        // Four periods back is out of the range of a one-period alarm.
        let old = series(&[Some(high), None, None, None, None]);
        let evaluation = evaluate(&alarm("Sum", 1, None, "missing"), Some(&old), NOW).unwrap();
        assert_eq!(evaluation.state, INSUFFICIENT_DATA);
    }

    #[test]
    fn reasons_read_like_aws() {
        let data = series(&[Some(&[250_000.0])]);
        let evaluation = evaluate(&alarm("Sum", 1, None, "missing"), Some(&data), NOW).unwrap();
        assert_eq!(
            evaluation.reason,
            "Threshold Crossed: 1 datapoint [250000.0 (22/11/26 10:55:00)] was greater than the \
             threshold (100000.0)."
        );
        assert_eq!(evaluation.reason_data["statistic"], "Sum");
        assert_eq!(evaluation.reason_data["period"], 300);
        assert_eq!(evaluation.reason_data["recentDatapoints"], json!([250000.0]));
        assert_eq!(evaluation.reason_data["startDate"], "2026-11-22T10:55:00.000+0000");
        assert_eq!(evaluation.reason_data["queryDate"], "2026-11-22T10:55:30.000+0000");
        assert_eq!(
            evaluation.reason_data["evaluatedDatapoints"],
            json!([{"timestamp": "2026-11-22T10:55:00.000+0000", "sampleCount": 1.0, "value": 250000.0}])
        );
        let quiet = series(&[Some(&[5.0])]);
        let evaluation = evaluate(&alarm("Sum", 1, None, "missing"), Some(&quiet), NOW).unwrap();
        assert_eq!(
            evaluation.reason,
            "Threshold Crossed: 1 datapoint [5.0 (22/11/26 10:55:00)] was not greater than the \
             threshold (100000.0)."
        );
        let none = evaluate(&alarm("Sum", 1, None, "missing"), None, NOW).unwrap();
        assert_eq!(none.reason, "Insufficient Data: 1 datapoint was unknown.");
    }

    #[test]
    fn an_empty_period_in_progress_is_not_yet_missing() {
        // Data only in the period before the current one.
        let data = series(&[Some(&[250_000.0]), None]);
        let evaluation = evaluate(&alarm("Sum", 1, None, "missing"), Some(&data), NOW).unwrap();
        assert_eq!(evaluation.state, ALARM);
        assert!(evaluation.reason.contains("(22/11/26 10:50:00)"), "{}", evaluation.reason);
    }

    #[test]
    fn numbers_print_as_java_does() {
        assert_eq!(java_double(100_000.0), "100000.0");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(15_000_000.0), "1.5E7");
        assert_eq!(java_double(-2.0), "-2.0");
    }
}
