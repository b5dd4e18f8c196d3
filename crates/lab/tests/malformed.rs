//! Malformed labs: each test breaks one thing in an otherwise valid lab and asserts the exact
//! `file:line:column: message` a lab author sees.

use awslab_lab::load_lab;
use std::fs;
use std::path::{Path, PathBuf};

const LAB_TOML: &str = r#"format_version = 1
id = "mini"
title = { ko = "미니", en = "Mini" }
estimated_minutes = 10

[cost]
usd = 0.0
note = { ko = "무료", en = "Free" }

[[steps]]
id = "create-role"
action = "iam.create_role"

[steps.params]
role_name = "{{role_name}}"
trust_policy = "{{trust}}"

[[steps.fields]]
id = "role_name"
kind = "text"
naming = "iam-role"
label = { ko = "역할 이름", en = "Role name" }
default = "aws-lab-dynamodb-role"

[[steps.fields]]
id = "trust"
kind = "json"
schema = "iam-policy"
label = { ko = "신뢰 정책", en = "Trust policy" }
default = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'

[[steps.checks]]
id = "role-exists"
kind = "iam.role"
points = 10
resource = { name = "aws-lab-dynamodb-role" }
expect = { RoleName = "aws-lab-dynamodb-role" }
message = { ko = "역할이 없습니다.", en = "The role is missing." }
"#;

const KO_MD: &str = "# 미니

소개.

<!-- awslab:step create-role -->
## 역할 만들기

역할을 만듭니다.

<!-- awslab:hint -->
> 이름은 `aws-lab-dynamodb-role` 입니다.
";

const EN_MD: &str = "# Mini

Introduction.

<!-- awslab:step create-role -->
## Create the role

Create the role.

<!-- awslab:hint -->
> The name is `aws-lab-dynamodb-role`.
";

/// A valid lab in a temporary `mini/` folder, to be broken one edit at a time.
struct Mini {
    _root: tempfile::TempDir,
    dir: PathBuf,
}

impl Mini {
    fn new() -> Self {
        let root = tempfile::tempdir().expect("temporary folder");
        let dir = root.path().join("mini");
        fs::create_dir(&dir).expect("lab folder");
        fs::write(dir.join("lab.toml"), LAB_TOML).expect("lab.toml");
        fs::write(dir.join("ko.md"), KO_MD).expect("ko.md");
        fs::write(dir.join("en.md"), EN_MD).expect("en.md");
        Self { _root: root, dir }
    }

    /// Replaces the one occurrence of `old` in `file` with `new`.
    fn edit(self, file: &str, old: &str, new: &str) -> Self {
        let path = self.dir.join(file);
        let text = fs::read_to_string(&path).expect("lab file");
        assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once in {file}");
        fs::write(&path, text.replacen(old, new, 1)).expect("lab file");
        self
    }

    /// Every problem, as `file:line:column: message` with the file relative to the lab folder.
    fn errors(&self) -> Vec<String> {
        match load_lab(&self.dir) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|error| {
                    let file = error.file.strip_prefix(&self.dir).unwrap_or(Path::new("?"));
                    format!("{}:{}:{}: {}", file.display(), error.line, error.column, error.message)
                })
                .collect(),
        }
    }
}

#[track_caller]
fn assert_errors(lab: Mini, expected: &[&str]) {
    assert_eq!(lab.errors(), expected);
}

#[test]
fn the_unbroken_lab_loads() {
    assert_errors(Mini::new(), &[]);
}

// lab.toml: syntax and structure

#[test]
fn toml_syntax_error() {
    let lab = Mini::new().edit("lab.toml", "estimated_minutes = 10", "estimated_minutes = ");
    assert_errors(lab, &["lab.toml:4:21: string values must be quoted, expected literal string"]);
}

#[test]
fn missing_format_version() {
    let lab = Mini::new().edit("lab.toml", "format_version = 1\n", "");
    assert_errors(
        lab,
        &["lab.toml:1:1: missing `format_version`: this awslab reads `format_version = 1`"],
    );
}

#[test]
fn unsupported_format_version() {
    let lab = Mini::new().edit("lab.toml", "format_version = 1", "format_version = 2");
    assert_errors(
        lab,
        &["lab.toml:1:18: format_version 2 is not supported: this awslab reads format_version 1"],
    );
}

#[test]
fn unknown_top_level_key() {
    let lab =
        Mini::new().edit("lab.toml", "estimated_minutes = 10", "estimated_minutes = 10\nlevel = 3");
    assert_errors(
        lab,
        &["lab.toml:5:1: unknown field `level`, expected one of `format_version`, `id`, `title`, \
         `estimated_minutes`, `pass_percent`, `order`, `source`, `cost`, `steps`"],
    );
}

#[test]
fn title_without_english() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"title = { ko = "미니", en = "Mini" }"#,
        r#"title = { ko = "미니" }"#,
    );
    assert_errors(lab, &["lab.toml:3:9: missing field `en`"]);
}

#[test]
fn title_that_is_not_a_pair_of_texts() {
    let lab = Mini::new().edit("lab.toml", r#"title = { ko = "미니", en = "Mini" }"#, "title = 3");
    assert_errors(
        lab,
        &["lab.toml:3:9: invalid type: integer `3`, expected `{ ko = \"…\", en = \"…\" }`"],
    );
}

#[test]
fn malformed_select_option() {
    let lab = Mini::new().edit(
        "lab.toml",
        "[[steps.checks]]",
        "[[steps.fields]]\nid = \"pick\"\nkind = \"select\"\nlabel = { ko = \"고르기\", en = \"Pick\" }\noptions = [{ val = \"a\" }]\ndefault = \"a\"\n\n[[steps.checks]]",
    );
    assert_errors(
        lab,
        &[
            "lab.toml:36:11: an option is a string, or `{ value = \"…\", label = { ko = \"…\", en = \"…\" } }`",
        ],
    );
}

#[test]
fn wrong_type_for_minutes() {
    let lab =
        Mini::new().edit("lab.toml", "estimated_minutes = 10", r#"estimated_minutes = "ten""#);
    assert_errors(lab, &["lab.toml:4:21: invalid type: string \"ten\", expected i64"]);
}

#[test]
fn lab_id_differs_from_folder() {
    let lab = Mini::new().edit("lab.toml", r#"id = "mini""#, r#"id = "mini-lab""#);
    assert_errors(lab, &["lab.toml:2:6: lab id `mini-lab` must match its folder name `mini`"]);
}

// lab.toml: actions and placeholders

#[test]
fn unknown_action_suggests_the_nearest() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"action = "iam.create_role""#,
        r#"action = "iam.create_rol""#,
    );
    assert_errors(
        lab,
        &["lab.toml:12:10: unknown action `iam.create_rol` (did you mean `iam.create_role`?) \
         (the actions are listed in labs/README.md)"],
    );
}

#[test]
fn missing_required_parameter() {
    let lab = Mini::new().edit("lab.toml", "trust_policy = \"{{trust}}\"\n", "");
    assert_errors(
        lab,
        &["lab.toml:12:10: action `iam.create_role` needs the parameter `trust_policy` in \
         `[steps.params]`"],
    );
}

#[test]
fn unknown_parameter() {
    let lab = Mini::new().edit(
        "lab.toml",
        "trust_policy = \"{{trust}}\"",
        "trust_policy = \"{{trust}}\"\nrolename = \"x\"",
    );
    assert_errors(
        lab,
        &["lab.toml:17:1: action `iam.create_role` has no parameter `rolename` (did you mean \
         `role_name`?): it takes role_name, trust_policy, description, policies"],
    );
}

#[test]
fn unknown_placeholder() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"role_name = "{{role_name}}""#,
        r#"role_name = "{{rolename}}""#,
    );
    assert_errors(
        lab,
        &["lab.toml:15:14: unknown placeholder `{{rolename}}`: expected a field of this step \
         (role_name, trust) or one of account_id, region, lab_id"],
    );
}

#[test]
fn unclosed_placeholder() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"role_name = "{{role_name}}""#,
        r#"role_name = "arn/{{role_name""#,
    );
    assert_errors(lab, &["lab.toml:15:18: `{{` is not closed: expected `}}`"]);
}

#[test]
fn unknown_lookup() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"role_name = "{{role_name}}""#,
        r#"role_name = "{{role_id:x}}""#,
    );
    assert_errors(
        lab,
        &[
            "lab.toml:15:14: unknown lookup `role_id` in `{{role_id:x}}`: expected one of policy_arn, \
         role_arn, function_arn, rest_api_id, invoke_url, api_key_value, topic_arn, instance_id, volume_id",
        ],
    );
}

#[test]
fn emulator_only_action_on_both_targets() {
    let lab = Mini::new()
        .edit(
            "lab.toml",
            r#"action = "iam.create_role""#,
            "action = \"ec2.shell\"\ntargets = \"both\"",
        )
        .edit(
            "lab.toml",
            "role_name = \"{{role_name}}\"\ntrust_policy = \"{{trust}}\"",
            "instance_id = \"i-1\"\ncommand = \"ls\"",
        );
    assert_errors(
        lab,
        &[
            "lab.toml:13:11: action `ec2.shell` exists only on the emulator: set `targets = \"emulator\"`",
        ],
    );
}

// lab.toml: fields

#[test]
fn unknown_field_kind() {
    let lab = Mini::new().edit("lab.toml", "kind = \"text\"", "kind = \"txt\"");
    assert_errors(
        lab,
        &["lab.toml:20:8: unknown field kind `txt`: expected one of text, number, select, \
         multi_select, json, code, key_value, resource (did you mean `text`?)"],
    );
}

#[test]
fn setting_of_another_field_kind() {
    let lab =
        Mini::new().edit("lab.toml", "naming = \"iam-role\"", "naming = \"iam-role\"\nmin = 1");
    assert_errors(lab, &["lab.toml:22:7: `min` does not apply to a `text` field"]);
}

#[test]
fn unknown_naming_rule() {
    let lab = Mini::new().edit("lab.toml", "naming = \"iam-role\"", "naming = \"iam-rol\"");
    assert_errors(
        lab,
        &["lab.toml:21:10: unknown naming rule `iam-rol`: expected one of iam-role, iam-policy, \
         dynamodb-table, dynamodb-attribute, lambda-function, lambda-alias, apigateway-api, \
         apigateway-path-part, apigateway-stage, cloudwatch-alarm, sns-topic, ec2-name, email \
         (did you mean `iam-role`?)"],
    );
}

#[test]
fn default_breaks_its_own_naming_rule() {
    let lab = Mini::new().edit(
        "lab.toml",
        "default = \"aws-lab-dynamodb-role\"",
        "default = \"aws lab role\"",
    );
    assert_errors(
        lab,
        &[
            "lab.toml:23:11: the default does not pass the field's own rules: ` ` is not allowed here \
         (allowed: A–Z a–z 0–9 + = , . @ _ -)",
        ],
    );
}

#[test]
fn default_is_invalid_json() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#""Action": "sts:AssumeRole"}]}'"#,
        r#""Action": "sts:AssumeRole"}]'"#,
    );
    assert_errors(
        lab,
        &[
            "lab.toml:30:11: the default does not pass the field's own rules: invalid JSON at line 1, \
         column 138: EOF while parsing an object",
        ],
    );
}

#[test]
fn code_file_outside_the_lab() {
    let default_line =
        LAB_TOML.lines().find(|line| line.starts_with("default = '")).expect("JSON default");
    let lab = Mini::new().edit("lab.toml", default_line, "").edit(
        "lab.toml",
        "schema = \"iam-policy\"",
        "default_file = \"../secret.json\"",
    );
    assert_errors(
        lab,
        &[
            "lab.toml:28:16: `../secret.json` must be a path inside the lab folder (no `..`, no leading `/`)",
        ],
    );
}

#[test]
fn code_file_that_does_not_exist() {
    let default_line =
        LAB_TOML.lines().find(|line| line.starts_with("default = '")).expect("JSON default");
    let lab = Mini::new().edit("lab.toml", default_line, "").edit(
        "lab.toml",
        "schema = \"iam-policy\"",
        "default_file = \"starter/trust.json\"",
    );
    let errors = lab.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("lab.toml:28:16: cannot read `starter/trust.json` in the lab folder: "),
        "{errors:?}"
    );
}

// lab.toml: checks

#[test]
fn unknown_check_kind() {
    let lab = Mini::new().edit("lab.toml", "kind = \"iam.role\"", "kind = \"iam.rol\"");
    assert_errors(
        lab,
        &["lab.toml:34:8: unknown check kind `iam.rol` (did you mean `iam.role`?) (the kinds are \
         listed in labs/README.md)"],
    );
}

#[test]
fn changed_by_names_no_step() {
    let lab = Mini::new().edit(
        "lab.toml",
        "message = { ko = \"역할이 없습니다.\", en = \"The role is missing.\" }",
        "message = { ko = \"역할이 없습니다.\", en = \"The role is missing.\" }\nchanged_by = \"create-rol\"",
    );
    assert_errors(
        lab,
        &["lab.toml:39:14: `changed_by` names no step of this lab: `create-rol` (did you mean \
         `create-role`?)"],
    );
}

#[test]
fn changed_by_names_its_own_step() {
    let lab = Mini::new().edit(
        "lab.toml",
        "message = { ko = \"역할이 없습니다.\", en = \"The role is missing.\" }",
        "message = { ko = \"역할이 없습니다.\", en = \"The role is missing.\" }\nchanged_by = \"create-role\"",
    );
    assert_errors(
        lab,
        &["lab.toml:39:14: `changed_by` of check `role-exists` names step `create-role`, which \
         does not come after its own step `create-role`: it names the later step that changes \
         what the check verifies"],
    );
}

#[test]
fn check_without_its_selector() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"resource = { name = "aws-lab-dynamodb-role" }"#,
        r#"resource = { role = "aws-lab-dynamodb-role" }"#,
    );
    assert_errors(
        lab,
        &[
            "lab.toml:34:8: a `iam.role` check needs `resource.name`",
            "lab.toml:36:14: a `iam.role` check has no `resource.role`: it takes name",
        ],
    );
}

#[test]
fn misspelt_expected_property() {
    let lab = Mini::new().edit("lab.toml", "expect = { RoleName", "expect = { Rolename");
    assert_errors(
        lab,
        &[
            "lab.toml:37:12: a `iam.role` check has no property `Rolename` (did you mean `RoleName`?): \
         it knows RoleName, Arn, Description, AssumeRolePolicyDocument, AttachedPolicies, \
         InlinePolicies, Tags",
        ],
    );
}

#[test]
fn unknown_expect_operator() {
    let lab = Mini::new().edit(
        "lab.toml",
        r#"RoleName = "aws-lab-dynamodb-role" }"#,
        r#"RoleName = { "$regex" = "aws-.*" } }"#,
    );
    assert_errors(
        lab,
        &[
            "lab.toml:37:26: in `expect`: unknown operator `$regex`: expected one of $exactly, $like, \
         $one_of, $between, $absent",
        ],
    );
}

#[test]
fn check_worth_no_points() {
    let lab = Mini::new().edit("lab.toml", "points = 10", "points = 0");
    assert_errors(lab, &["lab.toml:35:10: `points` must be between 1 and 1000"]);
}

#[test]
fn step_without_checks() {
    let text = LAB_TOML;
    let start = text.find("[[steps.checks]]").expect("a check");
    let lab = Mini::new().edit("lab.toml", &text[start..], "");
    assert_errors(
        lab,
        &["lab.toml:11:6: step `create-role` has no checks: every step needs at least one \
         `[[steps.checks]]`"],
    );
}

#[test]
fn check_id_used_twice() {
    let text = LAB_TOML;
    let check = &text[text.find("[[steps.checks]]").expect("a check")..];
    let lab = Mini::new().edit("lab.toml", check, &format!("{check}\n{check}"));
    assert_errors(
        lab,
        &[
            "lab.toml:41:6: check id `role-exists` is used twice (first in step `create-role`): check \
         ids are unique in a lab",
        ],
    );
}

// Lesson files

#[test]
fn missing_lesson_file() {
    let lab = Mini::new();
    fs::remove_file(lab.dir.join("ko.md")).expect("remove ko.md");
    assert_errors(
        lab,
        &[
            "ko.md:1:1: ko.md is missing: every lab needs its lesson in Korean (ko.md) and English (en.md)",
        ],
    );
}

#[test]
fn lesson_not_utf8() {
    let lab = Mini::new();
    fs::write(lab.dir.join("en.md"), b"# Mini\n\nIntro \xff\n").expect("write en.md");
    assert_errors(lab, &["en.md:3:7: the file is not valid UTF-8 text here"]);
}

#[test]
fn lesson_without_title() {
    let lab = Mini::new().edit("ko.md", "# 미니\n\n", "");
    assert_errors(
        lab,
        &["ko.md:1:1: expected the lab title as a `# ` heading at the top of the lesson"],
    );
}

#[test]
fn heading_without_step_directive() {
    let lab = Mini::new().edit("ko.md", "<!-- awslab:step create-role -->\n", "");
    assert_errors(
        lab,
        &[
            "ko.md:5:1: a `## ` heading starts a step: put `<!-- awslab:step ID -->` on the line \
         before it (or use `###` for a heading inside a step)",
            "ko.md:9:1: a hint belongs to a step: put `<!-- awslab:hint -->` after a step's `## ` \
         heading",
        ],
    );
}

#[test]
fn unknown_directive() {
    let lab = Mini::new().edit("ko.md", "awslab:hint", "awslab:hnit");
    assert_errors(
        lab,
        &[
            "ko.md:10:1: unknown directive `awslab:hnit`: expected `awslab:step ID`, `awslab:hint` or \
         `awslab:summary`",
        ],
    );
}

#[test]
fn hint_without_block_quote() {
    let lab = Mini::new().edit("en.md", "> The name", "The name");
    assert_errors(
        lab,
        &["en.md:10:1: expected a block quote (lines starting with `>`) right after \
         `<!-- awslab:hint -->`"],
    );
}

#[test]
fn directive_without_heading() {
    let lab = Mini::new().edit("en.md", "## Create the role\n\n", "");
    assert_errors(
        lab,
        &[
            "en.md:5:1: expected a `## ` heading on the line after `<!-- awslab:step create-role -->`",
        ],
    );
}

#[test]
fn step_missing_in_one_language() {
    let lab = Mini::new().edit("en.md", "awslab:step create-role", "awslab:step create-table");
    assert_errors(
        lab,
        &[
            "en.md:5:1: step `create-table` is not defined in lab.toml",
            "lab.toml:11:6: step `create-role` has no text in en.md: add `<!-- awslab:step \
         create-role -->` and a `## ` heading",
        ],
    );
}

#[test]
fn lesson_title_differs_from_metadata() {
    let lab = Mini::new().edit("en.md", "# Mini\n", "# Mini lab\n");
    assert_errors(
        lab,
        &[
            "en.md:1:1: the title differs from `title.en` in lab.toml: expected `Mini`, found `Mini lab`",
        ],
    );
}

#[test]
fn different_number_of_hints() {
    let lab = Mini::new().edit(
        "en.md",
        "> The name is",
        "> Roles are named.\n\n<!-- awslab:hint -->\n> The name is",
    );
    assert_errors(
        lab,
        &[
            "en.md:5:1: step `create-role` has 1 hint(s) in ko.md but 2 in en.md: hints are revealed \
         one at a time in either language, so both need the same number",
        ],
    );
}

#[test]
fn directive_inside_a_paragraph() {
    let lab =
        Mini::new().edit("ko.md", "역할을 만듭니다.", "역할을 <!-- awslab:hint --> 만듭니다.");
    assert_errors(
        lab,
        &["ko.md:8:5: a directive must stand alone on its own line, with a blank line before it"],
    );
}

#[test]
fn step_id_with_capitals() {
    let lab = Mini::new().edit("ko.md", "awslab:step create-role", "awslab:step Create-Role");
    assert_errors(
        lab,
        &[
            "ko.md:5:1: step id `Create-Role` may use only lowercase letters, digits and `-` (like \
         `create-role`)",
            "ko.md:6:1: a `## ` heading starts a step: put `<!-- awslab:step ID -->` on the line \
         before it (or use `###` for a heading inside a step)",
            "ko.md:10:1: a hint belongs to a step: put `<!-- awslab:hint -->` after a step's `## ` \
         heading",
        ],
    );
}

#[test]
fn scratch_item_that_names_no_item() {
    let lab = Mini::new()
        .edit("lab.toml", "kind = \"iam.role\"", "kind = \"lambda.invocation\"")
        .edit(
            "lab.toml",
            r#"resource = { name = "aws-lab-dynamodb-role" }"#,
            r#"resource = { function = "addCustomer", scratch_item = { table = "customers" } }"#,
        )
        .edit(
            "lab.toml",
            "expect = { RoleName = \"aws-lab-dynamodb-role\" }",
            "expect = { StatusCode = 200 }",
        );
    assert_errors(
        lab,
        &["lab.toml:36:55: `resource.scratch_item` names the item the check's request writes, \
           deleted after the check: `{ table = \"…\", key = { attribute = \"value\" } }`"],
    );
}
