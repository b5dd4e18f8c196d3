//! DynamoDB checks: a table's description, and one item (by its key, as plain JSON).

use super::{Selector, absent_or};
use crate::clients::Clients;
use crate::failure::Failure;
use crate::values::{from_attributes, to_attributes};
use serde_json::{Value, json};

pub async fn table(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let table = match clients.dynamodb.describe_table().table_name(name).send().await {
        Ok(answer) => answer.table,
        Err(error) => return absent_or(Failure::from_sdk("dynamodb", "DescribeTable", error)),
    };
    let Some(table) = table else { return Ok(None) };
    let keys: Vec<Value> = table
        .key_schema()
        .iter()
        .map(|key| json!({ "AttributeName": key.attribute_name(), "KeyType": key.key_type().as_str() }))
        .collect();
    let definitions: Vec<Value> = table
        .attribute_definitions()
        .iter()
        .map(|d| json!({ "AttributeName": d.attribute_name(), "AttributeType": d.attribute_type().as_str() }))
        .collect();
    let mut out = json!({
        "TableName": table.table_name(),
        "TableStatus": table.table_status().map(|s| s.as_str()),
        "KeySchema": keys,
        "AttributeDefinitions": definitions,
        "ItemCount": table.item_count(),
    });
    if let Some(billing) = table.billing_mode_summary().and_then(|b| b.billing_mode()) {
        out["BillingModeSummary"] = json!({ "BillingMode": billing.as_str() });
    }
    if let Some(throughput) = table.provisioned_throughput() {
        out["ProvisionedThroughput"] = json!({
            "ReadCapacityUnits": throughput.read_capacity_units(),
            "WriteCapacityUnits": throughput.write_capacity_units(),
        });
    }
    Ok(Some(out))
}

pub async fn item(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let table = selector.text("table")?;
    let key = selector.value("key").cloned().unwrap_or(Value::Null);
    let key = to_attributes(&key)
        .map_err(|message| Failure::local("dynamodb", "GetItem", "ValidationException", message))?;
    let answer = match clients.dynamodb.get_item().table_name(table).set_key(Some(key)).send().await
    {
        Ok(answer) => answer,
        Err(error) => return absent_or(Failure::from_sdk("dynamodb", "GetItem", error)),
    };
    Ok(answer.item().map(from_attributes))
}

/// Deletes the item a check's request wrote (`{ "table": …, "key": { … } }`, checked when the lab
/// was loaded). Best effort: if the function never wrote it, or the table is gone, there is
/// nothing to tidy, and a refusal here must not change the check's verdict.
pub async fn delete_scratch_item(clients: &Clients, scratch: &Value) {
    let (Some(table), Some(key)) = (scratch["table"].as_str(), scratch.get("key")) else {
        return;
    };
    let Ok(key) = to_attributes(key) else { return };
    let _ = clients.dynamodb.delete_item().table_name(table).set_key(Some(key)).send().await;
}
