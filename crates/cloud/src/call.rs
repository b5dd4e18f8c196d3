//! What an action did, call by call: the service, the operation, its parameters (secrets and
//! file contents left out) and the same call as an `aws` CLI command a student can copy.

use crate::target::Target;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ApiCall {
    pub service: String,
    pub operation: String,
    pub parameters: Value,
    /// The equivalent AWS CLI command.
    pub cli: String,
}

/// Builds an [`ApiCall`] argument by argument, in the CLI's terms (`--policy-name`).
pub struct CallBuilder {
    service: &'static str,
    operation: &'static str,
    cli_service: &'static str,
    parameters: Map<String, Value>,
    arguments: Vec<String>,
    /// Shell lines the command needs first (writing and zipping a function's source).
    setup: Vec<String>,
}

impl CallBuilder {
    /// `service` as the SDK names it (`iam`), `operation` as the API (`CreatePolicy`); the CLI
    /// command is `aws <cli_service> <create-policy>`.
    pub fn new(service: &'static str, cli_service: &'static str, operation: &'static str) -> Self {
        Self {
            service,
            operation,
            cli_service,
            parameters: Map::new(),
            arguments: Vec::new(),
            setup: Vec::new(),
        }
    }

    /// A text argument (`--policy-name x`).
    pub fn text(mut self, flag: &str, value: &str) -> Self {
        self.parameters.insert(pascal(flag), Value::String(value.to_string()));
        self.arguments.push(format!("--{flag} {}", quote(value)));
        self
    }

    /// A text argument when there is one.
    pub fn optional_text(self, flag: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.text(flag, value),
            None => self,
        }
    }

    /// Key/value pairs as a JSON object (`--variables '{"k":"v"}'`), when there are any.
    pub fn pairs(self, flag: &str, pairs: &[(String, String)]) -> Self {
        if pairs.is_empty() {
            return self;
        }
        let object = pairs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        self.json(flag, &Value::Object(object))
    }

    /// A number argument.
    pub fn number(mut self, flag: &str, value: impl Into<serde_json::Number>) -> Self {
        let value = value.into();
        self.parameters.insert(pascal(flag), Value::Number(value.clone()));
        self.arguments.push(format!("--{flag} {value}"));
        self
    }

    /// A JSON argument (a policy document, a key schema), written compactly.
    pub fn json(mut self, flag: &str, value: &Value) -> Self {
        self.parameters.insert(pascal(flag), value.clone());
        self.arguments.push(format!("--{flag} {}", quote(&value.to_string())));
        self
    }

    /// An argument whose content is not shown: the parameters say what it was, the command
    /// names a file (`fileb://function.zip`).
    pub fn file(mut self, flag: &str, summary: &str, cli_value: &str) -> Self {
        self.parameters.insert(pascal(flag), Value::String(summary.to_string()));
        self.arguments.push(format!("--{flag} {cli_value}"));
        self
    }

    /// Writes `source` to the file `name` and zips it into `zip` before the command, so that
    /// the command's `fileb://` argument exists when it is pasted into a shell as printed.
    pub fn zipped_source(mut self, name: &str, source: &str, zip: &str) -> Self {
        let mut end = String::from("AWSLAB_SOURCE");
        while source.lines().any(|line| line == end) {
            end.push('_');
        }
        let source = source.strip_suffix('\n').unwrap_or(source);
        self.setup.push(format!("cat > {name} <<'{end}'\n{source}\n{end}"));
        self.setup.push(format!("rm -f {zip} && python3 -m zipfile -c {zip} {name}"));
        self
    }

    /// A positional argument (the output file of `aws lambda invoke`).
    pub fn positional(mut self, value: &str) -> Self {
        self.arguments.push(quote(value));
        self
    }

    /// A flag without a value (`--publish`).
    pub fn flag(mut self, flag: &str) -> Self {
        self.parameters.insert(pascal(flag), Value::Bool(true));
        self.arguments.push(format!("--{flag}"));
        self
    }

    /// The call, with the target's endpoint and region in the command.
    pub fn build(self, target: &Target) -> ApiCall {
        let mut cli: String = self.setup.iter().map(|line| format!("{line}\n")).collect();
        cli.push_str(&format!("aws {} {}", self.cli_service, kebab(self.operation)));
        for argument in &self.arguments {
            cli.push(' ');
            cli.push_str(argument);
        }
        if let Target::Emulator { endpoint, .. } = target {
            cli.push_str(&format!(" --endpoint-url {endpoint}"));
        }
        // IAM too: it is global, but the CLI still wants a region to sign with, and a clean
        // shell has none configured.
        cli.push_str(&format!(" --region {}", target.region()));
        ApiCall {
            service: self.service.to_string(),
            operation: self.operation.to_string(),
            parameters: Value::Object(self.parameters),
            cli,
        }
    }
}

/// `CreatePolicy` → `create-policy`.
fn kebab(operation: &str) -> String {
    let mut out = String::new();
    for (index, c) in operation.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `policy-name` → `PolicyName`, the API's parameter name.
fn pascal(flag: &str) -> String {
    flag.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Quotes a value for a POSIX shell when it needs it.
fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=@,+-".contains(c));
    if plain { value.to_string() } else { format!("'{}'", value.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_like_the_cli_documentation() {
        let target = Target::emulator("http://127.0.0.1:4566", None);
        let call = CallBuilder::new("iam", "iam", "CreatePolicy")
            .text("policy-name", "aws-lab-dynamodb-putitem-policy")
            .json("policy-document", &serde_json::json!({"Version": "2012-10-17"}))
            .build(&target);
        assert_eq!(
            call.cli,
            "aws iam create-policy --policy-name aws-lab-dynamodb-putitem-policy \
             --policy-document '{\"Version\":\"2012-10-17\"}' --endpoint-url http://127.0.0.1:4566 \
             --region ap-northeast-2",
            "IAM names a region too: a clean shell has none"
        );
        assert_eq!(call.parameters["PolicyName"], "aws-lab-dynamodb-putitem-policy");
        let aws = Target::Aws { profile: None, region: "ap-northeast-2".into() };
        let call = CallBuilder::new("lambda", "lambda", "Invoke")
            .text("function-name", "addCustomer")
            .text("payload", "{\"it's\": 1}")
            .build(&aws);
        assert_eq!(
            call.cli,
            "aws lambda invoke --function-name addCustomer --payload '{\"it'\\''s\": 1}' --region ap-northeast-2"
        );
    }

    #[test]
    fn a_source_is_written_and_zipped_before_the_command_that_reads_the_zip() {
        let aws = Target::Aws { profile: None, region: "ap-northeast-2".into() };
        let source = "def handler(event, context):\n    return 1\nAWSLAB_SOURCE\n";
        let call = CallBuilder::new("lambda", "lambda", "UpdateFunctionCode")
            .zipped_source("lambda_function.py", source, "function.zip")
            .text("function-name", "f")
            .file("zip-file", "<zip>", "fileb://function.zip")
            .build(&aws);
        assert_eq!(
            call.cli,
            "cat > lambda_function.py <<'AWSLAB_SOURCE_'\n\
             def handler(event, context):\n    return 1\nAWSLAB_SOURCE\n\
             AWSLAB_SOURCE_\n\
             rm -f function.zip && python3 -m zipfile -c function.zip lambda_function.py\n\
             aws lambda update-function-code --function-name f --zip-file fileb://function.zip \
             --region ap-northeast-2",
            "a source line equal to the end marker makes the marker longer"
        );
    }
}
