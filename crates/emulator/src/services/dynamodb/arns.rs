//! DynamoDB ARNs: the ones IAM checks, and the ones responses carry.
//!
//! dynoxide plays one region it calls `dynoxide` (`arn:aws:dynamodb:dynoxide:000000000000:table/…`).
//! The emulator keeps a database per region, so each response is rewritten to name the region it
//! was served in and the emulator's account: the learner copies `TableArn` into an IAM policy,
//! and it must be the ARN AWS would print. Requests need no rewriting: dynoxide reads only the
//! resource part of an ARN it is given.

use crate::config::ACCOUNT_ID;
use dynoxide::streams::{LOCAL_ACCOUNT, LOCAL_REGION};
use serde_json::Value;

/// `arn:aws:dynamodb:{region}:{account}:table/{name}`.
pub fn table(region: &str, table: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{table}")
}

/// `arn:aws:dynamodb:{region}:{account}:table/{name}/index/{index}`.
pub fn index(region: &str, table: &str, index: &str) -> String {
    format!("{}/index/{index}", self::table(region, table))
}

/// Global tables are named without a region: `arn:aws:dynamodb::{account}:global-table/{name}`.
pub fn global_table(name: &str) -> String {
    format!("arn:aws:dynamodb::{ACCOUNT_ID}:global-table/{name}")
}

/// Rewrites every ARN dynoxide wrote into `output` to name `region` and the emulator's account.
///
/// Only string values of members whose name ends in `Arn` are touched (`TableArn`, `IndexArn`,
/// `LatestStreamArn`, `StreamArn`, `KMSMasterKeyArn`, `LastEvaluatedStreamArn`, …). Item data
/// never matches: every value in an item is an object (`{"S": "…"}`), never a bare string.
pub fn localise(output: &mut Value, region: &str) {
    match output {
        Value::Object(members) => {
            for (name, value) in members.iter_mut() {
                match value {
                    Value::String(arn) if name.ends_with("Arn") => {
                        if let Some(rewritten) = localised(arn, region) {
                            *arn = rewritten;
                        }
                    }
                    other => localise(other, region),
                }
            }
        }
        Value::Array(values) => values.iter_mut().for_each(|value| localise(value, region)),
        _ => {}
    }
}

/// `arn:aws:{service}:dynoxide:000000000000:{resource}` → `arn:aws:{service}:{region}:{account}:{resource}`.
fn localised(arn: &str, region: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (
        Some("arn"),
        Some(partition),
        Some(service),
        Some(LOCAL_REGION),
        Some(LOCAL_ACCOUNT),
        Some(resource),
    ) = (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(format!("arn:{partition}:{service}:{region}:{ACCOUNT_ID}:{resource}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_the_arns_iam_policies_name() {
        assert_eq!(
            table("ap-northeast-2", "customers"),
            format!("arn:aws:dynamodb:ap-northeast-2:{ACCOUNT_ID}:table/customers")
        );
        assert_eq!(
            index("us-east-1", "customers", "by-email"),
            format!("arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/customers/index/by-email")
        );
        assert_eq!(global_table("g"), format!("arn:aws:dynamodb::{ACCOUNT_ID}:global-table/g"));
    }

    #[test]
    fn response_arns_name_the_region_and_item_data_is_left_alone() {
        let local =
            |resource: &str| format!("arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{resource}");
        let mut output = json!({
            "TableDescription": {
                "TableArn": local("table/customers"),
                "LatestStreamArn": local("table/customers/stream/2024-05-01T00:00:00.000"),
                "GlobalSecondaryIndexes": [{"IndexName": "i", "IndexArn": local("table/customers/index/i")}],
                "SSEDescription": {"KMSMasterKeyArn": format!("arn:aws:kms:{LOCAL_REGION}:{LOCAL_ACCOUNT}:key/k")},
            },
            "Item": {"TableArn": {"S": local("table/customers")}},
            "OtherArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/x",
        });
        localise(&mut output, "ap-northeast-2");
        let ours =
            |resource: &str| format!("arn:aws:dynamodb:ap-northeast-2:{ACCOUNT_ID}:{resource}");
        let table = &output["TableDescription"];
        assert_eq!(table["TableArn"], ours("table/customers"));
        assert_eq!(
            table["LatestStreamArn"],
            ours("table/customers/stream/2024-05-01T00:00:00.000")
        );
        assert_eq!(table["GlobalSecondaryIndexes"][0]["IndexArn"], ours("table/customers/index/i"));
        assert_eq!(
            table["SSEDescription"]["KMSMasterKeyArn"],
            format!("arn:aws:kms:ap-northeast-2:{ACCOUNT_ID}:key/k")
        );
        assert_eq!(output["Item"]["TableArn"]["S"], local("table/customers"));
        assert_eq!(output["OtherArn"], "arn:aws:dynamodb:eu-west-1:123456789012:table/x");
    }
}
