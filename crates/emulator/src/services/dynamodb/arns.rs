//! DynamoDB ARNs: the ones IAM checks, and the ones responses carry.
//!
//! dynoxide plays one region it calls `dynoxide` (`arn:aws:dynamodb:dynoxide:000000000000:table/…`).
//! The emulator keeps a database per region, so each response is rewritten to name the region it
//! was served in and the emulator's account: the learner copies `TableArn` into an IAM policy,
//! and it must be the ARN AWS would print. A request that names its table by ARN, as AWS allows,
//! reaches the engine with the table's name ([`names_for_table_arns`]).

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

/// Where a request names a table by its ARN (`TableName` at the top, or in a transaction's
/// items), AWS accepts it as well as the name; the engine takes only names. An ARN of a table
/// of `region` in the emulator's account becomes the table's name; any other string is left for
/// the engine to judge.
pub fn names_for_table_arns(input: &mut Value, region: &str) {
    let prefix = format!("arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/");
    let to_name = |member: &mut Value| {
        if let Some(name) = member.as_str().and_then(|arn| arn.strip_prefix(prefix.as_str()))
            && !name.is_empty()
            && !name.contains('/')
        {
            *member = Value::String(name.to_string());
        }
    };
    if let Some(table) = input.get_mut("TableName") {
        to_name(table);
    }
    let items = input.get_mut("TransactItems").and_then(Value::as_array_mut);
    for item in items.into_iter().flatten() {
        for request in item.as_object_mut().into_iter().flat_map(|item| item.values_mut()) {
            if let Some(table) = request.get_mut("TableName") {
                to_name(table);
            }
        }
    }
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

    #[test]
    fn a_table_arn_of_the_region_becomes_its_name_and_nothing_else_changes() {
        let mut input = serde_json::json!({
            "TableName": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/customers",
            "TransactItems": [
                {"Put": {"TableName": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/orders"}},
                {"Get": {"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/orders"}},
                {"Get": {"TableName": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/a/index/b"}},
            ],
        });
        names_for_table_arns(&mut input, "ap-northeast-2");
        assert_eq!(input["TableName"], "customers");
        assert_eq!(input["TransactItems"][0]["Put"]["TableName"], "orders");
        let other_region = "arn:aws:dynamodb:us-east-1:000000000000:table/orders";
        assert_eq!(input["TransactItems"][1]["Get"]["TableName"], other_region);
        let index = "arn:aws:dynamodb:ap-northeast-2:000000000000:table/a/index/b";
        assert_eq!(input["TransactItems"][2]["Get"]["TableName"], index);
    }
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
