//! The AWS managed policies the labs use, as AWS serves them: ids, dates, default versions,
//! descriptions and documents.
//!
//! Ids, dates and versions are those `aws iam list-policies --scope AWS` reported in March 2026;
//! documents are the default versions' as `get-policy-version` returned them at that time
//! (statement keys in the order AWS's reference pages print them). AWS revises some of these
//! policies now and then; the emulator keeps one version of each (the default), so
//! `ListPolicyVersions` shows only that one. Large policies the labs never use
//! (`ReadOnlyAccess` and the like) are left out.

/// One AWS managed policy.
#[derive(Debug)]
pub struct AwsManagedPolicy {
    pub name: &'static str,
    pub path: &'static str,
    pub policy_id: &'static str,
    pub description: &'static str,
    pub default_version_id: &'static str,
    pub create_date: &'static str,
    pub update_date: &'static str,
    pub document: &'static str,
}

impl AwsManagedPolicy {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

macro_rules! managed {
    ($name:literal, $path:literal, $id:literal, $version:literal, $created:literal, $updated:literal, $description:literal) => {
        AwsManagedPolicy {
            name: $name,
            path: $path,
            policy_id: $id,
            description: $description,
            default_version_id: $version,
            create_date: $created,
            update_date: $updated,
            document: include_str!(concat!("managed/", $name, ".json")),
        }
    };
}

pub static AWS_MANAGED_POLICIES: &[AwsManagedPolicy] = &[
    managed!(
        "AWSLambdaBasicExecutionRole",
        "/service-role/",
        "ANPAJNCQGXC42545SKXIK",
        "v1",
        "2015-04-09T15:03:43Z",
        "2015-04-09T15:03:43Z",
        "Provides write permissions to CloudWatch Logs."
    ),
    managed!(
        "AWSLambdaDynamoDBExecutionRole",
        "/service-role/",
        "ANPAIP7WNAGMIPYNW4WQG",
        "v1",
        "2015-04-09T15:09:29Z",
        "2015-04-09T15:09:29Z",
        "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs."
    ),
    managed!(
        "AWSLambdaRole",
        "/service-role/",
        "ANPAJX4DPCRGTC4NFDUXI",
        "v1",
        "2015-02-06T18:41:28Z",
        "2015-02-06T18:41:28Z",
        "Default policy for AWS Lambda service role."
    ),
    managed!(
        "AWSLambda_FullAccess",
        "/",
        "ANPAZKAPJZG4OXQPYWZ5D",
        "v7",
        "2020-11-17T21:14:08Z",
        "2026-02-12T18:00:51Z",
        "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services."
    ),
    managed!(
        "AmazonDynamoDBFullAccess",
        "/",
        "ANPAINUGF2JSOSUY76KYA",
        "v15",
        "2015-02-06T18:40:11Z",
        "2021-01-29T17:38:30Z",
        "Provides full access to Amazon DynamoDB via the AWS Management Console."
    ),
    managed!(
        "AmazonDynamoDBReadOnlyAccess",
        "/",
        "ANPAIY2XFNA232XJ6J7X2",
        "v15",
        "2015-02-06T18:40:12Z",
        "2024-11-18T17:38:15Z",
        "Provides read only access to Amazon DynamoDB via the AWS Management Console."
    ),
    managed!(
        "AmazonAPIGatewayInvokeFullAccess",
        "/",
        "ANPAIIWAX2NOOQJ4AIEQ6",
        "v2",
        "2015-07-09T17:36:12Z",
        "2018-12-18T18:25:10Z",
        "Provides full access to invoke APIs in Amazon API Gateway."
    ),
    managed!(
        "AmazonAPIGatewayPushToCloudWatchLogs",
        "/service-role/",
        "ANPAIK4GFO7HLKYN64ASK",
        "v1",
        "2015-11-11T23:41:46Z",
        "2015-11-11T23:41:46Z",
        "Allows API Gateway to push logs to user's account."
    ),
    managed!(
        "CloudWatchLogsFullAccess",
        "/",
        "ANPAJ3ZGNWK2R5HW5BQFO",
        "v8",
        "2015-02-06T18:40:02Z",
        "2026-02-12T18:00:33Z",
        "Provides full access to CloudWatch Logs"
    ),
    managed!(
        "AdministratorAccess",
        "/",
        "ANPAIWMBCKSKIEE64ZLYK",
        "v1",
        "2015-02-06T18:39:46Z",
        "2015-02-06T18:39:46Z",
        "Provides full access to AWS services and resources."
    ),
];

/// The AWS managed policy an ARN names.
pub fn find(arn: &str) -> Option<&'static AwsManagedPolicy> {
    let rest = arn.strip_prefix("arn:aws:iam::aws:policy")?;
    AWS_MANAGED_POLICIES.iter().find(|p| rest.strip_prefix(p.path) == Some(p.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::iam::documents::check_identity_policy;

    #[test]
    fn every_managed_policy_is_valid_and_findable() {
        for policy in AWS_MANAGED_POLICIES {
            assert_eq!(check_identity_policy(policy.document), Ok(()), "{}", policy.name);
            assert_eq!(find(&policy.arn()).map(|p| p.name), Some(policy.name));
            assert_eq!(policy.policy_id.len(), 21);
        }
        assert!(find("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").is_none());
        assert_eq!(
            AWS_MANAGED_POLICIES[0].arn(),
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
    }
}
