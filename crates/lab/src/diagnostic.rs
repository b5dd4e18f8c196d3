//! Errors in lab files, located to the file, line and column.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem found in a lab file: where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (Korean text counts one per syllable).
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.column, self.message)
    }
}

/// A lab file's text, kept to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Self { path: path.into(), text, line_starts }
    }

    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn location(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        // An offset inside a multi-byte character counts as that character.
        let column =
            self.text[start..].char_indices().take_while(|(at, _)| start + at < offset).count();
        (line + 1, column + 1)
    }

    pub fn at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.location(offset);
        Diagnostic { file: self.path.clone(), line, column, message: message.into() }
    }

    pub fn at_span(&self, span: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.at(span.start, message)
    }
}

/// A problem about a whole file (missing, unreadable), reported at its first character.
pub(crate) fn at_file_start(path: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic { file: path.to_path_buf(), line: 1, column: 1, message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let file = SourceFile::new("x.md", "ab\n정책 이름\n\nz".to_string());
        assert_eq!(file.location(0), (1, 1));
        assert_eq!(file.location(1), (1, 2));
        assert_eq!(file.location(3), (2, 1));
        // "정책 " is 3 characters but 7 bytes.
        assert_eq!(file.location(3 + "정책 ".len()), (2, 4));
        assert_eq!(file.location(file.text.len() - 1), (4, 1));
        assert_eq!(file.location(10_000), (4, 2));
    }

    #[test]
    fn displays_as_file_line_column_message() {
        let file = SourceFile::new("labs/a/lab.toml", "a = 1\nb = 2\n".to_string());
        let diagnostic = file.at(6, "unexpected `b`");
        assert_eq!(diagnostic.to_string(), "labs/a/lab.toml:2:1: unexpected `b`");
    }
}
