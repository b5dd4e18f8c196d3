//! Questions: a step that asks instead of building. What a question is, how an answer to it is
//! read and judged, the retry rule's arithmetic, and what the learner is told afterwards.
//!
//! Answers arrive as the JSON a form sends: a choice's value, a list of values, or typed text.
//! Typed numbers are read the Korean or the English way (`1,000`, `0.83`, `$0.83`, `3만 5천`);
//! text that cannot be read as one number is an [`AnswerError`], which costs the learner no try.
//! Short answers match an accepted variant ignoring case, spaces, `-`, `_`, `.` and a final
//! punctuation mark.
//!
//! Not here: counting a learner's tries (`awslab-core`'s `quiz`), loading questions (`load`).

use crate::text::{Lang, Localized};
use serde::Serialize;
use serde_json::Value;

/// A question asked by a step, graded as one check of kind `quiz.answer`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub kind: QuestionKind,
    /// What a right answer on the first try earns.
    pub points: u32,
    /// The course note it comes from (`001`).
    pub source: String,
    /// Markdown.
    pub prompt: Localized,
    /// Markdown: why the right answer is right, and why the tempting wrong one is wrong. Shown
    /// once the question is settled.
    pub explanation: Localized,
}

/// What kind of answer a question takes, with what makes it right.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One choice; exactly one is correct.
    Single { choices: Vec<QuizChoice> },
    /// Any number of choices; right when exactly the correct ones are picked.
    Multiple { choices: Vec<QuizChoice> },
    /// A typed number within `tolerance` of `answer`, in `unit`.
    Number { answer: f64, tolerance: f64, unit: Localized },
    /// A typed word or two equal to one of `accept`, as [`normalize`] compares them.
    Short { accept: Vec<String> },
}

/// One choice of a single- or multiple-choice question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizChoice {
    pub value: String,
    pub label: Localized,
    pub correct: bool,
}

impl QuestionKind {
    /// The name used in `lab.toml`.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Short { .. } => "short",
        }
    }
}

/// An answer that cannot be judged: nothing given, or typed text that is not one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError(pub Localized);

impl Question {
    /// The form field that holds the answer, in every question step.
    pub const FIELD: &'static str = "answer";

    /// Whether `answer` is right, or why it cannot be judged.
    pub fn is_right(&self, answer: &Value) -> Result<bool, AnswerError> {
        match &self.kind {
            QuestionKind::Single { choices } => {
                let picked = one_value(answer)?;
                known_choice(choices, &picked)?;
                Ok(choices.iter().any(|choice| choice.correct && choice.value == picked))
            }
            QuestionKind::Multiple { choices } => {
                let mut picked = values(answer)?;
                for value in &picked {
                    known_choice(choices, value)?;
                }
                picked.sort();
                picked.dedup();
                let mut correct: Vec<String> = choices
                    .iter()
                    .filter(|choice| choice.correct)
                    .map(|choice| choice.value.clone())
                    .collect();
                correct.sort();
                Ok(picked == correct)
            }
            QuestionKind::Number { answer: right, tolerance, .. } => {
                let typed = match answer {
                    Value::Number(number) => number.as_f64().unwrap_or(f64::NAN),
                    Value::String(text) => parse_number(text)?,
                    _ => return Err(unanswered()),
                };
                Ok(within(typed, *right, *tolerance))
            }
            QuestionKind::Short { accept } => {
                let typed = one_value(answer)?;
                let typed = normalize(&typed);
                if typed.is_empty() {
                    return Err(unanswered());
                }
                Ok(accept.iter().any(|variant| normalize(variant) == typed))
            }
        }
    }

    /// The answer the reference solution gives, as the form holds it.
    pub fn reference_answer(&self) -> Value {
        match &self.kind {
            QuestionKind::Single { choices } => choices
                .iter()
                .find(|choice| choice.correct)
                .map_or(Value::Null, |choice| Value::String(choice.value.clone())),
            QuestionKind::Multiple { choices } => Value::Array(
                choices
                    .iter()
                    .filter(|choice| choice.correct)
                    .map(|choice| Value::String(choice.value.clone()))
                    .collect(),
            ),
            QuestionKind::Number { answer, .. } => Value::String(format_number(*answer)),
            QuestionKind::Short { accept } => {
                accept.first().map_or(Value::Null, |variant| Value::String(variant.clone()))
            }
        }
    }

    /// The right answer in words, as it is revealed: the correct choices one per line.
    pub fn reference_text(&self) -> Localized {
        let in_lang = |lang: Lang| match &self.kind {
            QuestionKind::Single { choices } | QuestionKind::Multiple { choices } => choices
                .iter()
                .filter(|choice| choice.correct)
                .map(|choice| choice.label.get(lang).to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            QuestionKind::Number { answer, unit, .. } => {
                format!("{} {}", format_number(*answer), unit.get(lang))
            }
            QuestionKind::Short { accept } => accept.first().cloned().unwrap_or_default(),
        };
        Localized::new(in_lang(Lang::Ko), in_lang(Lang::En))
    }

    /// Answers that must score nothing: every wrong choice; the correct set with one choice
    /// dropped or one added; numbers outside the tolerance; an unrelated word. `labs check`
    /// grades each of them.
    pub fn wrong_answers(&self) -> Vec<Value> {
        match &self.kind {
            QuestionKind::Single { choices } => choices
                .iter()
                .filter(|choice| !choice.correct)
                .map(|choice| Value::String(choice.value.clone()))
                .collect(),
            QuestionKind::Multiple { choices } => {
                let correct: Vec<&str> = choices
                    .iter()
                    .filter(|choice| choice.correct)
                    .map(|choice| choice.value.as_str())
                    .collect();
                let mut wrong = Vec::new();
                for dropped in &correct {
                    let rest: Vec<&str> =
                        correct.iter().copied().filter(|value| value != dropped).collect();
                    if !rest.is_empty() {
                        wrong.push(serde_json::json!(rest));
                    }
                }
                for added in choices.iter().filter(|choice| !choice.correct) {
                    let mut more = correct.clone();
                    more.push(&added.value);
                    wrong.push(serde_json::json!(more));
                }
                wrong
            }
            QuestionKind::Number { answer, tolerance, .. } => {
                let far = tolerance * 2.0 + answer.abs() * 0.5 + 1.0;
                let mut wrong = vec![format_number(answer + far), format_number(answer - far)];
                if answer.abs() > *tolerance {
                    wrong.push("0".to_string());
                }
                wrong.into_iter().map(Value::String).collect()
            }
            QuestionKind::Short { .. } => vec![Value::String("unrelated".to_string())],
        }
    }
}

/// The points a settled try earns under the retry rule: all of them on the first try, half
/// (rounded up) on the second, none after or when wrong.
pub fn points_for(points: u32, attempt: u32, right: bool) -> u32 {
    match (right, attempt) {
        (true, 1) => points,
        (true, 2) => points.div_ceil(2),
        _ => 0,
    }
}

/// Tries a question allows: the second is the last.
pub const TRIES: u32 = 2;

/// What the learner is told after answering.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct QuizFeedback {
    /// Which try this was (1 or 2).
    pub attempt: u32,
    pub right: bool,
    /// Right, or wrong on the last try: the result is final.
    pub settled: bool,
    /// Tries left (0 once settled).
    pub tries_left: u32,
    /// Once settled: why the right answer is right, as HTML.
    pub explanation_html: Option<Localized>,
    /// Once settled: the right answer in words.
    pub answer: Option<Localized>,
}

/// Within `tolerance` of `right`, allowing for the rounding of decimal fractions.
pub fn within(typed: f64, right: f64, tolerance: f64) -> bool {
    typed.is_finite() && (typed - right).abs() <= tolerance + 1e-9 * right.abs().max(1.0)
}

/// A short answer as it is compared: lowercase, without whitespace, `-`, `_`, `.`, quotes,
/// and a final punctuation mark.
pub fn normalize(text: &str) -> String {
    let trimmed = text.trim().trim_end_matches(['!', '?', '。', '？', '！']);
    trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.' | '"' | '\'' | '`'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A number as the explanation and the revealed answer show it: no trailing zeros.
pub fn format_number(number: f64) -> String {
    let text = format!("{number:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// Reads one typed number, the Korean or the English way: digits with `,` between groups of
/// three or spaces between them, a decimal point, Korean magnitudes (`천`, `만`, `억`, `조`,
/// with `십` and `백`), full-width digits, and any text before or after it that holds no digit
/// (a currency sign, a unit, "약").
pub fn parse_number(text: &str) -> Result<f64, AnswerError> {
    let text: String = text.chars().map(half_width).collect();
    let core_start = text.find(|c: char| c.is_ascii_digit() || is_magnitude(c));
    let Some(start) = core_start else {
        return Err(if text.trim().is_empty() { unanswered() } else { not_a_number(&text) });
    };
    let end = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_digit() || is_magnitude(*c))
        .map_or(start, |(at, c)| at + c.len_utf8());
    let negative = text[..start].trim_end().ends_with('-');
    let core = &text[start..end];
    if core
        .chars()
        .any(|c| !(c.is_ascii_digit() || is_magnitude(c) || matches!(c, ',' | '.' | ' ')))
    {
        return Err(not_a_number(&text));
    }
    let value = read_korean(core).ok_or_else(|| not_a_number(&text))?;
    let value = value?;
    Ok(if negative { -value } else { value })
}

/// `core` as digits and Korean magnitudes; `None` when it is not one number.
fn read_korean(core: &str) -> Option<Result<f64, AnswerError>> {
    let mut total = 0.0;
    let mut section = 0.0;
    let mut pending: Option<f64> = None;
    let mut rest = core.trim();
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if c == ' ' {
            rest = rest.trim_start();
            continue;
        }
        if let Some(unit) = small_magnitude(c) {
            section += pending.take().unwrap_or(1.0) * unit;
            rest = &rest[c.len_utf8()..];
        } else if let Some(unit) = big_magnitude(c) {
            let amount = section + pending.take().unwrap_or(0.0);
            total += if amount == 0.0 { unit } else { amount * unit };
            section = 0.0;
            rest = &rest[c.len_utf8()..];
        } else {
            if pending.is_some() {
                return None;
            }
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ')))
                .unwrap_or(rest.len());
            let digits = rest[..len].trim_end();
            // A space belongs to the number only between groups of three digits.
            let digits = if digits.contains(' ') && !spaced_groups(digits) {
                return None;
            } else {
                digits
            };
            match read_digits(digits) {
                Ok(value) => pending = Some(value),
                Err(error) => return Some(Err(error)),
            }
            rest = &rest[len..];
        }
    }
    Some(Ok(total + section + pending.unwrap_or(0.0)))
}

/// `1,234.5`, `1234.5` or `1 234.5` as a number; `1,5` is refused as ambiguous.
fn read_digits(digits: &str) -> Result<f64, AnswerError> {
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let separators: Vec<char> = whole.chars().filter(|c| matches!(c, ',' | ' ')).collect();
    if !separators.is_empty() {
        let groups: Vec<&str> = whole.split([',', ' ']).collect();
        let grouped = groups.first().is_some_and(|first| (1..=3).contains(&first.len()))
            && groups[1..].iter().all(|group| group.len() == 3);
        if !grouped {
            return Err(AnswerError(Localized::new(
                format!(
                    "‘{digits}’은(는) 읽을 수 없습니다. 쉼표는 세 자리마다 쓰고 소수점은 점(.)으로 씁니다."
                ),
                format!(
                    "“{digits}” cannot be read: a comma separates groups of three digits, and \
                     decimals take a point (.)."
                ),
            )));
        }
    }
    let plain: String = whole.chars().filter(char::is_ascii_digit).collect();
    let text = match fraction {
        Some(fraction) if fraction.chars().all(|c| c.is_ascii_digit()) && !fraction.is_empty() => {
            format!("{plain}.{fraction}")
        }
        Some(_) => return Err(not_a_number(digits)),
        None => plain,
    };
    text.parse::<f64>().map_err(|_| not_a_number(digits))
}

fn spaced_groups(digits: &str) -> bool {
    let whole = digits.split('.').next().unwrap_or_default();
    let groups: Vec<&str> = whole.split(' ').collect();
    groups.first().is_some_and(|first| (1..=3).contains(&first.len()))
        && groups[1..].iter().all(|group| group.len() == 3 && !group.contains(','))
}

fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '，' => ',',
        '．' => '.',
        '　' | '\u{a0}' => ' ',
        '－' | '−' => '-',
        _ => c,
    }
}

fn is_magnitude(c: char) -> bool {
    small_magnitude(c).is_some() || big_magnitude(c).is_some()
}

fn small_magnitude(c: char) -> Option<f64> {
    match c {
        '십' => Some(10.0),
        '백' => Some(100.0),
        '천' => Some(1_000.0),
        _ => None,
    }
}

fn big_magnitude(c: char) -> Option<f64> {
    match c {
        '만' => Some(1e4),
        '억' => Some(1e8),
        '조' => Some(1e12),
        _ => None,
    }
}

/// Every number written in `text` (figures in an explanation or a lesson), as
/// [`parse_number`] reads them one at a time.
pub fn numbers_in(text: &str) -> Vec<f64> {
    let text: String = text.chars().map(half_width).collect();
    let mut found = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, found: &mut Vec<f64>| {
        let candidate = current.trim().trim_end_matches([',', '.', ' ']);
        if candidate.chars().any(|c| c.is_ascii_digit()) {
            match parse_number(candidate) {
                Ok(number) => found.push(number),
                // Two figures side by side ("12 34"): each on its own.
                Err(_) => found.extend(candidate.split(' ').filter_map(|p| parse_number(p).ok())),
            }
        }
        current.clear();
    };
    for c in text.chars() {
        let part_of_number = c.is_ascii_digit()
            || is_magnitude(c)
            || (matches!(c, ',' | '.')
                && current.chars().last().is_some_and(|l| l.is_ascii_digit()))
            || (c == ' '
                && current.chars().last().is_some_and(|l| l.is_ascii_digit() || is_magnitude(l)));
        if part_of_number && !(is_magnitude(c) && current.is_empty()) {
            current.push(c);
        } else {
            flush(&mut current, &mut found);
        }
    }
    flush(&mut current, &mut found);
    found
}

fn one_value(answer: &Value) -> Result<String, AnswerError> {
    match answer {
        Value::String(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        Value::Array(items) if items.len() == 1 => one_value(&items[0]),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(unanswered()),
    }
}

fn values(answer: &Value) -> Result<Vec<String>, AnswerError> {
    let picked: Vec<String> = match answer {
        Value::Array(items) => items.iter().map(one_value).collect::<Result<_, _>>()?,
        Value::String(text) => text
            .split(',')
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .collect(),
        _ => return Err(unanswered()),
    };
    if picked.is_empty() { Err(unanswered()) } else { Ok(picked) }
}

fn known_choice(choices: &[QuizChoice], value: &str) -> Result<(), AnswerError> {
    if choices.iter().any(|choice| choice.value == value) {
        return Ok(());
    }
    let known: Vec<&str> = choices.iter().map(|choice| choice.value.as_str()).collect();
    Err(AnswerError(Localized::new(
        format!("‘{value}’은(는) 보기에 없습니다. 보기: {}", known.join(", ")),
        format!("“{value}” is not one of the choices: {}", known.join(", ")),
    )))
}

fn unanswered() -> AnswerError {
    AnswerError(Localized::new("답을 입력하거나 고르세요.", "Type or choose an answer."))
}

fn not_a_number(text: &str) -> AnswerError {
    let text = text.trim();
    AnswerError(Localized::new(
        format!("‘{text}’을(를) 숫자 하나로 읽을 수 없습니다. 예: 1,000 또는 1000, 0.83, 3만 5천."),
        format!(
            "“{text}” cannot be read as one number. For example: 1,000 or 1000, 0.83, 3만 5천."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn number(text: &str) -> f64 {
        parse_number(text).unwrap_or_else(|error| panic!("{text}: {}", error.0.en))
    }

    #[test]
    fn numbers_read_the_korean_and_the_english_way() {
        assert_eq!(number("1,000"), 1000.0);
        assert_eq!(number("1000"), 1000.0);
        assert_eq!(number("1 000"), 1000.0);
        assert_eq!(number("1,234,567.25"), 1_234_567.25);
        assert_eq!(number("$0.83"), 0.83);
        assert_eq!(number("US$ 1.25 per month"), 1.25);
        assert_eq!(number("37.5 RCU"), 37.5);
        assert_eq!(number("약 20달러"), 20.0);
        assert_eq!(number("3만"), 30_000.0);
        assert_eq!(number("1.5만"), 15_000.0);
        assert_eq!(number("3만 5천"), 35_000.0);
        assert_eq!(number("2억 3000만"), 230_000_000.0);
        assert_eq!(number("5백만"), 5_000_000.0);
        assert_eq!(number("만"), 10_000.0);
        assert_eq!(number("１，０００"), 1000.0, "full-width digits");
        assert_eq!(number("-3"), -3.0);
    }

    #[test]
    fn ambiguous_or_several_numbers_are_refused_with_a_reason() {
        let error = parse_number("1,5").unwrap_err();
        assert!(error.0.en.contains("groups of three"), "{}", error.0.en);
        assert!(parse_number("12 34").is_err(), "two numbers");
        assert!(parse_number("1.2.3").is_err());
        assert!(parse_number("ten").unwrap_err().0.en.contains("cannot be read"));
        assert!(parse_number("  ").unwrap_err().0.en.contains("Type or choose"));
    }

    fn choices(correct: &[&str], all: &[&str]) -> Vec<QuizChoice> {
        all.iter()
            .map(|value| QuizChoice {
                value: value.to_string(),
                label: Localized::new(format!("{value} (ko)"), format!("{value} (en)")),
                correct: correct.contains(value),
            })
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            kind,
            points: 5,
            source: "001".into(),
            prompt: Localized::new("?", "?"),
            explanation: Localized::new("!", "!"),
        }
    }

    #[test]
    fn each_kind_judges_its_answers() {
        let single = question(QuestionKind::Single { choices: choices(&["b"], &["a", "b", "c"]) });
        assert_eq!(single.is_right(&json!("b")), Ok(true));
        assert_eq!(single.is_right(&json!("a")), Ok(false));
        assert!(single.is_right(&json!("z")).unwrap_err().0.en.contains("not one of the choices"));
        assert!(single.is_right(&Value::Null).is_err());

        let multiple =
            question(QuestionKind::Multiple { choices: choices(&["a", "c"], &["a", "b", "c"]) });
        assert_eq!(multiple.is_right(&json!(["c", "a"])), Ok(true));
        assert_eq!(multiple.is_right(&json!("a, c")), Ok(true), "the CLI's --set a,c");
        assert_eq!(multiple.is_right(&json!(["a"])), Ok(false));
        assert_eq!(multiple.is_right(&json!(["a", "b", "c"])), Ok(false));

        let unit = Localized::new("RCU", "RCUs");
        let numeric = question(QuestionKind::Number { answer: 1500.0, tolerance: 0.5, unit });
        assert_eq!(numeric.is_right(&json!("1,500")), Ok(true));
        assert_eq!(numeric.is_right(&json!("1500.4 RCU")), Ok(true));
        assert_eq!(numeric.is_right(&json!(1500)), Ok(true));
        assert_eq!(numeric.is_right(&json!("1501")), Ok(false));
        assert!(numeric.is_right(&json!("1,5")).is_err(), "unreadable costs no try");

        let short = question(QuestionKind::Short {
            accept: vec!["DynamoDB Streams".into(), "스트림".into()],
        });
        assert_eq!(short.is_right(&json!("dynamodb-streams.")), Ok(true));
        assert_eq!(short.is_right(&json!(" 스트림 ")), Ok(true));
        assert_eq!(short.is_right(&json!("Kinesis")), Ok(false));
    }

    #[test]
    fn reference_answers_are_right_and_wrong_answers_are_not() {
        let kinds = [
            QuestionKind::Single { choices: choices(&["b"], &["a", "b", "c"]) },
            QuestionKind::Multiple { choices: choices(&["a", "c"], &["a", "b", "c"]) },
            QuestionKind::Multiple { choices: choices(&["a"], &["a", "b"]) },
            QuestionKind::Number {
                answer: 0.83,
                tolerance: 0.01,
                unit: Localized::new("달러", "USD"),
            },
            QuestionKind::Number {
                answer: 0.0,
                tolerance: 0.0,
                unit: Localized::new("개", "items"),
            },
            QuestionKind::Short { accept: vec!["Provisioned concurrency".into()] },
        ];
        for kind in kinds {
            let question = question(kind);
            assert_eq!(question.is_right(&question.reference_answer()), Ok(true), "{question:?}");
            let wrong = question.wrong_answers();
            assert!(!wrong.is_empty(), "{question:?}");
            for answer in wrong {
                assert_eq!(question.is_right(&answer), Ok(false), "{answer} for {question:?}");
            }
        }
    }

    #[test]
    fn the_retry_rule_gives_all_then_half_then_nothing() {
        assert_eq!(points_for(6, 1, true), 6);
        assert_eq!(points_for(6, 2, true), 3);
        assert_eq!(points_for(5, 2, true), 3, "half, rounded up");
        assert_eq!(points_for(6, 1, false), 0);
        assert_eq!(points_for(6, 3, true), 0);
    }

    #[test]
    fn figures_are_found_in_running_text() {
        let found = numbers_in("1,000,000건 × $0.20 = $0.20, 그리고 3만 5천 GB-초; 37.5 RCU.");
        for expected in [1_000_000.0, 0.2, 35_000.0, 37.5] {
            assert!(found.iter().any(|n| within(*n, expected, 1e-9)), "{expected} in {found:?}");
        }
        assert_eq!(normalize(" Provisioned-Concurrency! "), "provisionedconcurrency");
        assert_eq!(format_number(0.8300), "0.83");
        assert_eq!(format_number(1500.0), "1500");
    }
}
