//! `awslab run`, `check` and `grade`, run as a learner runs them: on the real `labs/` folder,
//! with a fresh embedded emulator (or a served one), progress in a temporary data folder.

use std::process::{Command, Output};

fn awslab(data_dir: &std::path::Path, args: &[&str]) -> Output {
    command(data_dir, args).output().expect("run awslab")
}

fn command(data_dir: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_awslab"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWSLAB_LABS_DIR")
        .env_remove("AWSLAB_EMULATOR_TOKEN")
        .env("AWSLAB_DATA_DIR", data_dir);
    command
}

/// `awslab emulator serve` in memory on a free port, stopped when dropped.
struct Served {
    child: std::process::Child,
    endpoint: String,
    /// The control token it printed.
    token: String,
}

impl Served {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_awslab"))
            .args(["emulator", "serve", "--port", "0", "--in-memory"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("serve");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = || {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut stdout, &mut line).expect("a line");
            line.trim().to_string()
        };
        let (ready, token) = (line(), line());
        let endpoint = ready.rsplit(' ').next().expect("an address").to_string();
        let token = token.strip_prefix("control token: ").expect("the token line").to_string();
        Self { child, endpoint, token }
    }

    /// `awslab ARGS --endpoint ENDPOINT` with the server's token, as the learner sets it
    /// (`AWSLAB_EMULATOR_TOKEN`) for a server started with `--in-memory`.
    fn awslab(&self, data_dir: &std::path::Path, args: &[&str]) -> Output {
        let mut command = command(data_dir, args);
        command.args(["--endpoint", &self.endpoint]).env("AWSLAB_EMULATOR_TOKEN", &self.token);
        command.output().expect("run awslab")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_solution_passes_every_check_and_the_score_is_recorded() {
    let data = tempfile::tempdir().unwrap();
    let run = awslab(data.path(), &["run", "serverless-api", "--solution", "--lang", "en"]);
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("target: offline emulator at http://127.0.0.1:"), "{out}");
    assert!(
        out.contains("  $ aws iam create-policy --policy-name aws-lab-dynamodb-putitem-policy"),
        "{out}"
    );
    assert!(out.contains("  ✓ table-keyed-by-customer-id  10/10"), "{out}");
    assert!(!out.contains('✗'), "{out}");
    let total = out.lines().last().unwrap_or_default().to_string();
    assert!(total.starts_with("score: ") && total.contains("(100%) — passed"), "{total}");

    let grade = awslab(data.path(), &["grade", "serverless-api", "--lang", "en"]);
    assert!(grade.status.success(), "{}", text(&grade));
    assert_eq!(String::from_utf8_lossy(&grade.stdout).trim_end(), total);

    let html = data.path().join("report.html");
    let json = data.path().join("report.json");
    for path in [&html, &json] {
        let graded = awslab(
            data.path(),
            &["grade", "serverless-api", "--lang", "en", "--report", path.to_str().unwrap()],
        );
        assert!(graded.status.success(), "{}", text(&graded));
        assert!(text(&graded).contains("report: "), "{}", text(&graded));
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("160/160 (100%) — passed"), "{page}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["content"]["earned"], 160);
    assert_eq!(report["content"]["possible"], 160);
    let bad = awslab(data.path(), &["grade", "serverless-api", "--report", "report.txt"]);
    assert!(text(&bad).contains("--report names an .html or a .json file"), "{}", text(&bad));
}

#[test]
fn one_step_runs_alone_and_a_missing_lab_or_step_is_named() {
    let data = tempfile::tempdir().unwrap();
    let run = awslab(data.path(), &["run", "serverless-api", "--step", "3", "--lang", "en"]);
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("[3/13] create-table"), "{out}");
    assert!(!out.contains("[1/13]"), "{out}");

    let missing = awslab(data.path(), &["run", "no-such-lab"]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("no lab `no-such-lab` in labs; the labs are: "),
        "{}",
        text(&missing)
    );
    let step = awslab(data.path(), &["run", "serverless-api", "--step", "99"]);
    assert!(text(&step).contains("serverless-api has steps 1 to "), "{}", text(&step));
}

#[test]
fn check_against_an_emulator_that_is_not_running_says_so() {
    let data = tempfile::tempdir().unwrap();
    let check = awslab(
        data.path(),
        &["check", "serverless-api", "--endpoint", "http://127.0.0.1:9", "--lang", "en"],
    );
    assert!(!check.status.success());
    let out = text(&check);
    assert!(
        out.contains("cannot reach offline emulator at http://127.0.0.1:9: ConnectionFailed"),
        "{out}"
    );
    assert!(out.contains("is the offline emulator running"), "{out}");
}

#[test]
fn check_reads_a_served_emulator_and_fails_on_a_fresh_one() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let check = server.awslab(data.path(), &["check", "serverless-api", "--lang", "en"]);
    let out = text(&check);
    drop(server);
    assert!(!check.status.success(), "{out}");
    assert!(out.contains("✗ policy-allows-only-putitem  0/10"), "{out}");
    assert!(out.contains("the resource does not exist"), "{out}");
    assert!(out.contains("score: 0/"), "{out}");
}

#[test]
fn cleanup_removes_what_run_made_on_a_served_emulator() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let run = server.awslab(data.path(), &["run", "serverless-api", "--solution", "--lang", "en"]);
    assert!(run.status.success(), "{}", text(&run));
    let cleanup = server.awslab(data.path(), &["cleanup", "serverless-api", "--lang", "en"]);
    let out = text(&cleanup);
    let check = server.awslab(data.path(), &["check", "serverless-api", "--lang", "en"]);
    drop(server);
    assert!(cleanup.status.success(), "{out}");
    assert!(out.contains("  deleted  dynamodb.table customers"), "{out}");
    assert!(out.contains("  deleted  iam.role aws-lab-dynamodb-role"), "{out}");
    assert!(
        out.contains(
            "  deleted  iam.policy arn:aws:iam::000000000000:policy/aws-lab-dynamodb-putitem-policy"
        ),
        "{out}"
    );
    assert!(out.ends_with("clean: nothing this lab created is left\n"), "{out}");
    assert!(text(&check).contains("score: 0/160"), "{}", text(&check));
}

#[test]
fn the_alarm_lab_solution_sets_the_alarm_off_and_cleanup_leaves_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let run =
        server.awslab(data.path(), &["run", "cloudwatch-alarm", "--solution", "--lang", "en"]);
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("  $ aws ec2 run-instances --image-id ami-"), "{out}");
    assert!(
        out.contains(
            "  $ wget https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe"
        ),
        "{out}"
    );
    assert!(out.contains("--threshold 100000 "), "{out}");
    assert!(out.contains("  ✓ alarm-went-off  10/10"), "{out}");
    assert!(out.contains("  ✓ alarm-email-arrived  5/5"), "{out}");
    assert!(!out.contains('✗'), "{out}");
    assert!(out.trim_end().ends_with("score: 115/115 (100%) — passed (pass mark 70%)"), "{out}");

    let cleanup = server.awslab(data.path(), &["cleanup", "cloudwatch-alarm", "--lang", "en"]);
    let out = text(&cleanup);
    assert!(cleanup.status.success(), "{out}");
    assert!(
        out.contains("  deleted  cloudwatch.alarm awslab_cloudwatch_toomuch_volume_alarm"),
        "{out}"
    );
    assert!(
        out.contains(
            "  deleted  sns.topic arn:aws:sns:ap-northeast-2:000000000000:AWSLab_CloudWatch_Volume_Alarms_Topic"
        ),
        "{out}"
    );
    assert!(out.contains("  deleted  ec2.instance i-"), "{out}");
    assert!(out.ends_with("clean: nothing this lab created is left\n"), "{out}");
    let check = server.awslab(data.path(), &["check", "cloudwatch-alarm", "--lang", "en"]);
    drop(server);
    assert!(text(&check).contains("score: 0/115"), "{}", text(&check));
}
