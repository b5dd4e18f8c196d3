//! Charts the app shows, drawn with plotters as SVG text: a lab's score over time (on the
//! catalog), a canary's traffic split after a burst of requests (in a step's results), and a
//! CloudWatch alarm's graph as the console draws it (datapoints, the threshold, state bands).
//!
//! Only numbers and our own labels go into the SVG, so the web view can insert it as it is.

use crate::progress::{ProgressError, ProgressStore};
use awslab_lab::{Lab, Lang, TargetKind};
use plotters::prelude::*;
use std::collections::HashMap;

const ACCENT: RGBColor = RGBColor(0xe0, 0x7b, 0x00);
const NAVY: RGBColor = RGBColor(0x23, 0x2f, 0x3e);
const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xea);
const FONT: &str = "sans-serif";

/// A lab's score (percent) on `target` after each time the learner ran checks: `(unix ms,
/// percent)`, one point per moment, in time order. Only the checks graded on `target` count, as
/// in the standing.
pub fn score_history(
    lab: &Lab,
    store: &ProgressStore,
    target: TargetKind,
) -> Result<Vec<(i64, f64)>, ProgressError> {
    let points: HashMap<(&str, &str), u32> = lab
        .checks_on(target)
        .map(|(step, check)| ((step.id.as_str(), check.id.as_str()), check.points))
        .collect();
    let total: u32 = points.values().sum();
    if total == 0 {
        return Ok(Vec::new());
    }
    let mut records = store.check_history(&lab.id)?;
    records.sort_by_key(|record| record.at_ms);
    // What each check's latest result earned (a question right on its second try, half).
    let mut earning: HashMap<(String, String), u32> = HashMap::new();
    let mut history: Vec<(i64, f64)> = Vec::new();
    for record in records {
        let key = (record.step_id.clone(), record.check_id.clone());
        let Some(&worth) = points.get(&(key.0.as_str(), key.1.as_str())) else {
            continue; // a check the lab no longer has, or one not graded on this target
        };
        earning.insert(key, if record.passed { record.points.min(worth) } else { 0 });
        let earned: u32 = earning.values().sum();
        let percent = (f64::from(earned) * 1000.0 / f64::from(total)).floor() / 10.0;
        match history.last_mut() {
            Some(last) if last.0 == record.at_ms => last.1 = percent,
            _ => history.push((record.at_ms, percent)),
        }
    }
    Ok(history)
}

/// The score over time as an SVG line chart, or `None` before the first check.
pub fn score_chart_svg(history: &[(i64, f64)], lang: Lang) -> Option<String> {
    let (&(first, _), &(last, _)) = (history.first()?, history.last()?);
    // A single moment still gets a readable span.
    let span = (last - first).max(60_000);
    let x_range = first - span / 20..first + span + span / 20;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (360, 160)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(34)
            .build_cartesian_2d(x_range, 0f64..100f64)
            .ok()?;
        chart
            .configure_mesh()
            .light_line_style(GRID.mix(0.5))
            .bold_line_style(GRID)
            .axis_style(GRID)
            .x_labels(4)
            .y_labels(5)
            .x_label_formatter(&|ms| clock_label(*ms, span))
            .y_label_formatter(&|percent| format!("{percent:.0}%"))
            .label_style((FONT, 13).into_font().color(&NAVY))
            .y_desc(match lang {
                Lang::Ko => "점수",
                Lang::En => "score",
            })
            .axis_desc_style((FONT, 13).into_font().color(&NAVY))
            .draw()
            .ok()?;
        chart.draw_series(LineSeries::new(history.iter().copied(), ACCENT.stroke_width(2))).ok()?;
        chart
            .draw_series(history.iter().map(|&point| Circle::new(point, 3, ACCENT.filled())))
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// `HH:MM` for a span within a day, else `MM-DD` (UTC).
fn clock_label(ms: i64, span: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return String::new();
    };
    if span <= 86_400_000 {
        format!("{:02}:{:02}", at.hour(), at.minute())
    } else {
        format!("{:02}-{:02}", u8::from(at.month()), at.day())
    }
}

/// A canary's traffic split: each answer's share of the requests, as horizontal bars.
pub fn traffic_split_svg(shares: &[(String, f64)], requests: u64, lang: Lang) -> Option<String> {
    if shares.is_empty() {
        return None;
    }
    let height = 50 + 34 * shares.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (480, height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let title = match lang {
            Lang::Ko => format!("요청 {requests}번의 응답 비율"),
            Lang::En => format!("Answers to {requests} requests"),
        };
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .caption(title, (FONT, 16).into_font().color(&NAVY))
            .x_label_area_size(22)
            .y_label_area_size(0)
            .build_cartesian_2d(0f64..100f64, 0f64..shares.len() as f64)
            .ok()?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(GRID.mix(0.5))
            .bold_line_style(GRID)
            .axis_style(GRID)
            .x_labels(5)
            .x_label_formatter(&|percent| format!("{percent:.0}%"))
            .label_style((FONT, 13).into_font().color(&NAVY))
            .draw()
            .ok()?;
        let colors = [ACCENT, RGBColor(0x2f, 0x6f, 0xb3), RGBColor(0x1e, 0x6b, 0x2b), NAVY];
        for (index, (answer, share)) in shares.iter().enumerate() {
            let row = (shares.len() - 1 - index) as f64;
            let color = colors[index % colors.len()];
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, row + 0.2), (*share, row + 0.8)],
                    color.filled(),
                )))
                .ok()?;
            let label = format!("{share:.0}%  {}", shorten(answer, 48));
            chart
                .draw_series(std::iter::once(Text::new(
                    label,
                    (1.0, row + 0.95),
                    (FONT, 14).into_font().color(&NAVY),
                )))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(svg)
}

/// What an alarm graph shows: the metric's datapoints, the alarm's threshold, and the alarm's
/// state over time.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmGraph {
    /// `namespace metric (statistic, period)`, the graph's title.
    pub title: String,
    /// `(unix ms, value)`, in time order.
    pub points: Vec<(i64, f64)>,
    pub threshold: f64,
    /// `(from unix ms, state)`: the state from that moment until the next entry (or the end).
    pub states: Vec<(i64, String)>,
    /// The graph's time span.
    pub from_ms: i64,
    pub to_ms: i64,
}

/// The alarm's graph: a line of the datapoints, a dashed red threshold, and a band under the
/// plot coloured by the alarm's state (green OK, red ALARM, grey INSUFFICIENT_DATA).
pub fn alarm_chart_svg(graph: &AlarmGraph, lang: Lang) -> Option<String> {
    if graph.to_ms <= graph.from_ms {
        return None;
    }
    let top = graph.points.iter().map(|&(_, value)| value).fold(graph.threshold, f64::max) * 1.15;
    let top = if top > 0.0 { top } else { 1.0 };
    let span = graph.to_ms - graph.from_ms;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .caption(&graph.title, (FONT, 15).into_font().color(&NAVY))
            .x_label_area_size(24)
            .y_label_area_size(70)
            .build_cartesian_2d(graph.from_ms..graph.to_ms, 0f64..top)
            .ok()?;
        chart
            .configure_mesh()
            .light_line_style(GRID.mix(0.5))
            .bold_line_style(GRID)
            .axis_style(GRID)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|ms| clock_label(*ms, span))
            .y_label_formatter(&|value| short_number(*value))
            .label_style((FONT, 12).into_font().color(&NAVY))
            .draw()
            .ok()?;
        // The state band, along the bottom 4% of the plot.
        let band = top * 0.04;
        for (index, (from, state)) in graph.states.iter().enumerate() {
            let until = graph.states.get(index + 1).map_or(graph.to_ms, |next| next.0);
            let (from, until) = ((*from).max(graph.from_ms), until.min(graph.to_ms));
            if until <= from {
                continue;
            }
            let color = match state.as_str() {
                "ALARM" => RGBColor(0xd1, 0x32, 0x12),
                "OK" => RGBColor(0x1d, 0x81, 0x02),
                _ => RGBColor(0x9b, 0xa7, 0xb6),
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(from, 0.0), (until, band)],
                    color.mix(0.85).filled(),
                )))
                .ok()?;
        }
        let threshold = RGBColor(0xd1, 0x32, 0x12);
        chart
            .draw_series(DashedLineSeries::new(
                [(graph.from_ms, graph.threshold), (graph.to_ms, graph.threshold)],
                6,
                4,
                threshold.stroke_width(2),
            ))
            .ok()?
            .label(match lang {
                Lang::Ko => format!("임계값 {}", short_number(graph.threshold)),
                Lang::En => format!("threshold {}", short_number(graph.threshold)),
            })
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 16, y)], threshold.stroke_width(2))
            });
        chart
            .draw_series(LineSeries::new(graph.points.iter().copied(), ACCENT.stroke_width(2)))
            .ok()?
            .label(match lang {
                Lang::Ko => "데이터 포인트",
                Lang::En => "datapoints",
            })
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], ACCENT.stroke_width(2)));
        chart
            .draw_series(graph.points.iter().map(|&point| Circle::new(point, 3, ACCENT.filled())))
            .ok()?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(GRID)
            .label_font((FONT, 12).into_font().color(&NAVY))
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// `950K`, `1.2M`, `42`: an axis label that fits.
fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 {
        format!("{:.1}G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e3 {
        format!("{:.0}K", value / 1e3)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::CheckRecord;

    fn lab() -> Lab {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        crate::catalog::load_catalog(&dir).unwrap().lab("serverless-api").unwrap().clone()
    }

    fn record(step: &str, check: &str, passed: bool, at_ms: i64) -> CheckRecord {
        CheckRecord {
            step_id: step.into(),
            check_id: check.into(),
            passed,
            points: if passed { 10 } else { 0 },
            max_points: 10,
            target: TargetKind::Emulator,
            at_ms,
            detail: None,
        }
    }

    #[test]
    fn the_history_follows_the_latest_result_of_each_check() {
        let lab = lab();
        let mut store = ProgressStore::open_in_memory().unwrap();
        let (step, check) = (&lab.steps[0], &lab.steps[0].checks[0]);
        let points = f64::from(check.points);
        let total = f64::from(lab.total_points_on(TargetKind::Emulator));
        store.record_checks(&lab.id, &[record(&step.id, &check.id, false, 1_000)]).unwrap();
        store.record_checks(&lab.id, &[record(&step.id, &check.id, true, 2_000)]).unwrap();
        store.record_checks(&lab.id, &[record("gone-step", "gone-check", true, 3_000)]).unwrap();

        let history = score_history(&lab, &store, TargetKind::Emulator).unwrap();

        let expected = (points * 1000.0 / total).floor() / 10.0;
        assert_eq!(history, vec![(1_000, 0.0), (2_000, expected)]);
    }

    #[test]
    fn on_aws_the_history_leaves_out_the_offline_only_checks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        let catalog = crate::catalog::load_catalog(&dir).unwrap();
        let lab = catalog.lab("cloudwatch-alarm").unwrap();
        let mut store = ProgressStore::open_in_memory().unwrap();
        let launch = record("launch-instance", "instance-running", true, 1_000);
        let mail = CheckRecord {
            points: 5,
            max_points: 5,
            ..record("read-alarm-email", "alarm-email-arrived", true, 2_000)
        };
        store.record_checks(&lab.id, &[launch, mail]).unwrap();

        // 10 of 121 on AWS, where the mailbox check counts for nothing; 15 of 126 offline.
        let on_aws = score_history(lab, &store, TargetKind::Aws).unwrap();
        assert_eq!(on_aws, vec![(1_000, 8.2)]);
        let offline = score_history(lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(offline, vec![(1_000, 7.9), (2_000, 11.9)]);
    }

    #[test]
    fn the_score_chart_is_an_svg_with_the_points_and_percent_labels() {
        let svg = score_chart_svg(&[(0, 0.0), (600_000, 50.0), (1_200_000, 100.0)], Lang::En)
            .expect("a chart");
        assert!(svg.starts_with("<svg"), "{svg:.60}");
        assert_eq!(svg.matches("<circle").count(), 3, "one dot per moment");
        // plotters writes each label on a line of its own inside `<text>`.
        assert!(svg.contains("\n100%\n</text>") && svg.contains("\nscore\n</text>"), "{svg}");
        assert_eq!(score_chart_svg(&[], Lang::En), None);
    }

    #[test]
    fn the_traffic_chart_has_a_bar_and_a_label_per_answer() {
        let shares =
            vec![("Version 1".to_string(), 48.0), ("Hello from version 2".to_string(), 52.0)];
        let svg = traffic_split_svg(&shares, 100, Lang::En).expect("a chart");
        assert!(svg.contains("Answers to 100 requests"));
        assert!(svg.contains("48%  Version 1") && svg.contains("52%  Hello from version 2"));
        assert_eq!(svg.matches("<rect").count() - 1, 2, "two bars besides the background");
    }

    #[test]
    fn the_alarm_chart_has_the_threshold_the_points_and_a_band_per_state() {
        let minute = 60_000;
        let graph = AlarmGraph {
            title: "AWS/EBS VolumeWriteBytes (Sum, 300 s)".into(),
            points: vec![(5 * minute, 40_000.0), (10 * minute, 50_000.0), (15 * minute, 9.4e8)],
            threshold: 100_000.0,
            states: vec![
                (0, "INSUFFICIENT_DATA".into()),
                (6 * minute, "OK".into()),
                (16 * minute, "ALARM".into()),
            ],
            from_ms: 0,
            to_ms: 20 * minute,
        };
        let svg = alarm_chart_svg(&graph, Lang::En).expect("a chart");

        assert!(svg.contains("AWS/EBS VolumeWriteBytes (Sum, 300 s)"));
        assert!(svg.contains("threshold 100K"), "the threshold is labelled");
        assert_eq!(svg.matches("<circle").count(), 3);
        for color in ["#D13212", "#1D8102", "#9BA7B6"] {
            assert!(svg.contains(&format!("fill=\"{color}\"")), "a {color} band: {svg}");
        }
        assert_eq!(alarm_chart_svg(&AlarmGraph { to_ms: 0, ..graph }, Lang::En), None);
    }
}
