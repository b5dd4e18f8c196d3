//! The vocabulary a lab may use: action ids, check kinds, context variables and lookups.
//!
//! `awslab labs check` refuses anything not listed here, so a typo in a lab is caught before a
//! learner meets it. `awslab-cloud` implements every entry; its tests walk these tables, so an
//! entry cannot exist without an implementation for long.
//!
//! Action parameters are the console-like inputs of the step (snake_case, documented in
//! `labs/README.md`). Check properties are the field names of the AWS API's own description of
//! the resource (`Threshold`, `KeySchema`, `endpointConfiguration`), so a diff reads like what
//! `aws … describe` prints.

/// An action a step's **Run** button can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub id: &'static str,
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// True when the action exists only on the emulator (the simulated instance's shell).
    pub emulator_only: bool,
}

const fn action_spec(
    id: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
) -> ActionSpec {
    ActionSpec { id, required, optional, emulator_only: false }
}

pub const ACTIONS: &[ActionSpec] = &[
    action_spec("iam.create_policy", &["policy_name", "policy_document"], &["description"]),
    action_spec("iam.create_role", &["role_name", "trust_policy"], &["description", "policies"]),
    action_spec("iam.attach_role_policy", &["role_name", "policy_arn"], &[]),
    action_spec(
        "dynamodb.create_table",
        &["table_name", "partition_key", "partition_key_type"],
        &["sort_key", "sort_key_type", "billing_mode"],
    ),
    action_spec("dynamodb.put_item", &["table_name", "item"], &[]),
    action_spec("dynamodb.scan", &["table_name"], &["limit"]),
    action_spec(
        "lambda.create_function",
        &["function_name", "runtime", "role", "handler", "code"],
        &["timeout", "memory_size", "environment", "description"],
    ),
    action_spec("lambda.update_function_code", &["function_name", "code"], &["publish"]),
    action_spec("lambda.publish_version", &["function_name"], &["description"]),
    action_spec(
        "lambda.create_alias",
        &["function_name", "alias_name", "function_version"],
        &["description"],
    ),
    action_spec(
        "lambda.update_alias",
        &["function_name", "alias_name"],
        &["function_version", "additional_version", "additional_weight"],
    ),
    action_spec(
        "lambda.add_permission",
        &["function_name", "statement_id", "principal"],
        &["action", "source_arn", "qualifier"],
    ),
    action_spec("lambda.invoke", &["function_name"], &["payload", "qualifier"]),
    action_spec("logs.filter_log_events", &["log_group"], &["filter_pattern"]),
    action_spec("apigateway.create_rest_api", &["name", "endpoint_type"], &["description"]),
    action_spec("apigateway.create_resource", &["rest_api_id", "parent_path", "path_part"], &[]),
    action_spec(
        "apigateway.put_method",
        &["rest_api_id", "resource_path", "http_method"],
        &["authorization_type"],
    ),
    action_spec(
        "apigateway.put_integration",
        &["rest_api_id", "resource_path", "http_method", "integration_type"],
        &["lambda_function", "uri", "timeout_ms", "create_method", "add_permission"],
    ),
    action_spec(
        "apigateway.create_deployment",
        &["rest_api_id", "stage_name"],
        &["description", "variables"],
    ),
    action_spec(
        "apigateway.create_stage",
        &["rest_api_id", "stage_name", "deployment_id"],
        &["description", "variables"],
    ),
    action_spec(
        "apigateway.update_stage_variables",
        &["rest_api_id", "stage_name", "variables"],
        &[],
    ),
    action_spec(
        "apigateway.deploy_canary",
        &["rest_api_id", "stage_name", "percent_traffic"],
        &["variable_overrides"],
    ),
    action_spec("apigateway.promote_canary", &["rest_api_id", "stage_name"], &[]),
    action_spec(
        "apigateway.test_invoke_method",
        &["rest_api_id", "resource_path", "http_method"],
        &["body", "headers", "query", "stage_variables"],
    ),
    action_spec(
        "apigateway.invoke_url",
        &["rest_api_id", "stage_name", "path", "http_method"],
        &["body", "headers", "count"],
    ),
    action_spec("sns.create_topic", &["name"], &[]),
    action_spec("sns.subscribe", &["topic_arn", "protocol", "endpoint"], &[]),
    ActionSpec {
        id: "sns.confirm_from_mailbox",
        required: &["topic_arn", "endpoint"],
        optional: &[],
        emulator_only: true,
    },
    action_spec(
        "ec2.run_instance",
        &["name", "image", "instance_type"],
        &["volume_size_gb", "volume_type", "tags"],
    ),
    ActionSpec {
        id: "ec2.shell",
        required: &["instance_id", "command"],
        optional: &["advance_minutes"],
        emulator_only: true,
    },
    ActionSpec { id: "emulator.wait", required: &["minutes"], optional: &[], emulator_only: true },
    action_spec(
        "cloudwatch.put_metric_alarm",
        &[
            "alarm_name",
            "namespace",
            "metric_name",
            "dimensions",
            "statistic",
            "period",
            "evaluation_periods",
            "comparison_operator",
            "threshold",
        ],
        &["description", "datapoints_to_alarm", "treat_missing_data", "alarm_actions"],
    ),
];

/// A kind of check: what it looks up and which properties it can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckKindSpec {
    pub id: &'static str,
    /// Keys of the check's `resource` table that must be given.
    pub selector: &'static [&'static str],
    /// Keys of the `resource` table that may be given.
    pub optional_selector: &'static [&'static str],
    /// Top-level properties `expect` may name; empty means any (an item's attributes).
    pub properties: &'static [&'static str],
}

const fn check_spec(
    id: &'static str,
    selector: &'static [&'static str],
    optional_selector: &'static [&'static str],
    properties: &'static [&'static str],
) -> CheckKindSpec {
    CheckKindSpec { id, selector, optional_selector, properties }
}

pub const CHECK_KINDS: &[CheckKindSpec] = &[
    check_spec(
        "iam.policy",
        &["name"],
        &[],
        &["PolicyName", "Arn", "Description", "AttachmentCount", "Document", "Tags"],
    ),
    check_spec(
        "iam.role",
        &["name"],
        &[],
        &[
            "RoleName",
            "Arn",
            "Description",
            "AssumeRolePolicyDocument",
            "AttachedPolicies",
            "InlinePolicies",
            "Tags",
        ],
    ),
    check_spec(
        "dynamodb.table",
        &["name"],
        &[],
        &[
            "TableName",
            "TableStatus",
            "KeySchema",
            "AttributeDefinitions",
            "BillingModeSummary",
            "ProvisionedThroughput",
            "ItemCount",
        ],
    ),
    check_spec("dynamodb.item", &["table", "key"], &[], &[]),
    check_spec(
        "lambda.function",
        &["name"],
        &["qualifier"],
        &[
            "FunctionName",
            "FunctionArn",
            "Runtime",
            "Role",
            "Handler",
            "Timeout",
            "MemorySize",
            "Environment",
            "Description",
            "State",
            "Version",
            "PackageType",
        ],
    ),
    check_spec(
        "lambda.version",
        &["function", "version"],
        &[],
        &["Version", "Description", "CodeSha256", "FunctionArn"],
    ),
    check_spec(
        "lambda.alias",
        &["function", "name"],
        &[],
        &["Name", "FunctionVersion", "RoutingConfig", "Description", "AliasArn"],
    ),
    check_spec("lambda.permission", &["function"], &["qualifier"], &["Statement"]),
    check_spec(
        "lambda.invocation",
        &["function"],
        &["qualifier", "payload", "scratch_item"],
        &["StatusCode", "Payload", "FunctionError", "ExecutedVersion"],
    ),
    check_spec("logs.events", &["log_group"], &["filter_pattern"], &["Count", "Messages"]),
    check_spec(
        "apigateway.rest_api",
        &["name"],
        &[],
        &["id", "name", "description", "endpointConfiguration", "apiKeySource", "tags"],
    ),
    check_spec(
        "apigateway.resource",
        &["api", "path"],
        &[],
        &["id", "path", "pathPart", "resourceMethods"],
    ),
    check_spec(
        "apigateway.method",
        &["api", "path", "method"],
        &[],
        &["httpMethod", "authorizationType", "apiKeyRequired", "methodResponses"],
    ),
    check_spec(
        "apigateway.integration",
        &["api", "path", "method"],
        &[],
        &[
            "type",
            "httpMethod",
            "uri",
            "timeoutInMillis",
            "passthroughBehavior",
            "integrationResponses",
        ],
    ),
    check_spec(
        "apigateway.stage",
        &["api", "stage"],
        &[],
        &[
            "stageName",
            "deploymentId",
            "description",
            "variables",
            "canarySettings",
            "methodSettings",
            "tracingEnabled",
            "cacheClusterEnabled",
        ],
    ),
    check_spec(
        "apigateway.test_invoke",
        &["api", "path", "method"],
        &["body", "stage_variables", "scratch_item"],
        &["status", "body", "headers", "log"],
    ),
    check_spec(
        "http.response",
        &["api", "stage", "path", "method"],
        &["body", "scratch_item"],
        &["status", "body", "headers"],
    ),
    check_spec(
        "http.traffic_split",
        &["api", "stage", "path", "method"],
        &["requests"],
        &["Shares"],
    ),
    check_spec("sns.topic", &["name"], &[], &["TopicArn", "Attributes", "Tags"]),
    check_spec(
        "sns.subscription",
        &["topic", "protocol", "endpoint"],
        &[],
        &["SubscriptionArn", "Protocol", "Endpoint", "PendingConfirmation"],
    ),
    check_spec(
        "ec2.instance",
        &["name"],
        &[],
        &[
            "InstanceId",
            "InstanceType",
            "ImageId",
            "ImageName",
            "State",
            "Tags",
            "BlockDeviceMappings",
            "Monitoring",
        ],
    ),
    check_spec("ec2.volume", &["instance"], &[], &["VolumeId", "Size", "VolumeType", "State"]),
    check_spec(
        "cloudwatch.alarm",
        &["name"],
        &[],
        &[
            "AlarmName",
            "AlarmDescription",
            "Namespace",
            "MetricName",
            "Dimensions",
            "Statistic",
            "Period",
            "EvaluationPeriods",
            "DatapointsToAlarm",
            "ComparisonOperator",
            "Threshold",
            "TreatMissingData",
            "ActionsEnabled",
            "AlarmActions",
            "OKActions",
            "InsufficientDataActions",
            "StateValue",
        ],
    ),
    check_spec("cloudwatch.alarm_history", &["name"], &[], &["StateTransitions", "Actions"]),
    check_spec(
        "cloudwatch.metric",
        &["namespace", "metric", "dimension_name", "dimension_value"],
        &["statistic", "period", "hours"],
        &["Datapoints", "Maximum", "Minimum", "Values"],
    ),
    check_spec("emulator.mail", &["to"], &["kind", "topic"], &["Count", "Subjects", "Messages"]),
    check_spec("quiz.answer", &["field"], &[], &["Answer"]),
];

/// Values every step can use as `{{name}}`.
pub const CONTEXT_VARIABLES: &[&str] = &["account_id", "region", "lab_id"];

/// Lookups on the target usable as `{{function:argument}}`, each resolving a name to an id or
/// address at run time.
pub const LOOKUPS: &[&str] = &[
    "policy_arn",
    "role_arn",
    "function_arn",
    "rest_api_id",
    "invoke_url",
    "topic_arn",
    "instance_id",
    "volume_id",
];

pub fn action(id: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|spec| spec.id == id)
}

pub fn check_kind(id: &str) -> Option<&'static CheckKindSpec> {
    CHECK_KINDS.iter().find(|spec| spec.id == id)
}

/// The closest known name to a misspelt one, for "did you mean" hints.
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|name| (edit_distance(wrong, name), name))
        .filter(|(distance, name)| *distance <= (name.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_parameters_disjoint() {
        let actions: HashSet<_> = ACTIONS.iter().map(|a| a.id).collect();
        assert_eq!(actions.len(), ACTIONS.len());
        let kinds: HashSet<_> = CHECK_KINDS.iter().map(|k| k.id).collect();
        assert_eq!(kinds.len(), CHECK_KINDS.len());
        for spec in ACTIONS {
            assert!(spec.required.iter().all(|p| !spec.optional.contains(p)), "{}", spec.id);
        }
    }

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(
            closest("iam.create_rol", ACTIONS.iter().map(|a| a.id)),
            Some("iam.create_role")
        );
        assert_eq!(closest("Treshold", ["Threshold", "Period"]), Some("Threshold"));
        assert_eq!(closest("banana", ["Threshold", "Period"]), None);
    }
}
