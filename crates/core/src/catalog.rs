//! The catalog: where the labs are, and a summary of each for the catalog view.

use awslab_lab::{Catalog, Localized};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One lab as the catalog shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LabSummary {
    pub id: String,
    pub title: Localized,
    pub estimated_minutes: u32,
    pub step_count: usize,
}

/// The labs that loaded, and what is wrong with those that did not.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogListing {
    pub labs: Vec<LabSummary>,
    /// `file:line:column: message`, one per problem.
    pub problems: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read the labs folder {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
}

/// Loads the labs under `labs_dir` and summarises them in catalog order.
pub fn list_labs(labs_dir: &Path) -> Result<CatalogListing, CatalogError> {
    let catalog = load_catalog(labs_dir)?;
    Ok(CatalogListing {
        labs: catalog
            .labs
            .iter()
            .map(|lab| LabSummary {
                id: lab.id.clone(),
                title: lab.title.clone(),
                estimated_minutes: lab.estimated_minutes,
                step_count: lab.steps.len(),
            })
            .collect(),
        problems: catalog.problems.iter().map(ToString::to_string).collect(),
    })
}

/// Loads the whole catalog of `labs_dir`.
pub fn load_catalog(labs_dir: &Path) -> Result<Catalog, CatalogError> {
    Catalog::load(labs_dir)
        .map_err(|source| CatalogError::Unreadable { path: labs_dir.to_path_buf(), source })
}

/// Where the labs are: `$AWSLAB_LABS_DIR` if set; else `labs/` in the current folder; else the
/// `labs/` folder of the source tree this program was built from.
pub fn default_labs_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AWSLAB_LABS_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("labs");
    if here.join("README.md").is_file() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let error = list_labs(Path::new("/nonexistent/labs")).unwrap_err();
        assert!(error.to_string().starts_with("cannot read the labs folder /nonexistent/labs"));
    }

    #[test]
    fn the_source_tree_labs_folder_is_found() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        assert!(dir.join("README.md").is_file(), "{} has no README.md", dir.display());
    }
}
