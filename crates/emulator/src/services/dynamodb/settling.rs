//! Tables keep AWS's time (issue 16): under [`Timing::Aws`](crate::Timing::Aws) a new table is
//! `CREATING` for [`Delay::TableCreating`] and a deleted one `DELETING` for
//! [`Delay::TableDeleting`], and what a caller sees meanwhile is what DynamoDB answers:
//!
//! - `CreateTable` answers `CREATING` (the engine already words it so); until the table
//!   settles, `DescribeTable` answers that same description, `ListTables` lists it, and every
//!   item operation on it (PartiQL, batches and transactions included) is
//!   `ResourceNotFoundException` "Requested resource not found", as a table that is not ready is
//!   reported by real DynamoDB (ExtendDB/extenddb#204, checked against us-east-1; dynalite's
//!   `getTable` answers the same).
//! - `DeleteTable` answers `DELETING` and the engine drops the table at once; until the
//!   deletion settles, `DescribeTable` answers that `DELETING` description, `ListTables` still
//!   lists it (as dynalite, whose tests ran against DynamoDB, does), a second `DeleteTable`
//!   answers it again ("If table is already in the DELETING state, no error is returned", the
//!   DeleteTable API reference), item operations are `ResourceNotFoundException` (the reference
//!   says DynamoDB "might continue to accept" them: the engine no longer has the items), and
//!   then the table is gone.
//! - `CreateTable`, `UpdateTable` and `DeleteTable` of a `CREATING` table, and `CreateTable` and
//!   `UpdateTable` of a `DELETING` one, answer `ResourceInUseException` "Attempt to change a
//!   resource which is still in use: Table is being created: NAME" (or "… being deleted:
//!   NAME"), the wording real DynamoDB gave in vdesabou/kafka-docker-playground#8703 (DeleteTable),
//!   terraform-aws-modules/terraform-aws-dynamodb-table#51 (CreateTable),
//!   hashicorp/terraform-provider-aws#3355 and Wantworthy/dynode#26 (a table being deleted).
//!   Such a request is refused before the engine validates it, which AWS may do the other way
//!   round.
//!
//! Nothing ticks: each table in transition is kept with the moment it settles on the emulator's
//! clock, and entries whose moment has passed are dropped whenever the region is looked at.
//! The overlay is held in memory only: the emulator's clock starts afresh at each launch (its
//! advances are not saved), so a saved moment would mean nothing after a restart, and a
//! restarted emulator treats every table as settled: a `CREATING` one is `ACTIVE` (the engine
//! has it), a `DELETING` one is gone (the engine dropped it). Resets and snapshot restores
//! likewise settle everything; a lab's reset frees the names of its tables.
//!
//! Not modelled: `UPDATING` after `UpdateTable`, a stream's `ENABLING`, and tags, time to live
//! and streams of a `CREATING` table, which the engine serves as if it were `ACTIVE`.

use super::{ITEM_OPERATIONS, call, engine, permissions};
use crate::clock::Millis;
use crate::error::AwsError;
use crate::state::lock;
use crate::timing::{Clockwork, Delay};
use dynoxide::Database;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// The tables of every region that have not settled yet, by region and table name.
#[derive(Debug, Default)]
pub struct Settling {
    regions: Mutex<HashMap<String, HashMap<String, Transition>>>,
}

/// A table between two states, and the description DynamoDB gives of it meanwhile.
#[derive(Debug, Clone)]
enum Transition {
    /// In the engine already, `CREATING` until `until`: `description` is CreateTable's answer.
    Creating { until: Millis, description: Value },
    /// Dropped from the engine already, `DELETING` until `until`: `description` is DeleteTable's
    /// answer. `lab` is its `awslab:lab` tag, so that the lab's reset frees its name at once.
    Deleting { until: Millis, description: Value, lab: Option<String> },
}

impl Transition {
    fn until(&self) -> Millis {
        match self {
            Transition::Creating { until, .. } | Transition::Deleting { until, .. } => *until,
        }
    }

    fn description(&self) -> &Value {
        match self {
            Transition::Creating { description, .. } | Transition::Deleting { description, .. } => {
                description
            }
        }
    }

    /// What a change to the table answers meanwhile.
    fn refusal(&self, table: &str) -> AwsError {
        let doing = match self {
            Transition::Creating { .. } => "created",
            Transition::Deleting { .. } => "deleted",
        };
        AwsError::sender(
            "ResourceInUseException",
            400,
            format!(
                "Attempt to change a resource which is still in use: Table is being {doing}: {table}"
            ),
        )
    }
}

/// What an item operation on a table that is not `ACTIVE` answers.
fn not_found() -> AwsError {
    AwsError::sender("ResourceNotFoundException", 400, "Requested resource not found")
}

impl Settling {
    /// Runs `work` on `region`'s tables in transition, once those settled by `now` are dropped.
    fn in_region<R>(
        &self,
        region: &str,
        now: Millis,
        work: impl FnOnce(&mut HashMap<String, Transition>) -> R,
    ) -> R {
        let mut regions = lock(&self.regions);
        let tables = regions.entry(region.to_string()).or_default();
        tables.retain(|_, transition| transition.until() > now);
        let result = work(tables);
        // A region with nothing in transition is not kept: the region comes from the request.
        if tables.is_empty() {
            regions.remove(region);
        }
        result
    }

    fn transition(&self, region: &str, table: &str, now: Millis) -> Option<Transition> {
        self.in_region(region, now, |tables| tables.get(table).cloned())
    }

    /// Whether any table of `region` is still `CREATING` or `DELETING` at `now`.
    pub fn any_in(&self, region: &str, now: Millis) -> bool {
        self.in_region(region, now, |tables| !tables.is_empty())
    }

    /// Forgets `table` of `region` (the lab's reset deleted it).
    pub fn forget(&self, region: &str, table: &str) {
        if let Some(tables) = lock(&self.regions).get_mut(region) {
            tables.remove(table);
        }
    }

    /// Forgets the tables being deleted that were tagged `awslab:lab` = `lab`.
    pub fn forget_lab(&self, lab: &str) {
        for tables in lock(&self.regions).values_mut() {
            tables.retain(|_, transition| {
                !matches!(transition, Transition::Deleting { lab: Some(of), .. } if of == lab)
            });
        }
    }

    /// Settles every table at once (a reset, a snapshot's restore).
    pub fn clear(&self) {
        lock(&self.regions).clear();
    }

    /// Serves `operation` on `database`, the engine of `region`, at `now` as AWS would, tables
    /// taking `clockwork`'s time to be created and deleted.
    pub fn serve(
        &self,
        clockwork: &Clockwork,
        database: &Database,
        region: &str,
        now: Millis,
        operation: &str,
        input: Value,
    ) -> Result<Value, AwsError> {
        match operation {
            "CreateTable" | "UpdateTable" | "DeleteTable" => {
                self.change(clockwork, database, region, now, operation, input)
            }
            "DescribeTable" => {
                let transition =
                    named_table(&input).and_then(|table| self.transition(region, &table, now));
                match transition {
                    Some(transition) => Ok(json!({ "Table": transition.description() })),
                    None => call(database, region, operation, input),
                }
            }
            "ListTables" => self.list(database, region, now, input),
            _ if ITEM_OPERATIONS.contains(&operation) => {
                let touched = tables_touched(operation, &input, region);
                let unsettled = self.in_region(region, now, |tables| {
                    touched.iter().any(|table| tables.contains_key(table))
                });
                if unsettled {
                    return Err(not_found());
                }
                call(database, region, operation, input)
            }
            _ => call(database, region, operation, input),
        }
    }

    /// CreateTable, UpdateTable and DeleteTable: refused while the table is in transition, and
    /// the start of one when CreateTable or DeleteTable succeeds. The region stays locked from
    /// the check to the record, so two changes to one table cannot both pass the check.
    fn change(
        &self,
        clockwork: &Clockwork,
        database: &Database,
        region: &str,
        now: Millis,
        operation: &str,
        input: Value,
    ) -> Result<Value, AwsError> {
        // Without a name the engine answers DynamoDB's validation error.
        let Some(table) = named_table(&input) else {
            return call(database, region, operation, input);
        };
        self.in_region(region, now, |tables| {
            match tables.get(&table) {
                // "If table is already in the DELETING state, no error is returned."
                Some(Transition::Deleting { description, .. }) if operation == "DeleteTable" => {
                    return Ok(json!({ "TableDescription": description }));
                }
                Some(transition) => return Err(transition.refusal(&table)),
                None => {}
            }
            let lab = if operation == "DeleteTable" {
                super::lifecycle::lab_of(database, region, &table)
            } else {
                None
            };
            let output = call(database, region, operation, input)?;
            let subject = format!("{region}/{table}");
            let description = output["TableDescription"].clone();
            let transition = match operation {
                "CreateTable" => Transition::Creating {
                    until: clockwork.settles(Delay::TableCreating, &subject, now),
                    description,
                },
                "DeleteTable" => Transition::Deleting {
                    until: clockwork.settles(Delay::TableDeleting, &subject, now),
                    description,
                    lab,
                },
                _ => return Ok(output),
            };
            if transition.until() > now {
                tables.insert(table, transition);
            }
            Ok(output)
        })
    }

    /// ListTables: the engine's tables and those still being deleted, one page of them.
    fn list(
        &self,
        database: &Database,
        region: &str,
        now: Millis,
        input: Value,
    ) -> Result<Value, AwsError> {
        let deleting: Vec<String> = self.in_region(region, now, |tables| {
            (tables.iter())
                .filter(|(_, transition)| matches!(transition, Transition::Deleting { .. }))
                .map(|(table, _)| table.clone())
                .collect()
        });
        if deleting.is_empty() {
            return call(database, region, "ListTables", input);
        }
        // The engine checks `Limit` and `ExclusiveStartTableName` as DynamoDB does.
        call(database, region, "ListTables", input.clone())?;
        let mut names = engine::table_names(database)?;
        names.extend(deleting);
        Ok(page(names, &input))
    }
}

/// One page of ListTables over `names`, as the engine pages its own: names in byte order after
/// `ExclusiveStartTableName`, at most `Limit` (100 by default), and `LastEvaluatedTableName`
/// only when more follow.
fn page(mut names: Vec<String>, input: &Value) -> Value {
    names.sort();
    names.dedup();
    let start = input.get("ExclusiveStartTableName").and_then(Value::as_str);
    let limit = input.get("Limit").and_then(Value::as_i64).unwrap_or(100).clamp(1, 100);
    let limit = usize::try_from(limit).unwrap_or(100);
    let after: Vec<String> =
        names.into_iter().filter(|name| start.is_none_or(|start| name.as_str() > start)).collect();
    let more = after.len() > limit;
    let page: Vec<String> = after.into_iter().take(limit).collect();
    let mut output = json!({ "TableNames": page });
    if more && let Some(last) = page.last() {
        output["LastEvaluatedTableName"] = json!(last);
    }
    output
}

/// The table a control-plane request names in `TableName`, by name or by ARN.
fn named_table(input: &Value) -> Option<String> {
    let named = input.get("TableName").and_then(Value::as_str)?;
    if named.starts_with("arn:") { table_of(named) } else { Some(named.to_string()) }
}

/// `customers` of `arn:aws:dynamodb:REGION:ACCOUNT:table/customers[/index/…]`. The engine reads
/// only the resource part of an ARN, whatever its region, and so does this.
fn table_of(arn: &str) -> Option<String> {
    let (_, resource) = arn.split_once(":table/")?;
    let table = resource.split('/').next().unwrap_or(resource);
    Some(table.to_string()).filter(|table| !table.is_empty() && table != "*")
}

/// Every table an item operation reads or writes: the tables IAM would check it against.
fn tables_touched(operation: &str, input: &Value, region: &str) -> Vec<String> {
    permissions::required_permissions(operation, input, region)
        .into_iter()
        .filter_map(|(_, resource)| table_of(&resource))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_by_name_or_by_arn() {
        let arn = "arn:aws:dynamodb:ap-northeast-2:000000000000:table/customers";
        assert_eq!(named_table(&json!({"TableName": "customers"})).as_deref(), Some("customers"));
        assert_eq!(named_table(&json!({"TableName": arn})).as_deref(), Some("customers"));
        assert_eq!(named_table(&json!({"TableName": 7})), None);
        assert_eq!(table_of(&format!("{arn}/index/by-email")).as_deref(), Some("customers"));
        assert_eq!(table_of("arn:aws:dynamodb:us-east-1:000000000000:table/*"), None);
    }

    #[test]
    fn an_item_operation_touches_every_table_it_names() {
        let batch = json!({"RequestItems": {"orders": {}, "customers": {}}});
        let mut touched = tables_touched("BatchGetItem", &batch, "us-east-1");
        touched.sort();
        assert_eq!(touched, ["customers", "orders"]);
        let statement = json!({"Statement": "SELECT * FROM \"customers\".\"by-email\""});
        assert_eq!(tables_touched("ExecuteStatement", &statement, "us-east-1"), ["customers"]);
    }

    #[test]
    fn a_page_of_names_continues_after_the_start_and_says_when_more_follow() {
        let names = || ["b", "d", "a", "c", "b"].map(String::from).to_vec();
        assert_eq!(page(names(), &json!({})), json!({"TableNames": ["a", "b", "c", "d"]}));
        assert_eq!(
            page(names(), &json!({"Limit": 2})),
            json!({"TableNames": ["a", "b"], "LastEvaluatedTableName": "b"})
        );
        assert_eq!(
            page(names(), &json!({"Limit": 2, "ExclusiveStartTableName": "b"})),
            json!({"TableNames": ["c", "d"]})
        );
    }

    #[test]
    fn settled_tables_are_dropped_and_a_labs_deleted_tables_forgotten() {
        let settling = Settling::default();
        let deleting = |until, lab: &str| Transition::Deleting {
            until,
            description: json!({}),
            lab: Some(lab.to_string()),
        };
        settling.in_region("us-east-1", 0, |tables| {
            tables.insert("a".into(), deleting(1_000, "one"));
            tables.insert("b".into(), deleting(5_000, "two"));
        });
        assert!(settling.transition("us-east-1", "a", 999).is_some());
        assert!(settling.transition("us-east-1", "a", 1_000).is_none());
        assert!(settling.any_in("us-east-1", 1_000));
        assert!(!settling.any_in("eu-west-1", 1_000));
        settling.forget_lab("two");
        assert!(!settling.any_in("us-east-1", 1_000));
        assert!(lock(&settling.regions).is_empty(), "regions with nothing in transition go");
    }
}
