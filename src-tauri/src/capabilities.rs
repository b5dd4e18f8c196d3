//! The window's capability grants exactly the app's commands, as `command_list` lists them: a
//! command added without its grant (the UI could not call it), or a grant left after its
//! command went, fails here rather than in the window.

use std::collections::BTreeSet;
use std::path::Path;

use crate::command_list::COMMANDS;

/// The `allow-<command>` grants of `capabilities/default.json` (plugin grants, `dialog:…`,
/// aside).
fn granted_commands() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json");
    let text = std::fs::read_to_string(&path).expect("the capability file");
    let capability: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let permissions = capability["permissions"].as_array().expect("a list of permissions");
    permissions
        .iter()
        .filter_map(serde_json::Value::as_str)
        .filter(|permission| !permission.contains(':'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_window_is_granted_exactly_the_listed_commands() {
    let listed: BTreeSet<String> =
        COMMANDS.iter().map(|command| format!("allow-{}", command.replace('_', "-"))).collect();
    let granted = granted_commands();
    let ungranted: Vec<&String> = listed.difference(&granted).collect();
    let unknown: Vec<&String> = granted.difference(&listed).collect();
    assert!(
        ungranted.is_empty() && unknown.is_empty(),
        "capabilities/default.json: commands without a grant: {ungranted:?}; grants of no \
         command: {unknown:?}"
    );
}
