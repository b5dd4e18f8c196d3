//! SNS through the official `aws-sdk-sns` client (awsQuery): topics and their attributes,
//! e-mail subscriptions confirmed through the link in the mailbox (really followed), publishing
//! to confirmed subscribers only, the unsubscribe link, and AWS's errors.

mod common;

use awslab_emulator::ACCOUNT_ID;
use common::alarms::*;
use common::start;

#[tokio::test(flavor = "multi_thread")]
async fn topics_are_idempotent_and_have_aws_attributes() {
    let emulator = start().await;
    let sns = sns(&emulator).await;
    let first = sns.create_topic().name(TOPIC).send().await.expect("CreateTopic");
    let again = sns.create_topic().name(TOPIC).send().await.expect("CreateTopic again");
    assert_eq!(first.topic_arn(), Some(topic_arn(TOPIC).as_str()));
    assert_eq!(again.topic_arn(), first.topic_arn());
    let topics = sns.list_topics().send().await.unwrap();
    assert_eq!(topics.topics().len(), 1);

    let arn = topic_arn(TOPIC);
    sns.set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("DisplayName")
        .attribute_value("AWSLab")
        .send()
        .await
        .unwrap();
    let attributes = sns.get_topic_attributes().topic_arn(&arn).send().await.unwrap();
    let attributes = attributes.attributes().unwrap();
    assert_eq!(attributes["TopicArn"], arn);
    assert_eq!(attributes["Owner"], ACCOUNT_ID);
    assert_eq!(attributes["DisplayName"], "AWSLab");
    assert_eq!(attributes["SubscriptionsConfirmed"], "0");
    assert_eq!(attributes["SubscriptionsPending"], "0");
    let policy: serde_json::Value = serde_json::from_str(&attributes["Policy"]).unwrap();
    assert_eq!(policy["Id"], "__default_policy_ID");
    assert!(attributes.contains_key("EffectiveDeliveryPolicy"));

    let bad = sns.create_topic().name("has space").send().await.unwrap_err();
    assert_eq!(
        sns_failure(bad),
        ("InvalidParameter".into(), "Invalid parameter: Topic Name".into(), 400)
    );
    let gone = topic_arn("Nope");
    let missing = sns.get_topic_attributes().topic_arn(&gone).send().await.unwrap_err();
    assert_eq!(sns_failure(missing), ("NotFound".into(), "Topic does not exist".into(), 404));
    let protocol =
        sns.subscribe().topic_arn(&arn).protocol("carrier-pigeon").endpoint("x").send().await;
    assert_eq!(
        sns_failure(protocol.unwrap_err()).1,
        "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"
    );
    let email = sns.subscribe().topic_arn(&arn).protocol("email").endpoint("nobody").send().await;
    assert_eq!(sns_failure(email.unwrap_err()).1, "Invalid parameter: Email address");

    sns.delete_topic().topic_arn(&arn).send().await.unwrap();
    sns.delete_topic().topic_arn(&arn).send().await.expect("deleting twice is not an error");
    assert!(sns.list_topics().send().await.unwrap().topics().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_subscription_is_confirmed_through_the_link_in_the_mailbox() {
    let emulator = start().await;
    let sns = sns(&emulator).await;
    let arn = sns.create_topic().name(TOPIC).send().await.unwrap().topic_arn.unwrap();
    let subscribed = sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("email")
        .endpoint("student@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(subscribed.subscription_arn(), Some("pending confirmation"));
    let listed = sns.list_subscriptions_by_topic().topic_arn(&arn).send().await.unwrap();
    assert_eq!(listed.subscriptions()[0].subscription_arn(), Some("PendingConfirmation"));

    // Nothing reaches a pending subscription.
    sns.publish().topic_arn(&arn).message("too early").send().await.unwrap();
    let mails = mail_to(&emulator, "student@example.com").await;
    assert_eq!(mails.len(), 1);
    let confirmation = &mails[0];
    assert_eq!(confirmation["subject"], "AWS Notification - Subscription Confirmation");
    assert_eq!(confirmation["from"], "AWS Notifications <no-reply@sns.amazonaws.com>");
    let body = confirmation["body"].as_str().unwrap();
    assert!(body.starts_with(&format!("You have chosen to subscribe to the topic: \n{arn}")));
    assert!(body.contains("To confirm this subscription, click or visit the link below"));

    let (status, page) = follow(&emulator, &confirmation_link(confirmation)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Subscription confirmed!"), "{page}");
    let listed = sns.list_subscriptions().send().await.unwrap();
    let subscription_arn = listed.subscriptions()[0].subscription_arn().unwrap().to_string();
    assert!(subscription_arn.starts_with(&format!("{arn}:")), "{subscription_arn}");
    let attributes = sns.get_topic_attributes().topic_arn(&arn).send().await.unwrap();
    assert_eq!(attributes.attributes().unwrap()["SubscriptionsConfirmed"], "1");

    let published = sns
        .publish()
        .topic_arn(&arn)
        .subject("Volume check")
        .message("Your volume is busy.")
        .send()
        .await
        .unwrap();
    assert!(published.message_id().is_some());
    let mails = mail_to(&emulator, "student@example.com").await;
    let notification = mails.last().unwrap();
    assert_eq!(notification["subject"], "Volume check");
    let body = notification["body"].as_str().unwrap();
    assert!(
        body.starts_with("Your volume is busy.\n\n--\nIf you wish to stop receiving"),
        "{body}"
    );
    let unsubscribe = body.lines().find(|line| line.contains("/unsubscribe.html?")).unwrap();
    let (status, page) = follow(&emulator, unsubscribe.trim()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Subscription removed!"), "{page}");
    assert!(sns.list_subscriptions().send().await.unwrap().subscriptions().is_empty());

    let gone = sns.unsubscribe().subscription_arn(&subscription_arn).send().await.unwrap_err();
    assert_eq!(sns_failure(gone), ("NotFound".into(), "Subscription does not exist".into(), 404));
}

#[tokio::test(flavor = "multi_thread")]
async fn email_json_gets_the_envelope_and_the_api_confirms_with_the_token() {
    let emulator = start().await;
    let sns = sns(&emulator).await;
    let arn = sns.create_topic().name(TOPIC).send().await.unwrap().topic_arn.unwrap();
    sns.subscribe()
        .topic_arn(&arn)
        .protocol("email-json")
        .endpoint("robot@example.com")
        .send()
        .await
        .unwrap();
    let confirmation = mail_to(&emulator, "robot@example.com").await.pop().unwrap();
    let envelope: serde_json::Value =
        serde_json::from_str(confirmation["body"].as_str().unwrap()).unwrap();
    assert_eq!(envelope["Type"], "SubscriptionConfirmation");
    let token = envelope["Token"].as_str().unwrap();
    let bad = sns.confirm_subscription().topic_arn(&arn).token("0000").send().await.unwrap_err();
    assert_eq!(
        sns_failure(bad),
        ("InvalidParameter".into(), "Invalid parameter: Token".into(), 400)
    );
    let confirmed = sns.confirm_subscription().topic_arn(&arn).token(token).send().await.unwrap();
    assert!(confirmed.subscription_arn().unwrap().starts_with(&arn));

    sns.publish().topic_arn(&arn).message("{\"bytes\": 250000}").send().await.unwrap();
    let mail = mail_to(&emulator, "robot@example.com").await.pop().unwrap();
    let envelope: serde_json::Value = serde_json::from_str(mail["body"].as_str().unwrap()).unwrap();
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["TopicArn"], arn.as_str());
    assert_eq!(envelope["Message"], "{\"bytes\": 250000}");
    assert_eq!(envelope["SignatureVersion"], "1");
    assert!(envelope["UnsubscribeURL"].as_str().unwrap().contains("Action=Unsubscribe"));

    let (status, _) = control(&emulator, "DELETE", "/_awslab/mailbox").await;
    assert_eq!(status, 200);
    assert!(mailbox(&emulator).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn resetting_a_lab_removes_its_tagged_topics() {
    let emulator = start().await;
    let sns = sns(&emulator).await;
    let tag = aws_sdk_sns::types::Tag::builder().key("awslab:lab").value("cloudwatch-alarm");
    sns.create_topic().name(TOPIC).tags(tag.build().unwrap()).send().await.unwrap();
    sns.create_topic().name("Mine").send().await.unwrap();
    let (status, body) = control(&emulator, "POST", "/_awslab/reset?lab=cloudwatch-alarm").await;
    assert_eq!(status, 200);
    assert_eq!(body["deleted"], serde_json::json!([topic_arn(TOPIC)]));
    let topics = sns.list_topics().send().await.unwrap();
    assert_eq!(topics.topics()[0].topic_arn(), Some(topic_arn("Mine").as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lambda_subscriber_is_invoked_with_the_sns_event() {
    let emulator = common::lambda::start().await;
    let role = common::lambda::role(&emulator, "sns-handler-role", None).await;
    let lambda = common::lambda::client(&emulator).await;
    let handler = "def lambda_handler(event, context):\n    \
                   record = event['Records'][0]\n    \
                   print('GOT', record['EventSource'], record['Sns']['Type'], record['Sns']['Subject'], record['Sns']['Message'], record['Sns']['MessageAttributes']['kind']['Value'])\n    \
                   return 'ok'\n";
    common::lambda::python_function(&lambda, "onAlarm", &role, handler).await;
    let function_arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:onAlarm");

    let sns = sns(&emulator).await;
    let arn = sns.create_topic().name(TOPIC).send().await.unwrap().topic_arn.unwrap();
    let subscribed = sns
        .subscribe()
        .topic_arn(&arn)
        .protocol("lambda")
        .endpoint(&function_arn)
        .send()
        .await
        .unwrap();
    assert!(subscribed.subscription_arn().unwrap().starts_with(&arn), "confirmed at once");
    let kind = aws_sdk_sns::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value("alarm")
        .build()
        .unwrap();
    sns.publish()
        .topic_arn(&arn)
        .subject("Volume")
        .message("busy")
        .message_attributes("kind", kind)
        .send()
        .await
        .unwrap();

    let logs = aws_sdk_cloudwatchlogs::Client::new(&common::sdk_config(&emulator, REGION).await);
    let mut printed = String::new();
    // The invocation is asynchronous, as on AWS: look for its output for up to ten seconds.
    for _ in 0..200 {
        let events = logs.filter_log_events().log_group_name("/aws/lambda/onAlarm").send().await;
        if let Ok(events) = events {
            printed = (events.events().iter()).filter_map(|e| e.message()).collect();
            if printed.contains("GOT") {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(printed.contains("GOT aws:sns Notification Volume busy alarm"), "{printed}");
}
