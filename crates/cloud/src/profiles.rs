//! The AWS profiles a learner can pick in the target switcher, read from their AWS configuration
//! (`~/.aws/config` and `~/.aws/credentials`, or the files `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE` name) with the SDK's own parser, so the list matches what the
//! credential chain will use.
//!
//! Only names and regions come out: keys in those files are never read into our values, logged,
//! or written anywhere.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;

/// A profile of the learner's AWS configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AwsProfile {
    pub name: String,
    /// Its `region`, if it sets one.
    pub region: Option<String>,
    /// How it signs in, for the switcher to show: `sso`, `role`, `keys`, `process` or `other`.
    pub sign_in: String,
}

/// The profiles of the learner's AWS configuration, `default` first, then by name. An absent
/// configuration is no profiles; a file that cannot be parsed is an error naming it.
pub async fn aws_profiles() -> Result<Vec<AwsProfile>, String> {
    profiles_from(&Fs::real(), &Env::real()).await
}

async fn profiles_from(fs: &Fs, env: &Env) -> Result<Vec<AwsProfile>, String> {
    let set = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None)
        .await
        .map_err(|error| format!("cannot read your AWS configuration: {error}"))?;
    let mut profiles: Vec<AwsProfile> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|profile| AwsProfile {
            name: profile.name().to_string(),
            region: profile.get("region").map(str::to_string),
            sign_in: sign_in(profile).to_string(),
        })
        .collect();
    profiles.sort_by(|a, b| (a.name != "default", &a.name).cmp(&(b.name != "default", &b.name)));
    Ok(profiles)
}

fn sign_in(profile: &aws_config::profile::Profile) -> &'static str {
    if profile.get("sso_session").is_some() || profile.get("sso_start_url").is_some() {
        "sso"
    } else if profile.get("role_arn").is_some() {
        "role"
    } else if profile.get("aws_access_key_id").is_some() {
        "keys"
    } else if profile.get("credential_process").is_some() {
        "process"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::from_slice(&[("HOME", "/home/learner")])
    }

    #[tokio::test]
    async fn lists_profiles_of_both_files_with_their_regions_and_sign_in() {
        let fs = Fs::from_slice(&[
            (
                "/home/learner/.aws/config",
                "[default]\nregion = ap-northeast-2\n\n\
                 [profile work]\nsso_session = corp\nsso_account_id = 111122223333\n\
                 sso_role_name = Admin\nregion = us-east-1\n\n\
                 [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
                 sso_region = us-east-1\n\n\
                 [profile lab]\nrole_arn = arn:aws:iam::111122223333:role/lab\n\
                 source_profile = default\n",
            ),
            (
                "/home/learner/.aws/credentials",
                "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n\n\
                 [student]\naws_access_key_id = AKIASTUDENT\naws_secret_access_key = secret2\n",
            ),
        ]);

        let profiles = profiles_from(&fs, &env()).await.expect("the files parse");

        let summary: Vec<(&str, Option<&str>, &str)> = profiles
            .iter()
            .map(|p| (p.name.as_str(), p.region.as_deref(), p.sign_in.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("default", Some("ap-northeast-2"), "keys"),
                ("lab", None, "role"),
                ("student", None, "keys"),
                ("work", Some("us-east-1"), "sso"),
            ]
        );
        let json = serde_json::to_string(&profiles).unwrap();
        assert!(
            !json.contains("AKIA") && !json.contains("secret"),
            "no keys in the values: {json}"
        );
    }

    #[tokio::test]
    async fn no_configuration_is_no_profiles() {
        let profiles = profiles_from(&Fs::from_slice(&[]), &env()).await.expect("nothing to read");
        assert!(profiles.is_empty());
    }
}
