//! Reading a lab's files and the syntax of `lab.toml`: a missing or non-UTF-8 file, an
//! unsupported `format_version`, and TOML errors reworded in the author's terms.
//!
//! Not here: what the parsed values mean (the rest of `load`).

use crate::diagnostic::{Diagnostic, SourceFile, at_file_start};
use crate::manifest::{RawLab, VersionProbe};
use crate::model::FORMAT_VERSION;
use std::path::Path;

/// Reads one of the lab's files as UTF-8 text; a missing file is reported with what it is for.
pub(super) fn read_source(path: &Path) -> Result<SourceFile, Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                Err(SourceFile::new(path, text).at(offset, "the file is not valid UTF-8 text here"))
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into());
            let hint = match name.as_str() {
                "lab.toml" => "every lab folder needs a lab.toml with its metadata and steps",
                _ => "every lab needs its lesson in Korean (ko.md) and English (en.md)",
            };
            Err(at_file_start(path, format!("{name} is missing: {hint}")))
        }
        Err(error) => Err(at_file_start(path, format!("cannot be read: {error}"))),
    }
}

/// Parses `lab.toml`, refusing another `format_version` before reading anything else.
pub(super) fn parse_manifest(file: &SourceFile) -> Result<RawLab, Vec<Diagnostic>> {
    let toml_error = |error: toml::de::Error| {
        let offset = error.span().map_or(0, |span| span.start);
        vec![file.at(offset, plain_toml_message(error.message()))]
    };
    let probe: VersionProbe = toml::from_str(&file.text).map_err(toml_error)?;
    match probe.format_version {
        None => {
            return Err(vec![file.at(0, format!(
                "missing `format_version`: this awslab reads `format_version = {FORMAT_VERSION}`"
            ))]);
        }
        Some(version) if version.get_ref().as_integer() != Some(i64::from(FORMAT_VERSION)) => {
            return Err(vec![file.at(
                version.span().start,
                format!(
                    "format_version {} is not supported: this awslab reads format_version {}",
                    version.get_ref(),
                    FORMAT_VERSION
                ),
            )]);
        }
        Some(_) => {}
    }
    toml::from_str(&file.text).map_err(toml_error)
}

/// A TOML error message in the author's terms: serde names our internal structs, which mean
/// nothing to someone writing a lab.
fn plain_toml_message(message: &str) -> String {
    const SHAPES: [(&str, &str); 6] = [
        ("struct RawLocalized", "`{ ko = \"…\", en = \"…\" }`"),
        ("struct RawCost", "a `[cost]` table with `usd` and `note`"),
        ("struct RawStep", "a `[[steps]]` table"),
        ("struct RawField", "a `[[steps.fields]]` table"),
        ("struct RawCheck", "a `[[steps.checks]]` table"),
        ("struct RawLab", "a lab.toml table"),
    ];
    let message = message.trim_end();
    if message.contains("untagged enum RawChoice") {
        return "an option is a string, or `{ value = \"…\", label = { ko = \"…\", en = \"…\" } }`"
            .to_string();
    }
    SHAPES.iter().fold(message.to_string(), |text, (internal, plain)| text.replace(internal, plain))
}
