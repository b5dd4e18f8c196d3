//! What the engine tests share: a lab of the repository's `labs/`, and an emulator (with the
//! clients that reach it) whose Python can run the labs' handlers.
#![allow(dead_code)] // each test file uses what it needs

use awslab_cloud::{Clients, Target};
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::Lab;

/// The lab `labs/<id>`, loaded as the app loads it.
pub fn lab(id: &str) -> Lab {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs").join(id);
    awslab_lab::load_lab(&dir).unwrap_or_else(|errors| panic!("{id} loads: {errors:?}"))
}

/// An emulator whose Python has boto3 (the labs' handlers need it): `AWSLAB_PYTHON` as
/// `./dev test` sets it, else the repository's `.venv` when it exists.
pub async fn emulator() -> (Emulator, Clients) {
    let mut config = EmulatorConfig::default();
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
    if std::env::var_os("AWSLAB_PYTHON").is_none() && std::path::Path::new(venv).exists() {
        config.interpreters.python = venv.to_string();
    }
    let emulator = Emulator::start(config).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;
    (emulator, clients)
}
