//! The module through its public functions: the lab's cases, precedence, the `Not` forms,
//! wildcards and case rules, resource policies, and documents that must not panic it.

use super::*;
use proptest::prelude::*;
use serde_json::json;

const TABLE: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/customers";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:000000000000:function:stagevariables";
const SESSION: &str = "arn:aws:sts::000000000000:assumed-role/aws-lab-dynamodb-role/addCustomer";

fn decide(policies: &[Value], action: &str, resource: &str) -> Decision {
    decide_in(policies, action, resource, &Context::new())
}

fn decide_in(policies: &[Value], action: &str, resource: &str, context: &Context) -> Decision {
    let policies: Vec<&Value> = policies.iter().collect();
    evaluate(&policies, &Request { action, resource, context }).decision
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

// --- The lab's cases ---

#[test]
fn lab_put_item_policy_allows_put_item_and_implicitly_denies_get_item() {
    let policy = allow(json!("dynamodb:PutItem"), json!("*"));
    let policies = [policy];
    assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Decision::Allow);
    assert_eq!(decide(&policies, "dynamodb:GetItem", TABLE), Decision::ImplicitDeny);
}

#[test]
fn lab_explicit_deny_wins_over_allow_in_another_policy() {
    let policies = [
        allow(json!("dynamodb:*"), json!("*")),
        json!({"Version": "2012-10-17", "Statement": {
            "Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": TABLE}}),
    ];
    let policy_refs: Vec<&Value> = policies.iter().collect();
    let context = Context::new();
    let evaluation = evaluate(
        &policy_refs,
        &Request { action: "dynamodb:PutItem", resource: TABLE, context: &context },
    );
    assert_eq!(evaluation.decision, Decision::ExplicitDeny);
    assert_eq!(evaluation.denying_policy, Some(1));
    assert_eq!(decide(&policies, "dynamodb:GetItem", TABLE), Decision::Allow);
}

#[test]
fn lab_aws_lambda_basic_execution_role_allows_put_log_events() {
    // The managed policy's document, as AWS publishes it.
    let basic_execution_role = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*"
        }]
    });
    let stream = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/addCustomer:\
                  log-stream:2024/05/01/[$LATEST]abc";
    let policies = [basic_execution_role];
    assert_eq!(decide(&policies, "logs:PutLogEvents", stream), Decision::Allow);
    assert_eq!(decide(&policies, "logs:DeleteLogGroup", stream), Decision::ImplicitDeny);
}

#[test]
fn lab_api_gateway_source_arn_condition_matches_the_method_it_names() {
    let permission = json!({
        "Version": "2012-10-17",
        "Id": "default",
        "Statement": [{
            "Sid": "apigateway-invoke",
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": FUNCTION,
            "Condition": {"ArnLike": {
                "AWS:SourceArn":
                    "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/stagevariables"
            }}
        }]
    });
    let invoke = |source_arn: &str| {
        let context = Context::from([("aws:SourceArn".to_string(), vec![source_arn.to_string()])]);
        let request =
            Request { action: "lambda:InvokeFunction", resource: FUNCTION, context: &context };
        evaluate_resource_policy(
            &permission,
            Principal::Service("apigateway.amazonaws.com"),
            &request,
        )
        .decision
    };
    let api = "arn:aws:execute-api:us-east-1:000000000000:abc123";
    assert_eq!(invoke(&format!("{api}/prod/GET/stagevariables")), Decision::Allow);
    assert_eq!(invoke(&format!("{api}/prod/POST/stagevariables")), Decision::ImplicitDeny);
    assert_eq!(invoke(&format!("{api}/prod/GET/other")), Decision::ImplicitDeny);
    let context = Context::new();
    let no_source =
        Request { action: "lambda:InvokeFunction", resource: FUNCTION, context: &context };
    let evaluation = evaluate_resource_policy(
        &permission,
        Principal::Service("apigateway.amazonaws.com"),
        &no_source,
    );
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
}

// --- Precedence and the Not forms ---

#[test]
fn no_policies_or_no_applicable_statement_is_an_implicit_deny() {
    assert_eq!(decide(&[], "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
    let other = allow(json!("s3:GetObject"), json!("*"));
    assert_eq!(decide(&[other], "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
}

#[test]
fn deny_in_the_same_policy_wins_whatever_the_statement_order() {
    let deny_first = json!({"Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": TABLE},
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]});
    let deny_last = json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": TABLE}
    ]});
    assert_eq!(decide(&[deny_first], "dynamodb:PutItem", TABLE), Decision::ExplicitDeny);
    assert_eq!(decide(&[deny_last], "dynamodb:PutItem", TABLE), Decision::ExplicitDeny);
}

#[test]
fn not_action_applies_to_every_other_action() {
    let policy = json!({"Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "dynamodb:DeleteTable"], "Resource": "*"}
    ]});
    let policies = [policy];
    assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Decision::Allow);
    assert_eq!(decide(&policies, "dynamodb:DeleteTable", TABLE), Decision::ImplicitDeny);
    assert_eq!(decide(&policies, "iam:CreateRole", "*"), Decision::ImplicitDeny);
}

#[test]
fn not_resource_applies_to_every_other_resource() {
    let policies = [
        allow(json!("dynamodb:*"), json!("*")),
        json!({"Statement": {"Effect": "Deny", "Action": "dynamodb:*",
                             "NotResource": "arn:aws:dynamodb:*:*:table/customers"}}),
    ];
    assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Decision::Allow);
    let orders = "arn:aws:dynamodb:us-east-1:000000000000:table/orders";
    assert_eq!(decide(&policies, "dynamodb:PutItem", orders), Decision::ExplicitDeny);
}

// --- Wildcards and case rules ---

#[test]
fn actions_match_without_regard_to_case_and_with_wildcards() {
    let policies =
        [allow(json!(["DynamoDB:putitem", "dynamodb:Get*", "dynamodb:?can"]), json!("*"))];
    assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Decision::Allow);
    assert_eq!(decide(&policies, "dynamodb:GetItem", TABLE), Decision::Allow);
    assert_eq!(decide(&policies, "dynamodb:Scan", TABLE), Decision::Allow);
    assert_eq!(decide(&policies, "dynamodb:Query", TABLE), Decision::ImplicitDeny);
    assert_eq!(decide(&policies, "dynamodb:BatchGetItem", TABLE), Decision::ImplicitDeny);
}

#[test]
fn resources_match_case_sensitively_with_wildcards() {
    let exact =
        [allow(json!("*"), json!("arn:aws:dynamodb:us-east-1:000000000000:table/Customers"))];
    assert_eq!(decide(&exact, "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
    let wild = [allow(json!("*"), json!("arn:aws:dynamodb:*:000000000000:table/cust?mers"))];
    assert_eq!(decide(&wild, "dynamodb:PutItem", TABLE), Decision::Allow);
    let prefix = [allow(json!("*"), json!("arn:aws:dynamodb:us-east-1:000000000000:table/cust*"))];
    assert_eq!(decide(&prefix, "dynamodb:PutItem", TABLE), Decision::Allow);
    let other_region = [allow(json!("*"), json!("arn:aws:dynamodb:eu-west-1:*:table/*"))];
    assert_eq!(decide(&other_region, "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
}

#[test]
fn policy_variables_in_resources_need_version_2012_10_17() {
    let context = Context::from([("aws:username".to_string(), vec!["customers".to_string()])]);
    let resource = "arn:aws:dynamodb:*:*:table/${aws:username}";
    let versioned = [allow(json!("*"), json!(resource))];
    assert_eq!(decide_in(&versioned, "dynamodb:PutItem", TABLE, &context), Decision::Allow);
    let unversioned =
        [json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": resource}})];
    assert_eq!(
        decide_in(&unversioned, "dynamodb:PutItem", TABLE, &context),
        Decision::ImplicitDeny
    );
    assert_eq!(decide(&versioned, "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
}

#[test]
fn conditions_gate_the_statement() {
    let policy = json!({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
        "Condition": {
            "Bool": {"aws:SecureTransport": "true"},
            "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}
        }
    }});
    let policies = [policy];
    let context = |secure: &str| {
        Context::from([
            ("aws:SecureTransport".to_string(), vec![secure.to_string()]),
            ("aws:CurrentTime".to_string(), vec!["2024-05-01T12:00:00Z".to_string()]),
        ])
    };
    assert_eq!(decide_in(&policies, "dynamodb:PutItem", TABLE, &context("true")), Decision::Allow);
    assert_eq!(
        decide_in(&policies, "dynamodb:PutItem", TABLE, &context("false")),
        Decision::ImplicitDeny
    );
    assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Decision::ImplicitDeny);
}

// --- Unsupported operators ---

#[test]
fn an_unsupported_operator_makes_only_its_statement_not_apply_and_is_reported() {
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": "*",
         "Condition": {"StringFancy": {"aws:username": "x", "aws:userid": "y"},
                       "StringEquals": {"k": "v"}}},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"AlsoUnknown": {"k": "v"}}}
    ]});
    let context = Context::new();
    let evaluation = evaluate(
        &[&policy],
        &Request { action: "dynamodb:PutItem", resource: TABLE, context: &context },
    );
    assert_eq!(evaluation.decision, Decision::Allow);
    assert_eq!(
        evaluation.unsupported_conditions,
        [Unsupported { policy: 0, statement: 1, operator: "StringFancy".into() }],
        "reported once, and only for the statement whose action and resource fit"
    );
    assert_eq!(
        evaluation.unsupported_conditions[0].to_string(),
        "condition operator \"StringFancy\" (statement 1 of policy 0) is not supported by the \
         emulator; the statement was treated as not applying"
    );
}

// --- Resource policies ---

#[test]
fn resource_policy_statements_must_name_the_principal() {
    let policy = |principal: Value| {
        json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": principal,
            "Action": "lambda:InvokeFunction", "Resource": FUNCTION
        }]})
    };
    let context = Context::new();
    let request =
        Request { action: "lambda:InvokeFunction", resource: FUNCTION, context: &context };
    let decide_for = |document: &Value, principal: Principal<'_>| {
        evaluate_resource_policy(document, principal, &request).decision
    };
    let apigateway = Principal::Service("apigateway.amazonaws.com");
    let session = Principal::Aws(SESSION);
    let by_service = policy(json!({"Service": "apigateway.amazonaws.com"}));
    assert_eq!(decide_for(&by_service, apigateway), Decision::Allow);
    assert_eq!(
        decide_for(&by_service, Principal::Service("s3.amazonaws.com")),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_for(&by_service, session), Decision::ImplicitDeny);
    let by_account = policy(json!({"AWS": "arn:aws:iam::000000000000:root"}));
    assert_eq!(decide_for(&by_account, session), Decision::Allow);
    assert_eq!(decide_for(&by_account, apigateway), Decision::ImplicitDeny);
    let by_account_id = policy(json!({"AWS": ["111111111111", "000000000000"]}));
    assert_eq!(decide_for(&by_account_id, session), Decision::Allow);
    let by_role = policy(json!({"AWS": "arn:aws:iam::000000000000:role/aws-lab-dynamodb-role"}));
    assert_eq!(decide_for(&by_role, session), Decision::Allow);
    assert_eq!(decide_for(&policy(json!("*")), apigateway), Decision::Allow);
    assert_eq!(decide_for(&policy(json!({"AWS": "*"})), session), Decision::Allow);
    let no_principal = allow(json!("lambda:InvokeFunction"), json!(FUNCTION));
    assert_eq!(decide_for(&no_principal, apigateway), Decision::ImplicitDeny);
}

#[test]
fn resource_policy_not_principal_and_deny_apply() {
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "*"},
        {"Effect": "Deny", "NotPrincipal": {"Service": "apigateway.amazonaws.com"},
         "Action": "lambda:InvokeFunction", "Resource": "*"}
    ]});
    let context = Context::new();
    let request =
        Request { action: "lambda:InvokeFunction", resource: FUNCTION, context: &context };
    let apigateway = Principal::Service("apigateway.amazonaws.com");
    assert_eq!(evaluate_resource_policy(&policy, apigateway, &request).decision, Decision::Allow);
    assert_eq!(
        evaluate_resource_policy(&policy, Principal::Aws(SESSION), &request).decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn identity_evaluation_ignores_principal_elements() {
    let policy = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "x"},
                                      "Action": "*", "Resource": "*"}});
    assert_eq!(decide(&[policy], "dynamodb:PutItem", TABLE), Decision::Allow);
}

// --- Documents that must not panic the evaluator ---

/// JSON built from the policy language's own words as often as from noise, so that the
/// generated documents reach deep into the evaluator rather than being dropped at the top.
fn policy_json() -> impl Strategy<Value = Value> {
    let words = prop_oneof![
        Just("Version".to_string()),
        Just("2012-10-17".to_string()),
        Just("Statement".to_string()),
        Just("Effect".to_string()),
        Just("Allow".to_string()),
        Just("Deny".to_string()),
        Just("Action".to_string()),
        Just("NotAction".to_string()),
        Just("Resource".to_string()),
        Just("NotResource".to_string()),
        Just("Principal".to_string()),
        Just("NotPrincipal".to_string()),
        Just("AWS".to_string()),
        Just("Service".to_string()),
        Just("Condition".to_string()),
        Just("*".to_string()),
        Just("ForAnyValue:StringLike".to_string()),
        Just("ForAllValues:StringNotEquals".to_string()),
        Just("NumericLessThanIfExists".to_string()),
        Just("DateGreaterThan".to_string()),
        Just("IpAddress".to_string()),
        Just("ArnLike".to_string()),
        Just("Bool".to_string()),
        Just("Null".to_string()),
        Just("aws:SourceArn".to_string()),
        Just("aws:username".to_string()),
        Just("${aws:username}".to_string()),
        Just("${aws:username, 'x'}".to_string()),
        Just("arn:aws:*:*:*:*".to_string()),
        Just("0.0.0.0/0".to_string()),
        Just("::/129".to_string()),
        Just("99999999999999999999".to_string()),
        "[a-z*?:${}/., '0-9]{0,16}",
        any::<String>(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        words.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((words.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// A statement of the right shape whose parts are drawn from the language's words, or are any
/// JSON at all.
fn statement_json() -> impl Strategy<Value = Value> {
    let names = || {
        prop_oneof![
            4 => prop::collection::vec(
                prop_oneof![
                    Just("*".to_string()),
                    Just("dynamodb:*".to_string()),
                    Just("DynamoDB:Put?tem".to_string()),
                    Just(TABLE.to_string()),
                    Just("arn:aws:dynamodb:*:*:table/${aws:username}".to_string()),
                    Just("arn:aws:*:*:*:*".to_string()),
                    "[a-z*?:${}/]{0,12}",
                ],
                0..3,
            )
            .prop_map(|names| json!(names)),
            1 => policy_json(),
        ]
    };
    let operator = prop_oneof![
        Just("StringLike".to_string()),
        Just("ForAnyValue:StringNotEquals".to_string()),
        Just("ForAllValues:ArnLike".to_string()),
        Just("NumericLessThanIfExists".to_string()),
        Just("DateGreaterThan".to_string()),
        Just("NotIpAddress".to_string()),
        Just("Bool".to_string()),
        Just("Null".to_string()),
        Just("Unknown".to_string()),
        "[A-Za-z:]{0,12}",
    ];
    let key = prop_oneof![Just("aws:SourceArn".to_string()), Just("AWS:USERNAME".to_string())];
    let value = prop_oneof![
        Just(json!("*")),
        Just(json!("true")),
        Just(json!("10.0.0.0/8")),
        Just(json!(["arn:aws:s3:::*", 3, true])),
        policy_json(),
    ];
    let condition =
        prop::collection::btree_map(operator, prop::collection::btree_map(key, value, 0..3), 0..3);
    (
        prop_oneof![Just("Allow"), Just("Deny"), Just("deny")],
        prop_oneof![Just("Action"), Just("NotAction")],
        names(),
        prop_oneof![Just("Resource"), Just("NotResource")],
        names(),
        prop::option::of(condition),
    )
        .prop_map(|(effect, action_key, actions, resource_key, resources, condition)| {
            let mut statement =
                json!({"Effect": effect, action_key: actions, resource_key: resources});
            if let Some(condition) = condition {
                statement["Condition"] = json!(condition);
            }
            statement
        })
}

fn request_context() -> impl Strategy<Value = Context> {
    prop::collection::btree_map(
        prop_oneof![
            Just("aws:SourceArn".to_string()),
            Just("aws:username".to_string()),
            "[a-z:]{1,8}"
        ],
        prop::collection::vec(
            prop_oneof![
                Just("arn:aws:s3:::b".to_string()),
                Just("10.0.0.1".to_string()),
                Just("2024-05-01T00:00:00Z".to_string()),
                Just("true".to_string()),
                any::<String>()
            ],
            0..3,
        ),
        0..4,
    )
}

proptest! {
    #[test]
    fn arbitrary_documents_never_panic_the_evaluator(
        document in policy_json(),
        statement in prop_oneof![3 => statement_json(), 1 => policy_json()],
        context in request_context(),
        action in prop_oneof![Just("dynamodb:PutItem".to_string()), any::<String>()],
        resource in prop_oneof![Just(TABLE.to_string()), any::<String>()],
    ) {
        let wrapped = json!({"Version": "2012-10-17", "Statement": [statement]});
        let request = Request { action: &action, resource: &resource, context: &context };
        let evaluation = evaluate(&[&document, &wrapped], &request);
        prop_assert_eq!(
            evaluation.denying_policy.is_some(),
            evaluation.decision == Decision::ExplicitDeny
        );
        evaluate_resource_policy(&document, Principal::Aws(SESSION), &request);
        evaluate_resource_policy(&wrapped, Principal::Service("apigateway.amazonaws.com"), &request);
    }

    #[test]
    fn a_deny_all_policy_always_wins(
        document in policy_json(),
        context in request_context(),
        action in "[a-z]{1,8}:[A-Za-z]{1,12}",
    ) {
        let deny_all = json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}});
        let request = Request { action: &action, resource: TABLE, context: &context };
        let evaluation = evaluate(&[&document, &deny_all], &request);
        prop_assert_eq!(evaluation.decision, Decision::ExplicitDeny);
    }
}
