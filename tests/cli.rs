//! The `awslab` binary, run as a user runs it, on the real `labs/` folder and on fixtures.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn awslab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(args)
        .current_dir(root())
        .env_remove("AWSLAB_LABS_DIR")
        .output()
        .expect("run awslab")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the format sample in a temporary folder of labs.
fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let root_dir = tempfile::tempdir().expect("temporary folder");
    let lab = root_dir.path().join("format-sample");
    copy_dir(&root().join("tests/fixtures/format-sample"), &lab);
    (root_dir, lab)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

fn replace(path: &Path, old: &str, new: &str) {
    let text = fs::read_to_string(path).expect("read lab file");
    assert!(text.contains(old), "`{old}` not in {}", path.display());
    fs::write(path, text.replacen(old, new, 1)).expect("write lab file");
}

#[test]
fn labs_check_passes_on_the_catalog() {
    // About the command's output; `./dev test` runs `awslab labs check` at its default AWS
    // timing too, which takes a minute of API Gateway's quotas.
    let output = awslab(&["labs", "check", "--timing", "instant"]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("ok   serverless-api"), "{}", stdout(&output));
    assert!(
        stdout(&output)
            .contains("proven: every check fails at the start, passes after the solution, and a full check at the end keeps the score"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("no problems"));
}

#[test]
fn labs_check_passes_on_the_format_sample_as_a_lab_and_as_a_folder() {
    for dir in ["tests/fixtures/format-sample", "tests/fixtures"] {
        // The sample uses every action and check kind, some for services still to come: its
        // files are validated, not proven.
        let output = awslab(&["labs", "check", "--static", "--dir", dir]);
        assert!(output.status.success(), "{dir}: {}{}", stdout(&output), stderr(&output));
        assert!(
            stdout(&output)
                .contains("ok   format-sample  (11 steps, 1 of them a question, 32 checks, 180 points (178 on AWS))")
        );
    }
}

#[test]
fn labs_check_names_the_file_and_line_of_broken_metadata() {
    let (folder, lab) = sample_copy();
    replace(&lab.join("lab.toml"), "estimated_minutes = 5", "estimated_minutes = five");
    let output = awslab(&["labs", "check", "--dir", folder.path().to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!("{}:6:21: ", lab.join("lab.toml").display());
    assert!(stdout(&output).contains(&expected), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 problem(s); 0 lab(s) passed"), "{}", stdout(&output));
}

#[test]
fn labs_check_names_the_file_and_line_of_a_broken_directive() {
    let (folder, lab) = sample_copy();
    replace(&lab.join("ko.md"), "<!-- awslab:step role -->", "<!-- awslab:stpe role -->");
    let output = awslab(&["labs", "check", "--dir", folder.path().to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "{}:18:1: unknown directive `awslab:stpe`: expected `awslab:step ID`, `awslab:hint` or \
         `awslab:summary`",
        lab.join("ko.md").display()
    );
    assert!(stdout(&output).contains(&expected), "{}", stdout(&output));
}

#[test]
fn labs_check_fails_on_an_empty_folder() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = awslab(&["labs", "check", "--dir", folder.path().to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("no labs in "), "{}", stdout(&output));
}

#[test]
fn labs_list_shows_titles_in_the_chosen_language() {
    let output = awslab(&["labs", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let listed = stdout(&output);
    assert!(
        listed.contains("serverless-api       서버리스 API 만들기  (60 min, 16 steps"),
        "{listed}"
    );
    assert!(
        listed.contains("api-stages-canary    API Gateway 스테이지와 카나리 배포  (90 min"),
        "{listed}"
    );
    let output = awslab(&["labs", "list", "--lang", "en"]);
    assert!(stdout(&output).contains("serverless-api       Build a serverless API"));
}

#[test]
fn labs_list_reports_a_broken_lab_beside_the_good_ones() {
    let (folder, lab) = sample_copy();
    copy_dir(&root().join("labs/serverless-api"), &folder.path().join("serverless-api"));
    fs::remove_file(lab.join("en.md")).expect("remove en.md");
    let output = awslab(&["labs", "list", "--dir", folder.path().to_str().expect("utf-8 path")]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("serverless-api"));
    assert!(stderr(&output).contains("en.md:1:1: en.md is missing"), "{}", stderr(&output));
}

#[test]
fn labs_show_prints_the_lesson_form_and_checks() {
    let output = awslab(&["labs", "show", "serverless-api", "--lang", "en"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("# Build a serverless API\n"), "{text}");
    assert!(text.contains("## Step 1: Create the IAM policy  [create-policy]"));
    assert!(text.contains(
        "[policy_name] Policy name (text, iam-policy) = aws-lab-dynamodb-putitem-policy"
    ));
    assert!(text.contains("→ iam.create_policy"));
    assert!(text.contains("  ◦ role-trusts-lambda (10 points, iam.role)"), "not ✓: {text}");
    assert!(!text.contains("{{"), "placeholders are filled as the app fills them: {text}");
    // Whole defaults: the starter code, line by line.
    assert!(text.contains("      def lambda_handler(event, context):\n"), "{text}");
    assert!(!text.contains('…'), "nothing is cut: {text}");
    assert!(text.contains("hints: 2 (shown with --hints)"), "{text}");
    let output = awslab(&["labs", "show", "serverless-api"]);
    assert!(stdout(&output).contains("## 단계 1: IAM 정책 만들기"));

    let output = awslab(&["labs", "show", "api-stages-canary", "--hints", "--lang", "en"]);
    let text = stdout(&output);
    assert!(text.contains("  hints 1/"), "{text}");
    assert!(text.contains("arn:aws:lambda:<region>:<account>:function:"), "{text}");
    assert!(!text.contains("{{"), "{text}");
}

#[test]
fn labs_show_of_an_unknown_lab_lists_the_known_ones() {
    let output = awslab(&["labs", "show", "serverles-api"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no lab `serverles-api` in labs; the labs are: serverless-api"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_labs_folder_is_a_clear_error() {
    let output = awslab(&["labs", "list", "--dir", "/nonexistent/labs"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("error: cannot read the labs folder /nonexistent/labs: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_language_is_refused() {
    let output = awslab(&["labs", "list", "--lang", "jp"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown language `jp`: expected `ko` or `en`"));
}

#[test]
fn labs_check_proves_a_lab_and_says_which_check_its_solution_fails() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let lab = folder.path().join("serverless-api");
    copy_dir(&root().join("labs/serverless-api"), &lab);
    replace(
        &lab.join("lab.toml"),
        r#"KeySchema = { "$exactly" = [{ AttributeName = "customer_id""#,
        r#"KeySchema = { "$exactly" = [{ AttributeName = "customerId""#,
    );
    let output = awslab(&["labs", "check", "--dir", folder.path().to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains(
            "FAIL serverless-api: step create-table: the solution fails: check table-keyed-by-customer-id:"
        ),
        "{}",
        stdout(&output)
    );
    let static_only = awslab(&[
        "labs",
        "check",
        "--static",
        "--dir",
        folder.path().to_str().expect("utf-8 path"),
    ]);
    assert!(static_only.status.success(), "the files themselves are valid");
}

#[test]
fn labs_check_refuses_questions_that_are_ambiguous_unexplained_or_given_away() {
    let (folder, lab) = sample_copy();
    let dir = folder.path().to_str().expect("utf-8 path").to_string();
    // Two correct choices for a single-choice question.
    replace(
        &lab.join("lab.toml"),
        r#"{ value = "EDGE", label = { ko = "엣지 최적화", en = "Edge-optimized" } },"#,
        r#"{ value = "EDGE", label = { ko = "엣지 최적화", en = "Edge-optimized" }, correct = true },"#,
    );
    // The lesson above the question states the answer.
    replace(&lab.join("en.md"), "Choose the right endpoint type.", "The answer is Regional.");
    let output = awslab(&["labs", "check", "--static", "--dir", &dir]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let said = stdout(&output);
    assert!(
        said.contains(
            "a single-choice question has exactly one `correct = true` choice; this one has 2"
        ),
        "{said}"
    );
    assert!(
        said.contains("question `quiz` is answered by the text shown above it in en: its title, lesson or prompt contains the correct choice `Regional`"),
        "{said}"
    );

    // A question without its explanation, and a number whose explanation misses its answer.
    let (folder, lab) = sample_copy();
    let dir = folder.path().to_str().expect("utf-8 path").to_string();
    let toml = fs::read_to_string(lab.join("lab.toml")).unwrap();
    let at = toml.find("explanation = ").unwrap();
    fs::write(lab.join("lab.toml"), &toml[..at]).unwrap();
    let said = stdout(&awslab(&["labs", "check", "--static", "--dir", &dir]));
    assert!(said.contains("question `quiz` has no `explanation`"), "{said}");
}
