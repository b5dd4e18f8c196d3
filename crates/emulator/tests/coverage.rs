//! docs/emulator-coverage.md is generated from the services' operation lists; this test fails
//! when the file is stale. `AWSLAB_UPDATE_DOCS=1` rewrites it.

use awslab_emulator::services::coverage_markdown;
use std::path::Path;

#[test]
fn the_coverage_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/emulator-coverage.md");
    let generated = coverage_markdown();
    if std::env::var_os("AWSLAB_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/emulator-coverage.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/emulator-coverage.md is stale: run \
         `AWSLAB_UPDATE_DOCS=1 cargo test -p awslab-emulator --test coverage` and commit it"
    );
}
