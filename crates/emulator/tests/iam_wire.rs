//! IAM's exact wire shapes, byte for byte: element order, URL-encoded documents, error bodies.

mod common;

use common::{RawResponse, raw, signed, start};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
/// `TRUST` as IAM returns it (RFC 3986; worked out independently of the emulator).
const TRUST_ENCODED: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}}"#;
const POLICY_ENCODED: &str = "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%22dynamodb%3APutItem%22%2C%20%22Resource%22%3A%20%22%2A%22%7D%7D";
const NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// Sends one signed IAM query request with these parameters.
async fn call(port: u16, params: &[(&str, &str)]) -> RawResponse {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("Version", "2010-05-08")
        .extend_pairs(params)
        .finish();
    let auth = signed("iam", "us-east-1");
    tokio::task::spawn_blocking(move || {
        raw(
            port,
            "POST",
            "/",
            &[
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Authorization", &auth),
            ],
            body.as_bytes(),
        )
    })
    .await
    .expect("the request ran")
}

/// The text of the first `<name>` element.
fn element<'a>(body: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = body.find(&open).map(|i| i + open.len()).expect(name);
    let end = body[start..].find(&format!("</{name}>")).expect(name);
    &body[start..start + end]
}

fn request_id(answer: &RawResponse) -> String {
    answer.header("x-amzn-requestid").expect("a request id").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_role_has_aws_shape_with_the_trust_policy_url_encoded() {
    let emulator = start().await;
    let port = emulator.port();
    let created = call(
        port,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "aws-lab-dynamodb-role"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Description", "left out of the CreateRole answer"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.header("content-type"), Some("text/xml"));
    let role_id = element(&created.body, "RoleId").to_string();
    let created_at = element(&created.body, "CreateDate").to_string();
    assert_eq!(created_at.len(), 20, "{created_at}");
    assert!(created_at.ends_with('Z'));
    assert_eq!(
        created.body,
        format!(
            "<CreateRoleResponse xmlns=\"{NS}\"><CreateRoleResult><Role><Path>/</Path>\
             <RoleName>aws-lab-dynamodb-role</RoleName><RoleId>{role_id}</RoleId>\
             <Arn>arn:aws:iam::000000000000:role/aws-lab-dynamodb-role</Arn>\
             <CreateDate>{created_at}</CreateDate>\
             <AssumeRolePolicyDocument>{TRUST_ENCODED}</AssumeRolePolicyDocument></Role>\
             </CreateRoleResult><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
             </CreateRoleResponse>",
            request_id(&created)
        )
    );

    let got = call(port, &[("Action", "GetRole"), ("RoleName", "aws-lab-dynamodb-role")]).await;
    assert_eq!(got.status, 200);
    assert_eq!(
        got.body,
        format!(
            "<GetRoleResponse xmlns=\"{NS}\"><GetRoleResult><Role><Path>/</Path>\
             <RoleName>aws-lab-dynamodb-role</RoleName><RoleId>{role_id}</RoleId>\
             <Arn>arn:aws:iam::000000000000:role/aws-lab-dynamodb-role</Arn>\
             <CreateDate>{created_at}</CreateDate>\
             <AssumeRolePolicyDocument>{TRUST_ENCODED}</AssumeRolePolicyDocument>\
             <Description>left out of the CreateRole answer</Description>\
             <MaxSessionDuration>3600</MaxSessionDuration><RoleLastUsed></RoleLastUsed></Role>\
             </GetRoleResult><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
             </GetRoleResponse>",
            request_id(&got)
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn policies_and_versions_have_aws_shapes() {
    let emulator = start().await;
    let port = emulator.port();
    let created = call(
        port,
        &[("Action", "CreatePolicy"), ("PolicyName", "putitem"), ("PolicyDocument", POLICY)],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = element(&created.body, "PolicyId").to_string();
    let date = element(&created.body, "CreateDate").to_string();
    assert_eq!(
        created.body,
        format!(
            "<CreatePolicyResponse xmlns=\"{NS}\"><CreatePolicyResult><Policy>\
             <PolicyName>putitem</PolicyName><PolicyId>{id}</PolicyId>\
             <Arn>arn:aws:iam::000000000000:policy/putitem</Arn><Path>/</Path>\
             <DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount>\
             <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>\
             <IsAttachable>true</IsAttachable><CreateDate>{date}</CreateDate>\
             <UpdateDate>{date}</UpdateDate></Policy></CreatePolicyResult><ResponseMetadata>\
             <RequestId>{}</RequestId></ResponseMetadata></CreatePolicyResponse>",
            request_id(&created)
        )
    );
    let version = call(
        port,
        &[
            ("Action", "GetPolicyVersion"),
            ("PolicyArn", "arn:aws:iam::000000000000:policy/putitem"),
            ("VersionId", "v1"),
        ],
    )
    .await;
    assert_eq!(
        version.body,
        format!(
            "<GetPolicyVersionResponse xmlns=\"{NS}\"><GetPolicyVersionResult><PolicyVersion>\
             <Document>{POLICY_ENCODED}</Document><VersionId>v1</VersionId>\
             <IsDefaultVersion>true</IsDefaultVersion><CreateDate>{date}</CreateDate>\
             </PolicyVersion></GetPolicyVersionResult><ResponseMetadata><RequestId>{}</RequestId>\
             </ResponseMetadata></GetPolicyVersionResponse>",
            request_id(&version)
        )
    );
    // GetPolicy always has Tags, even empty; a policy without description has none.
    let got = call(
        port,
        &[("Action", "GetPolicy"), ("PolicyArn", "arn:aws:iam::000000000000:policy/putitem")],
    )
    .await;
    assert!(
        got.body.contains(&format!("<UpdateDate>{date}</UpdateDate><Tags></Tags></Policy>")),
        "{}",
        got.body
    );
    assert!(!got.body.contains("<Description>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_have_the_query_error_shape() {
    let emulator = start().await;
    let port = emulator.port();
    let missing = call(port, &[("Action", "GetRole"), ("RoleName", "nobody")]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The role with name nobody cannot be found.</Message></Error>\
             <RequestId>{}</RequestId></ErrorResponse>",
            request_id(&missing)
        )
    );

    let invalid = call(port, &[("Action", "GetRole"), ("RoleName", "no body")]).await;
    assert_eq!(invalid.status, 400);
    // AWS writes the quotes as they are; the shared query encoder escapes them (`&apos;`),
    // which XML readers take as the same text.
    let body = invalid.body.replace("&apos;", "'");
    assert!(
        body.contains(
            "<Code>ValidationError</Code><Message>1 validation error detected: Value at 'roleName' \
         failed to satisfy constraint: Member must satisfy regular expression pattern: \
         [\\w+=,.@-]+</Message>"
        ),
        "{body}"
    );

    let no_name = call(port, &[("Action", "GetRole")]).await;
    assert_eq!(no_name.status, 400);
    assert!(no_name.body.contains("<Code>ValidationError</Code>"), "{}", no_name.body);

    let not_yet =
        call(port, &[("Action", "CreateInstanceProfile"), ("InstanceProfileName", "p")]).await;
    assert_eq!(not_yet.status, 501);
    let expected = "does not implement IAM CreateInstanceProfile yet";
    assert!(not_yet.body.contains(expected), "{}", not_yet.body);
    let unknown = call(port, &[("Action", "CreateRoles")]).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("<Code>InvalidAction</Code>"), "{}", unknown.body);

    // An empty tag list arrives as `Tags=`: not an error.
    let empty_tags = call(
        port,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "r"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Tags", ""),
        ],
    )
    .await;
    assert_eq!(empty_tags.status, 200, "{}", empty_tags.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_their_keys_have_aws_shapes() {
    let emulator = start().await;
    let port = emulator.port();
    let created = call(port, &[("Action", "CreateUser"), ("UserName", "alice")]).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let (user_id, date) = (element(&created.body, "UserId"), element(&created.body, "CreateDate"));
    assert_eq!(
        created.body,
        format!(
            "<CreateUserResponse xmlns=\"{NS}\"><CreateUserResult><User><Path>/</Path>\
             <UserName>alice</UserName><UserId>{user_id}</UserId>\
             <Arn>arn:aws:iam::000000000000:user/alice</Arn><CreateDate>{date}</CreateDate>\
             </User></CreateUserResult><ResponseMetadata><RequestId>{}</RequestId>\
             </ResponseMetadata></CreateUserResponse>",
            request_id(&created)
        )
    );

    let key = call(port, &[("Action", "CreateAccessKey"), ("UserName", "alice")]).await;
    let (id, secret) = (element(&key.body, "AccessKeyId"), element(&key.body, "SecretAccessKey"));
    let date = element(&key.body, "CreateDate");
    assert_eq!(
        key.body,
        format!(
            "<CreateAccessKeyResponse xmlns=\"{NS}\"><CreateAccessKeyResult><AccessKey>\
             <UserName>alice</UserName><AccessKeyId>{id}</AccessKeyId><Status>Active</Status>\
             <SecretAccessKey>{secret}</SecretAccessKey><CreateDate>{date}</CreateDate>\
             </AccessKey></CreateAccessKeyResult><ResponseMetadata><RequestId>{}</RequestId>\
             </ResponseMetadata></CreateAccessKeyResponse>",
            request_id(&key)
        )
    );

    let listed = call(port, &[("Action", "ListAccessKeys"), ("UserName", "alice")]).await;
    assert!(!listed.body.contains("SecretAccessKey"), "{}", listed.body);
    assert!(
        listed.body.contains(&format!(
            "<AccessKeyMetadata><member><UserName>alice</UserName><AccessKeyId>{id}</AccessKeyId>\
             <Status>Active</Status><CreateDate>{date}</CreateDate></member></AccessKeyMetadata>\
             <IsTruncated>false</IsTruncated>"
        )),
        "{}",
        listed.body
    );

    let last = call(port, &[("Action", "GetAccessKeyLastUsed"), ("AccessKeyId", id)]).await;
    assert!(
        last.body.contains(
            "<GetAccessKeyLastUsedResult><UserName>alice</UserName><AccessKeyLastUsed>\
             <ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>\
             </GetAccessKeyLastUsedResult>"
        ),
        "{}",
        last.body
    );

    let missing = call(port, &[("Action", "GetUser"), ("UserName", "bob")]).await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains(
            "<Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The user with name bob cannot be found.</Message></Error>"
        ),
        "{}",
        missing.body
    );
}
