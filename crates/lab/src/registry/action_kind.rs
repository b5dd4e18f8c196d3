//! The actions a step's **Run** button can perform ([`ActionKind`]), each with the parameters
//! it requires and allows, as `labs/README.md` documents them.
//!
//! Not here: performing them (`awslab-cloud`'s `actions`).

/// What an action takes: its `[steps.params]`, and where it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// True when the action exists only on the emulator (the simulated instance's shell).
    pub emulator_only: bool,
}

impl ActionSpec {
    const fn new(required: &'static [&'static str], optional: &'static [&'static str]) -> Self {
        ActionSpec { required, optional, emulator_only: false }
    }

    const fn emulator_only(
        required: &'static [&'static str],
        optional: &'static [&'static str],
    ) -> Self {
        ActionSpec { required, optional, emulator_only: true }
    }
}

vocabulary! {
    /// An action a step's **Run** button can perform, named in `lab.toml` as `action = "…"`.
    pub enum ActionKind: ActionSpec {
        IamCreatePolicy = "iam.create_policy" => ActionSpec::new(
            &["policy_name", "policy_document"],
            &["description"],
        ),
        IamCreateRole = "iam.create_role" => ActionSpec::new(
            &["role_name", "trust_policy"],
            &["description", "policies"],
        ),
        IamAttachRolePolicy = "iam.attach_role_policy" => ActionSpec::new(
            &["role_name", "policy_arn"],
            &[],
        ),
        DynamodbCreateTable = "dynamodb.create_table" => ActionSpec::new(
            &["table_name", "partition_key", "partition_key_type"],
            &["sort_key", "sort_key_type", "billing_mode"],
        ),
        DynamodbPutItem = "dynamodb.put_item" => ActionSpec::new(&["table_name", "item"], &[]),
        DynamodbScan = "dynamodb.scan" => ActionSpec::new(&["table_name"], &["limit"]),
        LambdaCreateFunction = "lambda.create_function" => ActionSpec::new(
            &["function_name", "runtime", "role", "handler", "code"],
            &["timeout", "memory_size", "environment", "description"],
        ),
        LambdaUpdateFunctionCode = "lambda.update_function_code" => ActionSpec::new(
            &["function_name", "code"],
            &["publish"],
        ),
        LambdaPublishVersion = "lambda.publish_version" => ActionSpec::new(
            &["function_name"],
            &["description"],
        ),
        LambdaCreateAlias = "lambda.create_alias" => ActionSpec::new(
            &["function_name", "alias_name", "function_version"],
            &["description"],
        ),
        LambdaUpdateAlias = "lambda.update_alias" => ActionSpec::new(
            &["function_name", "alias_name"],
            &["function_version", "additional_version", "additional_weight"],
        ),
        LambdaAddPermission = "lambda.add_permission" => ActionSpec::new(
            &["function_name", "statement_id", "principal"],
            &["action", "source_arn", "qualifier"],
        ),
        LambdaInvoke = "lambda.invoke" => ActionSpec::new(
            &["function_name"],
            &["payload", "qualifier"],
        ),
        LogsFilterLogEvents = "logs.filter_log_events" => ActionSpec::new(
            &["log_group"],
            &["filter_pattern"],
        ),
        ApigatewayCreateRestApi = "apigateway.create_rest_api" => ActionSpec::new(
            &["name", "endpoint_type"],
            &["description"],
        ),
        ApigatewayCreateResource = "apigateway.create_resource" => ActionSpec::new(
            &["rest_api_id", "parent_path", "path_part"],
            &[],
        ),
        ApigatewayPutMethod = "apigateway.put_method" => ActionSpec::new(
            &["rest_api_id", "resource_path", "http_method"],
            &["authorization_type"],
        ),
        ApigatewayUpdateMethod = "apigateway.update_method" => ActionSpec::new(
            &["rest_api_id", "resource_path", "http_method"],
            &["api_key_required", "authorization_type", "authorizer"],
        ),
        ApigatewayCreateApiKey = "apigateway.create_api_key" => ActionSpec::new(
            &["name"],
            &["value", "description"],
        ),
        ApigatewayCreateUsagePlan = "apigateway.create_usage_plan" => ActionSpec::new(
            &["name", "rest_api_id", "stage_name"],
            &["rate_limit", "burst_limit", "quota_limit", "quota_period", "api_key", "description"],
        ),
        ApigatewayCreateAuthorizer = "apigateway.create_authorizer" => ActionSpec::new(
            &["rest_api_id", "name", "lambda_function"],
            &[
                "type",
                "identity_source",
                "validation_expression",
                "ttl_seconds",
                "add_permission",
            ],
        ),
        ApigatewayPutIntegration = "apigateway.put_integration" => ActionSpec::new(
            &["rest_api_id", "resource_path", "http_method", "integration_type"],
            &["lambda_function", "uri", "timeout_ms", "create_method", "add_permission"],
        ),
        ApigatewayCreateDeployment = "apigateway.create_deployment" => ActionSpec::new(
            &["rest_api_id", "stage_name"],
            &["description", "variables"],
        ),
        ApigatewayCreateStage = "apigateway.create_stage" => ActionSpec::new(
            &["rest_api_id", "stage_name", "deployment_id"],
            &["description", "variables"],
        ),
        ApigatewayUpdateStageVariables = "apigateway.update_stage_variables" => ActionSpec::new(
            &["rest_api_id", "stage_name", "variables"],
            &[],
        ),
        ApigatewayDeployCanary = "apigateway.deploy_canary" => ActionSpec::new(
            &["rest_api_id", "stage_name", "percent_traffic"],
            &["variable_overrides"],
        ),
        ApigatewayPromoteCanary = "apigateway.promote_canary" => ActionSpec::new(
            &["rest_api_id", "stage_name"],
            &[],
        ),
        ApigatewayTestInvokeMethod = "apigateway.test_invoke_method" => ActionSpec::new(
            &["rest_api_id", "resource_path", "http_method"],
            &["body", "headers", "query", "stage_variables"],
        ),
        ApigatewayInvokeUrl = "apigateway.invoke_url" => ActionSpec::new(
            &["rest_api_id", "stage_name", "path", "http_method"],
            &["body", "headers", "count"],
        ),
        SnsCreateTopic = "sns.create_topic" => ActionSpec::new(&["name"], &[]),
        SnsSubscribe = "sns.subscribe" => ActionSpec::new(
            &["topic_arn", "protocol", "endpoint"],
            &[],
        ),
        SnsConfirmFromMailbox = "sns.confirm_from_mailbox" => ActionSpec::emulator_only(
            &["topic_arn", "endpoint"],
            &[],
        ),
        Ec2RunInstance = "ec2.run_instance" => ActionSpec::new(
            &["name", "image", "instance_type"],
            &["volume_size_gb", "volume_type", "tags"],
        ),
        Ec2Shell = "ec2.shell" => ActionSpec::emulator_only(
            &["instance_id", "command"],
            &["advance_minutes"],
        ),
        EmulatorWait = "emulator.wait" => ActionSpec::emulator_only(&["minutes"], &[]),
        CloudwatchPutMetricAlarm = "cloudwatch.put_metric_alarm" => ActionSpec::new(
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
    }
}
