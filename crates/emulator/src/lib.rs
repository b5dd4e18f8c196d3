//! # awslab-emulator: the offline AWS
//!
//! A loopback-only HTTP server that speaks the AWS wire protocols (awsQuery, ec2Query,
//! awsJson 1.0/1.1, restJson1, smithy-rpc-v2-cbor), so the official SDKs, boto3 inside Lambda
//! handlers and the AWS CLI work against it with an endpoint override. See DESIGN.md §4.
//!
//! ## Layout (as it fills in)
//! - `config`: what an embedded or standalone emulator is started with.
//! - `server` (next): the HTTP listener on 127.0.0.1, routing by protocol family.
//! - `protocol/` (next): one decoder and encoder per protocol family.
//! - `services/` (next): one module per AWS service; handlers work on typed inputs and never see
//!   HTTP types.
//!
//! Not here: anything from the aws-sdk crates (they are only used by this crate's tests), and
//! anything of the lab engine: the engine reaches the emulator over HTTP, as it reaches AWS.

mod config;

pub use config::{ACCOUNT_ID, EmulatorConfig};
