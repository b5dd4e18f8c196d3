//! The published SigV4 test suite (AWS's `aws-sig-v4-test-suite`, as `aws-sigv4` ships it under
//! `aws-signing-test-suite/v4`): each signed request must verify with the suite's secret, and
//! must not once anything it signed is changed. Then the checks that need no secret.

use super::*;
use crate::identity::{RoleSession, credential_scope};
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_TIME: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);
const SUITE_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
const SUITE_TOKEN_QUERY: &str = "AQoDYXdzEPT%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI%2FqkPpKPi%2FkMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d%2Bxo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz%2BscqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR%2FoLxBA%3D%3D";

fn authorization(signed_headers: &str, signature: &str) -> String {
    format!(
        "Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

fn presigned(rest: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders={signed_headers}&X-Amz-Expires=3600{rest}&X-Amz-Signature={signature}"
    )
}

/// The suite's `header-signed-request.txt` files (the UTF-8 query percent-encoded, as a client
/// sends it on the wire).
fn header_signed_suite() -> Vec<(&'static str, String)> {
    let date = "X-Amz-Date:20150830T123600Z";
    let host = "Host:example.amazonaws.com";
    let plain = |signature: &str| authorization("host;x-amz-date", signature);
    vec![
        (
            "get-vanilla",
            format!(
                "GET / HTTP/1.1\n{host}\n{date}\n{}\n\n",
                plain("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
            ),
        ),
        (
            "get-relative-relative-normalized",
            format!(
                "GET /example1/example2/../.. HTTP/1.1\n{host}\n{date}\n{}\n\n",
                plain("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
            ),
        ),
        (
            "get-vanilla-query-order-key-case",
            format!(
                "GET /?Param2=value2&Param1=value1 HTTP/1.1\n{host}\n{date}\n{}\n\n",
                plain("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
            ),
        ),
        (
            "get-vanilla-utf8-query",
            format!(
                "GET /?%E1%88%B4=bar HTTP/1.1\n{host}\n{date}\n{}\n\n",
                plain("2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
            ),
        ),
        (
            "post-vanilla-query",
            format!(
                "POST /?Param1=value1 HTTP/1.1\n{host}\n{date}\n{}\n\n",
                plain("28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")
            ),
        ),
        (
            "get-header-value-trim",
            format!(
                "GET / HTTP/1.1\n{host}\nMy-Header1: value1\nMy-Header2: \"a   b   c\"\n{date}\n{}\n\n",
                authorization(
                    "host;my-header1;my-header2;x-amz-date",
                    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
                )
            ),
        ),
        (
            "get-header-key-duplicate",
            format!(
                "GET / HTTP/1.1\n{host}\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\n{date}\n{}\n\n",
                authorization(
                    "host;my-header1;x-amz-date",
                    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
                )
            ),
        ),
        (
            "post-x-www-form-urlencoded",
            format!(
                "POST / HTTP/1.1\nContent-Type:application/x-www-form-urlencoded\n{host}\nContent-Length:13\n{date}\nx-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n{}\n\nParam1=value1",
                authorization(
                    "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
                    "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
                )
            ),
        ),
        (
            "post-sts-header-before",
            format!(
                "POST / HTTP/1.1\n{host}\nX-Amz-Security-Token:{SUITE_TOKEN}\n{date}\n{}\n\n",
                authorization(
                    "host;x-amz-date;x-amz-security-token",
                    "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
                )
            ),
        ),
        (
            "post-sts-header-after",
            format!(
                "POST / HTTP/1.1\n{host}\nX-Amz-Security-Token:{SUITE_TOKEN}\n{date}\n{}\n\n",
                plain("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
            ),
        ),
    ]
}

/// The suite's `query-signed-request.txt` files (presigned).
fn query_signed_suite() -> Vec<(&'static str, String)> {
    let host = "Host:example.amazonaws.com";
    vec![
        (
            "get-vanilla (presigned)",
            format!(
                "GET /?{} HTTP/1.1\n{host}\n\n",
                presigned(
                    "",
                    "host",
                    "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
                )
            ),
        ),
        (
            "get-vanilla-query-order-key-case (presigned)",
            format!(
                "GET /?Param2=value2&Param1=value1&{} HTTP/1.1\n{host}\n\n",
                presigned(
                    "",
                    "host",
                    "86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5"
                )
            ),
        ),
        (
            "post-sts-header-before (presigned)",
            format!(
                "POST /?{} HTTP/1.1\n{host}\n\n",
                presigned(
                    &format!("&X-Amz-Security-Token={SUITE_TOKEN_QUERY}"),
                    "host",
                    "46c2e3c63c1dbe7d39f8ada16fe7f001c1f56c5791441565323677f96308871c"
                )
            ),
        ),
    ]
}

/// A request as the server hands it over: lower-case header names, values trimmed.
struct Received {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn parse(text: &str) -> Received {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let mut request_line = lines.next().unwrap().split(' ');
        let method = request_line.next().unwrap().to_string();
        let target = request_line.next().unwrap();
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path.to_string(), Some(query.to_string())),
            None => (target.to_string(), None),
        };
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.to_ascii_lowercase(), value.trim().to_string())
            })
            .collect();
        Received { method, path, query, headers, body: body.as_bytes().to_vec() }
    }

    fn with_header(mut self, name: &str, value: &str) -> Received {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn check(&self, secret: &str, now: OffsetDateTime) -> Result<(), AwsError> {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let request = self.request(&headers);
        let scope = self.scope(&request)?;
        let signature = read_signature(&request, &scope, now)?;
        let token = session_token(&request, &signature);
        check_signature(&request, &scope, &signature, secret, token)
    }

    fn verify_as(&self, caller: &Caller, now: OffsetDateTime) -> Result<(), AwsError> {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let request = self.request(&headers);
        verify(&request, &self.scope(&request)?, caller, now)
    }

    fn request<'a>(&'a self, headers: &'a [(&'a str, &'a str)]) -> SignedRequest<'a> {
        SignedRequest {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers,
            body: &self.body,
        }
    }

    fn scope(&self, request: &SignedRequest<'_>) -> Result<CredentialScope, AwsError> {
        credential_scope(
            request.header("authorization"),
            request.query_parameter("X-Amz-Credential").as_deref(),
        )
    }
}

fn session(token: &str) -> Caller {
    Caller::RoleSession(RoleSession {
        account: crate::ACCOUNT_ID.into(),
        role_name: "lab".into(),
        role_arn: format!("arn:aws:iam::{}:role/lab", crate::ACCOUNT_ID),
        role_id: "AROAEXAMPLE".into(),
        session_name: "s1".into(),
        access_key: "AKIDEXAMPLE".into(),
        secret_key: SECRET.into(),
        session_token: token.into(),
        expires: SUITE_TIME + Duration::hours(1),
    })
}

fn learner() -> Caller {
    Caller::Root { account: crate::ACCOUNT_ID.into() }
}

#[test]
fn every_suite_request_verifies_with_its_secret() {
    for (name, text) in header_signed_suite().into_iter().chain(query_signed_suite()) {
        let received = Received::parse(&text);
        assert_eq!(received.check(SECRET, SUITE_TIME), Ok(()), "{name}");
    }
}

#[test]
fn a_wrong_secret_is_refused_with_awss_text() {
    for (name, text) in header_signed_suite().into_iter().chain(query_signed_suite()) {
        let error =
            Received::parse(&text).check("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz", SUITE_TIME);
        assert_eq!(
            error,
            Err(AwsError::sender(
                "SignatureDoesNotMatch",
                403,
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details."
            )),
            "{name}"
        );
    }
}

#[test]
fn changing_anything_signed_breaks_the_signature() {
    let suite = header_signed_suite();
    let text = |name: &str| suite.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let form = Received::parse(&text("post-x-www-form-urlencoded"));
    let changed = [
        Received {
            body: b"Param1=value2".to_vec(),
            ..Received::parse(&text("post-x-www-form-urlencoded"))
        },
        Received { method: "PUT".into(), ..Received::parse(&text("post-x-www-form-urlencoded")) },
        Received { path: "/other".into(), ..Received::parse(&text("post-x-www-form-urlencoded")) },
        Received {
            query: Some("Param1=value1".into()),
            ..Received::parse(&text("post-x-www-form-urlencoded"))
        },
        form.with_header("content-type", "application/json"),
        Received::parse(&text("get-vanilla-query-order-key-case"))
            .with_header("host", "evil.example.com"),
        Received {
            query: Some("Param2=value2&Param1=value3".into()),
            ..Received::parse(&text("get-vanilla-query-order-key-case"))
        },
    ];
    for received in changed {
        let error = received.check(SECRET, SUITE_TIME).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            ("SignatureDoesNotMatch", MISMATCH)
        );
    }
    // A header nobody signed may change freely.
    let unsigned = Received::parse(&text("get-vanilla")).with_header("user-agent", "curl/8");
    assert_eq!(unsigned.check(SECRET, SUITE_TIME), Ok(()));
}

#[test]
fn a_body_hash_header_cannot_vouch_for_another_body() {
    let suite = header_signed_suite();
    let text = &suite.iter().find(|(n, _)| *n == "post-x-www-form-urlencoded").unwrap().1;
    // The signed `x-amz-content-sha256` still names `Param1=value1`; the body says otherwise.
    let tampered = Received { body: b"Param1=value9".to_vec(), ..Received::parse(text) };
    assert_eq!(tampered.check(SECRET, SUITE_TIME).unwrap_err().message, MISMATCH);
}

#[test]
fn role_sessions_need_their_own_token() {
    let suite = header_signed_suite();
    let text = &suite.iter().find(|(n, _)| *n == "post-sts-header-before").unwrap().1;
    let received = Received::parse(text);
    assert_eq!(received.verify_as(&session(SUITE_TOKEN), SUITE_TIME), Ok(()));
    let error = received.verify_as(&session("another-token"), SUITE_TIME).unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status, error.message.as_str()),
        ("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    );
    let without = Received::parse(&header_signed_suite()[0].1);
    assert_eq!(
        without.verify_as(&session(SUITE_TOKEN), SUITE_TIME).unwrap_err().code,
        "InvalidClientTokenId"
    );
}

#[test]
fn the_learners_signature_is_not_checked_but_its_time_is() {
    let garbage = Received::parse(&format!(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n{}\n\n",
        authorization("host;x-amz-date", "0000")
    ));
    assert_eq!(garbage.verify_as(&learner(), SUITE_TIME), Ok(()));

    let twenty_later = SUITE_TIME + Duration::minutes(20);
    let error = garbage.verify_as(&learner(), twenty_later).unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status, error.message.as_str()),
        (
            "SignatureDoesNotMatch",
            403,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z \
             (20150830T125600Z - 15 min.)"
        )
    );
    let twenty_earlier = SUITE_TIME - Duration::minutes(20);
    assert_eq!(
        garbage.verify_as(&learner(), twenty_earlier).unwrap_err().message,
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123100Z \
         (20150830T121600Z + 15 min.)"
    );
    // Fifteen minutes either way is still on time.
    for now in [SUITE_TIME + ALLOWED_SKEW, SUITE_TIME - ALLOWED_SKEW] {
        assert_eq!(garbage.verify_as(&learner(), now), Ok(()));
    }
}

#[test]
fn host_must_be_signed_and_the_scope_date_must_be_the_request_date() {
    let unsigned_host = Received::parse(&format!(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n{}\n\n",
        authorization("x-amz-date", "0000")
    ));
    let error = unsigned_host.verify_as(&learner(), SUITE_TIME).unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        (
            "SignatureDoesNotMatch",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    );

    let next_day = Received::parse(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\
         Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000\n\n",
    );
    assert_eq!(
        next_day.verify_as(&learner(), SUITE_TIME).unwrap_err().message,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '20150831' != '20150830', from '20150830T123600Z'."
    );
}

#[test]
fn missing_parts_are_an_incomplete_signature() {
    let no_date = Received::parse(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\n\
         Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request\n\n",
    );
    let error = no_date.verify_as(&learner(), SUITE_TIME).unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status, error.message.as_str()),
        (
            "IncompleteSignature",
            400,
            "Authorization header requires 'Signature' parameter. Authorization header requires \
             'SignedHeaders' parameter. Authorization header requires existence of either a \
             'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"
        )
    );
    let bad_date = Received::parse(&format!(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:2015-08-30T12:36:00Z\n{}\n\n",
        authorization("host;x-amz-date", "0000")
    ));
    assert_eq!(
        bad_date.verify_as(&learner(), SUITE_TIME).unwrap_err().message,
        "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See \
         http://en.wikipedia.org/wiki/ISO_8601"
    );
}

#[test]
fn an_http_date_header_gives_the_time_when_there_is_no_x_amz_date() {
    let dated = Received::parse(&format!(
        "GET / HTTP/1.1\nHost:example.amazonaws.com\nDate:Sun, 30 Aug 2015 12:36:00 GMT\n{}\n\n",
        authorization("date;host", "0000")
    ));
    assert_eq!(dated.verify_as(&learner(), SUITE_TIME), Ok(()));
    let late = dated.verify_as(&learner(), SUITE_TIME + Duration::hours(1)).unwrap_err();
    assert!(late.message.starts_with("Signature expired: 20150830T123600Z"), "{}", late.message);
}

#[test]
fn comparison_is_exact() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(!constant_time_eq(b"ABC", b"abc"));
}
