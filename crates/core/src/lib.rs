//! # awslab-core: what the app does, without a window
//!
//! The desktop app (`src-tauri`) and the `awslab` CLI are thin shells over the use cases here, so
//! every use case is tested without Tauri. See DESIGN.md §3.
//!
//! ## Layout
//! - `catalog`: find the labs folder and summarise its labs, with the learner's standing in each,
//!   for a catalog view.
//! - `session`: the app's session (labs folder, progress, offline emulator, current target,
//!   clock) with one method per use case the window offers; the Tauri commands are adapters over
//!   it.
//! - `steps`: running, checking and recording a step, one path for the app and the CLI (the
//!   recording rule is written there), and the charts of a step's results.
//! - `target`: connecting to a target (its clients and who it says we are).
//! - `clock`: where "now" comes from, passed in so tests fix it.
//! - `progress_slot`: the progress store, opened on first use and kept.
//! - `charts`: SVG charts drawn with plotters (score over time, a canary's traffic split, an
//!   alarm's graph).
//! - `data_dir`: where progress and the emulator's state are kept.
//! - `offline`: the bundled emulator the app starts at launch, and its status.
//! - `engine`: running a step (validate the form, act on the target, check) and checking a lab.
//! - `makers`: what a check says when what it looks for does not exist (the step that makes it).
//! - `lab_view`: a lab as the lab view shows it (HTML in both languages, forms, checks, hints).
//! - `progress`: the progress store, a versioned SQLite file in the platform data folder.
//! - `status`: a learner's step statuses and score, derived from the store and the lab.
//! - `recheck`: how a new run or check meets the results recorded before (kept, answered,
//!   undone), so a score records what the learner built.
//! - `quiz`: the retry rule applied to a learner's answers, with their tries counted from the
//!   store on both targets.
//! - `report`: a lab's report as JSON and as a self-contained HTML page, with an integrity hash,
//!   and writing it to the file the learner named.
//!
//! Not here: Tauri (only `src-tauri` imports it), the AWS calls themselves (`awslab-cloud`), or lab parsing
//! (`awslab-lab`).

pub mod catalog;
pub mod charts;
pub mod clock;
pub mod data_dir;
pub mod engine;
pub mod lab_view;
pub mod makers;
pub mod offline;
pub mod progress;
pub mod progress_slot;
pub mod quiz;
pub mod recheck;
pub mod report;
pub mod session;
pub mod status;
pub mod steps;
pub mod target;
