//! Function code: zip files kept by the hash of their content (`lambda/code/<sha256>.zip` in
//! the data folder, or an `awslab-lambda-code-<pid>-…` temporary folder in memory), and unpacked
//! copies that workers run (`<sha256>/` in an `awslab-lambda-task-<pid>-…` temporary folder,
//! removed when the emulator stops, by the next one if it was killed: see `temp_folders`).
//!
//! Content addressing means versions and snapshots share one file per distinct zip, and a
//! snapshot restored later still finds its code. Files are never deleted while the emulator runs.

use super::LambdaError;
use crate::temp_folders::TempFolder;
use base64::Engine;
use sha2::Digest;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The most a zip may hold once unpacked, as AWS limits it.
pub const UNZIPPED_LIMIT: u64 = 262_144_000;

/// A zip that was accepted: its hash as AWS reports it (base64) and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub sha256: String,
    pub size: u64,
}

pub struct CodeStore {
    zips: PathBuf,
    unpacked: PathBuf,
    _temporary: Vec<TempFolder>,
}

impl CodeStore {
    /// Zips under `data_dir/lambda/code`, or in a temporary folder for an in-memory emulator.
    pub fn open(data_dir: Option<&Path>) -> std::io::Result<Self> {
        let mut temporary = Vec::new();
        let mut make_temporary = |kind: &str| -> std::io::Result<PathBuf> {
            let dir = TempFolder::create(kind)?;
            let path = dir.path().to_path_buf();
            temporary.push(dir);
            Ok(path)
        };
        let zips = match data_dir {
            Some(dir) => {
                let zips = dir.join("lambda").join("code");
                std::fs::create_dir_all(&zips)?;
                zips
            }
            None => make_temporary("lambda-code")?,
        };
        let unpacked = make_temporary("lambda-task")?;
        Ok(Self { zips, unpacked, _temporary: temporary })
    }

    /// Checks that `zip` is a zip file within AWS's limits and keeps it.
    pub fn store(&self, zip: &[u8]) -> Result<StoredCode, LambdaError> {
        let unreadable = || {
            LambdaError::InvalidParameterValue(
                "Could not unzip uploaded file. Please check your file, then try to upload again."
                    .to_string(),
            )
        };
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).map_err(|_| unreadable())?;
        let mut unzipped: u64 = 0;
        for index in 0..archive.len() {
            let entry = archive.by_index_raw(index).map_err(|_| unreadable())?;
            unzipped = unzipped.saturating_add(entry.size());
        }
        if unzipped > UNZIPPED_LIMIT {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Unzipped size must be smaller than {UNZIPPED_LIMIT} bytes"
            )));
        }
        let digest = sha2::Sha256::digest(zip);
        let path = self.zip_path_for_digest(&digest);
        if !path.exists() {
            let partial = path.with_extension("partial");
            std::fs::write(&partial, zip)
                .and_then(|()| std::fs::rename(&partial, &path))
                .map_err(|error| storage_error(&path, &error))?;
        }
        Ok(StoredCode {
            sha256: base64::engine::general_purpose::STANDARD.encode(digest),
            size: zip.len() as u64,
        })
    }

    /// The zip of a stored hash, if there is one.
    pub fn zip_path(&self, sha256: &str) -> Option<PathBuf> {
        let digest = base64::engine::general_purpose::STANDARD.decode(sha256).ok()?;
        let path = self.zip_path_for_digest(&digest);
        path.exists().then_some(path)
    }

    /// The zip behind a file name of the download link `GetFunction` gives (`<hex>.zip`).
    pub fn zip_by_file_name(&self, file_name: &str) -> Option<PathBuf> {
        let hex = file_name.strip_suffix(".zip")?;
        let valid = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        let path = self.zips.join(file_name);
        (valid && path.exists()).then_some(path)
    }

    /// The file name of a stored hash (`<hex>.zip`).
    pub fn file_name(sha256: &str) -> Option<String> {
        let digest = base64::engine::general_purpose::STANDARD.decode(sha256).ok()?;
        Some(format!("{}.zip", hex(&digest)))
    }

    /// The folder with the code unpacked, unpacking it on first use.
    pub fn unpacked(&self, sha256: &str) -> Result<PathBuf, LambdaError> {
        let zip = self.zip_path(sha256).ok_or_else(|| {
            LambdaError::Service(format!("the code of this function ({sha256}) is missing"))
        })?;
        let name = zip.file_stem().map(|stem| stem.to_owned()).unwrap_or_default();
        let folder = self.unpacked.join(&name);
        if folder.exists() {
            return Ok(folder);
        }
        let bytes = std::fs::read(&zip).map_err(|error| storage_error(&zip, &error))?;
        let partial =
            self.unpacked.join(format!(".{}-{}", name.to_string_lossy(), uuid::Uuid::new_v4()));
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
            LambdaError::Service(format!("unpacking {}: {error}", zip.display()))
        })?;
        archive.extract(&partial).map_err(|error| {
            LambdaError::Service(format!("unpacking {}: {error}", zip.display()))
        })?;
        // Another invocation may have unpacked the same code meanwhile; either copy will do.
        if std::fs::rename(&partial, &folder).is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
        Ok(folder)
    }

    fn zip_path_for_digest(&self, digest: &[u8]) -> PathBuf {
        self.zips.join(format!("{}.zip", hex(digest)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn storage_error(path: &Path, error: &std::io::Error) -> LambdaError {
    LambdaError::Service(format!("cannot store function code in {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in files {
            writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(text.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn stores_by_content_and_unpacks_once() {
        let store = CodeStore::open(None).unwrap();
        let zip = zip_of(&[("lambda_function.py", "def lambda_handler(e, c):\n    return 1\n")]);
        let stored = store.store(&zip).unwrap();
        assert_eq!(stored.size, zip.len() as u64);
        assert_eq!(stored.sha256.len(), 44, "base64 of 32 bytes");
        assert_eq!(store.store(&zip).unwrap(), stored, "the same content, the same hash");
        let folder = store.unpacked(&stored.sha256).unwrap();
        let text = std::fs::read_to_string(folder.join("lambda_function.py")).unwrap();
        assert!(text.contains("lambda_handler"));
        assert_eq!(store.unpacked(&stored.sha256).unwrap(), folder);
        let file_name = CodeStore::file_name(&stored.sha256).unwrap();
        assert_eq!(store.zip_by_file_name(&file_name), store.zip_path(&stored.sha256));
        assert_eq!(store.zip_by_file_name("../state.sqlite3"), None);
    }

    #[test]
    fn a_file_that_is_not_a_zip_is_refused_as_aws_refuses_it() {
        let store = CodeStore::open(None).unwrap();
        let error = store.store(b"def lambda_handler(e, c): pass").unwrap_err();
        assert_eq!(
            error,
            LambdaError::InvalidParameterValue(
                "Could not unzip uploaded file. Please check your file, then try to upload again."
                    .into()
            )
        );
    }
}
