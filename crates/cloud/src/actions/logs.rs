//! CloudWatch Logs actions: find log events (what a handler printed).

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use serde_json::{Value, json};

pub async fn filter_log_events(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let group = params.text("log_group")?;
    let pattern = params.optional_text("filter_pattern")?;
    let mut call =
        CallBuilder::new("logs", "logs", "FilterLogEvents").text("log-group-name", group);
    call = call.optional_text("filter-pattern", pattern);
    recorder.call(call);
    let mut pages = ctx
        .clients
        .logs
        .filter_log_events()
        .log_group_name(group)
        .set_filter_pattern(pattern.map(str::to_string))
        .into_paginator()
        .send();
    let mut events = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| Failure::from_sdk("logs", "FilterLogEvents", error))?;
        for event in page.events() {
            events.push(json!({
                "timestamp": event.timestamp(),
                "logStreamName": event.log_stream_name(),
                "message": event.message(),
            }));
        }
    }
    Ok(json!({ "Count": events.len(), "Events": events }))
}
