//! The text of AWS's access-denied errors for identity-based policies and permissions
//! boundaries.
//!
//! AWS's format (IAM User Guide, "Troubleshoot access denied error messages", and the AWS
//! Security Blog post "Enhanced access denied error messages with policy ARNs"):
//!
//! ```text
//! User: <caller ARN> is not authorized to perform: <action> on resource: <resource> because no identity-based policy allows the <action> action
//! User: <caller ARN> is not authorized to perform: <action> on resource: <resource> with an explicit deny in an identity-based policy
//! User: <caller ARN> is not authorized to perform: <action> on resource: <resource> with an explicit deny in an identity-based policy: <policy ARN>
//! ```
//!
//! The policy's ARN is added (same-account requests) when the denying policy is a managed
//! policy; an inline policy has no ARN to give. There is no trailing period. A permissions
//! boundary that does not allow, or denies, is named by its type the same way ("because no
//! permissions boundary allows the <action> action", "with an explicit deny in a permissions
//! boundary"); whether AWS adds the boundary's ARN too is not documented, so it is left out.

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial<'a> {
    /// No identity-based policy allows the action ([`super::Decision::ImplicitDeny`]).
    NoAllow,
    /// A `Deny` statement applied ([`super::Decision::ExplicitDeny`]); `policy_arn` names the
    /// managed policy it came from, `None` for an inline policy.
    ExplicitDeny { policy_arn: Option<&'a str> },
    /// The identity-based policies allow it, the caller's permissions boundary does not.
    BoundaryNoAllow,
    /// A `Deny` statement of the caller's permissions boundary applied.
    BoundaryExplicitDeny,
}

/// AWS's message for a refused request. An empty `resource` leaves out `on resource: …`, as AWS
/// does for actions that have no resource.
pub fn access_denied_message(
    caller_arn: &str,
    action: &str,
    resource: &str,
    denial: Denial<'_>,
) -> String {
    let mut message = format!("User: {caller_arn} is not authorized to perform: {action}");
    if !resource.is_empty() {
        message.push_str(" on resource: ");
        message.push_str(resource);
    }
    match denial {
        Denial::NoAllow => {
            message.push_str(" because no identity-based policy allows the ");
            message.push_str(action);
            message.push_str(" action");
        }
        Denial::ExplicitDeny { policy_arn } => {
            message.push_str(" with an explicit deny in an identity-based policy");
            if let Some(policy_arn) = policy_arn {
                message.push_str(": ");
                message.push_str(policy_arn);
            }
        }
        Denial::BoundaryNoAllow => {
            message.push_str(" because no permissions boundary allows the ");
            message.push_str(action);
            message.push_str(" action");
        }
        Denial::BoundaryExplicitDeny => {
            message.push_str(" with an explicit deny in a permissions boundary");
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: &str = "arn:aws:sts::000000000000:assumed-role/aws-lab-dynamodb-role/addCustomer";
    const TABLE: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/customers";

    #[test]
    fn implicit_deny_names_the_missing_allow() {
        assert_eq!(
            access_denied_message(CALLER, "dynamodb:PutItem", TABLE, Denial::NoAllow),
            "User: arn:aws:sts::000000000000:assumed-role/aws-lab-dynamodb-role/addCustomer \
             is not authorized to perform: dynamodb:PutItem on resource: \
             arn:aws:dynamodb:us-east-1:000000000000:table/customers because no identity-based \
             policy allows the dynamodb:PutItem action"
        );
    }

    #[test]
    fn explicit_deny_names_the_policy_type_and_the_managed_policy_when_known() {
        let inline = Denial::ExplicitDeny { policy_arn: None };
        assert_eq!(
            access_denied_message(CALLER, "dynamodb:PutItem", TABLE, inline),
            "User: arn:aws:sts::000000000000:assumed-role/aws-lab-dynamodb-role/addCustomer \
             is not authorized to perform: dynamodb:PutItem on resource: \
             arn:aws:dynamodb:us-east-1:000000000000:table/customers with an explicit deny in \
             an identity-based policy"
        );
        let managed =
            Denial::ExplicitDeny { policy_arn: Some("arn:aws:iam::000000000000:policy/NoWrites") };
        assert!(access_denied_message(CALLER, "dynamodb:PutItem", TABLE, managed).ends_with(
            "table/customers with an explicit deny in an identity-based policy: \
                 arn:aws:iam::000000000000:policy/NoWrites"
        ));
    }

    #[test]
    fn a_permissions_boundary_is_named_as_the_policy_type_that_refused() {
        let end = |denial| access_denied_message(CALLER, "dynamodb:PutItem", TABLE, denial);
        assert!(end(Denial::BoundaryNoAllow).ends_with(
            "table/customers because no permissions boundary allows the dynamodb:PutItem action"
        ));
        assert!(
            end(Denial::BoundaryExplicitDeny)
                .ends_with("table/customers with an explicit deny in a permissions boundary")
        );
    }

    #[test]
    fn an_action_without_a_resource_leaves_out_on_resource() {
        assert_eq!(
            // The IAM User Guide's own example.
            access_denied_message(
                "arn:aws:iam::777788889999:user/MaryMajor",
                "codecommit:ListRepositories",
                "",
                Denial::NoAllow
            ),
            "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: \
             codecommit:ListRepositories because no identity-based policy allows the \
             codecommit:ListRepositories action"
        );
    }
}
