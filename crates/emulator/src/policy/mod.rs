//! # Policy evaluation: may this role session do this?
//!
//! A call made with a role session's keys is evaluated against the role's identity policies
//! ([`evaluate`]); API Gateway calling a Lambda function is evaluated against the function's
//! resource policy ([`evaluate_resource_policy`]). A refused call gets AWS's exact text from
//! [`access_denied_message`]. Documents are taken as `serde_json::Value` as IAM stores them.
//!
//! ## Layout
//! - `document`: the JSON read into statements (every shorthand of the grammar).
//! - `pattern`: `*`/`?` wildcards, policy variables, ARN segments.
//! - `conditions`: the condition operators and their rules for missing and multivalued keys.
//! - `evaluate`: statements against a request, principals, and Deny/Allow precedence.
//! - `message`: AWS's access-denied text.
//!
//! ## Why not the `iam-rs` crate
//! `iam-rs` 0.8 was tried first (in a scratch project, against the cases of this module's
//! tests). Its precedence, action case rules, `NotAction`/`NotResource`, `…IfExists` and set
//! qualifiers are right, and it tells explicit from implicit deny. It is not used because:
//! - a condition operator it does not know (or any other part it cannot type) fails the
//!   deserialisation of the *whole document*, so one unknown operator in one statement loses
//!   every statement of the policy, Deny ones included, and nothing says which operator;
//! - a document without `Version` is refused, where AWS reads it as `2008-10-17`;
//! - request context values are typed: `Bool` does not match the text `"true"` that a request
//!   context carries, so the caller would have to guess each key's type;
//! - a resource pattern that is not a six-part ARN, or a request resource that is not one
//!   (`*`), makes the whole evaluation an error rather than that pattern a non-match;
//! - an `AWS` principal given as an account matches only the account's root ARN, not the
//!   principals of the account, and a role's ARN does not match its sessions: both are needed
//!   for Lambda's resource policies;
//! - it is a pre-1.0 crate with one listed author whose README asks to pin the exact version
//!   as it "has not been externally verified", and it brings `chrono` next to our `time`.
//!
//! This module needs no dependency beyond `serde_json` and `time`, which the crate has.
//!
//! ## Not here
//! Permissions boundaries, session policies, SCPs/RCPs and cross-account rules (the emulator
//! has one account); `NotPrincipal` is read but only `AWS` and `Service` principals are known.
//! Condition operators outside the families listed in `conditions` make their statement not
//! apply and are reported in [`Evaluation::unsupported_conditions`] (never a panic).

mod conditions;
mod document;
mod evaluate;
mod message;
mod pattern;

pub use message::{Denial, access_denied_message};

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The request context: condition keys (`aws:SourceArn`, `aws:PrincipalArn`,
/// `aws:CurrentTime`, `aws:SecureTransport`, `aws:username`, …) and their values as text; a
/// multivalued key (`aws:TagKeys`) has several. Key names are matched without regard to case.
pub type Context = BTreeMap<String, Vec<String>>;

/// What a caller asks to do.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Operation`, e.g. `dynamodb:PutItem`.
    pub action: &'a str,
    /// The ARN of the resource acted on; `*` for actions without one.
    pub resource: &'a str,
    pub context: &'a Context,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// An applicable `Deny` statement: no `Allow` can override it.
    ExplicitDeny,
    /// No applicable `Allow` statement.
    ImplicitDeny,
}

/// The outcome of evaluating a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// For [`Decision::ExplicitDeny`], the index (in the slice given to [`evaluate`]) of the
    /// first policy whose `Deny` applied, so the caller can name it in the message.
    pub denying_policy: Option<usize>,
    /// Condition operators the module does not support, in statements whose action and
    /// resource fit the request; each such statement was treated as not applying.
    pub unsupported_conditions: Vec<Unsupported>,
}

/// A condition operator the module does not support, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// Index of the policy in the slice evaluated (0 for a resource policy).
    pub policy: usize,
    /// Index of the statement in the policy's `Statement` list.
    pub statement: usize,
    pub operator: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "condition operator {:?} (statement {} of policy {}) is not supported by the \
             emulator; the statement was treated as not applying",
            self.operator, self.statement, self.policy
        )
    }
}

/// Who calls, as a resource policy's `Principal` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// A service, e.g. `apigateway.amazonaws.com`.
    Service(&'a str),
    /// An IAM identity by ARN: a role session (`arn:aws:sts::…:assumed-role/role/session`), a
    /// role, a user, or an account's root.
    // Only the tests call as an IAM identity yet (the emulator has no cross-account callers).
    #[allow(dead_code)]
    Aws(&'a str),
}

/// Evaluates a request against a role's identity policies (inline and attached alike). Any
/// applicable `Deny` wins; otherwise an applicable `Allow` allows; otherwise the request is
/// implicitly denied. `Principal` elements are ignored (IAM does not allow them here).
pub fn evaluate(identity_policies: &[&Value], request: &Request<'_>) -> Evaluation {
    evaluate::evaluate_policies(identity_policies, None, request)
}

/// Evaluates a request against a resource policy (a Lambda function's `AddPermission`
/// statements): as [`evaluate`], and each statement must also name `principal`. An account
/// principal names every identity of the account; a role names its sessions.
pub fn evaluate_resource_policy(
    policy: &Value,
    principal: Principal<'_>,
    request: &Request<'_>,
) -> Evaluation {
    evaluate::evaluate_policies(&[policy], Some(principal), request)
}

#[cfg(test)]
mod tests;
