//! `awslab-lab://localhost/<lab>/<path>`: files of a lab's folder (its diagrams and images) for
//! the lesson HTML. Only files inside the lab's own folder are served; anything else, and any
//! path that tries to climb out with `..` or a link, is a 404.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext};

use awslab_core::session::Session;

pub fn serve<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
) -> Response<Cow<'static, [u8]>> {
    let session = context.app_handle().state::<Session>();
    let Some((lab_id, relative)) = split(request.uri().path()) else {
        return not_found();
    };
    let Some(lab_dir) = session.lab_dir(&lab_id) else {
        return not_found();
    };
    match resolve(&lab_dir, &relative).and_then(|path| std::fs::read(&path).ok().map(|b| (path, b)))
    {
        Some((path, bytes)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type(&path))
            .body(Cow::Owned(bytes))
            .unwrap_or_else(|_| not_found()),
        None => not_found(),
    }
}

/// `/<lab>/<relative path>`, percent-decoded.
fn split(path: &str) -> Option<(String, PathBuf)> {
    let decoded = percent_decode(path.trim_start_matches('/'))?;
    let (lab, rest) = decoded.split_once('/')?;
    if lab.is_empty() || rest.is_empty() {
        return None;
    }
    Some((lab.to_string(), PathBuf::from(rest)))
}

/// The file `relative` inside `lab_dir`, when it really is inside it.
fn resolve(lab_dir: &Path, relative: &Path) -> Option<PathBuf> {
    if relative.components().any(|part| !matches!(part, Component::Normal(_))) {
        return None;
    }
    let root = lab_dir.canonicalize().ok()?;
    let file = root.join(relative).canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

fn not_found() -> Response<Cow<'static, [u8]>> {
    let mut response = Response::new(Cow::Borrowed(&b"not found"[..]));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_lab_and_decodes_the_path() {
        assert_eq!(
            split("/serverless-api/images/my%20diagram.svg"),
            Some(("serverless-api".into(), PathBuf::from("images/my diagram.svg")))
        );
        assert_eq!(split("/serverless-api/"), None);
        assert_eq!(split("/bad%zz/x"), None);
    }

    #[test]
    fn serves_only_files_inside_the_lab_folder() {
        let root = tempfile::tempdir().expect("temporary folder");
        let lab = root.path().join("lab");
        std::fs::create_dir_all(lab.join("images")).unwrap();
        std::fs::write(lab.join("images/a.svg"), "<svg/>").unwrap();
        std::fs::write(root.path().join("secret.txt"), "no").unwrap();

        assert!(resolve(&lab, Path::new("images/a.svg")).is_some());
        assert_eq!(resolve(&lab, Path::new("../secret.txt")), None);
        assert_eq!(resolve(&lab, Path::new("/etc/passwd")), None);
        assert_eq!(resolve(&lab, Path::new("images")), None, "a folder is not a file");
        assert_eq!(resolve(&lab, Path::new("images/missing.svg")), None);
    }
}
