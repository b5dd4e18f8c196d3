//! CloudWatch Logs checks: the events of a log group (optionally filtered).

use super::{Selector, absent_or};
use crate::clients::Clients;
use crate::failure::Failure;
use serde_json::{Value, json};

pub async fn events(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let group = selector.text("log_group")?;
    let pattern = selector.optional_text("filter_pattern")?;
    let mut pages = clients
        .logs
        .filter_log_events()
        .log_group_name(group)
        .set_filter_pattern(pattern.map(str::to_string))
        .into_paginator()
        .send();
    let mut messages = Vec::new();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(error) => return absent_or(Failure::from_sdk("logs", "FilterLogEvents", error)),
        };
        messages.extend(page.events().iter().filter_map(|e| e.message()).map(str::to_string));
    }
    Ok(Some(json!({ "Count": messages.len(), "Messages": messages })))
}
