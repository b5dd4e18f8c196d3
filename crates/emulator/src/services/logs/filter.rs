//! Filter patterns for unstructured log events, as `FilterLogEvents` reads them.
//!
//! The grammar accepted (whitespace separates terms; terms are case-sensitive):
//!
//! ```text
//! pattern := term*
//! term    := prefix? (phrase | word)
//! prefix  := '?'                 -- starts an alternative: the event matches if any alternative does
//!          | '-'                 -- the term must not occur
//! phrase  := '"' (any char but '"' | '\"' | '\\')+ '"'   -- matched as written, spaces included
//! word    := (letter | digit | '_' | '.')+
//! ```
//!
//! Meaning, as in AWS's "Filter pattern syntax" guide:
//! - `""` (the empty pattern): every event.
//! - `ERROR Exception`: events that contain both terms.
//! - `"Task timed out"`: events that contain the phrase.
//! - `?ERROR ?WARN`: events that contain either. Plain and `-` terms after a `?` term belong to
//!   its alternative: `?ERROR Timeout ?WARN` is (ERROR and Timeout) or WARN, which is how AWS
//!   reads the term groups of the CDK's `FilterPattern.anyTermGroup`.
//! - `ERROR -Retrying`: events with ERROR and without Retrying.
//!
//! A term matches where its text occurs in the message (`Exception` matches
//! `IllegalArgumentException`, as in AWS's examples); `error` does not match `ERROR`.
//!
//! Refused with AWS's words: a word with other characters (`Invalid filter pattern: Invalid
//! character(s) in term 'ERROR:'`: such terms must be quoted), an empty phrase `""`, a quote
//! that is never closed, and a `{` pattern without its `}`.
//!
//! Not here: JSON patterns (`{ $.level = "ERROR" }`), space-delimited patterns
//! (`[ip, user, status = 4*]`) and regular expressions (`%ERR(OR)?%`). They are recognised and
//! answered [`FilterError::Unsupported`], never read as terms.

/// A parsed pattern: alternatives of required and excluded terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPattern {
    /// Empty: every event matches.
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Alternative {
    required: Vec<String>,
    excluded: Vec<String>,
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Malformed: AWS's `InvalidParameterException` message.
    Invalid(String),
    /// A kind of pattern the emulator does not evaluate (JSON, space-delimited, regex).
    Unsupported(&'static str),
}

impl FilterPattern {
    pub fn parse(pattern: &str) -> Result<FilterPattern, FilterError> {
        let trimmed = pattern.trim();
        if let Some(kind) = unsupported_kind(trimmed)? {
            return Err(FilterError::Unsupported(kind));
        }
        let mut alternatives: Vec<Alternative> = Vec::new();
        let mut chars = trimmed.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&first) = chars.peek() else { break };
            let prefix = match first {
                '?' | '-' => {
                    chars.next();
                    Some(first)
                }
                _ => None,
            };
            let text = if chars.next_if_eq(&'"').is_some() {
                let phrase = read_phrase(&mut chars)?;
                if phrase.is_empty() {
                    return Err(invalid_term("\"\""));
                }
                phrase
            } else {
                let word: String =
                    std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
                let well_formed = !word.is_empty()
                    && word.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
                if !well_formed {
                    let written = format!("{}{word}", prefix.map(String::from).unwrap_or_default());
                    return Err(invalid_term(&written));
                }
                word
            };
            if prefix == Some('?') || alternatives.is_empty() {
                alternatives.push(Alternative::default());
            }
            let current = alternatives.last_mut().expect("an alternative was just ensured");
            match prefix {
                Some('-') => current.excluded.push(text),
                _ => current.required.push(text),
            }
        }
        Ok(FilterPattern { alternatives })
    }

    /// Whether an event's message matches.
    pub fn matches(&self, message: &str) -> bool {
        self.alternatives.is_empty()
            || self.alternatives.iter().any(|alternative| {
                alternative.required.iter().all(|term| message.contains(term.as_str()))
                    && !alternative.excluded.iter().any(|term| message.contains(term.as_str()))
            })
    }
}

/// The text of a phrase after its opening quote, up to the closing one.
fn read_phrase(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<String, FilterError> {
    let mut phrase = String::new();
    loop {
        match chars.next() {
            None => return Err(FilterError::Invalid("Invalid filter pattern".into())),
            Some('"') => return Ok(phrase),
            Some('\\') => match chars.next() {
                Some(escaped @ ('"' | '\\')) => phrase.push(escaped),
                Some(other) => {
                    phrase.push('\\');
                    phrase.push(other);
                }
                None => return Err(FilterError::Invalid("Invalid filter pattern".into())),
            },
            Some(c) => phrase.push(c),
        }
    }
}

/// JSON, space-delimited and regex patterns by their first character; a `{` pattern that does
/// not end with `}` is refused as AWS refuses it.
fn unsupported_kind(pattern: &str) -> Result<Option<&'static str>, FilterError> {
    Ok(match pattern.chars().next() {
        Some('{') if !pattern.ends_with('}') => {
            return Err(FilterError::Invalid(
                "If a filter pattern starts with '{' it must end with '}'".into(),
            ));
        }
        Some('{') => Some("JSON filter patterns ({ $.field = value })"),
        Some('[') => Some("space-delimited filter patterns ([field, …])"),
        Some('%') => Some("regular expression filter patterns (%regex%)"),
        _ => None,
    })
}

fn invalid_term(term: &str) -> FilterError {
    FilterError::Invalid(format!("Invalid filter pattern: Invalid character(s) in term '{term}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: [&str; 6] = [
        "[ERROR] A fatal exception has occurred",
        "[ERROR] Exiting with ErrorCode: 5",
        "[INFO] Starting the server",
        "[WARN] Retrying the request",
        "[ERROR] Caught IllegalArgumentException",
        "[ERROR] Unhandled Exception: Task timed out",
    ];

    fn matching(pattern: &str) -> Vec<usize> {
        let pattern = FilterPattern::parse(pattern).expect("a valid pattern");
        (0..LINES.len()).filter(|&i| pattern.matches(LINES[i])).collect()
    }

    #[test]
    fn an_empty_pattern_matches_everything() {
        assert_eq!(matching(""), [0, 1, 2, 3, 4, 5]);
        assert_eq!(matching("   "), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn plain_terms_are_all_required_and_case_sensitive() {
        assert_eq!(matching("ERROR"), [0, 1, 4, 5]);
        assert_eq!(matching("ERROR Exception"), [4, 5]);
        assert_eq!(matching("error"), Vec::<usize>::new());
        assert_eq!(matching("exception"), [0]);
    }

    #[test]
    fn quoted_phrases_match_as_written() {
        assert_eq!(matching("\"Task timed out\""), [5]);
        assert_eq!(matching("\"timed Task\""), Vec::<usize>::new());
        assert_eq!(matching("\"ErrorCode: 5\""), [1]);
        assert_eq!(matching(r#""[ERROR]" "Exception:""#), [5]);
    }

    #[test]
    fn question_marks_make_alternatives() {
        assert_eq!(matching("?WARN ?INFO"), [2, 3]);
        assert_eq!(matching("?ERROR ?WARN"), [0, 1, 3, 4, 5]);
        // Each `?` term starts a group; the plain terms after it join that group.
        assert_eq!(matching("?ERROR Exception ?INFO"), [2, 4, 5]);
    }

    #[test]
    fn minus_excludes() {
        assert_eq!(matching("ERROR -Exception"), [0, 1]);
        assert_eq!(matching("-ERROR"), [2, 3]);
        assert_eq!(matching("ERROR -\"timed out\" -Exiting"), [0, 4]);
    }

    #[test]
    fn escaped_quotes_belong_to_the_phrase() {
        let pattern = FilterPattern::parse(r#""said \"hi\"""#).unwrap();
        assert!(pattern.matches(r#"she said "hi" twice"#));
        assert!(!pattern.matches("she said hi"));
    }

    #[test]
    fn malformed_patterns_are_aws_errors_not_panics() {
        let invalid = |pattern: &str| match FilterPattern::parse(pattern) {
            Err(FilterError::Invalid(message)) => message,
            other => panic!("{pattern:?} gave {other:?}"),
        };
        assert_eq!(
            invalid("ERROR:"),
            "Invalid filter pattern: Invalid character(s) in term 'ERROR:'"
        );
        assert_eq!(invalid("?"), "Invalid filter pattern: Invalid character(s) in term '?'");
        assert_eq!(invalid("a -"), "Invalid filter pattern: Invalid character(s) in term '-'");
        assert_eq!(invalid("\"\""), "Invalid filter pattern: Invalid character(s) in term '\"\"'");
        assert_eq!(invalid("\"never closed"), "Invalid filter pattern");
        assert_eq!(invalid("\"ends in a backslash\\"), "Invalid filter pattern");
        assert_eq!(
            invalid("{ $.level = \"ERROR\""),
            "If a filter pattern starts with '{' it must end with '}'"
        );
    }

    #[test]
    fn structured_patterns_are_recognised_and_not_read_as_terms() {
        for pattern in ["{ $.level = \"ERROR\" }", "[ip, user, status = 4*]", "%ERR(OR)?%"] {
            assert!(
                matches!(FilterPattern::parse(pattern), Err(FilterError::Unsupported(_))),
                "{pattern}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_pattern_parses_or_errors_and_any_message_is_matched_without_panicking(
            pattern in "\\PC{0,40}",
            message in "\\PC{0,40}",
        ) {
            if let Ok(parsed) = FilterPattern::parse(&pattern) {
                let _ = parsed.matches(&message);
            }
        }
    }
}
