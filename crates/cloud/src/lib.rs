//! # awslab-cloud: step actions and checks, for either target
//!
//! A lab step's form becomes real API calls here, and a step's checks read the resulting state
//! back, through the official aws-sdk clients. The same code serves both targets: the offline
//! emulator (an endpoint on loopback) and the learner's AWS account (the standard credential
//! chain). See DESIGN.md §3 and §6.
//!
//! ## Layout (as it fills in)
//! - `target`: which AWS a lab talks to.
//! - `actions/` (next): one module per service, implementing the action ids the lab format knows.
//! - `checks/` (next): the read-only check kinds, producing per-field diffs.
//! - `ledger` (next): what was created on AWS, so that clean-up touches nothing else.
//!
//! Not here: the emulator's state (this crate only talks HTTP to it), Tauri, or progress storage.

mod target;

pub use target::Target;
