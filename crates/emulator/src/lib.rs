//! # awslab-emulator: the offline AWS
//!
//! A loopback-only HTTP server that speaks the AWS wire protocols (awsQuery, ec2Query,
//! awsJson 1.0/1.1, restJson1, smithy-rpc-v2-cbor), so the official SDKs, boto3 inside Lambda
//! handlers and the AWS CLI work against it with an endpoint override. See DESIGN.md §4 and
//! `docs/emulator.md`.
//!
//! ## Layout
//! - `gate`: who may drive the emulator, decided before anything is routed (loopback `Host`
//!   with the emulator's port, no web pages, the per-launch control token); read it first.
//! - `server`: the HTTP listener on 127.0.0.1 and the dispatch of every AWS request (and of the
//!   links in SNS e-mails): `admit` routes it and learns who calls, `serve` hands it to its
//!   protocol's codec and the service; `answer`: responses and errors in each protocol's shape; `control`:
//!   the endpoints under `/_awslab/` (health, reset, snapshots kept in `snapshots`, the clock,
//!   the mailbox, the EC2 instances' simulated shell); `connection`: the listener, and hyper's
//!   own answers to requests it cannot parse, given a body. With `gate`, the only modules that
//!   see HTTP types.
//! - `protocol/`: routing (which service, which protocol) and one decoder/encoder per protocol
//!   family; errors encoded in each family's exact shape.
//! - `identity`: the SigV4 credential scope and the caller behind an access key.
//! - `signature`: SigV4 signature checks, when `EmulatorConfig::verify_signatures` is on.
//! - `policy/`: IAM policy evaluation (identity and resource policies, conditions) and AWS's
//!   access-denied wording; `services::authorize` applies it to role sessions.
//! - `services/`: one module per AWS service (IAM, STS, DynamoDB, Lambda, CloudWatch Logs, API
//!   Gateway, CloudWatch with its alarm ticker, SNS with the mailbox, EC2), all on one skeleton
//!   (`services/mod.rs` says it): the operations declared once in an enum with whether each
//!   reads or changes (`services::operation`), from which dispatch, the coverage table and
//!   saving follow; handlers take typed inputs and return values or [`AwsError`]s. EC2's
//!   instances have a simulated shell (`services::ec2::shell`) whose activity becomes metrics.
//! - `metrics`: the seam through which services publish their own `AWS/…` metrics (EC2 and
//!   EBS, from `services::ec2::metrics`) to CloudWatch, whose ticker collects them.
//! - `state`: what the emulator holds, one lock per service; `clock`: injected time (sped up,
//!   and advanced on request); `ids`: the injected id source (request, resource and revision
//!   ids, and the draws of weighted routing), seeded by tests that compare ids; `timing`: AWS's time, how long each change takes to settle
//!   (drawn under a seed) and the token buckets that throttle control planes;
//!   `persist`: the state file of the services that keep no SQLite database of their own
//!   (DynamoDB and CloudWatch Logs do); `state_files`: every SQLite state file checked before
//!   it is opened, and set aside when damaged (see [`Emulator::notices`]); `durability`: what
//!   a write survives (SIGKILL, not a power cut: WAL with `synchronous=NORMAL` everywhere).
//! - `error`: [`AwsError`], the code/message/status every layer speaks; `validation`: Smithy's
//!   `N validation errors detected: …` message and the collector every service checks its
//!   members with.
//! - `temp_folders`: the emulator's temporary folders, named with its pid so that the next
//!   emulator removes what a killed one left; `procfs`: what Linux's `/proc` says about
//!   processes (the Lambda sandboxes and the temp folders use it).
//!
//! Not here: anything from the aws-sdk crates (they are only used by this crate's tests), and
//! anything of the lab engine: the engine reaches the emulator over HTTP, as it reaches AWS.

mod answer;
mod clock;
mod config;
mod connection;
mod control;
mod durability;
mod error;
mod gate;
mod identity;
pub mod ids;
pub mod metrics;
mod persist;
mod policy;
mod procfs;
pub mod protocol;
mod server;
pub mod services;
mod signature;
mod snapshots;
mod state;
mod state_files;
mod temp_folders;
mod timing;
mod validation;

pub use config::{ACCOUNT_ID, EmulatorConfig, Interpreters};
pub use error::AwsError;
pub use gate::{TOKEN_FILE as CONTROL_TOKEN_FILE, TOKEN_HEADER as CONTROL_TOKEN_HEADER};
pub use server::{BODY_LIMIT, Emulator, StartError};
pub use timing::{Clockwork, Delay, Timing};
