//! Lesson Markdown to HTML that is safe to show in the app.
//!
//! pulldown-cmark renders; ammonia sanitizes (no scripts, no event handlers, no `javascript:`
//! links), keeping what lessons need: code blocks with their `language-…` class for
//! highlighting, tables, images, and GitHub's alert block quotes (`> [!NOTE]`). Relative links
//! and image paths are resolved against the lab folder's URL, and may not climb out of it.

use crate::lesson::markdown_options;
use std::borrow::Cow;
use url::Url;

/// Renders lesson Markdown to sanitized HTML; relative URLs resolve against `base`, the URL of
/// the lab folder (it should end with `/`).
pub fn markdown_to_html(markdown: &str, base: &Url) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, markdown_options());
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);

    ammonia::Builder::default()
        .add_tag_attributes("code", &["class"])
        .add_tag_attributes("blockquote", &["class"])
        .add_tag_attributes("p", &["class"])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .add_tags(&["input"])
        .url_relative(ammonia::UrlRelative::Custom(Box::new(LabFolder(base.clone()))))
        .clean(&html)
        .to_string()
}

/// Resolves relative URLs against the lab folder; `None` (the attribute is dropped) when one
/// would leave the folder. Fragment links (`#section`) stay as they are.
struct LabFolder(Url);

impl ammonia::UrlRelativeEvaluate<'static> for LabFolder {
    fn evaluate<'u>(&self, url: &'u str) -> Option<Cow<'u, str>> {
        if url.starts_with('#') {
            return Some(Cow::Borrowed(url));
        }
        let resolved = self.0.join(url).ok()?;
        if resolved.as_str().starts_with(self.0.as_str()) {
            Some(Cow::Owned(resolved.to_string()))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("file:///labs/serverless-api/").unwrap()
    }

    #[test]
    fn keeps_code_blocks_with_their_language() {
        let html = markdown_to_html("```python\nprint(event)\n```\n", &base());
        assert_eq!(html, "<pre><code class=\"language-python\">print(event)\n</code></pre>\n");
    }

    #[test]
    fn removes_scripts_and_handlers() {
        let html = markdown_to_html(
            "<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n\n\
             [click](javascript:alert(1))",
            &base(),
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn resolves_images_inside_the_lab_folder_only() {
        let html = markdown_to_html("![diagram](images/diagram.svg)", &base());
        assert!(html.contains("src=\"file:///labs/serverless-api/images/diagram.svg\""), "{html}");
        let html = markdown_to_html("![secret](../../etc/passwd)", &base());
        assert!(!html.contains("passwd"), "{html}");
        let html = markdown_to_html("[docs](https://docs.aws.amazon.com/lambda/)", &base());
        assert!(html.contains("href=\"https://docs.aws.amazon.com/lambda/\""), "{html}");
    }

    #[test]
    fn keeps_tables_and_alerts() {
        let html = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n", &base());
        assert!(html.contains("<table>") && html.contains("<td>1</td>"), "{html}");
        let html = markdown_to_html("> [!NOTE]\n> Lambda limits\n", &base());
        assert!(html.contains("markdown-alert-note"), "{html}");
    }
}
