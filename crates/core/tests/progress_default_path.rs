//! Where the progress store lives. A test binary of its own, with a single test, because it
//! changes the process environment, which other tests running in parallel threads may read.

use awslab_core::progress::{DATA_DIR_ENV, FILE_NAME, ProgressError, ProgressStore};
use directories::ProjectDirs;

#[test]
fn the_data_folder_comes_from_the_environment_or_the_platform() {
    let chosen = tempfile::tempdir().expect("a temporary folder");
    let folder = chosen.path().join("awslab data");

    // SAFETY: this binary runs this one test only, so no other thread reads the environment.
    unsafe { std::env::set_var(DATA_DIR_ENV, &folder) };
    let path = ProgressStore::default_path().expect("a path from the environment");
    assert_eq!(path, folder.join(FILE_NAME));
    // `open` creates the folder it names.
    let opened = ProgressStore::open(&path, 0).expect("open");
    assert!(opened.recovered.is_none());
    assert!(path.is_file());

    // Empty means unset: the platform's data folder, if it has one.
    unsafe { std::env::set_var(DATA_DIR_ENV, "") };
    let with_empty = ProgressStore::default_path();
    unsafe { std::env::remove_var(DATA_DIR_ENV) };
    let unset = ProgressStore::default_path();
    let platform =
        ProjectDirs::from("dev", "awslab", "awslab").map(|dirs| dirs.data_dir().join(FILE_NAME));
    for found in [with_empty, unset] {
        match (found, &platform) {
            (Ok(found), Some(platform)) => assert_eq!(&found, platform),
            (Err(ProgressError::NoDataDir), None) => {}
            (found, platform) => panic!("expected {platform:?}, found {found:?}"),
        }
    }
}
