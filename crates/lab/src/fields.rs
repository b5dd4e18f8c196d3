//! Form field rules: AWS naming rules and the validation a field's value goes through.
//!
//! The same rules run in three places: `awslab labs check` (defaults and solutions must pass
//! their own field's rules), the app as the learner types, and the engine before it calls AWS.
//! Messages come in both languages so the form can show them as they are.

use crate::model::{Choice, FieldKind};
use crate::text::{Lang, Localized};
use serde::Serialize;
use serde_json::Value;

/// An AWS naming rule for a text field, as the service itself enforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Naming {
    /// 1–64 characters: letters, digits and `+=,.@_-`.
    IamRole,
    /// 1–128 characters: letters, digits and `+=,.@_-`.
    IamPolicy,
    /// 3–255 characters: letters, digits and `_.-`.
    DynamodbTable,
    /// 1–255 bytes, any characters.
    DynamodbAttribute,
    /// 1–64 characters: letters, digits, `-` and `_`.
    LambdaFunction,
    /// 1–128 characters: letters, digits, `-` and `_`, not only digits.
    LambdaAlias,
    /// Not empty, one line.
    ApigatewayApi,
    /// A path segment: letters, digits and `._-`, or `{name}` / `{name+}`.
    ApigatewayPathPart,
    /// 1–128 characters: letters, digits, `-` and `_`.
    ApigatewayStage,
    /// 1–255 characters, no control characters.
    CloudwatchAlarm,
    /// 1–256 characters: letters, digits, `-` and `_`, optionally ending in `.fifo`.
    SnsTopic,
    /// An EC2 `Name` tag value: at most 256 characters.
    Ec2Name,
    /// An e-mail address.
    Email,
}

impl Naming {
    pub const ALL: [Naming; 13] = [
        Naming::IamRole,
        Naming::IamPolicy,
        Naming::DynamodbTable,
        Naming::DynamodbAttribute,
        Naming::LambdaFunction,
        Naming::LambdaAlias,
        Naming::ApigatewayApi,
        Naming::ApigatewayPathPart,
        Naming::ApigatewayStage,
        Naming::CloudwatchAlarm,
        Naming::SnsTopic,
        Naming::Ec2Name,
        Naming::Email,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Naming::IamRole => "iam-role",
            Naming::IamPolicy => "iam-policy",
            Naming::DynamodbTable => "dynamodb-table",
            Naming::DynamodbAttribute => "dynamodb-attribute",
            Naming::LambdaFunction => "lambda-function",
            Naming::LambdaAlias => "lambda-alias",
            Naming::ApigatewayApi => "apigateway-api",
            Naming::ApigatewayPathPart => "apigateway-path-part",
            Naming::ApigatewayStage => "apigateway-stage",
            Naming::CloudwatchAlarm => "cloudwatch-alarm",
            Naming::SnsTopic => "sns-topic",
            Naming::Ec2Name => "ec2-name",
            Naming::Email => "email",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|naming| naming.name() == name)
    }

    /// Checks a non-empty name against the rule.
    pub fn check(self, name: &str) -> Result<(), FieldError> {
        let iam = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
        let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        match self {
            Naming::IamRole => length_and_chars(name, 1, 64, iam, "A–Z a–z 0–9 + = , . @ _ -"),
            Naming::IamPolicy => length_and_chars(name, 1, 128, iam, "A–Z a–z 0–9 + = , . @ _ -"),
            Naming::DynamodbTable => length_and_chars(
                name,
                3,
                255,
                |c| c.is_ascii_alphanumeric() || "_.-".contains(c),
                "A–Z a–z 0–9 _ . -",
            ),
            Naming::DynamodbAttribute => {
                if name.len() > 255 {
                    Err(FieldError::TooLong { max: 255 })
                } else {
                    Ok(())
                }
            }
            Naming::LambdaFunction => length_and_chars(name, 1, 64, word, "A–Z a–z 0–9 - _"),
            Naming::LambdaAlias => {
                length_and_chars(name, 1, 128, word, "A–Z a–z 0–9 - _")?;
                if name.chars().all(|c| c.is_ascii_digit()) {
                    Err(FieldError::AliasIsNumber)
                } else {
                    Ok(())
                }
            }
            Naming::ApigatewayApi => no_control_characters(name),
            Naming::ApigatewayPathPart => path_part(name),
            Naming::ApigatewayStage => length_and_chars(name, 1, 128, word, "A–Z a–z 0–9 - _"),
            Naming::CloudwatchAlarm => {
                no_control_characters(name)?;
                length_and_chars(name, 1, 255, |_| true, "")
            }
            Naming::SnsTopic => {
                let base = name.strip_suffix(".fifo").unwrap_or(name);
                length_and_chars(base, 1, 256 - (name.len() - base.len()), word, "A–Z a–z 0–9 - _")
            }
            Naming::Ec2Name => length_and_chars(name, 0, 256, |_| true, ""),
            Naming::Email => email(name),
        }
    }
}

fn length_and_chars(
    name: &str,
    min: usize,
    max: usize,
    allowed: impl Fn(char) -> bool,
    allowed_description: &'static str,
) -> Result<(), FieldError> {
    let length = name.chars().count();
    if length < min {
        return Err(FieldError::TooShort { min });
    }
    if length > max {
        return Err(FieldError::TooLong { max });
    }
    match name.chars().find(|&c| !allowed(c)) {
        Some(found) => Err(FieldError::BadCharacter { found, allowed: allowed_description }),
        None => Ok(()),
    }
}

fn no_control_characters(name: &str) -> Result<(), FieldError> {
    match name.chars().find(|c| c.is_control()) {
        Some(found) => Err(FieldError::BadCharacter { found, allowed: "no control characters" }),
        None => Ok(()),
    }
}

fn path_part(part: &str) -> Result<(), FieldError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if let Some(inner) = part.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
        let name = inner.strip_suffix('+').unwrap_or(inner);
        return length_and_chars(name, 1, 255, plain, "{name} or {name+} with A–Z a–z 0–9 . _ -");
    }
    length_and_chars(part, 1, 255, plain, "A–Z a–z 0–9 . _ -")
}

fn email(address: &str) -> Result<(), FieldError> {
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    };
    if valid { Ok(()) } else { Err(FieldError::NotAnEmail) }
}

/// The rules of a key/value field's names and values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum KeyValueRules {
    /// API Gateway stage variables: names `[A-Za-z0-9_]+`, values of `A–Z a–z 0–9 -._~:/?#&=,`
    /// up to 512 characters.
    StageVariables,
    /// Lambda environment variables: names start with a letter, then letters, digits and `_`
    /// (two characters at least); 4 KB in all.
    Environment,
}

impl KeyValueRules {
    pub fn name(self) -> &'static str {
        match self {
            KeyValueRules::StageVariables => "stage-variables",
            KeyValueRules::Environment => "environment",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [KeyValueRules::StageVariables, KeyValueRules::Environment]
            .into_iter()
            .find(|rules| rules.name() == name)
    }

    fn check(self, pairs: &serde_json::Map<String, Value>) -> Result<(), FieldError> {
        let mut total = 0;
        for (key, value) in pairs {
            let Some(value) = value.as_str() else {
                return Err(FieldError::WrongType { expected: "a text value for each name" });
            };
            let in_key = |error| FieldError::InKey { key: key.clone(), error: Box::new(error) };
            match self {
                KeyValueRules::StageVariables => {
                    length_and_chars(
                        key,
                        1,
                        64,
                        |c| c.is_ascii_alphanumeric() || c == '_',
                        "A–Z a–z 0–9 _",
                    )
                    .map_err(in_key)?;
                    length_and_chars(
                        value,
                        1,
                        512,
                        |c| c.is_ascii_alphanumeric() || "-._~:/?#&=,".contains(c),
                        "A–Z a–z 0–9 - . _ ~ : / ? # & = ,",
                    )
                    .map_err(in_key)?;
                }
                KeyValueRules::Environment => {
                    let starts_with_letter = key.starts_with(|c: char| c.is_ascii_alphabetic());
                    if !starts_with_letter {
                        return Err(in_key(FieldError::MustStartWithLetter));
                    }
                    length_and_chars(
                        key,
                        2,
                        usize::MAX,
                        |c| c.is_ascii_alphanumeric() || c == '_',
                        "A–Z a–z 0–9 _",
                    )
                    .map_err(in_key)?;
                    total += key.len() + value.len();
                }
            }
        }
        if total > 4096 {
            return Err(FieldError::EnvironmentTooLarge { bytes: total });
        }
        Ok(())
    }
}

/// The language of a code field, for the editor's highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum CodeLanguage {
    Python,
    Javascript,
    Json,
}

impl CodeLanguage {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "python" => Some(CodeLanguage::Python),
            "javascript" => Some(CodeLanguage::Javascript),
            "json" => Some(CodeLanguage::Json),
            _ => None,
        }
    }
}

/// A known shape a JSON field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum JsonSchema {
    /// An IAM policy document (identity or trust policy): `Statement` with `Effect` and
    /// `Action`/`NotAction` in each statement.
    IamPolicy,
    /// A JSON object (a request body, an item).
    Object,
}

impl JsonSchema {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "iam-policy" => Some(JsonSchema::IamPolicy),
            "object" => Some(JsonSchema::Object),
            _ => None,
        }
    }

    fn check(self, document: &Value) -> Result<(), FieldError> {
        let Some(object) = document.as_object() else {
            return Err(FieldError::Schema("the document must be a JSON object `{…}`".into()));
        };
        if self == JsonSchema::Object {
            return Ok(());
        }
        let statements = match object.get("Statement") {
            Some(Value::Array(statements)) if !statements.is_empty() => statements.clone(),
            Some(statement @ Value::Object(_)) => vec![statement.clone()],
            _ => {
                return Err(FieldError::Schema(
                    "a policy needs a `Statement`: one statement object or a list of them".into(),
                ));
            }
        };
        for (index, statement) in statements.iter().enumerate() {
            let number = index + 1;
            let effect = statement.get("Effect").and_then(Value::as_str);
            if !matches!(effect, Some("Allow" | "Deny")) {
                return Err(FieldError::Schema(format!(
                    "statement {number}: `Effect` must be \"Allow\" or \"Deny\""
                )));
            }
            if statement.get("Action").is_none() && statement.get("NotAction").is_none() {
                return Err(FieldError::Schema(format!(
                    "statement {number}: `Action` (or `NotAction`) is missing"
                )));
            }
        }
        if let Some(version) = object.get("Version")
            && !matches!(version.as_str(), Some("2012-10-17" | "2008-10-17"))
        {
            return Err(FieldError::Schema(
                "`Version` must be \"2012-10-17\" (the current policy language)".into(),
            ));
        }
        Ok(())
    }
}

/// Why a field's value is not accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FieldError {
    #[error("a value is required")]
    Required,
    #[error("expected {expected}")]
    WrongType { expected: &'static str },
    #[error("at least {min} characters")]
    TooShort { min: usize },
    #[error("at most {max} characters")]
    TooLong { max: usize },
    #[error("`{found}` is not allowed here (allowed: {allowed})")]
    BadCharacter { found: char, allowed: &'static str },
    #[error("an alias name cannot be only digits (that would look like a version)")]
    AliasIsNumber,
    #[error("not an e-mail address")]
    NotAnEmail,
    #[error("must start with a letter")]
    MustStartWithLetter,
    #[error("environment variables take {bytes} bytes; Lambda allows 4 KB")]
    EnvironmentTooLarge { bytes: usize },
    #[error("`{key}`: {error}")]
    InKey { key: String, error: Box<FieldError> },
    #[error("not a number")]
    NotANumber,
    #[error("must be a whole number")]
    NotAWholeNumber,
    #[error("must be at least {min}")]
    BelowMinimum { min: f64 },
    #[error("must be at most {max}")]
    AboveMaximum { max: f64 },
    #[error("`{value}` is not one of the options")]
    NotAnOption { value: String },
    #[error("`{value}` is chosen twice")]
    ChosenTwice { value: String },
    #[error("invalid JSON at line {line}, column {column}: {reason}")]
    InvalidJson { line: usize, column: usize, reason: String },
    #[error("{0}")]
    Schema(String),
}

impl FieldError {
    /// The message in the learner's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ko => self.korean(),
        }
    }

    /// Both languages at once, for results that are shown later in either.
    pub fn localized(&self) -> Localized {
        Localized::new(self.korean(), self.to_string())
    }

    fn korean(&self) -> String {
        match self {
            FieldError::Required => "값을 입력해야 합니다".into(),
            FieldError::WrongType { expected } => {
                format!("형식이 맞지 않습니다 (expected {expected})")
            }
            FieldError::TooShort { min } => format!("{min}자 이상이어야 합니다"),
            FieldError::TooLong { max } => format!("{max}자 이하여야 합니다"),
            FieldError::BadCharacter { found, allowed } => {
                format!("`{found}` 문자는 쓸 수 없습니다 (허용: {allowed})")
            }
            FieldError::AliasIsNumber => {
                "별칭 이름은 숫자만으로 만들 수 없습니다 (버전 번호와 헷갈립니다)".into()
            }
            FieldError::NotAnEmail => "이메일 주소 형식이 아닙니다".into(),
            FieldError::MustStartWithLetter => "영문자로 시작해야 합니다".into(),
            FieldError::EnvironmentTooLarge { bytes } => {
                format!("환경 변수가 {bytes}바이트입니다. Lambda는 4KB까지 허용합니다")
            }
            FieldError::InKey { key, error } => format!("`{key}`: {}", error.korean()),
            FieldError::NotANumber => "숫자가 아닙니다".into(),
            FieldError::NotAWholeNumber => "정수여야 합니다".into(),
            FieldError::BelowMinimum { min } => format!("{min} 이상이어야 합니다"),
            FieldError::AboveMaximum { max } => format!("{max} 이하여야 합니다"),
            FieldError::NotAnOption { value } => format!("`{value}`은(는) 선택지에 없습니다"),
            FieldError::ChosenTwice { value } => format!("`{value}`을(를) 두 번 골랐습니다"),
            FieldError::InvalidJson { line, column, reason } => {
                format!("JSON 문법 오류 ({line}행 {column}열): {reason}")
            }
            FieldError::Schema(reason) => format!("문서 구조가 맞지 않습니다: {reason}"),
        }
    }
}

/// Checks a value entered in (or defaulted into) a field of the given kind.
///
/// Values are JSON as a form holds them: text, code, JSON documents and resource ids are strings;
/// numbers are numbers; multi-selects are lists of strings; key/value fields are objects of
/// strings. An empty value passes when the field is optional.
pub fn validate(kind: &FieldKind, required: bool, value: &Value) -> Result<(), FieldError> {
    if is_empty(value) {
        return if required { Err(FieldError::Required) } else { Ok(()) };
    }
    match kind {
        FieldKind::Text { naming, max_length } => {
            let text = value.as_str().ok_or(FieldError::WrongType { expected: "text" })?;
            if text.contains('\n') {
                return Err(FieldError::BadCharacter { found: '\n', allowed: "one line" });
            }
            if let Some(max) = max_length
                && text.chars().count() > *max
            {
                return Err(FieldError::TooLong { max: *max });
            }
            naming.map_or(Ok(()), |naming| naming.check(text))
        }
        FieldKind::Number { min, max, integer } => {
            let number = value.as_f64().ok_or(FieldError::NotANumber)?;
            if *integer && number.fract() != 0.0 {
                return Err(FieldError::NotAWholeNumber);
            }
            if let Some(min) = min
                && number < *min
            {
                return Err(FieldError::BelowMinimum { min: *min });
            }
            if let Some(max) = max
                && number > *max
            {
                return Err(FieldError::AboveMaximum { max: *max });
            }
            Ok(())
        }
        FieldKind::Select { options } => {
            let chosen = value.as_str().ok_or(FieldError::WrongType { expected: "an option" })?;
            is_option(options, chosen)
        }
        FieldKind::MultiSelect { options } => {
            let chosen =
                value.as_array().ok_or(FieldError::WrongType { expected: "a list of options" })?;
            let mut seen = Vec::new();
            for item in chosen {
                let item = item.as_str().ok_or(FieldError::WrongType { expected: "an option" })?;
                is_option(options, item)?;
                if seen.contains(&item) {
                    return Err(FieldError::ChosenTwice { value: item.to_string() });
                }
                seen.push(item);
            }
            Ok(())
        }
        FieldKind::Json { schema } => {
            let text =
                value.as_str().ok_or(FieldError::WrongType { expected: "a JSON document" })?;
            let document = parse_json(text)?;
            schema.map_or(Ok(()), |schema| schema.check(&document))
        }
        FieldKind::Code { .. } => {
            value.as_str().map(|_| ()).ok_or(FieldError::WrongType { expected: "source code" })
        }
        FieldKind::KeyValue { rules } => {
            let pairs =
                value.as_object().ok_or(FieldError::WrongType { expected: "names and values" })?;
            match rules {
                Some(rules) => rules.check(pairs),
                None => match pairs.values().all(Value::is_string) {
                    true => Ok(()),
                    false => Err(FieldError::WrongType { expected: "a text value for each name" }),
                },
            }
        }
        FieldKind::Resource { .. } => value
            .as_str()
            .map(|_| ())
            .ok_or(FieldError::WrongType { expected: "a resource to choose" }),
    }
}

/// Parses the text of a JSON field, locating a syntax error.
pub fn parse_json(text: &str) -> Result<Value, FieldError> {
    serde_json::from_str(text).map_err(|error| FieldError::InvalidJson {
        line: error.line(),
        column: error.column(),
        reason: json_reason(&error),
    })
}

fn json_reason(error: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the location is reported separately.
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn is_option(options: &[Choice], value: &str) -> Result<(), FieldError> {
    if options.iter().any(|option| option.value == value) {
        Ok(())
    } else {
        Err(FieldError::NotAnOption { value: value.to_string() })
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(pairs) => pairs.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(naming: Naming) -> FieldKind {
        FieldKind::Text { naming: Some(naming), max_length: None }
    }

    #[test]
    fn iam_names_follow_aws_rules() {
        assert_eq!(Naming::IamRole.check("aws-lab-dynamodb-role"), Ok(()));
        assert_eq!(Naming::IamPolicy.check("aws-lab-dynamodb-putitem-policy"), Ok(()));
        assert_eq!(
            Naming::IamRole.check("my role"),
            Err(FieldError::BadCharacter {
                found: ' ', allowed: "A–Z a–z 0–9 + = , . @ _ -"
            })
        );
        assert_eq!(Naming::IamRole.check(&"r".repeat(65)), Err(FieldError::TooLong { max: 64 }));
        assert_eq!(Naming::IamPolicy.check(&"p".repeat(128)), Ok(()));
    }

    #[test]
    fn table_function_stage_alias_topic_rules() {
        assert_eq!(Naming::DynamodbTable.check("ab"), Err(FieldError::TooShort { min: 3 }));
        assert_eq!(Naming::DynamodbTable.check("customers"), Ok(()));
        assert!(Naming::LambdaFunction.check("add.customer").is_err());
        assert_eq!(Naming::LambdaFunction.check("addCustomer"), Ok(()));
        assert_eq!(Naming::LambdaAlias.check("42"), Err(FieldError::AliasIsNumber));
        assert_eq!(Naming::LambdaAlias.check("PROD"), Ok(()));
        assert_eq!(Naming::ApigatewayStage.check("dev"), Ok(()));
        assert!(Naming::ApigatewayStage.check("dev stage").is_err());
        assert_eq!(Naming::SnsTopic.check("AWSLab_CloudWatch_Volume_Alarms_Topic"), Ok(()));
        assert_eq!(Naming::SnsTopic.check("orders.fifo"), Ok(()));
        assert!(Naming::SnsTopic.check("a.b").is_err());
        assert_eq!(Naming::ApigatewayPathPart.check("{proxy+}"), Ok(()));
        assert_eq!(Naming::ApigatewayPathPart.check("houses"), Ok(()));
        assert!(Naming::ApigatewayPathPart.check("{}").is_err());
        assert!(Naming::ApigatewayPathPart.check("a/b").is_err());
        assert_eq!(Naming::Email.check("student@example.com"), Ok(()));
        assert_eq!(Naming::Email.check("student@localhost"), Err(FieldError::NotAnEmail));
    }

    #[test]
    fn required_and_optional_empty_values() {
        let kind = text(Naming::IamRole);
        assert_eq!(validate(&kind, true, &json!("")), Err(FieldError::Required));
        assert_eq!(validate(&kind, false, &json!("  ")), Ok(()));
        assert_eq!(
            validate(&kind, true, &json!(3)),
            Err(FieldError::WrongType { expected: "text" })
        );
    }

    #[test]
    fn numbers_respect_range_and_integrality() {
        let kind = FieldKind::Number { min: Some(1.0), max: Some(900.0), integer: true };
        assert_eq!(validate(&kind, true, &json!(3)), Ok(()));
        assert_eq!(validate(&kind, true, &json!(0)), Err(FieldError::BelowMinimum { min: 1.0 }));
        assert_eq!(
            validate(&kind, true, &json!(901)),
            Err(FieldError::AboveMaximum { max: 900.0 })
        );
        assert_eq!(validate(&kind, true, &json!(2.5)), Err(FieldError::NotAWholeNumber));
        assert_eq!(validate(&kind, true, &json!("3")), Err(FieldError::NotANumber));
    }

    #[test]
    fn selects_accept_only_their_options_once() {
        let options = vec![
            Choice { value: "dynamodb:PutItem".into(), label: None },
            Choice { value: "dynamodb:GetItem".into(), label: None },
        ];
        let multi = FieldKind::MultiSelect { options: options.clone() };
        assert_eq!(validate(&multi, true, &json!(["dynamodb:PutItem"])), Ok(()));
        assert_eq!(
            validate(&multi, true, &json!(["dynamodb:PutItem", "dynamodb:PutItem"])),
            Err(FieldError::ChosenTwice { value: "dynamodb:PutItem".into() })
        );
        assert_eq!(
            validate(&FieldKind::Select { options }, true, &json!("s3:GetObject")),
            Err(FieldError::NotAnOption { value: "s3:GetObject".into() })
        );
    }

    #[test]
    fn json_fields_report_syntax_errors_with_a_location() {
        let kind = FieldKind::Json { schema: Some(JsonSchema::IamPolicy) };
        let broken = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}";
        match validate(&kind, true, &json!(broken)) {
            Err(FieldError::InvalidJson { line: 4, column: 1, reason }) => {
                assert!(reason.contains("expected value"), "{reason}")
            }
            other => panic!("unexpected {other:?}"),
        }
        let no_effect = r#"{"Version":"2012-10-17","Statement":[{"Action":"dynamodb:PutItem"}]}"#;
        assert_eq!(
            validate(&kind, true, &json!(no_effect)),
            Err(FieldError::Schema("statement 1: `Effect` must be \"Allow\" or \"Deny\"".into()))
        );
        let good = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}}"#;
        assert_eq!(validate(&kind, true, &json!(good)), Ok(()));
    }

    #[test]
    fn key_value_rules_for_stage_and_environment_variables() {
        let stage = FieldKind::KeyValue { rules: Some(KeyValueRules::StageVariables) };
        assert_eq!(validate(&stage, true, &json!({"lambdaAlias": "DEV"})), Ok(()));
        assert_eq!(
            validate(&stage, true, &json!({"lambda-alias": "DEV"})),
            Err(FieldError::InKey {
                key: "lambda-alias".into(),
                error: Box::new(FieldError::BadCharacter {
                    found: '-', allowed: "A–Z a–z 0–9 _"
                })
            })
        );
        let env = FieldKind::KeyValue { rules: Some(KeyValueRules::Environment) };
        assert_eq!(validate(&env, true, &json!({"TABLE": "customers"})), Ok(()));
        assert!(validate(&env, true, &json!({"1TABLE": "x"})).is_err());
        let big = "x".repeat(5000);
        assert_eq!(
            validate(&env, true, &json!({"TABLE": big})),
            Err(FieldError::EnvironmentTooLarge { bytes: 5005 })
        );
    }

    #[test]
    fn messages_exist_in_korean_too() {
        let error = FieldError::TooLong { max: 64 };
        assert_eq!(error.message(Lang::En), "at most 64 characters");
        assert_eq!(error.message(Lang::Ko), "64자 이하여야 합니다");
    }
}
