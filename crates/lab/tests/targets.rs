//! What counts on which target: a step's action runs where its `targets` say, and a check that
//! reads only the offline emulator carries no points on AWS, so the AWS total leaves it out and
//! the lab's pass mark is taken of what can be earned there.

use awslab_lab::grade;
use awslab_lab::model::Targets;
use awslab_lab::registry::CheckKind;
use awslab_lab::{Lab, TargetKind, load_lab};
use std::path::PathBuf;

fn lab(folder: &str) -> Lab {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(folder);
    load_lab(&dir).unwrap_or_else(|errors| {
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{folder} does not load:\n{}", errors.join("\n"))
    })
}

#[test]
fn only_the_emulator_kinds_are_offline_only() {
    let offline_only: Vec<&str> =
        CheckKind::ALL.iter().filter(|kind| kind.offline_only()).map(|kind| kind.name()).collect();
    assert_eq!(offline_only, ["emulator.mail"]);
    for kind in CheckKind::ALL {
        assert!(kind.graded_on(TargetKind::Emulator), "{kind} is graded offline");
        assert_eq!(kind.graded_on(TargetKind::Aws), !kind.offline_only(), "{kind} on AWS");
    }
}

#[test]
fn a_steps_action_runs_where_its_targets_say() {
    assert!(
        Targets::Both.includes(TargetKind::Emulator) && Targets::Both.includes(TargetKind::Aws)
    );
    assert!(Targets::Emulator.includes(TargetKind::Emulator));
    assert!(!Targets::Emulator.includes(TargetKind::Aws));
    assert!(Targets::Aws.includes(TargetKind::Aws));
    assert!(!Targets::Aws.includes(TargetKind::Emulator));
}

#[test]
fn target_kinds_read_back_from_their_names() {
    for kind in [TargetKind::Emulator, TargetKind::Aws] {
        assert_eq!(TargetKind::from_name(kind.as_str()), Some(kind));
        assert_eq!(serde_json::to_value(kind).ok(), Some(kind.as_str().into()));
    }
    assert_eq!(TargetKind::from_name("Aws"), None);
}

#[test]
fn the_alarm_labs_aws_total_leaves_out_the_mailbox_check() {
    let lab = lab("labs/cloudwatch-alarm");
    let email = lab.step("read-alarm-email").expect("the e-mail step");
    let mail_check = email.checks.iter().find(|check| check.id == "alarm-email-arrived");
    let mail_points = mail_check.expect("the mailbox check").points;

    let offline = lab.total_points_on(TargetKind::Emulator);
    let aws = lab.total_points_on(TargetKind::Aws);
    assert_eq!(aws, offline - mail_points);
    assert!(lab.checks_on(TargetKind::Aws).all(|(_, check)| check.id != "alarm-email-arrived"));
    assert!(lab.checks_on(TargetKind::Emulator).any(|(_, c)| c.id == "alarm-email-arrived"));

    assert!(email.offline_only_on(TargetKind::Aws));
    assert!(!email.offline_only_on(TargetKind::Emulator));
    assert_eq!((email.points_on(TargetKind::Aws), email.points_on(TargetKind::Emulator)), (0, 5));
    // Every other step keeps its points on AWS, whether Run works there or not.
    for step in lab.steps.iter().filter(|step| step.id != email.id) {
        assert!(!step.offline_only_on(TargetKind::Aws), "{}", step.id);
        assert_eq!(step.points_on(TargetKind::Aws), step.points_on(TargetKind::Emulator));
    }
    let by_hand: Vec<&str> = lab
        .steps
        .iter()
        .filter(|step| step.action.is_some() && !step.runs_on(TargetKind::Aws))
        .map(|step| step.id.as_str())
        .collect();
    assert_eq!(
        by_hand,
        [
            "watch-graphs",
            "download-small-file",
            "confirm-subscription",
            "alarm-settles-ok",
            "download-large-file",
            "wait-for-alarm"
        ]
    );
}

#[test]
fn passing_every_check_but_the_mailbox_passes_the_alarm_lab_on_aws() {
    let lab = lab("labs/cloudwatch-alarm");
    let all_but_mail = |id: &str| id != "alarm-email-arrived";

    let on_aws = grade::score(&lab, TargetKind::Aws, all_but_mail);
    assert_eq!((on_aws.earned, on_aws.possible, on_aws.percent), (121, 121, 100.0));
    assert!(on_aws.passed);
    assert_eq!(on_aws.pass_percent, lab.pass_percent);

    // A pass of the mailbox check (offline, say) cannot lift the AWS score past its total.
    let everything = grade::score(&lab, TargetKind::Aws, |_| true);
    assert_eq!((everything.earned, everything.possible), (121, 121));

    // Offline the mailbox check counts as before.
    let offline = grade::score(&lab, TargetKind::Emulator, all_but_mail);
    assert_eq!((offline.earned, offline.possible), (121, 126));
}

#[test]
fn the_format_samples_aws_total_leaves_out_its_mailbox_check() {
    let lab = lab("tests/fixtures/format-sample");
    assert_eq!(lab.total_points_on(TargetKind::Emulator), 180);
    assert_eq!(lab.total_points_on(TargetKind::Aws), 178);
}
