//! Many clients at once: 50 SDK clients, each on its own connection pool, make 200 calls apiece
//! across the services the labs use (reads and writes), all at the same time, through the gate
//! every request passes. Not one may fail.

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use common::{sdk_config, start};
use std::sync::Arc;

const CLIENTS: usize = 50;
const CALLS: usize = 200;
const REGION: &str = "ap-northeast-2";

struct Services {
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    sns: aws_sdk_sns::Client,
    lambda: aws_sdk_lambda::Client,
    apigateway: aws_sdk_apigateway::Client,
    ec2: aws_sdk_ec2::Client,
}

impl Services {
    async fn new(emulator: &awslab_emulator::Emulator) -> Self {
        let config = sdk_config(emulator, REGION).await;
        Self {
            sts: aws_sdk_sts::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            dynamodb: aws_sdk_dynamodb::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            apigateway: aws_sdk_apigateway::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
        }
    }

    /// Call number `n` of client `client`: one of twelve kinds, reads and writes mixed.
    async fn call(&self, client: usize, n: usize) -> Result<(), String> {
        let id = format!("c{client}-{n}");
        let fail = |operation: &str| {
            let operation = operation.to_string();
            move |error: &dyn std::fmt::Debug| format!("{operation}: {error:?}")
        };
        match n % 12 {
            0 => self
                .sts
                .get_caller_identity()
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("GetCallerIdentity")(&e)),
            1 => self
                .iam
                .get_role()
                .role_name("shared")
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("GetRole")(&e)),
            2 => self
                .dynamodb
                .put_item()
                .table_name("customers")
                .item("customer_id", AttributeValue::S(id))
                .item("client", AttributeValue::N(client.to_string()))
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("PutItem")(&e)),
            3 => self
                .dynamodb
                .get_item()
                .table_name("customers")
                .key("customer_id", AttributeValue::S(format!("c{client}-{}", n - 1)))
                .send()
                .await
                .map_err(|e| fail("GetItem")(&e))
                .and_then(|item| {
                    item.item()
                        .map(drop)
                        .ok_or(format!("GetItem c{client}-{}: the item put is missing", n - 1))
                }),
            4 => self
                .logs
                .put_log_events()
                .log_group_name("/load/test")
                .log_stream_name(format!("client-{client}"))
                .log_events(
                    aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                        .timestamp(time_ms())
                        .message(id)
                        .build()
                        .expect("an event"),
                )
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("PutLogEvents")(&e)),
            5 => self
                .logs
                .get_log_events()
                .log_group_name("/load/test")
                .log_stream_name(format!("client-{client}"))
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("GetLogEvents")(&e)),
            6 => self
                .cloudwatch
                .put_metric_data()
                .namespace("Load/Test")
                .metric_data(
                    aws_sdk_cloudwatch::types::MetricDatum::builder()
                        .metric_name("Calls")
                        .value(1.0)
                        .build(),
                )
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("PutMetricData")(&e)),
            7 => self
                .cloudwatch
                .describe_alarms()
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("DescribeAlarms")(&e)),
            8 => self.sns.list_topics().send().await.map(drop).map_err(|e| fail("ListTopics")(&e)),
            9 => self
                .lambda
                .list_functions()
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("ListFunctions")(&e)),
            10 => self
                .apigateway
                .get_rest_apis()
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("GetRestApis")(&e)),
            _ => self
                .ec2
                .describe_instances()
                .send()
                .await
                .map(drop)
                .map_err(|e| fail("DescribeInstances")(&e)),
        }
    }
}

fn time_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_clients_making_two_hundred_mixed_calls_each_all_succeed() {
    let emulator = start().await;
    let setup = Services::new(&emulator).await;
    setup
        .iam
        .create_role()
        .role_name("shared")
        .assume_role_policy_document(common::iam::LAMBDA_TRUST)
        .send()
        .await
        .expect("CreateRole");
    common::create_table(&setup.dynamodb, "customers", "customer_id")
        .send()
        .await
        .expect("CreateTable");
    setup
        .logs
        .create_log_group()
        .log_group_name("/load/test")
        .send()
        .await
        .expect("CreateLogGroup");
    for client in 0..CLIENTS {
        let stream = format!("client-{client}");
        let created =
            setup.logs.create_log_stream().log_group_name("/load/test").log_stream_name(stream);
        created.send().await.expect("CreateLogStream");
    }

    let emulator = Arc::new(emulator);
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        let emulator = Arc::clone(&emulator);
        tasks.spawn(async move {
            // A client of its own: its own connections, as separate programs would have.
            let services = Services::new(&emulator).await;
            let mut errors = Vec::new();
            for n in 0..CALLS {
                if let Err(error) = services.call(client, n).await {
                    errors.push(error);
                }
            }
            errors
        });
    }
    let mut errors = Vec::new();
    while let Some(finished) = tasks.join_next().await {
        errors.extend(finished.expect("a client task"));
    }
    assert!(
        errors.is_empty(),
        "{} of {} calls failed; the first: {:#?}",
        errors.len(),
        CLIENTS * CALLS,
        &errors[..errors.len().min(5)]
    );
    let count = setup
        .dynamodb
        .scan()
        .table_name("customers")
        .select(aws_sdk_dynamodb::types::Select::Count)
        .send();
    let count = count.await.expect("Scan");
    let puts = (0..CALLS).filter(|n| n % 12 == 2).count();
    assert_eq!(count.count() as usize, CLIENTS * puts, "every item put is there");
}
