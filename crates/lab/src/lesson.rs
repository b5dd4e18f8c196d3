//! The lesson files `ko.md` and `en.md`: Markdown with a few directives in HTML comments.
//!
//! The comments are invisible on a code host, so each lesson file reads as a plain document.
//! Grammar (blocks in document order; ordinary HTML comments may appear anywhere):
//!
//! ```text
//! lesson    := title intro step+ summary?
//! title     := "# " text                       one level-1 heading, the first block
//! intro     := block*                          what the lab builds, before the first step
//! step      := "<!-- awslab:step ID -->" "## " text (block | hint)+
//! hint      := "<!-- awslab:hint -->" blockquote
//! summary   := "<!-- awslab:summary -->" "## " text block*
//! ```
//!
//! - A step's `ID` is the id of a step in `lab.toml` (`[a-z0-9-]+`); both lesson files must
//!   hold the same steps, in the order of `lab.toml`.
//! - A `## ` heading must follow a directive on the very next block; headings inside a step use
//!   `###` or deeper.
//! - A hint is the block quote (`> …`) right after `<!-- awslab:hint -->`; hints are revealed in
//!   the order written.
//! - Directives stand alone on their line; one inside a paragraph is an error.
//!
//! Every error names the file, line and column and says what was expected.

use crate::diagnostic::{Diagnostic, SourceFile};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A parsed lesson file, before it is matched with `lab.toml`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lesson {
    pub title: String,
    pub title_offset: usize,
    pub intro: String,
    pub steps: Vec<LessonStep>,
    pub summary: Option<LessonSection>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LessonStep {
    pub id: String,
    /// Byte offset of the step's directive, for errors about the step.
    pub offset: usize,
    pub title: String,
    pub text: String,
    pub hints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LessonSection {
    pub offset: usize,
    pub title: String,
    pub text: String,
}

/// The Markdown extensions lessons are written with (GitHub's flavour).
pub(crate) fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

#[derive(Debug)]
enum Block {
    Heading { level: HeadingLevel, text: String },
    Html(String),
    Quote,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
enum Directive {
    Step(String),
    Hint,
    Summary,
}

/// The section whose heading a directive announced.
#[derive(Debug, Clone, PartialEq)]
enum Opening {
    Step(String),
    Summary,
}

#[derive(Debug)]
enum State {
    BeforeTitle,
    Intro,
    /// A step or summary directive was read; its `## ` heading must come next.
    Announced {
        opening: Opening,
        offset: usize,
    },
    InStep,
    InSummary,
}

/// A section being read: where its body starts and which ranges (hints) to cut out of it.
struct OpenSection {
    body_start: usize,
    cuts: Vec<Range<usize>>,
}

pub(crate) fn parse_lesson(file: &SourceFile) -> Result<Lesson, Vec<Diagnostic>> {
    let text = file.text.as_str();
    let mut errors = Vec::new();
    let blocks = top_level_blocks(file, &mut errors);

    let mut state = State::BeforeTitle;
    let mut title = None;
    let mut intro = String::new();
    let mut steps: Vec<LessonStep> = Vec::new();
    let mut summary: Option<LessonSection> = None;
    let mut open: Option<OpenSection> = None;
    let mut pending_hint: Option<usize> = None;

    // Closes the section being read at `end`, storing its body text.
    let close = |open: &mut Option<OpenSection>,
                 end: usize,
                 intro: &mut String,
                 steps: &mut Vec<LessonStep>,
                 summary: &mut Option<LessonSection>,
                 state: &State| {
        let Some(section) = open.take() else { return };
        let body = cut(text, section.body_start..end, &section.cuts);
        match state {
            State::Intro => *intro = body,
            State::InStep => {
                if let Some(step) = steps.last_mut() {
                    step.text = body;
                }
            }
            State::InSummary => {
                if let Some(summary) = summary.as_mut() {
                    summary.text = body;
                }
            }
            _ => {}
        }
    };

    for (block, range) in blocks {
        if let Some(hint_offset) = pending_hint.take() {
            if matches!(block, Block::Quote) {
                let hint = strip_quote_markers(&text[range.clone()]);
                if let Some(step) = steps.last_mut() {
                    step.hints.push(hint);
                }
                if let Some(section) = open.as_mut() {
                    section.cuts.push(hint_offset..range.end);
                }
                continue;
            }
            errors.push(file.at(
                hint_offset,
                "expected a block quote (lines starting with `>`) right after \
                 `<!-- awslab:hint -->`",
            ));
        }

        let directive = match &block {
            Block::Html(html) => match parse_directive(html) {
                Ok(directive) => directive,
                Err(message) => {
                    errors.push(file.at(range.start, message));
                    continue;
                }
            },
            _ => None,
        };

        if let State::Announced { opening, offset } = &state
            && !matches!(block, Block::Heading { level: HeadingLevel::H2, .. })
        {
            errors.push(file.at(
                *offset,
                format!(
                    "expected a `## ` heading on the line after `{}`",
                    opening_directive(opening)
                ),
            ));
            // Recover as if the heading were there, so later errors still make sense.
            state = match opening {
                Opening::Step(_) => State::InStep,
                Opening::Summary => State::InSummary,
            };
            open = Some(OpenSection { body_start: range.start, cuts: Vec::new() });
        }

        match (directive, block) {
            (Some(Directive::Step(id)), _) => {
                if matches!(state, State::BeforeTitle) {
                    errors.push(
                        file.at(
                            range.start,
                            "expected the lab title (`# …`) before the first step",
                        ),
                    );
                }
                if summary.is_some() {
                    errors.push(file.at(
                        range.start,
                        format!("step `{id}` comes after the summary: the summary must be last"),
                    ));
                }
                if let Some(first) = steps.iter().find(|step| step.id == id) {
                    let (line, _) = file.location(first.offset);
                    errors.push(file.at(
                        range.start,
                        format!("step `{id}` appears twice (first on line {line})"),
                    ));
                }
                close(&mut open, range.start, &mut intro, &mut steps, &mut summary, &state);
                state = State::Announced { opening: Opening::Step(id), offset: range.start };
            }
            (Some(Directive::Summary), _) => {
                if let Some(first) = &summary {
                    let (line, _) = file.location(first.offset);
                    errors.push(file.at(
                        range.start,
                        format!("the summary appears twice (first on line {line})"),
                    ));
                }
                close(&mut open, range.start, &mut intro, &mut steps, &mut summary, &state);
                state = State::Announced { opening: Opening::Summary, offset: range.start };
            }
            (Some(Directive::Hint), _) => {
                if matches!(state, State::InStep) {
                    pending_hint = Some(range.start);
                } else {
                    errors.push(file.at(
                        range.start,
                        "a hint belongs to a step: put `<!-- awslab:hint -->` after a step's \
                         `## ` heading",
                    ));
                }
            }
            (None, Block::Heading { level: HeadingLevel::H1, text: heading }) => {
                if matches!(state, State::BeforeTitle) {
                    title = Some((heading, range.start));
                    state = State::Intro;
                    open = Some(OpenSection { body_start: range.end, cuts: Vec::new() });
                } else {
                    errors.push(file.at(
                        range.start,
                        "only the lab title is a `# ` heading: steps use `## `, and headings \
                         inside a step `###`",
                    ));
                }
            }
            (None, Block::Heading { level: HeadingLevel::H2, text: heading }) => match state {
                State::Announced { opening: Opening::Step(id), offset } => {
                    steps.push(LessonStep {
                        id,
                        offset,
                        title: heading,
                        text: String::new(),
                        hints: Vec::new(),
                    });
                    state = State::InStep;
                    open = Some(OpenSection { body_start: range.end, cuts: Vec::new() });
                }
                State::Announced { opening: Opening::Summary, offset } => {
                    summary = Some(LessonSection { offset, title: heading, text: String::new() });
                    state = State::InSummary;
                    open = Some(OpenSection { body_start: range.end, cuts: Vec::new() });
                }
                _ => errors.push(file.at(
                    range.start,
                    "a `## ` heading starts a step: put `<!-- awslab:step ID -->` on the line \
                     before it (or use `###` for a heading inside a step)",
                )),
            },
            (None, _) if matches!(state, State::BeforeTitle) => {
                // Ordinary comments may precede the title; anything else may not.
                if !matches!(&file.text[range.clone()].trim_start(), t if t.starts_with("<!--")) {
                    errors.push(file.at(
                        range.start,
                        "expected the lab title as a `# ` heading at the top of the lesson",
                    ));
                    state = State::Intro;
                    open = Some(OpenSection { body_start: range.start, cuts: Vec::new() });
                }
            }
            (None, _) => {}
        }
    }

    if let Some(hint_offset) = pending_hint {
        errors.push(file.at(
            hint_offset,
            "expected a block quote (lines starting with `>`) right after `<!-- awslab:hint -->`",
        ));
    }
    if let State::Announced { opening, offset } = &state {
        errors.push(file.at(
            *offset,
            format!("expected a `## ` heading on the line after `{}`", opening_directive(opening)),
        ));
    }
    close(&mut open, text.len(), &mut intro, &mut steps, &mut summary, &state);

    let Some((title, title_offset)) = title else {
        if errors.is_empty() {
            errors.push(
                file.at(0, "expected the lab title as a `# ` heading at the top of the lesson"),
            );
        }
        return Err(errors);
    };
    if steps.is_empty() && errors.is_empty() {
        errors.push(file.at(
            text.len(),
            "the lesson has no steps: expected `<!-- awslab:step ID -->` followed by a `## ` heading",
        ));
    }
    for step in &steps {
        if step.text.trim().is_empty() {
            errors.push(file.at(
                step.offset,
                format!("step `{}` has no lesson text under its heading", step.id),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Lesson { title, title_offset, intro, steps, summary })
    } else {
        errors.sort_by_key(|error| (error.line, error.column));
        errors.dedup();
        Err(errors)
    }
}

fn opening_directive(opening: &Opening) -> String {
    match opening {
        Opening::Step(id) => format!("<!-- awslab:step {id} -->"),
        Opening::Summary => "<!-- awslab:summary -->".to_string(),
    }
}

/// The top-level blocks of a Markdown document with their source ranges. Directives inside
/// other blocks are reported, since they would silently do nothing there.
fn top_level_blocks(file: &SourceFile, errors: &mut Vec<Diagnostic>) -> Vec<(Block, Range<usize>)> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(Block, Range<usize>)> = None;
    for (event, range) in Parser::new_ext(&file.text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let block = match tag {
                        Tag::Heading { level, .. } => Block::Heading { level, text: String::new() },
                        Tag::HtmlBlock => Block::Html(String::new()),
                        Tag::BlockQuote(_) => Block::Quote,
                        _ => Block::Other,
                    };
                    current = Some((block, range));
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(block) = current.take()
                {
                    blocks.push(block);
                }
                let _: TagEnd = end;
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((Block::Heading { text: heading, .. }, _)) = current.as_mut() {
                    heading.push_str(&text);
                }
            }
            Event::Html(html) => match current.as_mut() {
                Some((Block::Html(block), _)) if depth == 1 => block.push_str(&html),
                _ => nested_directive(file, &html, range.start, errors),
            },
            Event::InlineHtml(html) => nested_directive(file, &html, range.start, errors),
            Event::Rule if depth == 0 => blocks.push((Block::Other, range)),
            _ => {}
        }
    }
    blocks
}

fn nested_directive(file: &SourceFile, html: &str, offset: usize, errors: &mut Vec<Diagnostic>) {
    if html.contains("awslab:") && html.trim_start().starts_with("<!--") {
        errors.push(file.at(
            offset,
            "a directive must stand alone on its own line, with a blank line before it",
        ));
    }
}

/// Reads an HTML block: `Ok(None)` for ordinary HTML or comments, a directive, or an error.
fn parse_directive(html: &str) -> Result<Option<Directive>, String> {
    let trimmed = html.trim();
    let Some(inner) = trimmed.strip_prefix("<!--") else { return Ok(None) };
    let Some(end) = inner.find("-->") else { return Ok(None) };
    let body = inner[..end].trim();
    let Some(rest) = body.strip_prefix("awslab:") else {
        // `<!-- awslab step x -->` and the like are most likely a mistyped directive.
        if body.starts_with("awslab") {
            return Err(format!(
                "`<!-- {body} -->` looks like a directive: write `<!-- awslab:step ID -->`, \
                 `<!-- awslab:hint -->` or `<!-- awslab:summary -->`"
            ));
        }
        return Ok(None);
    };
    if !inner[end + 3..].trim().is_empty() {
        return Err("a directive must stand alone on its line: move the text after `-->` to \
                    the next line"
            .to_string());
    }
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or("");
    let arguments: Vec<&str> = words.collect();
    match (name, arguments.as_slice()) {
        ("step", [id]) if is_slug(id) => Ok(Some(Directive::Step(id.to_string()))),
        ("step", [id]) => Err(format!(
            "step id `{id}` may use only lowercase letters, digits and `-` (like `create-role`)"
        )),
        ("step", []) => {
            Err("`<!-- awslab:step -->` needs a step id, e.g. `<!-- awslab:step create-role -->`"
                .to_string())
        }
        ("step", _) => Err("`awslab:step` takes one step id".to_string()),
        ("hint", []) => Ok(Some(Directive::Hint)),
        ("summary", []) => Ok(Some(Directive::Summary)),
        ("hint" | "summary", _) => Err(format!("`awslab:{name}` takes nothing after it")),
        (other, _) => Err(format!(
            "unknown directive `awslab:{other}`: expected `awslab:step ID`, `awslab:hint` or \
             `awslab:summary`"
        )),
    }
}

/// Lowercase letters, digits and single inner dashes: `create-role`, `step-2`.
pub(crate) fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The text of `range` with the `cuts` (hint blocks) removed, pieces joined by a blank line.
fn cut(text: &str, range: Range<usize>, cuts: &[Range<usize>]) -> String {
    let mut pieces = Vec::new();
    let mut from = range.start;
    for cut in cuts {
        if cut.start >= from && cut.end <= range.end {
            pieces.push(&text[from..cut.start]);
            from = cut.end;
        }
    }
    pieces.push(&text[from..range.end]);
    pieces
        .iter()
        .map(|piece| piece.trim_end().trim_start_matches(['\n', '\r']))
        .filter(|piece| !piece.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The Markdown inside a block quote: each line loses up to three spaces, its `>` and one space.
fn strip_quote_markers(quote: &str) -> String {
    quote
        .lines()
        .map(|line| {
            let indented = line.trim_start_matches(' ');
            match indented.strip_prefix('>') {
                Some(rest) if line.len() - indented.len() <= 3 => {
                    rest.strip_prefix(' ').unwrap_or(rest)
                }
                _ => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Lesson, Vec<String>> {
        parse_lesson(&SourceFile::new("ko.md", text.to_string()))
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    const GOOD: &str = "# 서버리스 API\n\n무엇을 만드는지.\n\n\
        <!-- awslab:step create-policy -->\n## 정책 만들기\n\n정책을 만듭니다.\n\n\
        <!-- awslab:hint -->\n> 첫 번째 힌트\n> 둘째 줄\n\n더 읽을거리.\n\n\
        <!-- awslab:hint -->\n> `dynamodb:PutItem`\n\n\
        <!-- awslab:step create-role -->\n## 역할 만들기\n\n### 신뢰 정책\n\n역할을 만듭니다.\n\n\
        <!-- awslab:summary -->\n## 정리\n\n지우세요.\n";

    #[test]
    fn reads_title_intro_steps_hints_and_summary() {
        let lesson = parse(GOOD).unwrap();
        assert_eq!(lesson.title, "서버리스 API");
        assert_eq!(lesson.intro, "무엇을 만드는지.");
        let ids: Vec<_> = lesson.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["create-policy", "create-role"]);
        let first = &lesson.steps[0];
        assert_eq!(first.title, "정책 만들기");
        assert_eq!(first.text, "정책을 만듭니다.\n\n더 읽을거리.");
        assert_eq!(first.hints, ["첫 번째 힌트\n둘째 줄", "`dynamodb:PutItem`"]);
        assert_eq!(lesson.steps[1].text, "### 신뢰 정책\n\n역할을 만듭니다.");
        let summary = lesson.summary.unwrap();
        assert_eq!((summary.title.as_str(), summary.text.as_str()), ("정리", "지우세요."));
    }

    #[test]
    fn ordinary_comments_are_allowed_anywhere() {
        let text = format!("<!-- written for the 2026 course -->\n{GOOD}\n<!-- end -->\n");
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn locates_a_heading_without_directive() {
        let errors = parse("# T\n\nintro\n\n## Stray\n\ntext\n").unwrap_err();
        assert_eq!(
            errors[0],
            "ko.md:5:1: a `## ` heading starts a step: put \
            `<!-- awslab:step ID -->` on the line before it (or use `###` for a heading inside a step)"
        );
    }

    #[test]
    fn locates_a_directive_inside_a_paragraph() {
        let errors =
            parse("# T\n\n<!-- awslab:step a -->\n## A\n\nsome text <!-- awslab:hint --> here\n")
                .unwrap_err();
        assert_eq!(
            errors,
            [
                "ko.md:6:11: a directive must stand alone on its own line, with a blank line before it"
            ]
        );
    }
}
