//! One set of aws-sdk clients for a target: the emulator (its endpoint, fixed learner keys)
//! or AWS (the standard credential chain: environment, profiles, SSO). We never write
//! credentials anywhere.

use crate::failure::Failure;
use crate::target::Target;

/// The keys the app uses with the emulator: any key not issued by the emulator is the learner,
/// the administrator of its one account.
const EMULATOR_ACCESS_KEY: &str = "AKIAAWSLABLEARNER";
const EMULATOR_SECRET_KEY: &str = "awslab-offline";

/// Who the target says we are (`GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// The clients of every service a lab uses, for one target and region.
#[derive(Clone)]
pub struct Clients {
    pub target: Target,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sns: aws_sdk_sns::Client,
    pub ec2: aws_sdk_ec2::Client,
    /// Plain HTTP, for invoke URLs.
    pub http: reqwest::Client,
    /// When these clients last changed something, and how long changes take to settle.
    pub settle: crate::settle::Settle,
    /// Where word of long work goes (waits, calls tried again, long checks); nowhere unless the
    /// shell sets it.
    pub progress: crate::progress::Progress,
}

impl Clients {
    /// Builds the clients; nothing is called yet.
    pub async fn connect(target: &Target) -> Clients {
        let region = aws_config::Region::new(target.region().to_string());
        let loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).region(region);
        let config = match target {
            Target::Emulator { endpoint, .. } => {
                loader
                    .endpoint_url(endpoint)
                    .credentials_provider(aws_credential_types::Credentials::new(
                        EMULATOR_ACCESS_KEY,
                        EMULATOR_SECRET_KEY,
                        None,
                        None,
                        "awslab-emulator",
                    ))
                    .load()
                    .await
            }
            Target::Aws { profile: Some(profile), .. } => loader.profile_name(profile).load().await,
            Target::Aws { profile: None, .. } => loader.load().await,
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(35))
            .build()
            .unwrap_or_default();
        let settle = match target {
            Target::Emulator { endpoint, .. } => emulator_settle(&http, endpoint).await,
            Target::Aws { .. } => crate::settle::Settle::aws(),
        };
        // API Gateway's control plane allows some calls once every few seconds per account
        // (CreateDeployment every 5 s, DeleteRestApi every 30 s): the SDK's three attempts
        // give up before a quota refills, ten with its backoff (capped at 20 s) outlast it.
        let apigateway = aws_sdk_apigateway::config::Builder::from(&config)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(10))
            .build();
        Clients {
            target: target.clone(),
            iam: aws_sdk_iam::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            dynamodb: aws_sdk_dynamodb::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            apigateway: aws_sdk_apigateway::Client::from_conf(apigateway),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
            http,
            settle,
            progress: crate::progress::Progress::default(),
        }
    }

    pub fn region(&self) -> &str {
        self.target.region()
    }

    /// A stage's invoke URL: the emulator's path-style URL, or AWS's `execute-api` host.
    pub fn invoke_url(&self, api_id: &str, stage: &str) -> String {
        match &self.target {
            Target::Emulator { endpoint, .. } => {
                format!("{endpoint}/restapis/{api_id}/{stage}/_user_request_")
            }
            Target::Aws { region, .. } => {
                format!("https://{api_id}.execute-api.{region}.amazonaws.com/{stage}")
            }
        }
    }

    /// The emulator's address, when the target is the emulator (its control endpoints live
    /// under `/_awslab/`); `None` on AWS.
    pub fn emulator_endpoint(&self) -> Option<&str> {
        match &self.target {
            Target::Emulator { endpoint, .. } => Some(endpoint.trim_end_matches('/')),
            Target::Aws { .. } => None,
        }
    }

    /// A request to one of the emulator's control endpoints (`path` starts with `/_awslab/`),
    /// carrying its control token; `None` on AWS.
    pub fn emulator_control(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Option<reqwest::RequestBuilder> {
        let Target::Emulator { endpoint, token, .. } = &self.target else { return None };
        let request =
            self.http.request(method, format!("{}{path}", endpoint.trim_end_matches('/')));
        Some(match token {
            Some(token) => request.header("x-awslab-token", token.as_str()),
            None => request,
        })
    }

    /// `GetCallerIdentity`: which account and principal the calls act as.
    pub async fn whoami(&self) -> Result<Identity, Failure> {
        let answer = (self.sts.get_caller_identity().send().await)
            .map_err(|error| Failure::from_sdk("sts", "GetCallerIdentity", error))?;
        Ok(Identity {
            account: answer.account().unwrap_or_default().to_string(),
            arn: answer.arn().unwrap_or_default().to_string(),
            user_id: answer.user_id().unwrap_or_default().to_string(),
        })
    }
}

/// How an emulator keeps time, from its health answer: ready at once under `--timing instant`,
/// else (under `aws`, or an emulator too old to say) as AWS does.
async fn emulator_settle(http: &reqwest::Client, endpoint: &str) -> crate::settle::Settle {
    let url = format!("{}/_awslab/health", endpoint.trim_end_matches('/'));
    let answer = http.get(url).timeout(std::time::Duration::from_secs(5)).send().await;
    let health = match answer {
        Ok(answer) => answer
            .bytes()
            .await
            .ok()
            .and_then(|body| serde_json::from_slice::<serde_json::Value>(&body).ok()),
        Err(_) => None,
    };
    match health.as_ref().and_then(|health| health["timing"].as_str()) {
        Some("instant") => crate::settle::Settle::instant(),
        _ => crate::settle::Settle::aws(),
    }
}
