//! Emulator-only actions: letting simulated time pass. On AWS, time passes by itself; the
//! offline emulator's clock runs at real speed unless moved, so a step that says "wait ten
//! minutes for the graphs (or the alarm)" moves it here, and the wait takes a second.

use super::{ActionContext, Params, Recorder};
use crate::call::ApiCall;
use crate::ec2::{advance_clock, emulator_only};
use crate::failure::Failure;
use serde_json::{Value, json};

/// At most a day at once: more is surely a typo.
const MAX_MINUTES: f64 = 24.0 * 60.0;

pub async fn wait(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let minutes = params.optional_number("minutes")?.unwrap_or(0.0);
    if !(1.0..=MAX_MINUTES).contains(&minutes) {
        return Err(Failure::local(
            "awslab",
            "AdvanceClock",
            "InvalidParameter",
            format!("wait between 1 and {MAX_MINUTES} minutes, not {minutes}"),
        ));
    }
    let Some(endpoint) = ctx.clients.emulator_endpoint() else {
        return Err(emulator_only("AdvanceClock"));
    };
    let minutes = minutes.ceil() as u32;
    recorder.calls.push(ApiCall {
        service: "emulator".into(),
        operation: "AdvanceClock".into(),
        parameters: json!({ "Minutes": minutes }),
        // The control endpoints take the emulator's token (docs/emulator.md says where it is).
        cli: format!(
            "curl -X POST -H \"X-Awslab-Token: $AWSLAB_EMULATOR_TOKEN\" \
             '{endpoint}/_awslab/clock/advance?seconds={}'",
            minutes * 60
        ),
    });
    let clock = advance_clock(ctx.clients, minutes).await?;
    Ok(json!({ "Minutes": minutes, "Now": clock["now"] }))
}
