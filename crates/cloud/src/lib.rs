//! # awslab-cloud: step actions and checks, for either target
//!
//! A lab step's form becomes real API calls here, and a step's checks read the resulting state
//! back, through the official aws-sdk clients. The same code serves both targets: the offline
//! emulator (an endpoint on loopback) and the learner's AWS account (the standard credential
//! chain). See DESIGN.md §3 and §6.
//!
//! ## Layout
//! - `target`: which AWS a lab talks to; `clients`: the aws-sdk clients for a target, and
//!   `whoami`.
//! - `bindings`: filling `{{placeholders}}` from the form, the context and lookups on the
//!   target.
//! - `actions/`: one module per service, implementing the action ids of the lab format; each
//!   run records its calls (`call`: parameters and the equivalent `aws` command).
//! - `checks/`: the read-only check kinds, describing resources as AWS does and diffing them
//!   against `expect`.
//! - `cleanup`: deleting what a lab created (its ledger and its tagged resources), in order,
//!   and proving nothing of it is left.
//! - `apigateway`: API Gateway resources by name and path, and calls to invoke URLs.
//! - `explorer`: what exists on the target for a lab, described for the app's explorer.
//! - `emulator_control`: the emulator's simulated terminal, mailbox and e-mail links for the
//!   app; `alarm_graph`: an alarm's metric, threshold and states for its graph.
//! - `ec2`: instances by their `Name` tag and their root volume; the emulator's control
//!   endpoints (clock, simulated shell, mailbox) behind the emulator-only actions and checks.
//! - `failure`: an AWS error with a plain explanation; `values`: DynamoDB items as plain JSON.
//! - `profiles`: the profiles of the learner's AWS configuration, for the target switcher.
//! - `settle`: waiting as AWS makes one wait (functions `Active`, tables `ACTIVE`, calls
//!   refused until an earlier change settles, checks that look again after a recent change).
//!
//! Not here: the emulator's state (this crate only talks HTTP to it), Tauri, progress storage
//! (`awslab-core`).

// A `Failure` carries AWS's code and message and a two-language explanation; it is made once
// per failed call, far from any hot path, so it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

pub mod actions;
pub mod alarm_graph;
pub mod apigateway;
pub mod bindings;
pub mod call;
pub mod checks;
pub mod cleanup;
pub mod clients;
pub mod ec2;
pub mod emulator_control;
pub mod explorer;
pub mod failure;
pub mod ownership;
pub mod profiles;
pub mod progress;
pub mod settle;
mod target;
pub mod values;

pub use actions::{ActionContext, ActionRun};
pub use bindings::Bindings;
pub use checks::{CheckResult, CheckSpec};
pub use clients::{Clients, Identity};
pub use failure::Failure;
pub use target::{ControlToken, DEFAULT_EMULATOR_REGION, Target};
