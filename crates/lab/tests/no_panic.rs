//! No input can make the lab loader panic: random Markdown built from the pieces lessons are
//! made of, and mangled copies of a real lab's files, are loaded; each must give a lab or a
//! list of located errors.

use awslab_lab::load_lab;
use proptest::prelude::*;
use std::fs;
use std::path::Path;

fn sample() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/format-sample"))
}

/// Pieces of lesson Markdown, valid and broken, to be strung together at random.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# 형식 견본\n".to_string()),
        Just("# Format sample\n".to_string()),
        Just("<!-- awslab:step policy -->\n".to_string()),
        Just("<!-- awslab:step quiz -->\n".to_string()),
        Just("<!-- awslab:step -->\n".to_string()),
        Just("<!-- awslab:hint -->\n".to_string()),
        Just("<!-- awslab:summary -->\n".to_string()),
        Just("<!-- awslab:bogus x -->\n".to_string()),
        Just("<!-- awslab:step policy".to_string()),
        Just("## 정책 만들기\n".to_string()),
        Just("### 작은 제목\n".to_string()),
        Just("> 힌트 한 줄\n".to_string()),
        Just("> > 겹친 인용\n".to_string()),
        Just("```python\nprint(event)\n".to_string()),
        Just("```\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 |\n".to_string()),
        Just("- 목록\n  - 안쪽\n".to_string()),
        Just("본문 <!-- awslab:hint --> 중간\n".to_string()),
        Just("<details>\n<summary>x</summary>\n".to_string()),
        Just("\n".to_string()),
        Just("    들여쓴 코드\n".to_string()),
        Just("[^1]: 각주\n".to_string()),
        "[\\PC]{0,40}\n",
        any::<String>(),
    ]
}

fn lesson() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// A copy of `text` with a few random edits: characters deleted, duplicated or inserted.
fn mangled(text: String) -> impl Strategy<Value = String> {
    let length = text.chars().count().max(1);
    prop::collection::vec((0..length, 0..3u8, any::<char>()), 1..8).prop_map(move |edits| {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, how, c) in edits {
            let at = at.min(chars.len());
            match how {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars.insert(at, chars[at]),
                _ => chars.insert(at, c),
            }
        }
        chars.into_iter().collect()
    })
}

/// Copies the format sample into a fresh folder, replacing one file's text.
fn load_with(file: &str, text: &str) {
    let root = tempfile::tempdir().expect("temporary folder");
    let dir = root.path().join("format-sample");
    fs::create_dir_all(dir.join("starter")).expect("folders");
    fs::create_dir_all(dir.join("solution")).expect("folders");
    for name in ["lab.toml", "ko.md", "en.md", "starter/handler.py", "solution/handler.py"] {
        fs::copy(sample().join(name), dir.join(name)).expect("copy the sample");
    }
    fs::write(dir.join(file), text).expect("write the changed file");
    if let Err(errors) = load_lab(&dir) {
        assert!(!errors.is_empty(), "a failed load must say why");
        for error in errors {
            assert!(error.line >= 1 && error.column >= 1, "{error}");
            assert!(!error.message.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn random_lessons_never_panic(text in lesson()) {
        load_with("ko.md", &text);
    }

    #[test]
    fn mangled_lessons_never_panic(text in fs::read_to_string(sample().join("en.md")).map(mangled).expect("en.md")) {
        load_with("en.md", &text);
    }

    #[test]
    fn mangled_manifests_never_panic(text in fs::read_to_string(sample().join("lab.toml")).map(mangled).expect("lab.toml")) {
        load_with("lab.toml", &text);
    }
}
