//! SigV4 signature checks, behind `EmulatorConfig::verify_signatures` (off by default), except
//! for IAM users' keys, whose signatures are always checked.
//!
//! What can be checked depends on whose key signed the request:
//!
//! - **Keys the emulator issued** (STS `AssumeRole` sessions, Lambda workers, and IAM users'
//!   keys from `CreateAccessKey`): the emulator knows the secret, so the signature is
//!   recomputed and must match, as on AWS. A session's token must be the one issued with its
//!   key. A user's key is checked on every request, whatever `verify_signatures` says: the
//!   learner made it to be used as on AWS, and a wrong secret should fail as it would there.
//! - **The learner's keys** (any key the emulator did not issue): the emulator never sees their
//!   secret, so their signature *cannot* be checked, and by design (DESIGN.md §4) they are the
//!   account's administrator. What does not need the secret is still checked: the request time
//!   is present and within 15 minutes of now, `host` is signed, and the credential scope's date
//!   is the request time's date.
//!
//! The expected signature comes from `aws-sigv4`, the signer the Rust SDK itself uses: the
//! received method, path, query, the values of the headers the client says it signed, and the
//! SHA-256 of the received body are signed again with the session's secret at the request's own
//! time, and the two signatures are compared in constant time. The payload hash is always taken
//! from the body received, never from an `x-amz-content-sha256` header, so a body changed in
//! transit cannot ride on the hash of the original.
//!
//! Presigned requests (`X-Amz-Signature` in the query) are checked the same way. As on AWS
//! outside S3, `X-Amz-Expires` is not honoured: the 15-minute window applies.
//!
//! Not here: S3's single-encoded paths, `UNSIGNED-PAYLOAD` and chunked signing (the emulator has
//! no S3); SigV4a; requests signed with a `Date` header and no `x-amz-date`, whose time is
//! checked but whose signature `aws-sigv4` cannot reproduce (it always signs `x-amz-date`), so a
//! role session signing that way is refused.

use crate::error::AwsError;
use crate::identity::{Caller, CredentialScope};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// How far a request's time may be from the emulator's, either way (AWS's SigV4 window).
const ALLOWED_SKEW: Duration = Duration::minutes(15);

/// `20240501T120000Z`: ISO 8601 basic format, as `x-amz-date` carries it.
const BASIC_FORMAT: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// `Wed, 01 May 2024 12:00:00 GMT`: the HTTP `Date` header, which AWS accepts instead.
const HTTP_DATE_FORMAT: &[FormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// The query parameters of a presigned request that the signer adds itself.
const PRESIGN_PARAMETERS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

const MISMATCH: &str = "The request signature we calculated does not match the signature you \
                        provided. Check your AWS Secret Access Key and signing method. Consult \
                        the service documentation for details.";

/// A received request, as far as its signature covers it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as received, still percent-encoded.
    pub path: &'a str,
    /// The query as received, without `?`.
    pub query: Option<&'a str>,
    /// Names in lower case, in the order received; a name may repeat.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, value)| *value)
    }

    fn query_parameter(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query?.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
}

/// Where the signature travels, and what it says.
struct Signature {
    location: SignatureLocation,
    signed_headers: Vec<String>,
    signature: String,
    /// The request time as the client wrote it, and parsed.
    stamp: String,
    time: OffsetDateTime,
    /// `X-Amz-Expires` of a presigned request (the signer needs it to rebuild the query).
    expires: Option<u64>,
}

/// Checks a request's signature as `caller`, whose key signed it under `scope`, at `now`.
pub fn verify(
    request: &SignedRequest<'_>,
    scope: &CredentialScope,
    caller: &Caller,
    now: OffsetDateTime,
) -> Result<(), AwsError> {
    let signature = read_signature(request, scope, now)?;
    match caller {
        // The learner's secret never reaches the emulator: nothing more can be checked, and the
        // learner is the account's administrator by design.
        Caller::Root { .. } => Ok(()),
        Caller::RoleSession(session) => {
            let token = session_token(request, &signature);
            let expected = session.session_token.as_bytes();
            if !token.as_ref().is_some_and(|token| constant_time_eq(token.as_bytes(), expected)) {
                return Err(AwsError::sender(
                    "InvalidClientTokenId",
                    403,
                    "The security token included in the request is invalid.",
                ));
            }
            check_signature(request, scope, &signature, &session.secret_key, token)
        }
        // A user's long-term key has no session token; one the client sent anyway is signed
        // with the rest and recomputed as sent.
        Caller::User(user) => {
            let token = session_token(request, &signature);
            check_signature(request, scope, &signature, &user.secret_key, token)
        }
    }
}

/// Reads the signature and checks what needs no secret: the request time, that `host` is
/// signed, and the credential scope's date.
fn read_signature(
    request: &SignedRequest<'_>,
    scope: &CredentialScope,
    now: OffsetDateTime,
) -> Result<Signature, AwsError> {
    let signature = match request.header("authorization") {
        Some(authorization) => from_authorization_header(request, authorization)?,
        None => from_query(request)?,
    };
    check_time(&signature, now)?;
    if !signature.signed_headers.iter().any(|name| name == "host") {
        return Err(mismatch(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let date = compact_date(signature.time);
    if scope.date != date {
        return Err(mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '{}' != '{date}', from '{}'.",
            scope.date, signature.stamp
        )));
    }
    Ok(signature)
}

fn session_token(request: &SignedRequest<'_>, signature: &Signature) -> Option<String> {
    match signature.location {
        SignatureLocation::QueryParams => request.query_parameter("X-Amz-Security-Token"),
        _ => request.header("x-amz-security-token").map(str::to_string),
    }
}

/// Recomputes the signature with `secret` and compares it with the one the request carries.
fn check_signature(
    request: &SignedRequest<'_>,
    scope: &CredentialScope,
    signature: &Signature,
    secret: &str,
    token: Option<String>,
) -> Result<(), AwsError> {
    let expected = expected_signature(request, scope, signature, secret, token)?;
    if constant_time_eq(expected.as_bytes(), signature.signature.as_bytes()) {
        Ok(())
    } else {
        Err(mismatch(MISMATCH))
    }
}

/// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. The credential
/// itself was read (and its absence refused) by `identity::credential_scope`.
fn from_authorization_header(
    request: &SignedRequest<'_>,
    authorization: &str,
) -> Result<Signature, AwsError> {
    let algorithm = authorization.split_whitespace().next().unwrap_or_default();
    let parameter = |name: &str| {
        authorization
            .get(algorithm.len()..)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
    };
    let signed_headers = parameter("SignedHeaders");
    let signature = parameter("Signature");
    let stamp = request.header("x-amz-date").or_else(|| request.header("date"));
    let mut missing = String::new();
    if signature.is_none() {
        missing.push_str("Authorization header requires 'Signature' parameter. ");
    }
    if signed_headers.is_none() {
        missing.push_str("Authorization header requires 'SignedHeaders' parameter. ");
    }
    if stamp.is_none() {
        missing.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    let (Some(signed_headers), Some(signature), Some(stamp)) = (signed_headers, signature, stamp)
    else {
        return Err(incomplete(format!("{missing}Authorization={algorithm}")));
    };
    let time = match request.header("x-amz-date") {
        Some(stamp) => parse_basic(stamp)?,
        // The emulator's wording: AWS's text for a malformed `Date` header is not documented.
        None => PrimitiveDateTime::parse(stamp, HTTP_DATE_FORMAT)
            .map(PrimitiveDateTime::assume_utc)
            .map_err(|_| incomplete(format!("Date must be in RFC 1123 format. Got '{stamp}'.")))?,
    };
    Ok(Signature {
        location: SignatureLocation::Headers,
        signed_headers: split_signed_headers(signed_headers),
        signature: signature.to_string(),
        stamp: stamp.to_string(),
        time,
        expires: None,
    })
}

/// A presigned request: `X-Amz-Algorithm`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
/// `X-Amz-Signature` (and `X-Amz-Expires`) in the query.
fn from_query(request: &SignedRequest<'_>) -> Result<Signature, AwsError> {
    let parameter = |name: &str| {
        request.query_parameter(name).ok_or_else(|| {
            incomplete(format!(
                "AWS query-string parameters must include '{name}'. Re-examine the \
                 query-string parameters."
            ))
        })
    };
    let algorithm = parameter("X-Amz-Algorithm")?;
    if algorithm != "AWS4-HMAC-SHA256" {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). "
        )));
    }
    let stamp = parameter("X-Amz-Date")?;
    let signed_headers = parameter("X-Amz-SignedHeaders")?;
    let signature = parameter("X-Amz-Signature")?;
    Ok(Signature {
        location: SignatureLocation::QueryParams,
        signed_headers: split_signed_headers(&signed_headers),
        signature,
        time: parse_basic(&stamp)?,
        stamp,
        expires: request.query_parameter("X-Amz-Expires").and_then(|value| value.parse().ok()),
    })
}

fn split_signed_headers(list: &str) -> Vec<String> {
    list.split(';').map(|name| name.trim().to_ascii_lowercase()).collect()
}

fn parse_basic(stamp: &str) -> Result<OffsetDateTime, AwsError> {
    PrimitiveDateTime::parse(stamp, BASIC_FORMAT).map(PrimitiveDateTime::assume_utc).map_err(|_| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{stamp}'. See \
             http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })
}

/// AWS refuses a request signed more than 15 minutes before or after its own clock.
fn check_time(signature: &Signature, now: OffsetDateTime) -> Result<(), AwsError> {
    let (earliest, latest) = (now - ALLOWED_SKEW, now + ALLOWED_SKEW);
    let minutes = ALLOWED_SKEW.whole_minutes();
    if signature.time < earliest {
        return Err(mismatch(format!(
            "Signature expired: {} is now earlier than {} ({} - {minutes} min.)",
            basic(signature.time),
            basic(earliest),
            basic(now)
        )));
    }
    if signature.time > latest {
        return Err(mismatch(format!(
            "Signature not yet current: {} is still later than {} ({} + {minutes} min.)",
            basic(signature.time),
            basic(latest),
            basic(now)
        )));
    }
    Ok(())
}

/// The signature `aws-sigv4` gives the request as received, signed with `secret`.
fn expected_signature(
    request: &SignedRequest<'_>,
    scope: &CredentialScope,
    signature: &Signature,
    secret: &str,
    token: Option<String>,
) -> Result<String, AwsError> {
    let signed = |name: &str| signature.signed_headers.iter().any(|signed| signed == name);
    // Only the headers the client signed, so the signer signs exactly those (it adds `host` from
    // the URI only when the header is missing, and `x-amz-date` from the time given).
    let headers = request.headers.iter().copied().filter(|(name, _)| signed(name));
    let query = request.query.map(|query| match signature.location {
        // The signer adds the presigning parameters itself, from the settings below.
        SignatureLocation::QueryParams => query
            .split('&')
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or_default();
                !PRESIGN_PARAMETERS.contains(&key)
            })
            .collect::<Vec<_>>()
            .join("&"),
        _ => query.to_string(),
    });
    let uri = match query.as_deref() {
        Some(query) if !query.is_empty() => format!("http://localhost{}?{query}", request.path),
        _ => format!("http://localhost{}", request.path),
    };

    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    settings.signature_location = signature.location;
    settings.expires_in = signature.expires.map(std::time::Duration::from_secs);
    settings.session_token_mode = match signature.location {
        SignatureLocation::Headers if !signed("x-amz-security-token") => SessionTokenMode::Exclude,
        _ => SessionTokenMode::Include,
    };
    if signature.location == SignatureLocation::QueryParams && settings.expires_in.is_none() {
        // The signer cannot rebuild a presigned query without `X-Amz-Expires`.
        return Err(mismatch(MISMATCH));
    }
    let identity =
        Credentials::new(&scope.access_key, secret, token, None, "awslab-emulator").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&scope.region)
        .name(&scope.service)
        .time(signature.time.into())
        .settings(settings)
        .build()
        .map_err(|_| mismatch(MISMATCH))?
        .into();
    let signable =
        SignableRequest::new(request.method, uri, headers, SignableBody::Bytes(request.body))
            .map_err(|_| mismatch(MISMATCH))?;
    let output = sign(signable, &params).map_err(|_| mismatch(MISMATCH))?;
    Ok(output.signature().to_string())
}

/// Compares without stopping at the first difference, so the time taken tells nothing about how
/// much of a guessed signature (or token) was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn basic(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(BASIC_FORMAT).unwrap_or_default()
}

fn compact_date(at: OffsetDateTime) -> String {
    basic(at).get(..8).unwrap_or_default().to_string()
}

/// `SignatureDoesNotMatch` (403) as query services name it; JSON services answer
/// `InvalidSignatureException` (400), see `AwsError::for_json_protocol`.
fn mismatch(message: impl Into<String>) -> AwsError {
    AwsError::sender("SignatureDoesNotMatch", 403, message)
}

fn incomplete(message: impl Into<String>) -> AwsError {
    AwsError::sender("IncompleteSignature", 400, message)
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
