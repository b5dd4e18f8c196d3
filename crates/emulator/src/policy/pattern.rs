//! Patterns of the policy language: the `*` and `?` wildcards, policy variables (`${aws:username}`)
//! and ARNs compared segment by segment.
//!
//! A pattern is kept as tokens rather than as a string so that a wildcard written in the policy and
//! a `*` that arrives through a variable (or the `${*}` escape) stay different things: only the
//! first is a wildcard.

use super::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters, empty included.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
}

/// Whether letters must match in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    Sensitive,
    Insensitive,
}

/// A policy string after its policy variables were replaced by the request's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern {
    tokens: Vec<Token>,
}

/// The values of a condition key, whose name AWS compares without regard to case. A key that is
/// absent reads as no values.
pub(super) fn context_values<'c>(context: &'c Context, key: &str) -> &'c [String] {
    context
        .get(key)
        .or_else(|| {
            context
                .iter()
                .find_map(|(name, values)| name.eq_ignore_ascii_case(key).then_some(values))
        })
        .map_or(&[], Vec::as_slice)
}

impl Pattern {
    /// Reads `text`. With `variables` (policies of version `2012-10-17`), `${key}` is replaced by
    /// the key's single value in the context, `${key, 'default'}` falls back to the default, and
    /// `${*}`, `${?}`, `${$}` are the literal characters. Returns `None` when a variable has no
    /// value and no default: AWS then treats the element as not matching.
    pub(super) fn new(text: &str, variables: Option<&Context>) -> Option<Pattern> {
        let mut tokens = Vec::with_capacity(text.len());
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let (Some(context), Some(after)) = (variables, rest.strip_prefix("${"))
                && let Some(end) = after.find('}')
            {
                let value = resolve_variable(&after[..end], context)?;
                tokens.extend(value.chars().map(Token::Char));
                rest = &after[end + 1..];
                continue;
            }
            tokens.push(match c {
                '*' => Token::AnyRun,
                '?' => Token::AnyOne,
                other => Token::Char(other),
            });
            rest = &rest[c.len_utf8()..];
        }
        Some(Pattern { tokens })
    }

    /// The pattern as plain text, wildcards read as the characters `*` and `?`: what the
    /// equality operators compare.
    pub(super) fn literal(&self) -> String {
        self.tokens
            .iter()
            .map(|token| match token {
                Token::Char(c) => *c,
                Token::AnyRun => '*',
                Token::AnyOne => '?',
            })
            .collect()
    }

    /// Whether the whole of `text` matches.
    pub(super) fn matches(&self, text: &str, case: Case) -> bool {
        let text: Vec<char> = text.chars().collect();
        glob(&self.tokens, &text, case)
    }

    /// ARN matching, as the `Resource` element and the `Arn*` operators do it: the pattern's
    /// colon-separated segments (at most six, the sixth keeping its colons) are matched one by
    /// one against the same number of segments of `arn`, case-sensitively. So `*` stays inside
    /// its segment, except that the last segment of the pattern takes the rest of the ARN:
    /// `arn:aws:logs:*:*:*` covers `arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*`.
    pub(super) fn matches_arn(&self, arn: &str) -> bool {
        let segments = self.arn_segments();
        let arn_segments: Vec<&str> = arn.splitn(segments.len(), ':').collect();
        arn_segments.len() == segments.len()
            && segments.iter().zip(arn_segments).all(|(pattern, text)| {
                let text: Vec<char> = text.chars().collect();
                glob(pattern, &text, Case::Sensitive)
            })
    }

    fn arn_segments(&self) -> Vec<&[Token]> {
        let mut segments = Vec::with_capacity(6);
        let mut rest = self.tokens.as_slice();
        while segments.len() < 5 {
            match rest.iter().position(|token| *token == Token::Char(':')) {
                Some(colon) => {
                    segments.push(&rest[..colon]);
                    rest = &rest[colon + 1..];
                }
                None => break,
            }
        }
        segments.push(rest);
        segments
    }
}

/// `key`, `key, 'default'`, or one of the escapes `*`, `?`, `$`.
fn resolve_variable(inner: &str, context: &Context) -> Option<String> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\''));
            (key.trim(), Some(quoted.unwrap_or(default)))
        }
        None => (inner.trim(), None),
    };
    match key {
        "*" | "?" | "$" => return Some(key.to_string()),
        _ => {}
    }
    match context_values(context, key) {
        [single] => Some(single.clone()),
        _ => default.map(str::to_string),
    }
}

/// Wildcard matching with backtracking to the last `*` (linear in practice, quadratic at worst).
fn glob(pattern: &[Token], text: &[char], case: Case) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: the pattern position after it, and the text position
    // it has consumed up to.
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::AnyRun) => {
                resume = Some((p + 1, t));
                p += 1;
                continue;
            }
            Some(Token::AnyOne) => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Token::Char(c)) if same_char(*c, text[t], case) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match resume {
            Some((after_star, consumed)) => {
                resume = Some((after_star, consumed + 1));
                p = after_star;
                t = consumed + 1;
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|token| *token == Token::AnyRun)
}

fn same_char(a: char, b: char, case: Case) -> bool {
    a == b || (case == Case::Insensitive && a.to_lowercase().eq(b.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&str, &str)]) -> Context {
        pairs.iter().map(|(k, v)| (k.to_string(), vec![v.to_string()])).collect()
    }

    fn plain(text: &str) -> Pattern {
        Pattern::new(text, None).unwrap()
    }

    #[test]
    fn star_matches_any_run_and_question_mark_exactly_one_character() {
        assert!(plain("dynamodb:*").matches("dynamodb:PutItem", Case::Sensitive));
        assert!(plain("*Item").matches("dynamodb:PutItem", Case::Sensitive));
        assert!(plain("a*b*c").matches("aXXbYYbZc", Case::Sensitive));
        assert!(plain("*").matches("", Case::Sensitive));
        assert!(plain("?etItem").matches("GetItem", Case::Sensitive));
        assert!(!plain("?etItem").matches("etItem", Case::Sensitive));
        assert!(!plain("?etItem").matches("GGetItem", Case::Sensitive));
        assert!(!plain("a*b").matches("a-b-c", Case::Sensitive));
        assert!(!plain("abc").matches("ab", Case::Sensitive));
    }

    #[test]
    fn case_rule_is_chosen_by_the_caller() {
        assert!(plain("dynamodb:putitem").matches("DynamoDB:PutItem", Case::Insensitive));
        assert!(!plain("dynamodb:putitem").matches("DynamoDB:PutItem", Case::Sensitive));
    }

    #[test]
    fn variables_are_replaced_only_when_enabled() {
        let ctx = context(&[("aws:username", "alice")]);
        let with = Pattern::new("home/${aws:username}/*", Some(&ctx)).unwrap();
        assert!(with.matches("home/alice/notes", Case::Sensitive));
        assert!(!with.matches("home/bob/notes", Case::Sensitive));
        let without = Pattern::new("home/${aws:username}", None).unwrap();
        assert!(without.matches("home/${aws:username}", Case::Sensitive));
    }

    #[test]
    fn variable_names_are_case_insensitive_and_defaults_apply() {
        let ctx = context(&[("aws:username", "alice")]);
        let upper = Pattern::new("${AWS:UserName}", Some(&ctx)).unwrap();
        assert_eq!(upper.literal(), "alice");
        let empty = Context::new();
        let default = Pattern::new("${aws:username, 'anonymous'}", Some(&empty)).unwrap();
        assert_eq!(default.literal(), "anonymous");
        assert_eq!(Pattern::new("${aws:username}", Some(&empty)), None);
    }

    #[test]
    fn escaped_and_substituted_wildcards_are_literal() {
        let ctx = context(&[("aws:username", "a*")]);
        let pattern = Pattern::new("${aws:username}${*}${?}${$}", Some(&ctx)).unwrap();
        assert_eq!(pattern.literal(), "a**?$");
        assert!(pattern.matches("a**?$", Case::Sensitive));
        assert!(!pattern.matches("abc*?$", Case::Sensitive));
        let unterminated = Pattern::new("${aws:username", Some(&ctx)).unwrap();
        assert_eq!(unterminated.literal(), "${aws:username");
    }

    #[test]
    fn arn_wildcards_stay_inside_a_segment_except_in_the_last_one() {
        let arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*";
        assert!(plain("arn:aws:logs:*:*:*").matches_arn(arn));
        assert!(plain("*").matches_arn(arn));
        assert!(plain("arn:aws:logs:*").matches_arn(arn));
        assert!(plain("arn:aws:logs:us-*-1:*:log-group:*").matches_arn(arn));
        // A segment's `*` cannot swallow the region and the account.
        assert!(!plain("arn:aws:logs:*:log-group:*").matches_arn(arn));
        assert!(!plain("arn:aws:logs:us-east-?:*:*").matches_arn("arn:aws:logs:us-east-10:1:x"));
        assert!(!plain("arn:aws:s3:::bucket").matches_arn("not-an-arn"));
        // Past the account, the resource is one segment whatever its colons.
        assert!(plain("arn:aws:logs:us-east-1:000000000000:*:log-stream:s").matches_arn(
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:log-stream:s"
        ));
    }

    #[test]
    fn arn_matching_is_case_sensitive() {
        let table = "arn:aws:dynamodb:us-east-1:000000000000:table/customers";
        assert!(plain("arn:aws:dynamodb:*:*:table/customers").matches_arn(table));
        assert!(!plain("arn:aws:dynamodb:*:*:table/Customers").matches_arn(table));
    }

    #[test]
    fn context_lookup_ignores_the_case_of_key_names() {
        let ctx = context(&[("aws:SourceArn", "arn:x")]);
        assert_eq!(context_values(&ctx, "AWS:SourceArn"), ["arn:x".to_string()]);
        assert!(context_values(&ctx, "aws:SourceAccount").is_empty());
    }
}
