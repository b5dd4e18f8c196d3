//! DynamoDB actions: create a table (as the console's defaults: on demand unless asked), put an
//! item given as plain JSON, scan.

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use crate::values::{from_attributes, to_attributes};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, Tag,
};
use serde_json::{Value, json};

pub async fn create_table(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let table = params.text("table_name")?;
    let mut keys =
        vec![(params.text("partition_key")?, params.text("partition_key_type")?, KeyType::Hash)];
    if let Some(sort_key) = params.optional_text("sort_key")? {
        keys.push((
            sort_key,
            params.optional_text("sort_key_type")?.unwrap_or("S"),
            KeyType::Range,
        ));
    }
    let billing = params.optional_text("billing_mode")?.unwrap_or("PAY_PER_REQUEST");
    let invalid =
        |message: String| Failure::local("dynamodb", "CreateTable", "ValidationException", message);
    let mut definitions = Vec::new();
    let mut schema = Vec::new();
    for (name, kind, key_type) in &keys {
        let kind = match *kind {
            "S" => ScalarAttributeType::S,
            "N" => ScalarAttributeType::N,
            "B" => ScalarAttributeType::B,
            other => return Err(invalid(format!("a key's type is S, N or B, not {other}"))),
        };
        definitions.push(
            AttributeDefinition::builder()
                .attribute_name(*name)
                .attribute_type(kind)
                .build()
                .map_err(|error| invalid(error.to_string()))?,
        );
        schema.push(
            KeySchemaElement::builder()
                .attribute_name(*name)
                .key_type(key_type.clone())
                .build()
                .map_err(|error| invalid(error.to_string()))?,
        );
    }
    let definitions_json: Vec<Value> = keys
        .iter()
        .map(|(name, kind, _)| json!({ "AttributeName": name, "AttributeType": kind }))
        .collect();
    let schema_json: Vec<Value> = keys
        .iter()
        .map(|(name, _, key_type)| json!({ "AttributeName": name, "KeyType": key_type.as_str() }))
        .collect();
    recorder.call(
        CallBuilder::new("dynamodb", "dynamodb", "CreateTable")
            .text("table-name", table)
            .json("attribute-definitions", &Value::Array(definitions_json))
            .json("key-schema", &Value::Array(schema_json))
            .text("billing-mode", billing),
    );
    let mut request = ctx
        .clients
        .dynamodb
        .create_table()
        .table_name(table)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(schema))
        .billing_mode(BillingMode::from(billing));
    if billing == "PROVISIONED" {
        request = request.provisioned_throughput(
            aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5)
                .build()
                .map_err(|error| invalid(error.to_string()))?,
        );
    }
    for (key, value) in ctx.tags() {
        if let Ok(tag) = Tag::builder().key(key).value(value).build() {
            request = request.tags(tag);
        }
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("dynamodb", "CreateTable", error))?;
    recorder.created("dynamodb.table", table);
    // A new table is CREATING: items can be put in it only once it is ACTIVE.
    crate::settle::table_active(ctx.clients, table).await?;
    let description = answer.table_description();
    Ok(json!({
        "TableName": table,
        "TableArn": description.and_then(|d| d.table_arn()),
        "TableStatus": description.and_then(|d| d.table_status()).map(|s| s.as_str()),
    }))
}

pub async fn put_item(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let table = params.text("table_name")?;
    let item = params.json("item")?;
    let attributes = to_attributes(&item)
        .map_err(|message| Failure::local("dynamodb", "PutItem", "ValidationException", message))?;
    recorder.call(
        CallBuilder::new("dynamodb", "dynamodb", "PutItem")
            .text("table-name", table)
            .json("item", &crate::values::typed_json(&item)),
    );
    ctx.clients
        .dynamodb
        .put_item()
        .table_name(table)
        .set_item(Some(attributes))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("dynamodb", "PutItem", error))?;
    Ok(json!({ "TableName": table, "Item": item }))
}

pub async fn scan(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let table = params.text("table_name")?;
    let limit = params.optional_number("limit")?.map(|limit| limit as i32);
    let mut call = CallBuilder::new("dynamodb", "dynamodb", "Scan").text("table-name", table);
    if let Some(limit) = limit {
        call = call.number("limit", limit);
    }
    recorder.call(call);
    let answer = ctx
        .clients
        .dynamodb
        .scan()
        .table_name(table)
        .set_limit(limit)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("dynamodb", "Scan", error))?;
    let items: Vec<Value> = answer.items().iter().map(from_attributes).collect();
    Ok(json!({ "Count": answer.count(), "Items": items }))
}
