//! SigV4 signature checks (`verify_signatures`): the official SDK with the learner's keys and
//! with an `AssumeRole` session's keys, and raw requests signed by hand with `aws-sigv4` for what
//! an SDK will not send (an old clock, a body changed after signing, a presigned URL).

mod common;

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::types::Credentials as SessionKeys;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig};
use common::{raw, sdk_config};
use std::time::{Duration, SystemTime};

const REGION: &str = "ap-northeast-2";
const MISMATCH: &str = "The request signature we calculated does not match the signature you \
                        provided. Check your AWS Secret Access Key and signing method. Consult \
                        the service documentation for details.";
const LEARNER: (&str, &str) = ("AKIASTUDENTEXAMPLE", "student-secret");

async fn start(verify_signatures: bool) -> Emulator {
    Emulator::start(EmulatorConfig { verify_signatures, ..EmulatorConfig::default() })
        .await
        .expect("the emulator starts")
}

/// SDK configuration signing with `keys`' access key and token but `secret`.
async fn session_config(
    emulator: &Emulator,
    keys: &SessionKeys,
    secret: &str,
) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            keys.access_key_id(),
            secret,
            Some(keys.session_token().to_string()),
            None,
            "assumed-role",
        ))
        .load()
        .await
}

/// The learner creates a role anyone in the account may assume, and assumes it.
async fn assume_lab_role(emulator: &Emulator) -> SessionKeys {
    let config = sdk_config(emulator, REGION).await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    aws_sdk_iam::Client::new(&config)
        .create_role()
        .role_name("lab")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    let assumed = aws_sdk_sts::Client::new(&config)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT_ID}:role/lab"))
        .role_session_name("student")
        .send()
        .await
        .expect("AssumeRole");
    assumed.credentials().expect("credentials").clone()
}

fn failure<E: ProvideErrorMetadata>(error: SdkError<E, HttpResponse>) -> (String, String, u16) {
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    (error.code().unwrap_or_default().into(), error.message().unwrap_or_default().into(), status)
}

/// A form request to STS signed by `aws-sigv4` at `time`: the headers to send with it.
struct Signing<'a> {
    access_key: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
    time: SystemTime,
    /// Sign an `x-amz-content-sha256` header too.
    content_sha256: bool,
}

impl Signing<'_> {
    fn headers(&self, port: u16, body: &[u8]) -> Vec<(String, String)> {
        let host = format!("127.0.0.1:{port}");
        let unsigned = [
            ("host", host.as_str()),
            ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        ];
        let mut settings = SigningSettings::default();
        if self.content_sha256 {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        let identity = aws_credential_types::Credentials::new(
            self.access_key,
            self.secret,
            self.token.map(str::to_string),
            None,
            "test",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("sts")
            .time(self.time)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let request = SignableRequest::new(
            "POST",
            format!("http://{host}/"),
            unsigned.iter().copied(),
            SignableBody::Bytes(body),
        )
        .unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let mut headers: Vec<(String, String)> = instructions
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        headers.push((unsigned[1].0.into(), unsigned[1].1.into()));
        headers
    }
}

/// Sends `body` to STS with `headers` (the raw client adds `Host` and `Content-Length`).
async fn post(
    port: u16,
    headers: Vec<(String, String)>,
    body: &'static [u8],
) -> common::RawResponse {
    tokio::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> =
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        raw(port, "POST", "/", &headers, body)
    })
    .await
    .unwrap()
}

fn query_error(code: &str, message: &str) -> String {
    format!("<Code>{code}</Code><Message>{message}</Message>")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_learners_keys_still_work_through_the_sdk() {
    let emulator = start(true).await;
    let config = sdk_config(&emulator, REGION).await;
    let identity = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity with the learner's keys");
    assert_eq!(identity.arn(), Some(format!("arn:aws:iam::{ACCOUNT_ID}:root").as_str()));
    let iam = aws_sdk_iam::Client::new(&config);
    iam.create_role()
        .role_name("checked")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("CreateRole with the learner's keys");
    let roles = iam.list_roles().send().await.expect("ListRoles");
    assert_eq!(roles.roles().iter().map(|r| r.role_name()).collect::<Vec<_>>(), ["checked"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_keys_work_with_their_secret_and_are_refused_with_another() {
    let emulator = start(true).await;
    let keys = assume_lab_role(&emulator).await;

    let right = session_config(&emulator, &keys, keys.secret_access_key()).await;
    let identity = aws_sdk_sts::Client::new(&right)
        .get_caller_identity()
        .send()
        .await
        .expect("the session's own secret signs correctly");
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/lab/student").as_str())
    );

    let wrong = session_config(&emulator, &keys, "not-the-secret-the-emulator-issued").await;
    let error = aws_sdk_sts::Client::new(&wrong).get_caller_identity().send().await.unwrap_err();
    assert_eq!(failure(error), ("SignatureDoesNotMatch".into(), MISMATCH.into(), 403));

    // A JSON-protocol service names the same refusal its own way.
    let error = aws_sdk_dynamodb::Client::new(&wrong).list_tables().send().await.unwrap_err();
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    assert_eq!(
        (error.code(), error.message(), status),
        (Some("InvalidSignatureException"), Some(MISMATCH), 400)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_signed_twenty_minutes_ago_is_refused_even_for_the_learner() {
    let emulator = start(true).await;
    let port = emulator.port();
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let signing = |time| Signing {
        access_key: LEARNER.0,
        secret: LEARNER.1,
        token: None,
        time,
        content_sha256: false,
    };

    let on_time = post(port, signing(SystemTime::now()).headers(port, body), body).await;
    assert_eq!(on_time.status, 200, "{}", on_time.body);

    let signed_at = SystemTime::now() - Duration::from_secs(20 * 60);
    let headers = signing(signed_at).headers(port, body);
    let stamp = headers.iter().find(|(n, _)| n == "x-amz-date").unwrap().1.clone();
    let late = post(port, headers, body).await;
    assert_eq!(late.status, 403, "{}", late.body);
    let prefix = format!(
        "<Code>SignatureDoesNotMatch</Code><Message>Signature expired: {stamp} is now earlier than "
    );
    let at = late.body.find(&prefix).unwrap_or_else(|| panic!("{}", late.body));
    // `… is now earlier than {now - 15 min} ({now} - 15 min.)</Message>`
    let rest = &late.body[at + prefix.len()..];
    let (earliest, rest) = rest.split_once(" (").unwrap();
    let (now, rest) = rest.split_once(" - ").unwrap();
    assert!(rest.starts_with("15 min.)</Message>"), "{}", late.body);
    // Minutes of the day (`20240501T235900Z`: 23 × 60 + 59), so that midnight changes nothing.
    let minute = |stamp: &str| {
        let hours = stamp.get(9..11)?.parse::<u32>().ok()?;
        Some(hours * 60 + stamp.get(11..13)?.parse::<u32>().ok()?)
    };
    let (earliest, now) = (minute(earliest).unwrap(), minute(now).unwrap());
    assert_eq!((now + 24 * 60 - earliest) % (24 * 60), 15, "{}", late.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_changed_after_signing_is_refused() {
    let emulator = start(true).await;
    let port = emulator.port();
    let keys = assume_lab_role(&emulator).await;
    let signing = Signing {
        access_key: keys.access_key_id(),
        secret: keys.secret_access_key(),
        token: Some(keys.session_token()),
        time: SystemTime::now(),
        // The signed hash names the original body: it must not vouch for another.
        content_sha256: true,
    };
    let original: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";
    let headers = signing.headers(port, original);

    let intact = post(port, headers.clone(), original).await;
    assert_eq!(intact.status, 200, "{}", intact.body);
    assert!(intact.body.contains("assumed-role/lab/student"), "{}", intact.body);

    let tampered: &[u8] =
        b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::000000000000:role/lab&RoleSessionName=x";
    let refused = post(port, headers, tampered).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains(&query_error("SignatureDoesNotMatch", MISMATCH)),
        "{}",
        refused.body
    );
}

/// A presigned `GetCallerIdentity` URL (path and query) for `access_key` with `secret`.
fn presigned_url(port: u16, access_key: &str, secret: &str, token: Option<&str>) -> String {
    let host = format!("127.0.0.1:{port}");
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(900));
    let identity = aws_credential_types::Credentials::new(
        access_key,
        secret,
        token.map(str::to_string),
        None,
        "test",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("sts")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let base = "/?Action=GetCallerIdentity&Version=2011-06-15";
    let request = SignableRequest::new(
        "GET",
        format!("http://{host}{base}"),
        [("host", host.as_str())].into_iter(),
        SignableBody::Bytes(b""),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    let mut url = base.to_string();
    for (name, value) in instructions.params() {
        let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        url.push_str(&format!("&{name}={value}"));
    }
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_presigned_url_is_checked_even_when_signatures_are_not() {
    for verify_signatures in [true, false] {
        presigned_urls_are_checked(verify_signatures).await;
    }
}

async fn presigned_urls_are_checked(verify_signatures: bool) {
    let emulator = start(verify_signatures).await;
    let port = emulator.port();
    let keys = assume_lab_role(&emulator).await;
    let session = Some(keys.session_token());
    let presign = |secret: &str| presigned_url(port, keys.access_key_id(), secret, session);
    let get = |url: String| tokio::task::spawn_blocking(move || raw(port, "GET", &url, &[], b""));

    let valid = get(presign(keys.secret_access_key())).await.unwrap();
    assert_eq!(valid.status, 200, "{}", valid.body);
    assert!(valid.body.contains("assumed-role/lab/student"), "{}", valid.body);
    let forged = get(presign("a-guessed-secret")).await.unwrap();
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(
        forged.body.contains(&query_error("SignatureDoesNotMatch", MISMATCH)),
        "{}",
        forged.body
    );
    // The learner's own keys cannot be checked, so they are never taken from a URL (a web
    // page can put anything in one), however well signed.
    let learner = get(presigned_url(port, LEARNER.0, LEARNER.1, None)).await.unwrap();
    assert_eq!(learner.status, 403, "{}", learner.body);
    assert!(learner.body.contains("<Code>AccessDenied</Code>"), "{}", learner.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_verification_a_wrong_signature_and_an_old_clock_pass() {
    let emulator = start(false).await;
    let port = emulator.port();
    let keys = assume_lab_role(&emulator).await;
    let wrong = session_config(&emulator, &keys, "not-the-secret-the-emulator-issued").await;
    let identity = aws_sdk_sts::Client::new(&wrong)
        .get_caller_identity()
        .send()
        .await
        .expect("a garbage signature is accepted by default");
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/lab/student").as_str())
    );

    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let old = Signing {
        access_key: LEARNER.0,
        secret: LEARNER.1,
        token: None,
        time: SystemTime::now() - Duration::from_secs(20 * 60),
        content_sha256: false,
    };
    let answer = post(port, old.headers(port, body), body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
