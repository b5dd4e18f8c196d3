//! Whether statements apply to a request, and the decision over all of them: an applicable
//! `Deny` wins, else an applicable `Allow` allows, else the request is implicitly denied.

use super::conditions::{self, UnsupportedOperator};
use super::document::{Effect, Names, Policy, Principals, Statement};
use super::pattern::{Case, Pattern};
use super::{Decision, Evaluation, Principal, Request, Unsupported};
use serde_json::Value;

/// Evaluates `policies` in order; `principal` is checked against each statement's
/// `Principal`/`NotPrincipal` when given (resource policies), and those elements are ignored
/// when not (identity policies, where IAM does not allow them).
pub(super) fn evaluate_policies(
    policies: &[&Value],
    principal: Option<Principal<'_>>,
    request: &Request<'_>,
) -> Evaluation {
    let mut allowed = false;
    let mut denying_policy = None;
    let mut unsupported_conditions = Vec::new();
    for (policy_index, document) in policies.iter().enumerate() {
        let policy = Policy::read(document);
        for statement in &policy.statements {
            let principal_applies = match principal {
                Some(principal) => principal_matches(statement.principals.as_ref(), principal),
                None => true,
            };
            if !principal_applies {
                continue;
            }
            match statement_applies(statement, policy.variables, request) {
                Ok(false) => {}
                Ok(true) => match statement.effect {
                    Effect::Allow => allowed = true,
                    Effect::Deny => {
                        denying_policy.get_or_insert(policy_index);
                    }
                },
                Err(operators) => {
                    unsupported_conditions.extend(operators.into_iter().map(|operator| {
                        Unsupported { policy: policy_index, statement: statement.index, operator }
                    }))
                }
            }
        }
    }
    let decision = match (denying_policy, allowed) {
        (Some(_), _) => Decision::ExplicitDeny,
        (None, true) => Decision::Allow,
        (None, false) => Decision::ImplicitDeny,
    };
    Evaluation { decision, denying_policy, unsupported_conditions }
}

/// Whether the statement's action, resource and conditions all fit the request. `Err` lists
/// the condition operators the module does not know: the statement then does not apply. They
/// are only looked at once action and resource fit, so only statements that mattered report.
fn statement_applies(
    statement: &Statement,
    variables: bool,
    request: &Request<'_>,
) -> Result<bool, Vec<String>> {
    let action_fits = names_match(&statement.actions, |pattern| {
        Pattern::new(pattern, None).is_some_and(|p| p.matches(request.action, Case::Insensitive))
    });
    let resource_fits = statement.resources.as_ref().is_none_or(|resources| {
        names_match(resources, |pattern| {
            Pattern::new(pattern, variables.then_some(request.context))
                .is_some_and(|p| p.matches_arn(request.resource))
        })
    });
    if !action_fits || !resource_fits {
        return Ok(false);
    }
    let mut unsupported = Vec::new();
    let mut all_hold = true;
    for condition in &statement.conditions {
        match conditions::holds(condition, request.context, variables) {
            Ok(holds) => all_hold &= holds,
            Err(UnsupportedOperator(operator)) => {
                if !unsupported.contains(&operator) {
                    unsupported.push(operator);
                }
            }
        }
    }
    if unsupported.is_empty() { Ok(all_hold) } else { Err(unsupported) }
}

/// `Action`/`Resource`: one of the patterns matches; `NotAction`/`NotResource`: none does.
fn names_match(names: &Names, matches: impl Fn(&str) -> bool) -> bool {
    names.patterns.iter().any(|pattern| matches(pattern)) != names.negated
}

/// A resource policy's statement names whom it is about; one without `Principal` or
/// `NotPrincipal` applies to no one.
fn principal_matches(principals: Option<&Principals>, principal: Principal<'_>) -> bool {
    let Some(principals) = principals else { return false };
    let named = principals.anyone
        || principals.by_type.iter().any(|(kind, names)| {
            names.iter().any(|name| match (kind.as_str(), principal) {
                // `{"AWS": "*"}` is documented as the same as `"*"`.
                ("AWS", _) if name == "*" => true,
                ("AWS", Principal::Aws(caller)) => aws_principal_matches(name, caller),
                ("Service", Principal::Service(service)) => name.eq_ignore_ascii_case(service),
                _ => false,
            })
        });
    named != principals.negated
}

/// An `AWS` principal entry against the caller's ARN. An account (`123456789012` or
/// `arn:aws:iam::123456789012:root`) stands for every principal of that account; a role's ARN
/// also names its sessions (`arn:aws:sts::…:assumed-role/name/session`). There are no
/// wildcards in principal ARNs.
fn aws_principal_matches(entry: &str, caller: &str) -> bool {
    if entry == caller {
        return true;
    }
    let Some(caller_parts) = arn_parts(caller) else { return false };
    let is_account_id = entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit());
    if is_account_id {
        return caller_parts.account == entry;
    }
    let Some(entry_parts) = arn_parts(entry) else { return false };
    if entry_parts.account != caller_parts.account
        || entry_parts.partition != caller_parts.partition
    {
        return false;
    }
    match (entry_parts.service, entry_parts.resource) {
        ("iam", "root") => true,
        ("iam", role) if role.starts_with("role/") => {
            let role_name = role.rsplit('/').next().unwrap_or_default();
            caller_parts.service == "sts"
                && caller_parts
                    .resource
                    .strip_prefix("assumed-role/")
                    .and_then(|session| session.split('/').next())
                    == Some(role_name)
        }
        _ => false,
    }
}

struct ArnParts<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn arn_parts(arn: &str) -> Option<ArnParts<'_>> {
    match arn.splitn(6, ':').collect::<Vec<_>>().as_slice() {
        ["arn", partition, service, _region, account, resource] => {
            Some(ArnParts { partition, service, account, resource })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: &str =
        "arn:aws:sts::000000000000:assumed-role/aws-lab-dynamodb-role/addCustomer";

    #[test]
    fn an_account_names_every_principal_in_it() {
        assert!(aws_principal_matches("000000000000", SESSION));
        assert!(aws_principal_matches("arn:aws:iam::000000000000:root", SESSION));
        assert!(!aws_principal_matches("111111111111", SESSION));
        assert!(!aws_principal_matches("arn:aws:iam::111111111111:root", SESSION));
    }

    #[test]
    fn a_role_names_its_sessions_and_no_other_role() {
        assert!(aws_principal_matches(
            "arn:aws:iam::000000000000:role/aws-lab-dynamodb-role",
            SESSION
        ));
        assert!(aws_principal_matches(
            "arn:aws:iam::000000000000:role/service-role/aws-lab-dynamodb-role",
            SESSION
        ));
        assert!(aws_principal_matches(SESSION, SESSION));
        assert!(!aws_principal_matches("arn:aws:iam::000000000000:role/other-role", SESSION));
        assert!(!aws_principal_matches(
            "arn:aws:iam::111111111111:role/aws-lab-dynamodb-role",
            SESSION
        ));
        assert!(!aws_principal_matches("arn:aws:iam::000000000000:role/*", SESSION));
    }

    #[test]
    fn principals_that_are_not_arns_name_no_one() {
        assert!(!aws_principal_matches("not-an-arn", SESSION));
        assert!(!aws_principal_matches("000000000000", "not-an-arn"));
    }
}
