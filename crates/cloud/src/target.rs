//! Which AWS a lab talks to.

use std::fmt;

/// The region the offline emulator is used in unless a lab or the learner picks another: the
/// course's own (Seoul).
pub const DEFAULT_EMULATOR_REGION: &str = "ap-northeast-2";

/// Where a step's API calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The bundled offline emulator, reached over loopback HTTP. Its control endpoints
    /// (`/_awslab/…`: the clock, the simulated terminal, the mailbox, lab resets) need the
    /// token it made at launch; without one, only the AWS APIs can be used.
    Emulator { endpoint: String, region: String, token: Option<ControlToken> },
    /// The learner's own account, with credentials from the standard AWS chain.
    Aws { profile: Option<String>, region: String },
}

/// An emulator's control token (see the emulator's `gate`): a secret, so it never shows in
/// `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct ControlToken(String);

impl ControlToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into().trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ControlToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ControlToken(…)")
    }
}

impl Target {
    /// The emulator at `endpoint` with its control token, in the default region.
    pub fn emulator(endpoint: impl Into<String>, token: Option<&str>) -> Self {
        Target::Emulator {
            endpoint: endpoint.into(),
            region: DEFAULT_EMULATOR_REGION.into(),
            token: token.map(ControlToken::new),
        }
    }

    /// The short name used in progress records and reports: `emulator` or `aws`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Emulator { .. } => "emulator",
            Target::Aws { .. } => "aws",
        }
    }

    pub fn region(&self) -> &str {
        match self {
            Target::Emulator { region, .. } | Target::Aws { region, .. } => region,
        }
    }
}

impl Target {
    /// The target in words in `lang` (`Display` is the English).
    pub fn describe(&self, lang: awslab_lab::Lang) -> String {
        match (self, lang) {
            (_, awslab_lab::Lang::En) => self.to_string(),
            (Target::Emulator { endpoint, .. }, awslab_lab::Lang::Ko) => {
                format!("오프라인 에뮬레이터 ({endpoint})")
            }
            (Target::Aws { profile: Some(profile), region }, awslab_lab::Lang::Ko) => {
                format!("AWS (프로필 {profile}, {region})")
            }
            (Target::Aws { profile: None, region }, awslab_lab::Lang::Ko) => {
                format!("AWS (기본 자격 증명, {region})")
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Emulator { endpoint, .. } => write!(f, "offline emulator at {endpoint}"),
            Target::Aws { profile: Some(profile), region } => {
                write!(f, "AWS (profile {profile}, {region})")
            }
            Target::Aws { profile: None, region } => {
                write!(f, "AWS (default credentials, {region})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_each_target_for_a_learner() {
        let offline = Target::emulator("http://127.0.0.1:4566", Some("secret-token"));
        assert!(!format!("{offline:?}").contains("secret-token"), "the token never shows");
        assert_eq!(offline.kind(), "emulator");
        assert_eq!(offline.region(), "ap-northeast-2");
        assert_eq!(offline.to_string(), "offline emulator at http://127.0.0.1:4566");
        let aws = Target::Aws { profile: Some("student".into()), region: "ap-northeast-2".into() };
        assert_eq!(aws.kind(), "aws");
        assert_eq!(aws.to_string(), "AWS (profile student, ap-northeast-2)");
    }
}
