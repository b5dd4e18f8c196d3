//! Which target a lab command talks to, by one rule for `run`, `check`, `cleanup` and `reset`,
//! said on the command's first lines:
//!
//! 1. `--target aws`: your AWS account, through your AWS configuration (`--profile`, `--region`);
//! 2. `--endpoint URL`: the emulator serving there;
//! 3. otherwise the emulator that `awslab emulator serve` runs, at `$AWSLAB_EMULATOR_URL`
//!    (default `http://127.0.0.1:4566`), when it answers;
//! 4. otherwise a fresh in-memory emulator for this command only, keeping `--timing`; what a
//!    command builds there is gone when it ends, which the first lines say, with how to keep it.
//!
//! Also here: the word of long work on stderr, and the served emulator's control token.

use anyhow::{Context, Result};
use awslab_cloud::{ControlToken, Target};
use awslab_core::target::Connection;
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::Lang;

/// Where a command's calls go.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// `emulator` (the offline AWS) or `aws` (your account, through your AWS configuration).
    #[arg(long, value_parser = ["emulator", "aws"])]
    target: Option<String>,
    /// The emulator's address (default: the one `awslab emulator serve` runs, at
    /// $AWSLAB_EMULATOR_URL or http://127.0.0.1:4566, when it answers; else a fresh in-memory
    /// one for this command only).
    #[arg(long, value_name = "URL", conflicts_with_all = ["profile"])]
    endpoint: Option<String>,
    /// The AWS profile to use (with `--target aws`); default: the standard credential chain.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The region (default: ap-northeast-2 on the emulator; your configured one on AWS).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The timing of the fresh emulator a command starts when none is serving.
    #[command(flatten)]
    timing: crate::emulator::TimingArgs,
    #[arg(long, default_value = "ko", value_parser = parse_lang)]
    pub lang: Lang,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

/// A target and its clients; holds a fresh emulator alive while it is used.
pub struct Connected {
    pub connection: Connection,
    _emulator: Option<Emulator>,
}

/// Where the served emulator is looked for when no `--endpoint` is given.
fn served_url() -> String {
    std::env::var("AWSLAB_EMULATOR_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "http://127.0.0.1:4566".into())
}

/// Whether an awslab emulator answers its health check at `url`, within half a second.
async fn serving(url: &str) -> bool {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(500)).build();
    let Ok(client) = client else { return false };
    let health = format!("{}/_awslab/health", url.trim_end_matches('/'));
    match client.get(health).send().await {
        Ok(answer) => answer.status().is_success(),
        Err(_) => false,
    }
}

impl TargetArgs {
    pub fn is_aws(&self) -> bool {
        self.target.as_deref() == Some("aws")
    }

    /// Connects by the rule of this module, and prints which target it chose and why.
    pub async fn connect(&self) -> Result<Connected> {
        let lang = self.lang;
        let (target, emulator, why) = if self.is_aws() {
            let region = match &self.region {
                Some(region) => region.clone(),
                None => configured_region(self.profile.as_deref())
                    .await
                    .context("no region: pass --region, or set one in your AWS configuration")?,
            };
            (Target::Aws { profile: self.profile.clone(), region }, None, None)
        } else {
            let region =
                self.region.clone().unwrap_or_else(|| awslab_cloud::DEFAULT_EMULATOR_REGION.into());
            let served = served_url();
            match &self.endpoint {
                Some(endpoint) => {
                    let token = served_emulator_token();
                    (Target::Emulator { endpoint: endpoint.clone(), region, token }, None, None)
                }
                None if serving(&served).await => {
                    let token = served_emulator_token();
                    let why = match lang {
                        Lang::Ko => "`awslab emulator serve`가 실행 중인 에뮬레이터",
                        Lang::En => "the one `awslab emulator serve` runs",
                    };
                    (Target::Emulator { endpoint: served, region, token }, None, Some(why.into()))
                }
                None => {
                    let config = EmulatorConfig {
                        clockwork: self.timing.clockwork(),
                        ..EmulatorConfig::default()
                    };
                    let emulator =
                        Emulator::start(config).await.context("starting the offline emulator")?;
                    let endpoint = emulator.endpoint().to_string();
                    let token = Some(ControlToken::new(emulator.control_token()));
                    let why = match lang {
                        Lang::Ko => format!(
                            "이 명령만을 위한 새 메모리 에뮬레이터. {served}에서 실행 중인 에뮬레이터가 없어서이며, 여기서 만든 것은 명령이 끝나면 사라집니다. 명령 사이에 남기려면 다른 터미널에서 `awslab emulator serve`를 실행하세요"
                        ),
                        Lang::En => format!(
                            "a fresh in-memory emulator for this command only, since none serves at {served}; what it builds is gone when the command ends. To keep it between commands, run `awslab emulator serve` in another terminal"
                        ),
                    };
                    (Target::Emulator { endpoint, region, token }, Some(emulator), Some(why))
                }
            }
        };
        let mut connection = awslab_core::target::connect(&target).await.map_err(|failure| {
            let (code, message) = (failure.code, failure.message);
            let explanation = failure.explanation.get(lang);
            match lang {
                Lang::Ko => anyhow::anyhow!(
                    "{}에 연결할 수 없습니다: {code}: {message}\n{explanation}",
                    target.describe(lang)
                ),
                Lang::En => {
                    anyhow::anyhow!("cannot reach {target}: {code}: {message}\n{explanation}")
                }
            }
        })?;
        connection.clients.progress = progress_lines(lang);
        let word = match lang {
            Lang::Ko => "대상",
            Lang::En => "target",
        };
        let target = connection.clients.target.describe(lang);
        match lang {
            Lang::Ko => println!("{word}: {target}, {}(으)로", connection.identity.arn),
            Lang::En => println!("{word}: {target} as {}", connection.identity.arn),
        }
        if let Some(why) = why {
            println!("  ({why})");
        }
        println!();
        Ok(Connected { connection, _emulator: emulator })
    }
}

/// Word of long work on stderr, one line per note: a wait says what it waits for when it
/// starts and then every few seconds ("… waiting for addCustomer to become Active… 3 s"), the
/// calls of a long check likewise, so a learner sees why a step takes a while.
fn progress_lines(lang: Lang) -> awslab_cloud::progress::Progress {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(5);
    let last: std::sync::Mutex<Option<(String, std::time::Instant)>> = std::sync::Mutex::new(None);
    awslab_cloud::progress::Progress::to(move |note| {
        let text = note.get(lang);
        // The same note with other numbers (seconds, calls) is the same news.
        let gist: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
        let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let repeat = last.as_ref().is_some_and(|(seen, at)| *seen == gist && at.elapsed() < EVERY);
        if !repeat {
            eprintln!("  … {text}");
            *last = Some((gist, std::time::Instant::now()));
        }
    })
}

/// The control token of an emulator served by `awslab emulator serve`: `AWSLAB_EMULATOR_TOKEN`
/// when set, else the `control-token` file it writes into its data folder (the default one:
/// a server started with `--data-dir` or `--in-memory` needs the variable). Without one, the
/// AWS APIs still work and the emulator says what is missing when a control endpoint is used.
fn served_emulator_token() -> Option<ControlToken> {
    let from_environment = std::env::var("AWSLAB_EMULATOR_TOKEN").ok();
    let token = from_environment.filter(|token| !token.trim().is_empty()).or_else(|| {
        let folder = awslab_core::data_dir::emulator_dir()?;
        std::fs::read_to_string(folder.join(awslab_emulator::CONTROL_TOKEN_FILE)).ok()
    })?;
    Some(ControlToken::new(token))
}

async fn configured_region(profile: Option<&str>) -> Option<String> {
    let mut chain = aws_config::meta::region::RegionProviderChain::default_provider();
    if let Some(profile) = profile {
        chain = aws_config::meta::region::RegionProviderChain::first_try(
            aws_config::profile::ProfileFileRegionProvider::builder().profile_name(profile).build(),
        )
        .or_else(aws_config::Region::new("ap-northeast-2"));
    }
    chain.region().await.map(|region| region.to_string())
}
