//! The kinds of check a step can have ([`CheckKind`]), each with the `resource` selector it
//! needs and the properties its `expect` may name, as `labs/README.md` documents them.
//!
//! Which kinds grade only offline is said here too ([`CheckKind::offline_only`]), and which
//! only read the target and which probe it ([`CheckKind::access`]).
//!
//! Not here: looking resources up (`awslab-cloud`'s `checks`), matching `expect`
//! (`crate::expect`).

use crate::model::TargetKind;

/// What a kind of check looks up and which properties it can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckKindSpec {
    /// Keys of the check's `resource` table that must be given.
    pub selector: &'static [&'static str],
    /// Keys of the `resource` table that may be given.
    pub optional_selector: &'static [&'static str],
    /// Top-level properties `expect` may name; empty means any (an item's attributes).
    pub properties: &'static [&'static str],
}

impl CheckKindSpec {
    const fn new(
        selector: &'static [&'static str],
        optional_selector: &'static [&'static str],
        properties: &'static [&'static str],
    ) -> Self {
        CheckKindSpec { selector, optional_selector, properties }
    }
}

vocabulary! {
    /// A kind of check, named in `lab.toml` as `kind = "…"`: what it looks up on the target
    /// (or, for `quiz.answer`, in the form).
    pub enum CheckKind: CheckKindSpec {
        IamPolicy = "iam.policy" => CheckKindSpec::new(
            &["name"],
            &[],
            &["PolicyName", "Arn", "Description", "AttachmentCount", "Document", "Tags"],
        ),
        IamRole = "iam.role" => CheckKindSpec::new(
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
        DynamodbTable = "dynamodb.table" => CheckKindSpec::new(
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
        DynamodbItem = "dynamodb.item" => CheckKindSpec::new(&["table", "key"], &[], &[]),
        LambdaFunction = "lambda.function" => CheckKindSpec::new(
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
        LambdaVersion = "lambda.version" => CheckKindSpec::new(
            &["function", "version"],
            &[],
            &["Version", "Description", "CodeSha256", "FunctionArn"],
        ),
        LambdaAlias = "lambda.alias" => CheckKindSpec::new(
            &["function", "name"],
            &[],
            &["Name", "FunctionVersion", "RoutingConfig", "Description", "AliasArn"],
        ),
        LambdaPermission = "lambda.permission" => CheckKindSpec::new(
            &["function"],
            &["qualifier"],
            &["Statement"],
        ),
        LambdaInvocation = "lambda.invocation" => CheckKindSpec::new(
            &["function"],
            &["qualifier", "payload", "scratch_item"],
            &["StatusCode", "Payload", "FunctionError", "ExecutedVersion"],
        ),
        LogsEvents = "logs.events" => CheckKindSpec::new(
            &["log_group"],
            &["filter_pattern"],
            &["Count", "Messages"],
        ),
        ApigatewayRestApi = "apigateway.rest_api" => CheckKindSpec::new(
            &["name"],
            &[],
            &["id", "name", "description", "endpointConfiguration", "apiKeySource", "tags"],
        ),
        ApigatewayResource = "apigateway.resource" => CheckKindSpec::new(
            &["api", "path"],
            &[],
            &["id", "path", "pathPart", "resourceMethods"],
        ),
        ApigatewayMethod = "apigateway.method" => CheckKindSpec::new(
            &["api", "path", "method"],
            &[],
            &["httpMethod", "authorizationType", "apiKeyRequired", "methodResponses"],
        ),
        ApigatewayIntegration = "apigateway.integration" => CheckKindSpec::new(
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
        ApigatewayStage = "apigateway.stage" => CheckKindSpec::new(
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
        ApigatewayTestInvoke = "apigateway.test_invoke" => CheckKindSpec::new(
            &["api", "path", "method"],
            &["body", "stage_variables", "scratch_item"],
            &["status", "body", "headers", "log"],
        ),
        ApigatewayApiKey = "apigateway.api_key" => CheckKindSpec::new(
            &["name"],
            &[],
            &["id", "name", "description", "enabled", "stageKeys", "tags"],
        ),
        ApigatewayUsagePlan = "apigateway.usage_plan" => CheckKindSpec::new(
            &["name"],
            &[],
            &["id", "name", "description", "apiStages", "throttle", "quota", "Keys"],
        ),
        ApigatewayAuthorizer = "apigateway.authorizer" => CheckKindSpec::new(
            &["api", "name"],
            &[],
            &[
                "id",
                "name",
                "type",
                "authorizerUri",
                "identitySource",
                "identityValidationExpression",
                "authorizerResultTtlInSeconds",
            ],
        ),
        HttpResponse = "http.response" => CheckKindSpec::new(
            &["api", "stage", "path", "method"],
            &["body", "headers", "scratch_item"],
            &["status", "body", "headers"],
        ),
        HttpBurst = "http.burst" => CheckKindSpec::new(
            &["api", "stage", "path", "method"],
            &["headers", "requests"],
            &["Requests", "Statuses"],
        ),
        HttpTrafficSplit = "http.traffic_split" => CheckKindSpec::new(
            &["api", "stage", "path", "method"],
            &["requests"],
            &["Shares"],
        ),
        SnsTopic = "sns.topic" => CheckKindSpec::new(
            &["name"],
            &[],
            &["TopicArn", "Attributes", "Tags"],
        ),
        SnsSubscription = "sns.subscription" => CheckKindSpec::new(
            &["topic", "protocol", "endpoint"],
            &[],
            &["SubscriptionArn", "Protocol", "Endpoint", "PendingConfirmation"],
        ),
        Ec2Instance = "ec2.instance" => CheckKindSpec::new(
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
        Ec2Volume = "ec2.volume" => CheckKindSpec::new(
            &["instance"],
            &[],
            &["VolumeId", "Size", "VolumeType", "State"],
        ),
        CloudwatchAlarm = "cloudwatch.alarm" => CheckKindSpec::new(
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
        CloudwatchAlarmHistory = "cloudwatch.alarm_history" => CheckKindSpec::new(
            &["name"],
            &[],
            &["StateTransitions", "Actions"],
        ),
        CloudwatchMetric = "cloudwatch.metric" => CheckKindSpec::new(
            &["namespace", "metric", "dimension_name", "dimension_value"],
            &["statistic", "period", "hours"],
            &["Datapoints", "Maximum", "Minimum", "Values"],
        ),
        EmulatorMail = "emulator.mail" => CheckKindSpec::new(
            &["to"],
            &["kind", "topic"],
            &["Count", "Subjects", "Messages"],
        ),
        QuizAnswer = "quiz.answer" => CheckKindSpec::new(&["field"], &[], &["Answer"]),
    }
}

impl CheckKind {
    /// Whether this kind of check reads only the offline emulator: its kind is named
    /// `emulator.…` (the mailbox, today). Such a check cannot see anything on AWS (a learner's
    /// real inbox is out of reach), so on AWS it is shown as offline-only and leaves the AWS
    /// total: the lab's pass mark is taken of the points that can be earned there.
    ///
    /// This is the one place the rule is written; everything that grades asks
    /// [`CheckKind::graded_on`].
    pub fn offline_only(self) -> bool {
        self.name().starts_with("emulator.")
    }

    /// Whether a check of this kind can be graded on `target`.
    pub fn graded_on(self, target: TargetKind) -> bool {
        target == TargetKind::Emulator || !self.offline_only()
    }

    /// Whether this kind only reads the target, or probes it: invokes a function, sends
    /// requests to an API, writes a test item. `awslab check --read-only` (an instructor
    /// grading a learner's account) runs only the reading kinds.
    ///
    /// This is the one place the rule is written.
    pub fn access(self) -> Access {
        let probes = |ko, en| Access::Probes { ko, en };
        match self {
            CheckKind::LambdaInvocation => probes("함수를 호출합니다", "invokes the function"),
            CheckKind::ApigatewayTestInvoke => probes(
                "TestInvokeMethod로 메서드와 그 백엔드를 부릅니다",
                "calls the method, and so its backend, through TestInvokeMethod",
            ),
            CheckKind::HttpResponse => {
                probes("API에 요청을 보냅니다", "sends a request to the API")
            }
            CheckKind::HttpBurst => {
                probes("API에 요청을 몰아서 보냅니다", "sends a burst of requests to the API")
            }
            CheckKind::HttpTrafficSplit => {
                probes("API에 요청을 수백 건 보냅니다", "sends hundreds of requests to the API")
            }
            _ => Access::Reads,
        }
    }
}

/// What a check does to the target it grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It only reads: describes, lists, gets.
    Reads,
    /// It drives the target to see how it answers; says how, in Korean and English.
    Probes { ko: &'static str, en: &'static str },
}

impl Access {
    pub fn probes(self) -> bool {
        matches!(self, Access::Probes { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_kinds_that_drive_the_target_probe_it() {
        let probing: Vec<&str> =
            CheckKind::ALL.iter().filter(|kind| kind.access().probes()).map(|k| k.name()).collect();
        assert_eq!(
            probing,
            [
                "lambda.invocation",
                "apigateway.test_invoke",
                "http.response",
                "http.burst",
                "http.traffic_split"
            ]
        );
        assert_eq!(
            CheckKind::LogsEvents.access(),
            Access::Reads,
            "reading a log is the alternative"
        );
    }
}
