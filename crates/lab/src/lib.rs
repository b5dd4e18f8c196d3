//! # awslab-lab: the lab format
//!
//! A lab is a folder: `lab.toml` (metadata and the structure of each step: form, action,
//! checks), `ko.md` and `en.md` (the lesson, one file per language, readable on a code host),
//! and the starter and solution code they refer to. `labs/README.md` documents the format for
//! authors; this crate reads it, validates it, and holds the pure logic around it.
//!
//! ## Layout
//! - [`model`]: what a loaded lab is (`Lab`, `Step`, `Field`, `Action`, `Check`), and the kind of
//!   target it is done on (`TargetKind`), with the points that count there.
//! - [`load`]: reading and validating a lab folder; every problem located to file:line:column,
//!   in one module per part of a step (fields, actions, checks) and one for the lessons. Built
//!   on `manifest` (the `lab.toml` grammar) and `lesson` (the Markdown grammar).
//! - [`catalog`]: a folder of labs.
//! - [`registry`]: the vocabulary: action kinds and check kinds (enums, with what each takes),
//!   context variables and lookups.
//! - [`fields`]: AWS naming rules and form field validation, with messages in both languages.
//! - [`template`]: `{{placeholders}}` in parameters and checks.
//! - [`expect`]: matching a check's expectation against a resource, with per-field diffs.
//! - [`grade`]: points, score, percentage and the pass threshold, on a target.
//! - [`quiz`]: questions: reading and judging an answer (Korean and English numbers), the
//!   retry rule's points, the feedback after answering.
//! - [`render`]: lesson Markdown to sanitized HTML.
//! - [`text`]: Korean and English text.
//!
//! Not here: performing actions or reading AWS state (`awslab-cloud`), progress (`awslab-core`).

pub mod catalog;
mod diagnostic;
pub mod expect;
pub mod fields;
pub mod grade;
mod lesson;
pub mod load;
mod manifest;
pub mod model;
pub mod quiz;
pub mod registry;
pub mod render;
pub mod template;
pub mod text;

pub use catalog::Catalog;
pub use diagnostic::Diagnostic;
pub use load::load_lab;
pub use model::{Action, Check, Field, FieldKind, Lab, Step, TargetKind};
pub use registry::{ActionKind, CheckKind};
pub use text::{Lang, Localized};
