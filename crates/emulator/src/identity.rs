//! Who is calling: the SigV4 credential scope of a request, and the identity behind its key.
//!
//! Three kinds of key, looked up in this order ([`caller`]):
//! - keys issued by STS `AssumeRole` or to Lambda workers are **sessions of a role** (kept in
//!   [`Sessions`], in memory), and what they may do is decided by that role's policies;
//! - keys made by IAM `CreateAccessKey` belong to an **IAM user** (kept with the user in IAM's
//!   saved state): an `Active` one acts as that user, decided by the user's policies and its
//!   groups'; an `Inactive` one is refused as AWS refuses it;
//! - any other key belongs to the learner, who acts as the administrator (root) of the
//!   emulator's one account. A key IAM made and then deleted is no longer known to IAM, but the
//!   emulator remembers having made it, so it is refused rather than taken for the learner's.
//!
//! Not here: checking the signature ([`crate::signature`]), and what a caller may do
//! (`services::authorize`).

use crate::config::ACCOUNT_ID;
use crate::error::AwsError;
use std::collections::HashMap;
use time::OffsetDateTime;

/// What the `Authorization` header (or presigned query) says about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    pub access_key: String,
    /// `20240501`.
    pub date: String,
    pub region: String,
    /// The signing name: `iam`, `sts`, `dynamodb`, `monitoring`, `execute-api`, …
    pub service: String,
}

/// Reads the credential scope from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, …`
/// or from a presigned URL's `X-Amz-Credential`.
pub fn credential_scope(
    authorization: Option<&str>,
    query_credential: Option<&str>,
) -> Result<CredentialScope, AwsError> {
    let credential = match (authorization, query_credential) {
        (Some(header), _) => {
            let rest = header.trim().strip_prefix("AWS4-HMAC-SHA256").ok_or_else(|| {
                AwsError::sender(
                    "IncompleteSignature",
                    400,
                    "Authorization header requires the AWS4-HMAC-SHA256 algorithm",
                )
            })?;
            rest.split(',')
                .map(str::trim)
                .find_map(|part| part.strip_prefix("Credential="))
                .ok_or_else(|| {
                    AwsError::sender(
                        "IncompleteSignature",
                        400,
                        "Authorization header requires 'Credential' parameter.",
                    )
                })?
                .to_string()
        }
        (None, Some(credential)) => credential.to_string(),
        (None, None) => return Err(AwsError::missing_authentication()),
    };
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [key, date, region, service, "aws4_request"] if !key.is_empty() => Ok(CredentialScope {
            access_key: key.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
        }),
        _ => Err(AwsError::sender(
            "IncompleteSignature",
            400,
            format!(
                "Credential should be scoped to a valid region, service and terminal \
                 'aws4_request'. Got '{credential}'"
            ),
        )),
    }
}

/// The identity a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The learner: the account's administrator.
    Root { account: String },
    /// A session of a role, from STS or a Lambda worker.
    RoleSession(RoleSession),
    /// An IAM user, by one of its access keys.
    User(UserKey),
}

impl Caller {
    pub fn account(&self) -> &str {
        match self {
            Caller::Root { account } => account,
            Caller::RoleSession(session) => &session.account,
            Caller::User(user) => &user.account,
        }
    }

    /// The ARN `GetCallerIdentity` reports, and access-denied messages name.
    pub fn arn(&self) -> String {
        match self {
            Caller::Root { account } => format!("arn:aws:iam::{account}:root"),
            Caller::RoleSession(session) => format!(
                "arn:aws:sts::{}:assumed-role/{}/{}",
                session.account, session.role_name, session.session_name
            ),
            Caller::User(user) => user.arn.clone(),
        }
    }

    /// The `UserId` `GetCallerIdentity` reports.
    pub fn user_id(&self) -> String {
        match self {
            Caller::Root { account } => account.clone(),
            Caller::RoleSession(session) => {
                format!("{}:{}", session.role_id, session.session_name)
            }
            Caller::User(user) => user.user_id.clone(),
        }
    }

    /// Whether this is the learner, who may do anything: every other caller is checked against
    /// its policies.
    pub fn is_root(&self) -> bool {
        matches!(self, Caller::Root { .. })
    }
}

/// An IAM user's long-term access key, as a request signed with it acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserKey {
    pub account: String,
    pub user_name: String,
    /// `AIDA…`.
    pub user_id: String,
    /// `arn:aws:iam::ACCOUNT:user{path}{name}`, path included.
    pub arn: String,
    pub access_key: String,
    pub secret_key: String,
}

/// What IAM knows of an access key it made ([`IamState::access_key`](crate::services::iam::IamState::access_key)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedKey {
    Active(UserKey),
    Inactive,
    Deleted,
}

/// AWS's answer to a key it does not accept (an inactive or deleted user key). Query services
/// say it this way; JSON and REST services call it `UnrecognizedClientException` (see
/// [`AwsError::for_json_protocol`]).
pub fn invalid_key() -> AwsError {
    AwsError::sender(
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    )
}

/// The identity behind an access key at `now`: a role session, an IAM user, or the learner.
pub fn caller(
    sessions: &Sessions,
    iam: &crate::services::iam::IamState,
    access_key: &str,
    now: OffsetDateTime,
) -> Result<Caller, AwsError> {
    if let Some(session) = sessions.session(access_key, now)? {
        return Ok(Caller::RoleSession(session));
    }
    match iam.access_key(access_key) {
        Some(IssuedKey::Active(user)) => Ok(Caller::User(user)),
        Some(IssuedKey::Inactive | IssuedKey::Deleted) => Err(invalid_key()),
        None => Ok(Caller::Root { account: ACCOUNT_ID.to_string() }),
    }
}

/// A role session: temporary keys issued by the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    pub account: String,
    pub role_name: String,
    pub role_arn: String,
    /// The role's unique id (`AROA…`).
    pub role_id: String,
    pub session_name: String,
    pub access_key: String,
    pub secret_key: String,
    pub session_token: String,
    pub expires: OffsetDateTime,
}

/// Temporary keys the emulator issued, by access key.
#[derive(Debug, Default)]
pub struct Sessions {
    by_access_key: HashMap<String, RoleSession>,
}

impl Sessions {
    /// Forgets every issued key (a reset or a restored snapshot).
    pub fn clear(&mut self) {
        self.by_access_key.clear();
    }

    pub fn insert(&mut self, session: RoleSession) {
        self.by_access_key.insert(session.access_key.clone(), session);
    }

    /// The role session behind an access key, if the emulator issued it. A key issued but
    /// expired is refused as AWS refuses it.
    pub fn session(
        &self,
        access_key: &str,
        now: OffsetDateTime,
    ) -> Result<Option<RoleSession>, AwsError> {
        match self.by_access_key.get(access_key) {
            Some(session) if session.expires <= now => Err(AwsError::sender(
                "ExpiredToken",
                400,
                "The security token included in the request is expired",
            )),
            Some(session) => Ok(Some(session.clone())),
            None => Ok(None),
        }
    }

    /// The identity behind an access key, as far as sessions tell: a role session, or else the
    /// learner (IAM users' keys are [`caller`]'s to find).
    pub fn caller(&self, access_key: &str, now: OffsetDateTime) -> Result<Caller, AwsError> {
        Ok(match self.session(access_key, now)? {
            Some(session) => Caller::RoleSession(session),
            None => Caller::Root { account: ACCOUNT_ID.to_string() },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/ap-northeast-2/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

    #[test]
    fn reads_key_region_and_service_from_the_header() {
        let scope = credential_scope(Some(HEADER), None).unwrap();
        assert_eq!(scope.access_key, "AKIDEXAMPLE");
        assert_eq!(scope.region, "ap-northeast-2");
        assert_eq!(scope.service, "iam");
        assert_eq!(scope.date, "20240501");
    }

    #[test]
    fn missing_and_malformed_signatures_are_aws_errors() {
        assert_eq!(credential_scope(None, None).unwrap_err().code, "MissingAuthenticationToken");
        let error = credential_scope(Some("Basic abc"), None).unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("IncompleteSignature", 400));
        let error = credential_scope(Some("AWS4-HMAC-SHA256 Credential=AKID/20240501/iam"), None)
            .unwrap_err();
        assert!(error.message.contains("Got 'AKID/20240501/iam'"), "{}", error.message);
    }

    #[test]
    fn unknown_keys_are_the_learner_as_root() {
        let sessions = Sessions::default();
        let caller = sessions.caller("AKIASTUDENT", OffsetDateTime::now_utc()).unwrap();
        assert_eq!(caller.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:root"));
        assert_eq!(caller.user_id(), ACCOUNT_ID);
    }

    #[test]
    fn issued_keys_are_role_sessions_until_they_expire() {
        let now = OffsetDateTime::now_utc();
        let mut sessions = Sessions::default();
        sessions.insert(RoleSession {
            account: ACCOUNT_ID.into(),
            role_name: "aws-lab-dynamodb-role".into(),
            role_arn: format!("arn:aws:iam::{ACCOUNT_ID}:role/aws-lab-dynamodb-role"),
            role_id: "AROAEXAMPLE".into(),
            session_name: "addCustomer".into(),
            access_key: "ASIAEXAMPLE".into(),
            secret_key: "secret".into(),
            session_token: "token".into(),
            expires: now + time::Duration::hours(1),
        });
        let caller = sessions.caller("ASIAEXAMPLE", now).unwrap();
        assert_eq!(
            caller.arn(),
            format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/aws-lab-dynamodb-role/addCustomer")
        );
        assert_eq!(caller.user_id(), "AROAEXAMPLE:addCustomer");
        let later = now + time::Duration::hours(2);
        assert_eq!(sessions.caller("ASIAEXAMPLE", later).unwrap_err().code, "ExpiredToken");
    }
}
