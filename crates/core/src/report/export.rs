//! Writing a report to a file the learner (or the CLI's `--report`) named: a self-contained
//! HTML page for `.html`/`.htm`, the same content as JSON for `.json`, whatever the case of the
//! extension.

use std::path::{Path, PathBuf};

use awslab_lab::{Lab, Lang, TargetKind};
use serde::Serialize;
use ts_rs::TS;

use super::Report;
use crate::progress::{ProgressError, ProgressStore};

/// Where a report was saved, and the integrity hash it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedReport {
    pub path: String,
    pub sha256: String,
}

/// Why a report could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file's extension names no format a report is written in.
    #[error("a report is saved as .html or .json, not {}", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// The language asked for is not one the labs are written in.
    #[error("{0}")]
    Language(String),
    #[error(transparent)]
    Progress(#[from] ProgressError),
}

/// The formats a report is written in.
enum Format {
    Html,
    Json,
}

fn format_of(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => Some(Format::Html),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// Builds the lab's report on `target` from the store, at `at_ms`, and writes it to `path`.
pub fn save(
    lab: &Lab,
    store: &ProgressStore,
    target: TargetKind,
    path: &Path,
    lang: Lang,
    at_ms: i64,
) -> Result<SavedReport, ExportError> {
    // Refused before anything is built, so a wrong name costs nothing.
    let format = format_of(path).ok_or_else(|| ExportError::UnknownFormat { path: path.into() })?;
    let report = Report::build(lab, store, target, lang, at_ms)?;
    let text = match format {
        Format::Html => report.to_html(),
        Format::Json => report.to_json(),
    };
    std::fs::write(path, text)
        .map_err(|source| ExportError::Write { path: path.to_path_buf(), source })?;
    Ok(SavedReport { path: path.display().to_string(), sha256: report.sha256 })
}

/// `ko` or `en`, as the window and the CLI name a language.
pub fn parse_lang(text: &str) -> Result<Lang, ExportError> {
    text.parse().map_err(ExportError::Language)
}
