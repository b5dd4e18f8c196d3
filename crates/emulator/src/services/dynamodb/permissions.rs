//! What IAM must allow for a DynamoDB request: `(action, resource ARN)` pairs, as the Service
//! Authorization Reference for Amazon DynamoDB lists them.
//!
//! - Most operations are `dynamodb:<Operation>` on the table they name (`TableName`, or an ARN
//!   given in its place); Query and Scan of an index are on the index's ARN.
//! - Batch operations need their action on every table in `RequestItems`.
//! - There are no `TransactWriteItems` / `TransactGetItems` actions: each item needs the action of
//!   its kind (`PutItem`, `UpdateItem`, `DeleteItem`, `ConditionCheckItem`, `GetItem`) on its table.
//! - PartiQL needs `dynamodb:PartiQLSelect` / `Insert` / `Update` / `Delete` on the table (or
//!   index) each statement names. A statement this module cannot read needs its action on every
//!   table of the region: reading less than the engine would be a way around a policy.
//! - Operations that name no resource (`ListTables`, `DescribeLimits`, the `List…` of backups,
//!   exports, imports, global tables, contributor insights, streams) are checked against `*`,
//!   which for `ListTables` AWS prints as `arn:aws:dynamodb:{region}:{account}:table/*`.
//! - `DescribeEndpoints` needs no permission.
//!
//! A request missing the member that names its resource yields nothing here: the engine refuses
//! it with DynamoDB's validation error, which AWS also reports before authorising.

use super::arns;
use serde_json::Value;

/// The `(action, resource)` pairs IAM must allow before `operation` runs with `input` in
/// `region`, without duplicates, in the order the request names them.
pub(crate) fn required_permissions(
    operation: &str,
    input: &Value,
    region: &str,
) -> Vec<(String, String)> {
    let action = |name: &str| format!("dynamodb:{name}");
    let table_arn = |name: &str| {
        if name.starts_with("arn:") { name.to_string() } else { arns::table(region, name) }
    };
    let string = |member: &str| input.get(member).and_then(Value::as_str);
    let mut permissions: Vec<(String, String)> = Vec::new();
    match operation {
        "DescribeEndpoints" => {}
        "ListTables" | "DescribeLimits" => {
            permissions.push((action(operation), arns::table(region, "*")));
        }
        "ListBackups"
        | "ListContributorInsights"
        | "ListExports"
        | "ListGlobalTables"
        | "ListImports"
        | "ListStreams" => permissions.push((action(operation), "*".to_string())),
        "Query" | "Scan" => {
            if let Some(table) = string("TableName") {
                let resource = match string("IndexName") {
                    Some(index) if !table.starts_with("arn:") => arns::index(region, table, index),
                    Some(index) => format!("{table}/index/{index}"),
                    None => table_arn(table),
                };
                permissions.push((action(operation), resource));
            }
        }
        "BatchGetItem" | "BatchWriteItem" => {
            if let Some(tables) = input.get("RequestItems").and_then(Value::as_object) {
                for table in tables.keys() {
                    permissions.push((action(operation), table_arn(table)));
                }
            }
        }
        "TransactWriteItems" | "TransactGetItems" => {
            for item in input.get("TransactItems").and_then(Value::as_array).into_iter().flatten() {
                let Some(members) = item.as_object() else { continue };
                for (kind, request) in members {
                    let item_action = match kind.as_str() {
                        "Put" => "PutItem",
                        "Update" => "UpdateItem",
                        "Delete" => "DeleteItem",
                        "ConditionCheck" => "ConditionCheckItem",
                        "Get" => "GetItem",
                        _ => continue,
                    };
                    if let Some(table) = request.get("TableName").and_then(Value::as_str) {
                        permissions.push((action(item_action), table_arn(table)));
                    }
                }
            }
        }
        "ExecuteStatement" => {
            if let Some(statement) = string("Statement") {
                permissions.push(partiql(statement, region));
            }
        }
        "BatchExecuteStatement" | "ExecuteTransaction" => {
            let list = if operation == "BatchExecuteStatement" {
                "Statements"
            } else {
                "TransactStatements"
            };
            for entry in input.get(list).and_then(Value::as_array).into_iter().flatten() {
                if let Some(statement) = entry.get("Statement").and_then(Value::as_str) {
                    permissions.push(partiql(statement, region));
                }
            }
        }
        "CreateGlobalTable"
        | "DescribeGlobalTable"
        | "DescribeGlobalTableSettings"
        | "UpdateGlobalTable"
        | "UpdateGlobalTableSettings" => {
            if let Some(name) = string("GlobalTableName") {
                permissions.push((action(operation), arns::global_table(name)));
            }
        }
        "ImportTable" => {
            let table = input
                .get("TableCreationParameters")
                .and_then(|parameters| parameters.get("TableName"))
                .and_then(Value::as_str);
            if let Some(table) = table {
                permissions.push((action(operation), table_arn(table)));
            }
        }
        "RestoreTableToPointInTime" => {
            let source = string("SourceTableArn")
                .map(str::to_string)
                .or_else(|| string("SourceTableName").map(table_arn));
            if let Some(source) = source {
                permissions.push((action(operation), source));
            }
        }
        _ => {
            // The member that names the resource, most specific first.
            let named =
                ["ResourceArn", "StreamArn", "BackupArn", "ExportArn", "ImportArn", "TableArn"]
                    .iter()
                    .find_map(|member| string(member))
                    .map(str::to_string);
            let resource = named.or_else(|| {
                let table = string("TableName")?;
                Some(match string("IndexName") {
                    Some(index) if !table.starts_with("arn:") => arns::index(region, table, index),
                    _ => table_arn(table),
                })
            });
            if let Some(resource) = resource {
                permissions.push((action(operation), resource));
            }
        }
    }
    let mut unique = Vec::with_capacity(permissions.len());
    for permission in permissions {
        if !unique.contains(&permission) {
            unique.push(permission);
        }
    }
    unique
}

/// The action and resource of one PartiQL statement:
/// `SELECT … FROM "table"[."index"]`, `INSERT INTO "table"`, `UPDATE "table"`,
/// `DELETE FROM "table"`. Identifiers may be quoted (`"…"`) or bare.
fn partiql(statement: &str, region: &str) -> (String, String) {
    let tokens = partiql_tokens(statement);
    let keyword = |index: usize, word: &str| {
        tokens
            .get(index)
            .is_some_and(|token| matches!(token, Token::Word(w) if w.eq_ignore_ascii_case(word)))
    };
    let (action, table_at) = if keyword(0, "SELECT") {
        let from = (1..tokens.len()).find(|&index| keyword(index, "FROM"));
        ("PartiQLSelect", from.map(|index| index + 1))
    } else if keyword(0, "INSERT") && keyword(1, "INTO") {
        ("PartiQLInsert", Some(2))
    } else if keyword(0, "UPDATE") {
        ("PartiQLUpdate", Some(1))
    } else if keyword(0, "DELETE") && keyword(1, "FROM") {
        ("PartiQLDelete", Some(2))
    } else {
        // Not a statement this reads: the engine will say what is wrong with it, and until
        // then it takes a grant on every table to get there.
        ("PartiQLSelect", None)
    };
    let identifier = |index: usize| match tokens.get(index) {
        Some(Token::Quoted(name) | Token::Word(name)) => Some(name.as_str()),
        _ => None,
    };
    let resource = match table_at.and_then(|at| identifier(at).map(|table| (at, table))) {
        Some((at, table)) => match (tokens.get(at + 1), identifier(at + 2)) {
            (Some(Token::Dot), Some(index)) if action == "PartiQLSelect" => {
                arns::index(region, table, index)
            }
            _ => arns::table(region, table),
        },
        None => arns::table(region, "*"),
    };
    (format!("dynamodb:{action}"), resource)
}

#[derive(Debug, PartialEq)]
enum Token {
    /// A bare word: a keyword or an unquoted identifier.
    Word(String),
    /// A `"quoted"` identifier (`""` inside is one `"`).
    Quoted(String),
    Dot,
    /// Anything else: literals, operators, parameters.
    Other,
}

/// Splits a statement into the tokens that matter for finding its table. String literals
/// (`'…'`) and Ion literals (`` `…` ``) are skipped whole so that a `FROM` inside them is not
/// taken for the keyword.
fn partiql_tokens(statement: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '.' => tokens.push(Token::Dot),
            '"' => {
                let mut name = String::new();
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    name.push(c);
                }
                tokens.push(Token::Quoted(name));
            }
            '\'' | '`' => {
                let close = c;
                while let Some(c) = chars.next() {
                    if c == close {
                        if chars.peek() == Some(&close) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                tokens.push(Token::Other);
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if !(next.is_alphanumeric() || next == '_' || next == '-') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
            _ => tokens.push(Token::Other),
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ACCOUNT_ID;
    use serde_json::json;

    const REGION: &str = "ap-northeast-2";

    fn arn(resource: &str) -> String {
        format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:{resource}")
    }

    fn pairs(expected: &[(&str, String)]) -> Vec<(String, String)> {
        expected.iter().map(|(action, resource)| (action.to_string(), resource.clone())).collect()
    }

    fn required(operation: &str, input: Value) -> Vec<(String, String)> {
        required_permissions(operation, &input, REGION)
    }

    #[test]
    fn item_and_table_operations_name_their_table() {
        for operation in [
            "PutItem",
            "GetItem",
            "UpdateItem",
            "DeleteItem",
            "CreateTable",
            "DescribeTable",
            "DeleteTable",
            "UpdateTimeToLive",
            "DescribeContinuousBackups",
        ] {
            assert_eq!(
                required(operation, json!({"TableName": "customers"})),
                pairs(&[(&format!("dynamodb:{operation}"), arn("table/customers"))]),
                "{operation}"
            );
        }
        let by_arn = arn("table/customers");
        assert_eq!(
            required("GetItem", json!({"TableName": by_arn})),
            pairs(&[("dynamodb:GetItem", by_arn.clone())])
        );
        assert!(required("PutItem", json!({"Item": {}})).is_empty());
        assert!(required("PutItem", json!({"TableName": 7})).is_empty());
    }

    #[test]
    fn queries_of_an_index_are_on_the_index() {
        assert_eq!(
            required("Query", json!({"TableName": "customers", "IndexName": "by-email"})),
            pairs(&[("dynamodb:Query", arn("table/customers/index/by-email"))])
        );
        assert_eq!(
            required("Scan", json!({"TableName": "customers"})),
            pairs(&[("dynamodb:Scan", arn("table/customers"))])
        );
    }

    #[test]
    fn listing_is_on_every_table() {
        assert_eq!(
            required("ListTables", json!({})),
            pairs(&[("dynamodb:ListTables", arn("table/*"))])
        );
        assert_eq!(
            required("ListBackups", json!({})),
            pairs(&[("dynamodb:ListBackups", "*".into())])
        );
        assert!(required("DescribeEndpoints", json!({})).is_empty());
    }

    #[test]
    fn batches_need_their_action_on_each_table() {
        let input = json!({"RequestItems": {"customers": [], "orders": []}});
        assert_eq!(
            required("BatchWriteItem", input),
            pairs(&[
                ("dynamodb:BatchWriteItem", arn("table/customers")),
                ("dynamodb:BatchWriteItem", arn("table/orders")),
            ])
        );
        assert_eq!(
            required("BatchGetItem", json!({"RequestItems": {"customers": {}}})),
            pairs(&[("dynamodb:BatchGetItem", arn("table/customers"))])
        );
    }

    #[test]
    fn transactions_need_each_item_action_once() {
        let input = json!({"TransactItems": [
            {"Put": {"TableName": "customers", "Item": {}}},
            {"Update": {"TableName": "orders", "Key": {}}},
            {"ConditionCheck": {"TableName": "customers", "Key": {}}},
            {"Delete": {"TableName": "orders", "Key": {}}},
            {"Put": {"TableName": "customers", "Item": {}}},
        ]});
        assert_eq!(
            required("TransactWriteItems", input),
            pairs(&[
                ("dynamodb:PutItem", arn("table/customers")),
                ("dynamodb:UpdateItem", arn("table/orders")),
                ("dynamodb:ConditionCheckItem", arn("table/customers")),
                ("dynamodb:DeleteItem", arn("table/orders")),
            ])
        );
        let input = json!({"TransactItems": [{"Get": {"TableName": "customers", "Key": {}}}]});
        assert_eq!(
            required("TransactGetItems", input),
            pairs(&[("dynamodb:GetItem", arn("table/customers"))])
        );
    }

    #[test]
    fn partiql_statements_need_the_partiql_action_on_their_table() {
        let statement = |text: &str| required("ExecuteStatement", json!({"Statement": text}));
        assert_eq!(
            statement(r#"SELECT * FROM "customers" WHERE customer_id = ?"#),
            pairs(&[("dynamodb:PartiQLSelect", arn("table/customers"))])
        );
        assert_eq!(
            statement(r#"select name from "customers"."by-email" where email = 'a FROM b'"#),
            pairs(&[("dynamodb:PartiQLSelect", arn("table/customers/index/by-email"))])
        );
        assert_eq!(
            statement("INSERT INTO customers VALUE {'customer_id': '1230AWS'}"),
            pairs(&[("dynamodb:PartiQLInsert", arn("table/customers"))])
        );
        assert_eq!(
            statement(r#"UPDATE "customers" SET age = 26 WHERE customer_id = '1230AWS'"#),
            pairs(&[("dynamodb:PartiQLUpdate", arn("table/customers"))])
        );
        assert_eq!(
            statement(r#"DELETE FROM "cus""tomers" WHERE customer_id = '1'"#),
            pairs(&[("dynamodb:PartiQLDelete", arn("table/cus\"tomers"))])
        );
        assert_eq!(
            statement("EXPLAIN something"),
            pairs(&[("dynamodb:PartiQLSelect", arn("table/*"))])
        );
        let input = json!({"TransactStatements": [
            {"Statement": "INSERT INTO \"orders\" VALUE {'id': '1'}"},
            {"Statement": "UPDATE \"customers\" SET n = 1 WHERE customer_id = '1'"},
        ]});
        assert_eq!(
            required("ExecuteTransaction", input),
            pairs(&[
                ("dynamodb:PartiQLInsert", arn("table/orders")),
                ("dynamodb:PartiQLUpdate", arn("table/customers")),
            ])
        );
        let input = json!({"Statements": [{"Statement": "SELECT * FROM orders"}]});
        assert_eq!(
            required("BatchExecuteStatement", input),
            pairs(&[("dynamodb:PartiQLSelect", arn("table/orders"))])
        );
    }

    #[test]
    fn other_resources_are_named_by_their_arn() {
        let table = arn("table/customers");
        assert_eq!(
            required("TagResource", json!({"ResourceArn": table, "Tags": []})),
            pairs(&[("dynamodb:TagResource", table.clone())])
        );
        let backup = arn("table/customers/backup/01700000000000-abcdefgh");
        assert_eq!(
            required("DeleteBackup", json!({"BackupArn": backup})),
            pairs(&[("dynamodb:DeleteBackup", backup.clone())])
        );
        assert_eq!(
            required("CreateGlobalTable", json!({"GlobalTableName": "g"})),
            pairs(&[(
                "dynamodb:CreateGlobalTable",
                format!("arn:aws:dynamodb::{ACCOUNT_ID}:global-table/g")
            )])
        );
        assert_eq!(
            required("ImportTable", json!({"TableCreationParameters": {"TableName": "customers"}})),
            pairs(&[("dynamodb:ImportTable", table.clone())])
        );
        assert_eq!(
            required("ExportTableToPointInTime", json!({"TableArn": table, "S3Bucket": "b"})),
            pairs(&[("dynamodb:ExportTableToPointInTime", table.clone())])
        );
    }
}
