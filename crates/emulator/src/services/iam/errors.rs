//! IAM's errors, with AWS's codes, statuses and words, turned into [`AwsError`] in one
//! exhaustive `match`.
//!
//! Where a message was seen in a recorded AWS response it is written exactly; the few that were
//! not are marked `inferred` below.

use crate::error::AwsError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IamError {
    /// Parameter constraints, one sentence each (see [`super::names::Checks`]).
    Validation(Vec<String>),
    /// A policy ARN that does not parse as an ARN.
    InvalidArn(String),
    /// A permissions boundary that is not a policy ARN (AWS says `InvalidInput` here).
    InvalidBoundaryArn(String),
    /// A `Marker` the emulator did not hand out (inferred wording).
    InvalidMarker,
    Malformed(String),
    NoSuchRole(String),
    NoSuchUser(String),
    NoSuchGroup(String),
    /// An inline policy a role, user or group (`holder`) does not have.
    NoSuchInlinePolicy {
        holder: &'static str,
        name: String,
    },
    /// An access key the user does not have.
    NoSuchAccessKey(String),
    /// Attaching a policy that does not exist.
    PolicyNotAttachable(String),
    /// A permissions boundary that does not exist.
    BoundaryNotAttachable(String),
    PolicyNotFound(String),
    NoSuchPolicyVersion {
        arn: String,
        version: String,
    },
    RoleExists(String),
    UserExists(String),
    GroupExists(String),
    PolicyExists(String),
    HasAttachedPolicies,
    HasInlinePolicies,
    HasAccessKeys,
    /// A user still in a group, or a group that still has users: AWS says the same for both.
    HasGroupMembers,
    /// A third access key for one user.
    AccessKeyQuota,
    /// An operation that defaults to the caller's own user, called by what is not a user.
    NotAUser,
    PolicyAttached,
    PolicyHasVersions,
    DeleteDefaultVersion,
    VersionLimit,
    ManagedPolicySize,
    TrustPolicySize,
    /// A role's, user's or group's inline policies over its quota.
    InlinePolicySize {
        holder: &'static str,
        name: String,
        quota: usize,
    },
    /// More than 50 tags on a resource after a `Tag…` call (inferred wording).
    TagQuota(&'static str),
    /// Two tags whose keys differ only in case; roles add a sentence policies do not.
    DuplicateTags {
        case_hint: bool,
    },
    /// Changing an AWS managed policy.
    OutsideAccount(&'static str),
}

impl From<IamError> for AwsError {
    fn from(error: IamError) -> Self {
        use IamError::*;
        match error {
            Validation(violations) => {
                AwsError::validation(crate::validation::detected(&violations))
            }
            InvalidArn(arn) => AwsError::validation(format!("ARN {arn} is not valid.")),
            InvalidBoundaryArn(arn) => {
                AwsError::sender("InvalidInput", 400, format!("ARN {arn} is not valid."))
            }
            InvalidMarker => AwsError::validation("Invalid Marker."),
            Malformed(message) => AwsError::sender("MalformedPolicyDocument", 400, message),
            NoSuchRole(name) => no_such(format!("The role with name {name} cannot be found.")),
            NoSuchUser(name) => no_such(format!("The user with name {name} cannot be found.")),
            NoSuchGroup(name) => no_such(format!("The group with name {name} cannot be found.")),
            NoSuchInlinePolicy { holder, name } => {
                no_such(format!("The {holder} policy with name {name} cannot be found."))
            }
            NoSuchAccessKey(id) => no_such(format!("The Access Key with id {id} cannot be found.")),
            PolicyNotAttachable(arn) => {
                no_such(format!("Policy {arn} does not exist or is not attachable."))
            }
            BoundaryNotAttachable(arn) => {
                no_such(format!("Scope ARN: {arn} does not exist or is not attachable."))
            }
            PolicyNotFound(arn) => no_such(format!("Policy {arn} was not found.")),
            NoSuchPolicyVersion { arn, version } => no_such(format!(
                "Policy {arn} version {version} does not exist or is not attachable."
            )),
            RoleExists(name) => exists(format!("Role with name {name} already exists.")),
            UserExists(name) => exists(format!("User with name {name} already exists.")),
            GroupExists(name) => exists(format!("Group with name {name} already exists.")),
            PolicyExists(name) => exists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )),
            HasAttachedPolicies => {
                conflict("Cannot delete entity, must detach all policies first.")
            }
            HasInlinePolicies => conflict("Cannot delete entity, must delete policies first."),
            HasAccessKeys => conflict("Cannot delete entity, must delete access keys first."),
            HasGroupMembers => {
                conflict("Cannot delete entity, must remove users from group first.")
            }
            AccessKeyQuota => limit("Cannot exceed quota for AccessKeysPerUser: 2".to_string()),
            NotAUser => {
                AwsError::validation("Must specify userName when calling with non-User credentials")
            }
            PolicyAttached => conflict("Cannot delete a policy attached to entities."),
            PolicyHasVersions => conflict(
                "This policy has more than one version. Before you delete a policy, you must \
                 delete the policy's versions. The default version is deleted with the policy.",
            ),
            DeleteDefaultVersion => conflict("Cannot delete the default version of a policy."),
            VersionLimit => limit(
                "A managed policy can have up to 5 versions. Before you create a new version, you \
                 must delete an existing version."
                    .to_string(),
            ),
            ManagedPolicySize => limit("Cannot exceed quota for PolicySize: 6144".to_string()),
            TrustPolicySize => limit("Cannot exceed quota for ACLSizePerRole: 2048".to_string()),
            InlinePolicySize { holder, name, quota } => {
                limit(format!("Maximum policy size of {quota} bytes exceeded for {holder} {name}"))
            }
            TagQuota(resource) => limit(format!("Cannot exceed quota for TagsPer{resource}: 50")),
            DuplicateTags { case_hint } => AwsError::sender(
                "InvalidInput",
                400,
                if case_hint {
                    "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                } else {
                    "Duplicate tag keys found."
                },
            ),
            OutsideAccount(message) => AwsError::sender("AccessDenied", 403, message),
        }
    }
}

fn no_such(message: String) -> AwsError {
    AwsError::sender("NoSuchEntity", 404, message)
}

fn exists(message: String) -> AwsError {
    AwsError::sender("EntityAlreadyExists", 409, message)
}

fn conflict(message: &str) -> AwsError {
    AwsError::sender("DeleteConflict", 409, message)
}

fn limit(message: String) -> AwsError {
    AwsError::sender("LimitExceeded", 409, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_match_aws() {
        let cases = [
            (IamError::NoSuchRole("r".into()), "NoSuchEntity", 404),
            (IamError::RoleExists("r".into()), "EntityAlreadyExists", 409),
            (IamError::HasAttachedPolicies, "DeleteConflict", 409),
            (IamError::NoSuchUser("u".into()), "NoSuchEntity", 404),
            (IamError::GroupExists("g".into()), "EntityAlreadyExists", 409),
            (IamError::AccessKeyQuota, "LimitExceeded", 409),
            (IamError::NotAUser, "ValidationError", 400),
            (IamError::VersionLimit, "LimitExceeded", 409),
            (IamError::Malformed("x".into()), "MalformedPolicyDocument", 400),
            (IamError::InvalidArn("x".into()), "ValidationError", 400),
            (IamError::DuplicateTags { case_hint: false }, "InvalidInput", 400),
            (IamError::OutsideAccount("x"), "AccessDenied", 403),
        ];
        for (error, code, status) in cases {
            let aws = AwsError::from(error);
            assert_eq!((aws.code.as_str(), aws.status), (code, status));
        }
    }
}
