//! The server as clients meet it: the official SDK, and raw HTTP for exact wire shapes.

mod common;

use awslab_emulator::ACCOUNT_ID;
use common::{sdk_config, signed, start};

#[tokio::test(flavor = "multi_thread")]
async fn the_sdk_learns_who_it_is() {
    let emulator = start().await;
    let sts = aws_sdk_sts::Client::new(&sdk_config(&emulator, "ap-northeast-2").await);
    let identity = sts.get_caller_identity().send().await.expect("GetCallerIdentity");
    assert_eq!(identity.account(), Some(ACCOUNT_ID));
    assert_eq!(identity.arn(), Some(format!("arn:aws:iam::{ACCOUNT_ID}:root").as_str()));
    assert_eq!(identity.user_id(), Some(ACCOUNT_ID));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn listens_on_loopback_and_answers_health() {
    let emulator = start().await;
    assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
    let port = emulator.port();
    let health = common::send(port, "GET", "/_awslab/health", &[], b"").await;
    assert_eq!(health.status, 200);
    assert!(health.body.contains("\"status\":\"ok\""), "{}", health.body);
    let unknown =
        common::send(port, "POST", "/_awslab/nope", &[common::token(&emulator)], b"").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.body,
        r#"{"code":"UnknownControlEndpoint","message":"unknown control endpoint POST /_awslab/nope"}"#
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn query_errors_have_the_aws_xml_shape() {
    let emulator = start().await;
    let port = emulator.port();
    let auth = signed("sts", "us-east-1");
    let answer = common::send(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", &auth)],
        b"Action=GetSessionTokn&Version=2011-06-15",
    )
    .await;
    assert_eq!(answer.status, 400);
    let request_id = answer.header("x-amzn-requestid").expect("a request id").to_string();
    assert_eq!(
        answer.body,
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
             <Code>InvalidAction</Code><Message>Could not find operation GetSessionTokn for version \
             2011-06-15</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn real_but_unimplemented_operations_say_so() {
    let emulator = start().await;
    let port = emulator.port();
    let auth = signed("sts", "us-east-1");
    let answer = common::send(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", &auth)],
        b"Action=GetFederationToken&Version=2011-06-15&Name=x",
    )
    .await;
    assert_eq!(answer.status, 501);
    assert!(answer.body.contains("<Code>NotImplemented</Code>"), "{}", answer.body);
    assert!(
        answer.body.contains("does not implement STS GetFederationToken yet"),
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_errors_have_type_and_message() {
    let emulator = start().await;
    let port = emulator.port();
    let auth = signed("dynamodb", "us-east-1");
    let answer = common::send(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.PutItem"),
            ("Authorization", &auth),
        ],
        b"{\"TableName\": ",
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("content-type"), Some("application/x-amz-json-1.0"));
    assert!(
        answer.body.starts_with(
            r#"{"__type":"com.amazon.coral.service#SerializationException","message":"#
        ),
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unsigned_and_unknown_requests_are_refused_in_aws_terms() {
    let emulator = start().await;
    let port = emulator.port();
    let unsigned = common::send(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"Action=GetCallerIdentity",
    )
    .await;
    assert_eq!(unsigned.status, 403);
    assert!(unsigned.body.contains("MissingAuthenticationToken"), "{}", unsigned.body);

    let unknown = common::send(port, "GET", "/favicon.ico", &[], b"").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("UnknownOperationException"), "{}", unknown.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_the_limit_is_refused_with_413() {
    let emulator = start().await;
    let port = emulator.port();
    let auth = signed("sts", "us-east-1");
    let body = vec![b'a'; awslab_emulator::BODY_LIMIT + 1];
    let answer = common::send(
        port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", &auth)],
        &body,
    )
    .await;
    assert_eq!(answer.status, 413);
    assert!(answer.body.contains("<Code>RequestEntityTooLarge</Code>"), "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn cbor_requests_are_answered_in_cbor() {
    let emulator = start().await;
    let port = emulator.port();
    let auth = signed("monitoring", "us-east-1");
    let answer = common::send(
        port,
        "POST",
        "/service/GraniteServiceVersion20100801/operation/PutDashboard",
        &[
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Authorization", &auth),
        ],
        &[0xa0], // an empty CBOR map
    )
    .await;
    // Dashboards are not served: a well-formed CBOR error, not a crash or a 404 page.
    assert_eq!(answer.status, 501);
    assert_eq!(answer.header("content-type"), Some("application/cbor"));
    assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(answer.header("x-amzn-query-error"), Some("NotImplemented;Sender"));
    assert!(
        answer.body.contains("__type") && answer.body.contains("NotImplemented"),
        "{}",
        answer.body
    );
}
