//! SSM Parameter Store through the official `aws-sdk-ssm` client: the public parameters that
//! name the latest Amazon Linux images (each one an image EC2's DescribeImages finds, and
//! `resolve:ssm:` in RunInstances), the learner's parameters with versions, selectors,
//! SecureStrings, hierarchies, filters, paging and tags, AWS's errors, role sessions, regions,
//! and a restart.

mod common;

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types::{ParameterStringFilter, ParameterTier, ParameterType, Tag};
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig};
use common::{failure, sdk_config, start};

const REGION: &str = "ap-northeast-2";
const LATEST: &str = "/aws/service/ami-amazon-linux-latest";
const AL2023: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/// The public parameters whose images the emulator's catalog has, as docs/emulator.md lists
/// them.
const PUBLIC: [&str; 10] = [
    "al2023-ami-kernel-6.1-arm64",
    "al2023-ami-kernel-6.1-x86_64",
    "al2023-ami-kernel-default-arm64",
    "al2023-ami-kernel-default-x86_64",
    "al2023-ami-minimal-kernel-6.1-x86_64",
    "al2023-ami-minimal-kernel-default-x86_64",
    "amzn2-ami-hvm-arm64-gp2",
    "amzn2-ami-hvm-x86_64-gp2",
    "amzn2-ami-kernel-5.10-hvm-arm64-gp2",
    "amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
];

const SUB_PATHS: &str = "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If \
     formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be \
     formed as a mix of letters, numbers and the following 3 symbols .-_";

async fn client(emulator: &Emulator, region: &'static str) -> Client {
    Client::new(&sdk_config(emulator, region).await)
}

fn validation(message: &str) -> (String, String, u16) {
    ("ValidationException".into(), message.into(), 400)
}

async fn put(ssm: &Client, name: &str, value: &str) -> i64 {
    let put = ssm.put_parameter().name(name).value(value).r#type(ParameterType::String);
    put.send().await.expect("PutParameter").version()
}

#[tokio::test(flavor = "multi_thread")]
async fn public_parameters_name_the_newest_images_ec2_describes() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(&emulator, REGION).await);

    let got = ssm.get_parameter().name(AL2023).send().await.expect("GetParameter");
    let parameter = got.parameter().expect("a parameter");
    assert_eq!(parameter.name(), Some(AL2023));
    assert_eq!(parameter.r#type(), Some(&ParameterType::String));
    assert_eq!(parameter.data_type(), Some("text"));
    assert_eq!(parameter.arn(), Some(format!("arn:aws:ssm:{REGION}::parameter{AL2023}").as_str()));
    assert!(parameter.version() >= 1 && parameter.last_modified_date().is_some());

    let mut paginated = ssm.get_parameters_by_path().path(LATEST).into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = paginated.next().await {
        listed.extend(page.expect("GetParametersByPath").parameters().to_vec());
    }
    let names: Vec<&str> = listed.iter().filter_map(|p| p.name()).collect();
    let expected: Vec<String> = PUBLIC.iter().map(|name| format!("{LATEST}/{name}")).collect();
    assert_eq!(names, expected);
    for parameter in &listed {
        let image_id = parameter.value().expect("a value");
        let images = ec2.describe_images().image_ids(image_id).send().await.expect("found");
        let image = &images.images()[0];
        let family = parameter.name().unwrap_or_default().rsplit('/').next().unwrap_or_default();
        let arch = if family.contains("arm64") { "arm64" } else { "x86_64" };
        assert_eq!(image.architecture().map(|a| a.as_str()), Some(arch), "{family}");
        let image_name = image.name().unwrap_or_default();
        assert_eq!(family.contains("minimal"), image_name.contains("minimal"), "{family}");
        assert_eq!(family.starts_with("al2023"), image_name.starts_with("al2023"), "{family}");
    }

    // The values are each region's own image ids.
    let virginia = client(&emulator, "us-east-1").await;
    let there = virginia.get_parameter().name(AL2023).send().await.unwrap();
    assert_ne!(there.parameter().and_then(|p| p.value()), parameter.value());

    // Unknown names are listed, not refused; a missing one alone is ParameterNotFound, no words.
    let missing = format!("{LATEST}/al2023-ami-kernel-default-sparc");
    let got = ssm.get_parameters().names(AL2023).names(&missing).send().await.unwrap();
    assert_eq!(got.parameters().len(), 1);
    assert_eq!(got.invalid_parameters(), [missing.clone()]);
    let error = ssm.get_parameter().name(&missing).send().await.unwrap_err();
    assert_eq!(failure(error), ("ParameterNotFound".into(), String::new(), 400));
    // A path below it lists nothing; only one level is listed without Recursive.
    let deeper = ssm.get_parameters_by_path().path("/aws/service").send().await.unwrap();
    assert!(deeper.parameters().is_empty());
    let recursive =
        ssm.get_parameters_by_path().path("/aws/service").recursive(true).max_results(10);
    assert_eq!(recursive.send().await.unwrap().parameters().len(), 10);
    let too_many = ssm.get_parameters_by_path().path(LATEST).max_results(11).send().await;
    assert_eq!(
        failure(too_many.unwrap_err()),
        validation(
            "1 validation error detected: Value '11' at 'maxResults' failed to satisfy \
             constraint: Member must have value less than or equal to 10"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_instances_resolves_an_image_from_a_parameter() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(&emulator, REGION).await);
    let expected = ssm.get_parameter().name(AL2023).send().await.unwrap();
    let expected = expected.parameter().and_then(|p| p.value()).unwrap_or_default().to_string();
    let launched = ec2
        .run_instances()
        .image_id(format!("resolve:ssm:{AL2023}"))
        .instance_type(aws_sdk_ec2::types::InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect("RunInstances");
    assert_eq!(launched.instances()[0].image_id(), Some(expected.as_str()));

    put(&ssm, "/lab/image", "ami-0123456789abcdef0").await;
    let text = ec2.run_instances().image_id("resolve:ssm:/lab/image").min_count(1).max_count(1);
    let (code, message, status) = failure(text.send().await.unwrap_err());
    assert_eq!((code.as_str(), status), ("SsmInvalidParameter", 400));
    assert_eq!(
        message,
        "Unsupported data type. The following parameter data types are supported: aws:ec2:image"
    );
    let missing = ec2.run_instances().image_id("resolve:ssm:/lab/none").min_count(1).max_count(1);
    let (code, _, _) = failure(missing.send().await.unwrap_err());
    assert_eq!(code, "SsmInvalidParameter");
}

#[tokio::test(flavor = "multi_thread")]
async fn learner_parameters_keep_their_versions_until_deleted() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let name = "/myapp/dev/db-url";
    let put_first =
        ssm.put_parameter().name(name).value("jdbc:one").r#type(ParameterType::String).send();
    let first = put_first.await.expect("PutParameter");
    assert_eq!((first.version(), first.tier()), (1, Some(&ParameterTier::Standard)));
    let again = ssm.put_parameter().name(name).value("x").r#type(ParameterType::String).send();
    assert_eq!(
        failure(again.await.unwrap_err()),
        (
            "ParameterAlreadyExists".into(),
            "The parameter already exists. To overwrite this value, set the overwrite option in \
             the request to true."
                .into(),
            400
        )
    );
    let second = ssm.put_parameter().name(name).value("jdbc:two").overwrite(true).send();
    assert_eq!(second.await.expect("overwrite keeps the type").version(), 2);

    let latest = ssm.get_parameter().name(name).send().await.unwrap();
    let latest = latest.parameter().unwrap();
    assert_eq!((latest.value(), latest.version(), latest.selector()), (Some("jdbc:two"), 2, None));
    assert_eq!(
        latest.arn(),
        Some(format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{name}").as_str())
    );
    let older = ssm.get_parameter().name(format!("{name}:1")).send().await.unwrap();
    let older = older.parameter().unwrap();
    assert_eq!((older.name(), older.value()), (Some(name), Some("jdbc:one")));
    assert_eq!((older.version(), older.selector()), (1, Some(":1")));
    let absent = ssm.get_parameter().name(format!("{name}:7")).send().await.unwrap_err();
    assert_eq!(
        failure(absent),
        (
            "ParameterVersionNotFound".into(),
            format!(
                "Systems Manager could not find version 7 of {name}. Verify the version and try \
                 again."
            ),
            400
        )
    );
    let history = ssm.get_parameter_history().name(name).send().await.unwrap();
    let values: Vec<_> = history.parameters().iter().filter_map(|p| p.value()).collect();
    assert_eq!(values, ["jdbc:one", "jdbc:two"]);
    assert_eq!(
        history.parameters()[0].last_modified_user(),
        Some(format!("arn:aws:iam::{ACCOUNT_ID}:root").as_str())
    );

    // A top-level parameter answers to either spelling, echoing the one asked for.
    put(&ssm, "greeting", "hello").await;
    let slashed = ssm.get_parameter().name("/greeting").send().await.unwrap();
    assert_eq!(slashed.parameter().and_then(|p| p.name()), Some("/greeting"));

    ssm.delete_parameter().name(name).send().await.expect("DeleteParameter");
    let gone = ssm.delete_parameter().name(name).send().await.unwrap_err();
    assert_eq!(failure(gone), ("ParameterNotFound".into(), String::new(), 400));
    put(&ssm, "/myapp/a", "1").await;
    let deleted = ssm.delete_parameters().names("/myapp/a").names("/myapp/b").send().await.unwrap();
    assert_eq!(deleted.deleted_parameters(), ["/myapp/a"]);
    assert_eq!(deleted.invalid_parameters(), ["/myapp/b"]);

    // Parameters are regional.
    put(&ssm, "/regional", "seoul").await;
    let virginia = client(&emulator, "us-east-1").await;
    let error = virginia.get_parameter().name("/regional").send().await.unwrap_err();
    assert_eq!(failure(error).0, "ParameterNotFound");
}

#[tokio::test(flavor = "multi_thread")]
async fn names_and_values_follow_aws_rules() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let refused =
        |name: &str| ssm.put_parameter().name(name).value("v").r#type(ParameterType::String).send();
    assert_eq!(
        failure(refused("/aws/service/mine").await.unwrap_err()),
        (
            "AccessDeniedException".into(),
            "No access to reserved parameter name: /aws/service/mine.".into(),
            400
        )
    );
    assert_eq!(
        failure(refused("ssm-key").await.unwrap_err()),
        validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).")
    );
    assert_eq!(failure(refused("app/key").await.unwrap_err()), validation(SUB_PATHS));
    let sixteen: String = (1..=16).map(|level| format!("/l{level}")).collect();
    let (code, message, _) = failure(refused(&sixteen).await.unwrap_err());
    assert_eq!(code, "HierarchyLevelLimitExceededException");
    assert!(message.starts_with("A hierarchy can have a maximum of 15 levels."), "{message}");
    let error = ssm.get_parameter().name("//app").send().await.unwrap_err();
    assert_eq!(failure(error), validation(SUB_PATHS));

    let untyped = ssm.put_parameter().name("/untyped").value("v").send().await;
    assert_eq!(
        failure(untyped.unwrap_err()),
        validation("A parameter type is required when you create a parameter.")
    );
    let large = "x".repeat(4097);
    let too_large =
        ssm.put_parameter().name("/large").value(&large).r#type(ParameterType::String).send();
    let (_, message, _) = failure(too_large.await.unwrap_err());
    assert!(
        message.starts_with(
            "Standard tier parameters support a maximum parameter value of 4096 characters."
        ),
        "{message}"
    );
    let advanced = ssm
        .put_parameter()
        .name("/large")
        .value(&large)
        .r#type(ParameterType::String)
        .tier(ParameterTier::Advanced)
        .send()
        .await
        .expect("Advanced holds 8 KB");
    assert_eq!(advanced.tier(), Some(&ParameterTier::Advanced));
    let empty = ssm.put_parameter().name("/empty").value("").r#type(ParameterType::String).send();
    assert_eq!(
        failure(empty.await.unwrap_err()),
        validation(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: Member \
             must have length greater than or equal to 1"
        )
    );
    let odd = ssm.put_parameter().name("/odd").value("v").r#type(ParameterType::String);
    let odd = odd.data_type("integer").send().await.unwrap_err();
    assert_eq!(
        failure(odd),
        validation(
            "The following data type is not supported: integer (Data type names are all \
             lowercase.)"
        )
    );
    let eleven: Vec<String> = (1..=11).map(|n| format!("p{n}")).collect();
    let error = ssm.get_parameters().set_names(Some(eleven.clone())).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        validation(&format!(
            "1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: \
             Member must have length less than or equal to 10",
            eleven.join(", ")
        ))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secure_strings_read_as_ciphertext_unless_decrypted() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let secret = ssm
        .put_parameter()
        .name("/myapp/db-password")
        .value("hunter2")
        .r#type(ParameterType::SecureString)
        .send();
    secret.await.expect("PutParameter");
    let hidden = ssm.get_parameter().name("/myapp/db-password").send().await.unwrap();
    let hidden = hidden.parameter().and_then(|p| p.value()).unwrap_or_default().to_string();
    assert!(!hidden.is_empty() && !hidden.contains("hunter2"), "{hidden}");
    let shown =
        ssm.get_parameter().name("/myapp/db-password").with_decryption(true).send().await.unwrap();
    assert_eq!(shown.parameter().and_then(|p| p.value()), Some("hunter2"));
    let described = ssm.describe_parameters().send().await.unwrap();
    let metadata = &described.parameters()[0];
    assert_eq!(metadata.key_id(), Some("alias/aws/ssm"));
    assert_eq!(metadata.r#type(), Some(&ParameterType::SecureString));
}

#[tokio::test(flavor = "multi_thread")]
async fn paths_filters_and_pages_list_what_they_should() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    for name in ["/app/dev/url", "/app/dev/port", "/app/dev/db/user", "/app/prod/url", "/other"] {
        put(&ssm, name, "v").await;
    }
    let secure = ssm.put_parameter().name("/app/dev/key").value("k");
    secure.r#type(ParameterType::SecureString).send().await.unwrap();

    let names = |page: &[aws_sdk_ssm::types::Parameter]| -> Vec<String> {
        page.iter().filter_map(|p| p.name()).map(String::from).collect()
    };
    let one_level = ssm.get_parameters_by_path().path("/app/dev").send().await.unwrap();
    assert_eq!(names(one_level.parameters()), ["/app/dev/key", "/app/dev/port", "/app/dev/url"]);
    let deep = ssm.get_parameters_by_path().path("/app/").recursive(true).send().await.unwrap();
    assert_eq!(deep.parameters().len(), 5);
    let strings = ParameterStringFilter::builder().key("Type").values("String").build().unwrap();
    let typed = ssm.get_parameters_by_path().path("/app/dev").parameter_filters(strings);
    assert_eq!(names(typed.send().await.unwrap().parameters()), ["/app/dev/port", "/app/dev/url"]);
    let by_name = ParameterStringFilter::builder().key("Name").values("x").build().unwrap();
    let refused = ssm.get_parameters_by_path().path("/app").parameter_filters(by_name).send();
    assert_eq!(
        failure(refused.await.unwrap_err()),
        (
            "InvalidFilterKey".into(),
            "The following filter key is not valid: Name. Valid filter keys include: [Type, \
             KeyId]."
                .into(),
            400
        )
    );

    // One at a time, the SDK's paginator follows NextToken to the end.
    let mut pages = ssm.describe_parameters().max_results(1).into_paginator().send();
    let mut described = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("DescribeParameters");
        assert!(page.parameters().len() <= 1);
        described.extend(page.parameters().iter().filter_map(|p| p.name()).map(String::from));
    }
    assert_eq!(described.len(), 6);
    assert!(described.windows(2).all(|pair| pair[0] < pair[1]), "{described:?}");
    let under = ParameterStringFilter::builder()
        .key("Path")
        .option("Recursive")
        .values("/app/dev")
        .build()
        .unwrap();
    let filtered = ssm.describe_parameters().parameter_filters(under).send().await.unwrap();
    assert_eq!(filtered.parameters().len(), 4);
    let bad_token = ssm.get_parameters_by_path().path("/app").next_token("%%").send().await;
    assert_eq!(failure(bad_token.unwrap_err()).0, "InvalidNextToken");
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_are_added_listed_and_removed() {
    let emulator = start().await;
    let ssm = client(&emulator, REGION).await;
    let tag = Tag::builder().key("awslab:lab").value("cloudwatch-alarm").build().unwrap();
    let tagged = ssm.put_parameter().name("/tagged").value("v").r#type(ParameterType::String);
    tagged.tags(tag).send().await.expect("PutParameter with tags");
    let more = Tag::builder().key("team").value("blue").build().unwrap();
    let kind = aws_sdk_ssm::types::ResourceTypeForTagging::Parameter;
    ssm.add_tags_to_resource()
        .resource_type(kind.clone())
        .resource_id("/tagged")
        .tags(more)
        .send()
        .await
        .expect("AddTagsToResource");
    let listed = ssm.list_tags_for_resource().resource_type(kind.clone()).resource_id("/tagged");
    let listed = listed.send().await.unwrap();
    let keys: Vec<&str> = listed.tag_list().iter().map(|t| t.key()).collect();
    assert_eq!(keys, ["awslab:lab", "team"]);
    let remove = ssm.remove_tags_from_resource().resource_type(kind.clone()).resource_id("/tagged");
    remove.tag_keys("team").send().await.expect("RemoveTagsFromResource");
    let listed = ssm.list_tags_for_resource().resource_type(kind.clone()).resource_id("/tagged");
    assert_eq!(listed.send().await.unwrap().tag_list().len(), 1);
    let missing = ssm.list_tags_for_resource().resource_type(kind).resource_id("/nothing");
    assert_eq!(
        failure(missing.send().await.unwrap_err()),
        ("InvalidResourceId".into(), String::new(), 400)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_session_reads_only_the_parameters_its_policy_allows() {
    let emulator = start().await;
    let learner = sdk_config(&emulator, REGION).await;
    put(&Client::new(&learner), "/app/url", "https://example.com").await;
    put(&Client::new(&learner), "/secret/key", "k").await;
    let iam = aws_sdk_iam::Client::new(&learner);
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = iam.create_role().role_name("reader").assume_role_policy_document(trust);
    let role_arn = role.send().await.unwrap().role().map(|r| r.arn().to_string()).unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/app/*"}}]}}"#
    );
    iam.put_role_policy()
        .role_name("reader")
        .policy_name("read-app")
        .policy_document(policy)
        .send()
        .await
        .expect("PutRolePolicy");
    let session = common::iam::session(&emulator, REGION, &role_arn, "handler").await;
    let ssm = Client::new(&session);
    let allowed = ssm.get_parameter().name("/app/url").send().await.expect("allowed");
    assert_eq!(allowed.parameter().and_then(|p| p.value()), Some("https://example.com"));
    let denied = ssm.get_parameter().name("/secret/key").send().await.unwrap_err();
    assert_eq!(
        failure(denied),
        (
            "AccessDeniedException".into(),
            format!(
                "User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/reader/handler is not authorized to \
                 perform: ssm:GetParameter on resource: \
                 arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/secret/key because no \
                 identity-based policy allows the ssm:GetParameter action"
            ),
            400
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parameters_survive_a_restart() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let config =
        EmulatorConfig { data_dir: Some(folder.path().to_path_buf()), ..Default::default() };
    let emulator = Emulator::start(config.clone()).await.expect("first start");
    put(&client(&emulator, REGION).await, "/kept", "still here").await;
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.expect("second start");
    let ssm = client(&emulator, REGION).await;
    let kept = ssm.get_parameter().name("/kept").send().await.expect("kept");
    assert_eq!(kept.parameter().and_then(|p| p.value()), Some("still here"));
    emulator.shutdown().await;
}
