//! The alarm graph of the `cloudwatch-alarm` lab after its reference solution: the volume's
//! datapoints with the large download far above the threshold, the threshold itself, and the
//! alarm's states with the move from OK to ALARM; drawn as SVG.

use awslab_cloud::alarm_graph::lab_alarm_graphs;
use awslab_core::charts::{AlarmGraph, alarm_chart_svg};
use awslab_core::engine;
use awslab_lab::Lang;

mod common;

use common::{emulator, lab};

#[tokio::test(flavor = "multi_thread")]
async fn the_labs_alarm_graph_shows_the_download_the_threshold_and_the_alarm() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("cloudwatch-alarm");
    assert!(lab_alarm_graphs(&clients, &lab.id).await.expect("no alarm yet").is_empty());
    for step in &lab.steps {
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "step {} failed: {run:#?}", step.id);
    }

    let graphs = lab_alarm_graphs(&clients, &lab.id).await.expect("the graphs");

    assert_eq!(graphs.len(), 1);
    let data = &graphs[0];
    assert_eq!(data.alarm_name, "awslab_cloudwatch_toomuch_volume_alarm");
    assert_eq!(data.threshold, 100_000.0);
    assert!(data.title.starts_with("AWS/EBS VolumeWriteBytes ("), "{}", data.title);
    assert!(data.points.iter().any(|&(_, value)| value > 100_000.0), "{:?}", data.points);
    assert!(data.points.iter().any(|&(_, value)| value < 100_000.0), "{:?}", data.points);
    let states: Vec<&str> = data.states.iter().map(|(_, state)| state.as_str()).collect();
    let ok = states.iter().position(|state| *state == "OK").expect("an OK state");
    assert!(states[ok..].contains(&"ALARM"), "OK then ALARM: {states:?}");
    assert!(data.points.windows(2).all(|pair| pair[0].0 < pair[1].0), "in time order");

    let graph = AlarmGraph {
        title: data.title.clone(),
        points: data.points.clone(),
        threshold: data.threshold,
        states: data.states.clone(),
        from_ms: data.from_ms,
        to_ms: data.to_ms,
    };
    let svg = alarm_chart_svg(&graph, Lang::Ko).expect("an SVG");
    assert!(svg.contains("임계값 100K"), "the threshold is labelled in Korean");
}
