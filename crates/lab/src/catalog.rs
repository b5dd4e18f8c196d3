//! A folder of labs: every subfolder is one lab.

use crate::diagnostic::{Diagnostic, at_file_start};
use crate::load::load_lab;
use crate::model::Lab;
use std::path::Path;

/// The labs of a folder that loaded, and the problems of those that did not.
#[derive(Debug, Default)]
pub struct Catalog {
    /// In catalog order: `order`, then id.
    pub labs: Vec<Lab>,
    /// Everything wrong with the labs that did not load, and with the folder as a whole.
    pub problems: Vec<Diagnostic>,
}

impl Catalog {
    /// Loads every lab under `dir` (hidden folders are skipped; files such as `README.md` are
    /// not labs). Only a folder that cannot be listed at all is an `Err`.
    pub fn load(dir: &Path) -> std::io::Result<Catalog> {
        let mut folders = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if entry.file_type()?.is_dir() && !hidden {
                folders.push(entry.path());
            }
        }
        folders.sort();

        let mut catalog = Catalog::default();
        for folder in folders {
            match load_lab(&folder) {
                Ok(lab) => {
                    if let Some(first) = catalog.labs.iter().find(|other| other.id == lab.id) {
                        catalog.problems.push(at_file_start(
                            &folder.join("lab.toml"),
                            format!(
                                "lab id `{}` is already used by {}",
                                lab.id,
                                first.dir.display()
                            ),
                        ));
                    } else {
                        catalog.labs.push(lab);
                    }
                }
                Err(problems) => catalog.problems.extend(problems),
            }
        }
        catalog.labs.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
        Ok(catalog)
    }

    pub fn lab(&self, id: &str) -> Option<&Lab> {
        self.labs.iter().find(|lab| lab.id == id)
    }
}
