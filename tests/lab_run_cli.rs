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
        // No emulator serves there: without --endpoint, a command starts a fresh one.
        .env("AWSLAB_EMULATOR_URL", "http://127.0.0.1:9")
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
        Self::start_with(&[])
    }

    /// Served with more options of `awslab emulator serve` (its timing, its clock's speed).
    fn start_with(options: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_awslab"))
            .args(["emulator", "serve", "--port", "0", "--in-memory"])
            .args(options)
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
    // What the lessons ask to look at: the items in the table, the test's execution log.
    assert!(out.contains("  │   \"Items\": ["), "{out}");
    assert!(out.contains("  📜\n  │ Execution log for request "), "{out}");
    // Word of long work goes to stderr; the score ends stdout.
    let total = String::from_utf8_lossy(&run.stdout).lines().last().unwrap_or_default().to_string();
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
    assert!(page.contains("175/175 (100%) — passed"), "{page}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["content"]["earned"], 175);
    assert_eq!(report["content"]["possible"], 175);
    let bad = awslab(data.path(), &["grade", "serverless-api", "--report", "report.txt"]);
    assert!(text(&bad).contains("--report names an .html or a .json file"), "{}", text(&bad));

    // The report says what it is: self-reported, where its results came from, and that the
    // reference solution filled every form.
    assert_eq!(report["content"]["self_reported"], true);
    assert_eq!(report["content"]["sources"][0]["account"], "000000000000");
    assert_eq!(report["content"]["solution_steps"].as_array().unwrap().len(), 16);
    assert!(page.contains("This report is self-reported."), "{page}");
    for path in [&html, &json] {
        let verified =
            awslab(data.path(), &["report", "verify", path.to_str().unwrap(), "--lang", "en"]);
        let said = text(&verified);
        assert!(verified.status.success(), "{said}");
        assert!(said.contains("hash: matches"), "{said}");
        assert!(said.contains("What this proves: only that the file was not changed by accident."));
        assert!(said.contains("self-reported: anyone can edit it and compute a new hash"));
        assert!(said.contains("steps filled by the reference solution: create-policy, "), "{said}");
        assert!(said.contains("failed checks: 0"), "{said}");
    }
    // Edited by hand, the hash no longer matches, and the command fails saying so.
    let edited =
        std::fs::read_to_string(&json).unwrap().replacen("\"earned\": 175", "\"earned\": 176", 1);
    std::fs::write(&json, edited).unwrap();
    let verified =
        awslab(data.path(), &["report", "verify", json.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(verified.status.code(), Some(1), "{}", text(&verified));
    assert!(text(&verified).contains("hash: does NOT match"), "{}", text(&verified));
    let nothing = awslab(data.path(), &["report", "verify", "Cargo.toml"]);
    assert!(!nothing.status.success());
    assert!(
        text(&nothing).contains("neither a JSON report nor an HTML report"),
        "{}",
        text(&nothing)
    );
}

#[test]
fn one_step_runs_alone_and_a_missing_lab_or_step_is_named() {
    let data = tempfile::tempdir().unwrap();
    let run = awslab(data.path(), &["run", "serverless-api", "--step", "3", "--lang", "en"]);
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("[3/16] create-table"), "{out}");
    assert!(!out.contains("[1/16]"), "{out}");

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
    // Nothing to look at: which step makes it, not a state to wait for.
    assert!(
        out.contains(
            "    aws-lab-dynamodb-putitem-policy does not exist yet: this step's Run makes it."
        ),
        "{out}"
    );
    assert!(
        out.contains("    customer-api does not exist yet: step 5 “Create the REST API” makes it."),
        "{out}"
    );
    assert!(out.contains("score: 0/"), "{out}");
}

#[test]
fn a_read_only_check_runs_only_the_checks_that_read_and_says_which_it_left_out() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let run = server.awslab(data.path(), &["run", "serverless-api", "--solution", "--lang", "en"]);
    assert!(run.status.success(), "{}", text(&run));
    let check =
        server.awslab(data.path(), &["check", "serverless-api", "--read-only", "--lang", "en"]);
    drop(server);
    let out = text(&check);
    assert!(check.status.success(), "{out}");
    for (probe, how) in [
        ("function-stores-a-customer", "it invokes the function"),
        ("test-answers-200", "it calls the method, and so its backend, through TestInvokeMethod"),
        ("url-answers-200", "it sends a request to the API"),
    ] {
        assert!(out.contains(&format!("  – {probe}  not graded read-only ({how})")), "{out}");
        assert!(!out.contains(&format!("✓ {probe} ")), "{probe} ran: {out}");
    }
    assert!(out.contains("✓ table-keyed-by-customer-id"), "{out}");
    let lab = awslab_lab::load_lab(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/serverless-api"),
    )
    .unwrap();
    let reading: u32 = lab
        .checks()
        .filter(|(_, check)| !check.kind.access().probes())
        .map(|(_, check)| check.points)
        .sum();
    assert!(
        out.contains(&format!(
            "read-only score: {reading}/{reading} (100%) — passed (pass mark 70%) (3 probing checks not graded)"
        )),
        "{out}"
    );
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
    assert!(out.contains("\nclean: nothing this lab created is left\n"), "{out}");
    // The progress is kept, and the last line says so and how to clear it.
    let stdout = String::from_utf8_lossy(&cleanup.stdout);
    assert!(
        stdout.trim_end().ends_with(
            "progress kept: `awslab grade serverless-api` still says 175/175, a record of what \
             was built. To clear it: `awslab cleanup serverless-api --clear-progress`, or \
             `awslab reset serverless-api`"
        ),
        "{out}"
    );
    // Only the answers to its questions (15 points) stand: they are not resources.
    assert!(text(&check).contains("score: 15/175"), "{}", text(&check));
}

#[test]
fn cleanup_of_the_auth_lab_deletes_its_usage_plan_and_api_key_before_the_api() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let run =
        server.awslab(data.path(), &["run", "lambda-logs-auth", "--solution", "--lang", "en"]);
    assert!(run.status.success(), "{}", text(&run));
    let cleanup = server.awslab(data.path(), &["cleanup", "lambda-logs-auth", "--lang", "en"]);
    let out = text(&cleanup);
    drop(server);
    assert!(cleanup.status.success(), "{out}");
    let order: Vec<usize> = ["apigateway.usage_plan", "apigateway.api_key", "apigateway.rest_api"]
        .iter()
        .map(|kind| {
            out.find(&format!("  deleted  {kind} ")).unwrap_or_else(|| panic!("{kind}: {out}"))
        })
        .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "plan, key, then API: {out}");
    assert!(out.contains("  deleted  lambda.function orders-authorizer"), "{out}");
    assert!(out.contains("\nclean: nothing this lab created is left\n"), "{out}");
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
    // What the lessons ask to look at: the command's output on the instance, the mail.
    assert!(out.contains("    ✉ ALARM: \"awslab_cloudwatch_toomuch_volume_alarm\""), "{out}");
    assert!(out.contains("  ⌨"), "{out}");
    assert!(!out.contains('✗'), "{out}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.trim_end().ends_with("score: 126/126 (100%) — passed (pass mark 70%)"), "{out}");
    // Scored on AWS, what was built offline counts for nothing but the answers to the lab's two
    // questions (11 points), and the mailbox check is not in the total.
    let on_aws =
        awslab(data.path(), &["grade", "cloudwatch-alarm", "--target", "aws", "--lang", "en"]);
    assert!(!on_aws.status.success(), "{}", text(&on_aws));
    assert_eq!(
        text(&on_aws).trim_end(),
        "score on AWS: 11/121 (9.1%) — not passed (pass mark 70%)"
    );

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
    assert!(out.contains("\nclean: nothing this lab created is left\n"), "{out}");
    let check = server.awslab(data.path(), &["check", "cloudwatch-alarm", "--lang", "en"]);
    drop(server);
    // Only the answers to its two questions (11 points) stand: they are not resources.
    assert!(text(&check).contains("score: 11/126"), "{}", text(&check));
}

/// A lab of three steps for the recording test: the first cannot be sent with its defaults (a
/// required field is empty), the second's action fails half-way (the role is made, the policy
/// to attach does not exist), the third passes.
const RECORDING_LAB: &str = r#"
format_version = 1
id = "recording-sample"
title = { ko = "기록 견본", en = "Recording sample" }
estimated_minutes = 5
pass_percent = 80
source = "tests only"

[cost]
usd = 0.0
note = { ko = "무료", en = "Free" }

[[steps]]
id = "policy"
action = "iam.create_policy"

[steps.params]
policy_name = "{{policy_name}}"
policy_document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}'

[[steps.fields]]
id = "policy_name"
kind = "text"
naming = "iam-policy"
label = { ko = "정책 이름", en = "Policy name" }
solution = "recorded-policy"

[[steps.checks]]
id = "policy-exists"
kind = "iam.policy"
points = 10
resource = { name = "recorded-policy" }
expect = {}
message = { ko = "정책이 있어야 합니다.", en = "The policy must exist." }

[[steps]]
id = "role"
action = "iam.create_role"

[steps.params]
role_name = "recorded-role"
trust_policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
policies = ["arn:aws:iam::000000000000:policy/not-there"]

[[steps.checks]]
id = "role-has-the-policy"
kind = "iam.role"
points = 10
resource = { name = "recorded-role" }
expect = { AttachedPolicies = ["not-there"] }
message = { ko = "역할에 정책이 연결되어야 합니다.", en = "The role must have the policy attached." }

[[steps]]
id = "table"
action = "dynamodb.create_table"

[steps.params]
table_name = "recorded"
partition_key = "id"
partition_key_type = "S"

[[steps.checks]]
id = "table-key"
kind = "dynamodb.table"
points = 10
resource = { name = "recorded" }
expect = { KeySchema = [{ AttributeName = "id", KeyType = "HASH" }] }
message = { ko = "파티션 키가 id 여야 합니다.", en = "The partition key must be id." }
"#;

/// The lab's text, under its title in one language.
fn recording_text(title: &str) -> String {
    format!(
        "# {title}\n\n<!-- awslab:step policy -->\n## Policy\n\nMake it.\n\n\
         <!-- awslab:step role -->\n## Role\n\nMake it.\n\n\
         <!-- awslab:step table -->\n## Table\n\nMake it.\n"
    )
}

/// What a progress file holds for a lab, without the times: every check result in recording
/// order, and the ledger.
fn recorded(data_dir: &std::path::Path, lab_id: &str) -> (Vec<String>, Vec<String>) {
    use awslab_core::progress::{FILE_NAME, ProgressStore, TargetKind};
    let store = ProgressStore::open(&data_dir.join(FILE_NAME), 0).expect("the progress").store;
    let checks = (store.check_history(lab_id).expect("the history").into_iter())
        .map(|r| {
            let detail = r.detail.unwrap_or_default();
            let (step, check, passed, points, max) =
                (r.step_id, r.check_id, r.passed, r.points, r.max_points);
            format!("{step}/{check} passed={passed} {points}/{max} {} {detail}", r.target)
        })
        .collect();
    let ledger = (store.ledger(lab_id, TargetKind::Emulator).expect("the ledger").into_iter())
        .map(|e| format!("{} {} {} {} {}", e.step_id, e.target, e.region, e.kind, e.resource_id))
        .collect();
    (checks, ledger)
}

#[test]
fn the_app_and_the_cli_record_the_same_for_the_same_runs() {
    let labs = tempfile::tempdir().unwrap();
    let lab_dir = labs.path().join("recording-sample");
    std::fs::create_dir_all(&lab_dir).unwrap();
    std::fs::write(lab_dir.join("lab.toml"), RECORDING_LAB).unwrap();
    std::fs::write(lab_dir.join("en.md"), recording_text("Recording sample")).unwrap();
    std::fs::write(lab_dir.join("ko.md"), recording_text("기록 견본")).unwrap();
    let labs_dir = labs.path().to_str().unwrap();

    // The CLI: `awslab run` with each form's defaults, on an emulator of its own.
    let cli_data = tempfile::tempdir().unwrap();
    let run = awslab(cli_data.path(), &["run", "recording-sample", "--dir", labs_dir]);
    assert!(!run.status.success(), "two of the steps fail: {}", text(&run));

    // The app: the session the window's Run button calls, on a fresh emulator, with the same
    // form values (each form starts with its defaults).
    let app_data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use awslab_core::clock::{Clock, FixedClock};
        use awslab_core::progress::FILE_NAME;
        let emulator =
            awslab_emulator::Emulator::start(awslab_emulator::EmulatorConfig::default()).await;
        let emulator = emulator.expect("an emulator");
        let clock: std::sync::Arc<dyn Clock> = std::sync::Arc::new(FixedClock(1_700_000_000_000));
        let progress = awslab_core::progress_slot::ProgressSlot::at(
            app_data.path().join(FILE_NAME),
            std::sync::Arc::clone(&clock),
        );
        let offline = std::sync::Arc::new(awslab_core::offline::OfflineEmulator::new());
        let session =
            awslab_core::session::Session::new(labs.path().into(), progress, offline, clock);
        let target =
            awslab_cloud::Target::emulator(emulator.endpoint(), Some(emulator.control_token()));
        session.switch_to(Some(target)).await.expect("the emulator answers");
        let lab = session.lab("recording-sample").expect("the lab loads");
        for step in &lab.steps {
            let values = awslab_core::engine::default_values(step);
            session.run_step(&lab.id, &step.id, &values).await.expect("recorded");
        }
        emulator.shutdown().await;
    });

    let (cli_checks, cli_ledger) = recorded(cli_data.path(), "recording-sample");
    let (app_checks, app_ledger) = recorded(app_data.path(), "recording-sample");
    assert_eq!(app_checks, cli_checks);
    assert_eq!(app_ledger, cli_ledger);
    // What the rule says: nothing for the run that sent nothing; the failed action's checks
    // and what it made; the passing step.
    assert!(app_checks.iter().all(|check| !check.starts_with("policy/")), "{app_checks:#?}");
    assert!(
        app_checks.iter().any(|check| check.starts_with("role/role-has-the-policy passed=false")),
        "{app_checks:#?}"
    );
    assert!(
        app_checks.iter().any(|check| check.starts_with("table/table-key passed=true")),
        "{app_checks:#?}"
    );
    assert!(
        app_ledger.iter().any(|entry| entry.ends_with("iam.role recorded-role")),
        "{app_ledger:#?}"
    );
}

/// The proof that the labs hold under AWS's time: each reference solution reaches full marks
/// through `awslab run --solution` on an emulator keeping AWS's time (`--timing aws`, its
/// default), with the clock at the wall's speed and twenty times faster. The six runs go side by
/// side, each on its own emulator; most of their time is spent waiting as AWS makes one wait.
#[test]
fn every_lab_reaches_full_marks_under_aws_timing_at_clock_speeds_1_and_20() {
    let runs: Vec<_> =
        ["serverless-api", "api-stages-canary", "cloudwatch-alarm", "lambda-logs-auth"]
            .into_iter()
            .flat_map(|lab| ["1", "20"].map(move |speed| (lab, speed)))
            .map(|(lab, speed)| {
                std::thread::spawn(move || {
                    let data = tempfile::tempdir().unwrap();
                    let server = Served::start_with(&["--timing", "aws", "--clock-speed", speed]);
                    let run =
                        server.awslab(data.path(), &["run", lab, "--solution", "--lang", "en"]);
                    (lab, speed, run)
                })
            })
            .collect();
    for handle in runs {
        let (lab, speed, run) = handle.join().expect("the run's thread");
        let out = text(&run);
        assert!(run.status.success(), "{lab} at clock speed {speed}:\n{out}");
        let stdout = String::from_utf8_lossy(&run.stdout);
        let total = stdout.lines().last().unwrap_or_default();
        assert!(total.contains("(100%) — passed"), "{lab} at clock speed {speed}: {total}\n{out}");
        assert!(!out.contains('✗'), "{lab} at clock speed {speed}:\n{out}");
    }
}

#[test]
fn without_an_endpoint_run_and_check_use_the_served_emulator_else_a_fresh_one_and_say_which() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let served = |args: &[&str]| {
        let mut command = command(data.path(), args);
        command.env("AWSLAB_EMULATOR_URL", &server.endpoint);
        command.env("AWSLAB_EMULATOR_TOKEN", &server.token).output().expect("run awslab")
    };
    let first = served(&["run", "serverless-api", "--step", "1", "--solution", "--lang", "en"]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("(the one `awslab emulator serve` runs)"), "{}", text(&first));
    // Step 2 attaches the policy step 1 made: it is there, on the same emulator.
    let second = served(&["run", "serverless-api", "--step", "2", "--solution", "--lang", "en"]);
    assert!(second.status.success(), "{}", text(&second));
    let check = served(&["check", "serverless-api", "--lang", "en"]);
    let out = text(&check);
    assert!(out.contains(&format!("target: offline emulator at {} as", server.endpoint)), "{out}");
    assert!(out.contains("  ✓ role-has-putitem-policy  10/10"), "{out}");
    drop(server);

    // With none serving, a fresh emulator, said to be one: step 2 alone finds no policy.
    let alone = awslab(
        data.path(),
        &["run", "serverless-api", "--step", "2", "--solution", "--lang", "en"],
    );
    let out = text(&alone);
    assert!(!alone.status.success(), "{out}");
    assert!(
        out.contains("(a fresh in-memory emulator for this command only, since none serves at http://127.0.0.1:9;"),
        "{out}"
    );
}

#[test]
fn a_whole_lab_is_done_in_the_cli_by_filling_its_forms() {
    let data = tempfile::tempdir().unwrap();
    let lab = awslab_lab::load_lab(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/api-stages-canary"),
    )
    .expect("the lab loads");
    // The forms as a learner fills them: every field that differs from its default, by step;
    // the questions' answers and the last function's code are set on the command line instead.
    let mut values = serde_json::Map::new();
    for step in &lab.steps {
        let fields: serde_json::Map<String, serde_json::Value> = step
            .fields
            .iter()
            .filter(|field| field.id != "answer" && step.id != "publish-v2")
            .filter_map(|field| {
                let solution = field.solution_value()?;
                (Some(solution) != field.default.as_ref())
                    .then(|| (field.id.clone(), solution.clone()))
            })
            .collect();
        if !fields.is_empty() {
            values.insert(step.id.clone(), serde_json::Value::Object(fields));
        }
    }
    let file = data.path().join("values.json");
    std::fs::write(&file, serde_json::to_string_pretty(&values).unwrap()).unwrap();
    let v2 = lab.step("publish-v2").unwrap().fields[0].solution_value().unwrap();
    let code = data.path().join("v2.py");
    std::fs::write(&code, v2.as_str().unwrap()).unwrap();
    let run = awslab(
        data.path(),
        &[
            "run",
            "api-stages-canary",
            "--values",
            file.to_str().unwrap(),
            "--set",
            "stage-settings.answer=throttling",
            "--set",
            "quiz-alias-latest.answer=v1",
            "--set",
            &format!("publish-v2.code=@{}", code.display()),
            "--timing",
            "instant",
            "--lang",
            "en",
        ],
    );
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(!out.contains('✗'), "{out}");
    assert!(String::from_utf8_lossy(&run.stdout).contains("score: 170/170 (100%)"), "{out}");

    // What cannot be a value of the lab is named.
    let unknown = awslab(data.path(), &["run", "api-stages-canary", "--set", "code=x"]);
    assert!(
        text(&unknown).contains("the steps create-root-function, log-the-event, "),
        "{}",
        text(&unknown)
    );
    let wrong = awslab(data.path(), &["run", "api-stages-canary", "--set", "create-api.nope=1"]);
    assert!(
        text(&wrong).contains("step `create-api` has no field `nope` (its fields: api_name)"),
        "{}",
        text(&wrong)
    );
}

#[test]
fn hint_skip_and_reset_do_what_the_app_s_buttons_do() {
    let data = tempfile::tempdir().unwrap();
    let hint = awslab(data.path(), &["hint", "serverless-api", "--step", "3", "--lang", "en"]);
    let first = String::from_utf8_lossy(&hint.stdout).to_string();
    assert!(hint.status.success(), "{}", text(&hint));
    assert!(first.starts_with("hint 1/"), "{first}");
    let again = awslab(data.path(), &["hint", "serverless-api", "--step", "3", "--lang", "en"]);
    let second = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(second.starts_with(&first), "the first hint stays shown: {second}");
    assert!(second.contains("\nhint 2/"), "{second}");

    let skip = awslab(data.path(), &["skip", "serverless-api", "--step", "1", "--lang", "en"]);
    assert_eq!(
        String::from_utf8_lossy(&skip.stdout).trim_end(),
        "skipped create-policy: it earns nothing until it is passed"
    );

    let server = Served::start();
    let run = server.awslab(data.path(), &["run", "serverless-api", "--solution", "--lang", "en"]);
    assert!(run.status.success(), "{}", text(&run));
    let asked = server.awslab(data.path(), &["reset", "serverless-api", "--lang", "en"]);
    assert!(!asked.status.success(), "without a terminal or --yes, nothing is done");
    assert!(text(&asked).contains("nothing done (--yes does it without asking)"));
    let reset = server.awslab(data.path(), &["reset", "serverless-api", "--yes", "--lang", "en"]);
    let out = text(&reset);
    assert!(reset.status.success(), "{out}");
    assert!(out.contains("reset: the lab's resources and progress are gone"), "{out}");
    let grade = awslab(data.path(), &["grade", "serverless-api", "--lang", "en"]);
    assert!(text(&grade).contains("score: 0/175"), "{}", text(&grade));
    let check = server.awslab(data.path(), &["check", "serverless-api", "--lang", "en"]);
    assert!(text(&check).contains("score: 0/175"), "nothing is left: {}", text(&check));
}

#[test]
fn cleanup_clears_the_progress_when_asked() {
    let data = tempfile::tempdir().unwrap();
    let server = Served::start();
    let run = server.awslab(data.path(), &["run", "serverless-api", "--solution", "--lang", "en"]);
    assert!(run.status.success(), "{}", text(&run));
    let cleanup = server
        .awslab(data.path(), &["cleanup", "serverless-api", "--clear-progress", "--lang", "en"]);
    let out = text(&cleanup);
    assert!(cleanup.status.success(), "{out}");
    let stdout = String::from_utf8_lossy(&cleanup.stdout);
    assert!(stdout.trim_end().ends_with("progress cleared too: the lab starts over"), "{out}");
    let grade = awslab(data.path(), &["grade", "serverless-api", "--lang", "en"]);
    assert!(text(&grade).contains("score: 0/175"), "{}", text(&grade));
}

/// The `aws` commands a run printed, each whole: a function's source written and zipped, then
/// the command (the last line of each starts with `aws `).
fn printed_commands(stdout: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let Some(first) = line.strip_prefix("  $ ") else { continue };
        let mut command = vec![first.to_string()];
        let mut last = first.to_string();
        while !last.starts_with("aws ") {
            last = lines.next().expect("a command ends with its aws line").to_string();
            command.push(last.clone());
        }
        commands.push(command.join("\n"));
    }
    commands
}

#[test]
fn the_printed_aws_commands_run_as_printed_in_a_clean_shell() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_instant();
    let mut commands = Vec::new();
    for step in ["1", "2", "3", "8"] {
        let run = server.0.awslab(
            data.path(),
            &["run", "serverless-api", "--step", step, "--solution", "--lang", "en"],
        );
        assert!(run.status.success(), "{}", text(&run));
        commands.extend(printed_commands(&String::from_utf8_lossy(&run.stdout)));
    }
    assert!(commands.iter().any(|c| c.starts_with("aws iam create-role ")), "{commands:#?}");
    assert!(commands.iter().any(|c| c.contains("python3 -m zipfile")), "{commands:#?}");
    // Start over on the same emulator, then do the same by hand.
    let reset = server.0.awslab(data.path(), &["reset", "serverless-api", "--yes"]);
    assert!(reset.status.success(), "{}", text(&reset));

    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin");
    let path = format!("{}:/usr/bin:/bin", venv.display());
    let shell = tempfile::tempdir().unwrap();
    for command in &commands {
        // A clean shell: credentials only; no region, no AWS configuration files.
        let done = Command::new("bash")
            .args(["-c", command])
            .current_dir(shell.path())
            .env_clear()
            .env("PATH", &path)
            .env("HOME", shell.path())
            .env("AWS_ACCESS_KEY_ID", "AKIASTUDENTEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "student-secret")
            .env("AWS_CONFIG_FILE", shell.path().join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", shell.path().join("no-credentials"))
            .output()
            .expect("bash");
        assert!(done.status.success(), "{command}\n{}", text(&done));
    }
    let check = server.0.awslab(data.path(), &["check", "serverless-api", "--lang", "en"]);
    let out = text(&check);
    assert!(out.contains("  ✓ role-has-putitem-policy  10/10"), "{out}");
    assert!(out.contains("  ✓ function-config  10/10"), "{out}");
}

/// A served emulator that keeps no time (the commands by hand need no waiting).
struct Server(Served);

impl Server {
    fn start_instant() -> Self {
        Server(Served::start_with(&["--timing", "instant"]))
    }
}
