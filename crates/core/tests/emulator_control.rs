//! The emulator's terminal, mailbox and e-mail links through the lab engine, as the app's
//! terminal and mailbox panels use them: a download in the instance's shell, the subscription
//! confirmed by following the link in its e-mail; foreign links and AWS targets refused.

use awslab_cloud::emulator_control::{follow_link, lab_instances, mailbox, shell};
use awslab_cloud::{Clients, Target};
use awslab_emulator::{Emulator, EmulatorConfig};

const RATINGS: &str = "https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt";

#[tokio::test(flavor = "multi_thread")]
async fn the_terminal_downloads_and_the_mailbox_confirms() {
    // A fast clock: the instance is running a moment after it is launched.
    let config = EmulatorConfig { clock_speed: 600.0, ..EmulatorConfig::default() };
    let emulator = Emulator::start(config).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-northeast-2"))
        .endpoint_url(emulator.endpoint())
        .credentials_provider(aws_credential_types::Credentials::new(
            "AKIDLEARNER",
            "secret",
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    let images = ec2.describe_images().owners("amazon").send().await.expect("images");
    let image = images.images()[0].image_id().unwrap().to_string();
    let run = ec2.run_instances().image_id(&image).min_count(1).max_count(1).send().await.unwrap();
    let instance = run.instances()[0].instance_id().unwrap().to_string();
    let tagged = ec2
        .run_instances()
        .image_id(images.images()[0].image_id().unwrap())
        .min_count(1)
        .max_count(1)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("awslab:lab")
                        .value("cloudwatch-alarm")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let tagged = tagged.instances()[0].instance_id().unwrap().to_string();
    assert_eq!(lab_instances(&clients, "cloudwatch-alarm").await.expect("listed"), vec![tagged]);
    assert!(lab_instances(&clients, "serverless-api").await.expect("listed").is_empty());

    let mut answer = shell(&clients, &instance, &format!("wget {RATINGS}")).await;
    for _ in 0..100 {
        // Pending for a few simulated seconds: the shell says so until it runs.
        match &answer {
            Err(failure) if failure.code == "InstanceNotRunning" => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                answer = shell(&clients, &instance, &format!("wget {RATINGS}")).await;
            }
            _ => break,
        }
    }
    let answer = answer.expect("the download runs");
    assert_eq!(answer.exit_code, 0, "{}", answer.output);
    assert!(answer.output.contains("‘ratings_train.txt’ saved"), "{}", answer.output);
    assert!(answer.prompt.starts_with("[ec2-user@ip-"), "{}", answer.prompt);
    let listed = shell(&clients, &instance, "ls").await.expect("ls");
    assert!(listed.output.contains("ratings_train.txt"));

    let sns = aws_sdk_sns::Client::new(&sdk);
    let topic =
        sns.create_topic().name("AWSLab_CloudWatch_Volume_Alarms_Topic").send().await.unwrap();
    let topic = topic.topic_arn().unwrap().to_string();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("email")
        .endpoint("me@example.com")
        .send()
        .await
        .unwrap();
    let mails = mailbox(&clients).await.expect("the mailbox");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        (mails[0].to.as_str(), mails[0].kind.as_str()),
        ("me@example.com", "SubscriptionConfirmation")
    );
    let link = mails[0]
        .body
        .lines()
        .find(|line| line.contains("Action=ConfirmSubscription"))
        .expect("a confirmation link")
        .trim()
        .to_string();

    let page = follow_link(&clients, &link).await.expect("the link is followed");
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Subscription confirmed!"), "{}", page.text);
    let subscriptions = sns.list_subscriptions_by_topic().topic_arn(&topic).send().await.unwrap();
    assert_ne!(subscriptions.subscriptions()[0].subscription_arn(), Some("PendingConfirmation"));

    let foreign = follow_link(&clients, "https://example.com/phish").await.expect_err("refused");
    assert_eq!(foreign.code, "ForeignLink");
    let aws =
        Clients::connect(&Target::Aws { profile: None, region: "ap-northeast-2".into() }).await;
    assert_eq!(mailbox(&aws).await.expect_err("offline only").code, "EmulatorOnly");
    assert_eq!(shell(&aws, &instance, "ls").await.expect_err("offline only").code, "EmulatorOnly");
}
