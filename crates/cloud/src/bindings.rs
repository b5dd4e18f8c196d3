//! Filling a step's `{{placeholders}}`: the form's values, the context variables, and lookups
//! on the target (`{{policy_arn:aws-lab-dynamodb-putitem-policy}}`), resolved before rendering.

use crate::clients::Clients;
use crate::failure::Failure;
use awslab_lab::template::{self, Placeholder, RenderError};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::BTreeMap;

/// What placeholders stand for, for one step on one target.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    /// The step's form, by field id.
    pub fields: IndexMap<String, Value>,
    pub account_id: String,
    pub region: String,
    pub lab_id: String,
    lookups: BTreeMap<(String, String), Value>,
}

/// A placeholder that cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    #[error("`{{{{{0}}}}}` names no field of this step and no context variable")]
    Unknown(String),
    #[error("`{{{{{name}:{argument}}}}}` was not looked up")]
    NotLookedUp { name: String, argument: String },
    #[error("{0}")]
    Syntax(String),
}

impl Bindings {
    pub fn new(
        fields: IndexMap<String, Value>,
        account_id: &str,
        region: &str,
        lab_id: &str,
    ) -> Self {
        Self {
            fields,
            account_id: account_id.into(),
            region: region.into(),
            lab_id: lab_id.into(),
            lookups: BTreeMap::new(),
        }
    }

    /// Looks up, on the target, every `{{name:argument}}` in `values` (placeholders inside a
    /// lookup's argument are not allowed by the format, so one pass is enough).
    pub async fn look_up(&mut self, clients: &Clients, values: &[&Value]) -> Result<(), Failure> {
        let mut wanted = Vec::new();
        for value in values {
            collect(value, &mut wanted);
        }
        for placeholder in wanted {
            let Some(argument) = placeholder.argument.clone() else { continue };
            let key = (placeholder.name.clone(), argument.clone());
            if self.lookups.contains_key(&key) {
                continue;
            }
            let found = look_up(clients, &placeholder.name, &argument).await?;
            self.lookups.insert(key, found);
        }
        Ok(())
    }

    /// Records a lookup's answer (tests, and actions that know it already).
    pub fn set_lookup(&mut self, name: &str, argument: &str, value: Value) {
        self.lookups.insert((name.into(), argument.into()), value);
    }

    /// `value` with every placeholder filled. A string that is one placeholder takes its value
    /// with its type; placeholders inside text are written as text.
    pub fn render(&self, value: &Value) -> Result<Value, BindError> {
        match value {
            Value::String(text) => {
                if let Some(placeholder) = template::sole_placeholder(text) {
                    return self.value_of(&placeholder);
                }
                let rendered = template::render(text, |placeholder| {
                    self.value_of(placeholder).map(|value| match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    })
                });
                match rendered {
                    Ok(text) => Ok(Value::String(text)),
                    Err(RenderError::Syntax(error)) => Err(BindError::Syntax(error.message)),
                    Err(RenderError::Resolve(error)) => Err(error),
                }
            }
            Value::Array(items) => items.iter().map(|item| self.render(item)).collect(),
            Value::Object(map) => map
                .iter()
                .map(|(key, item)| Ok((key.clone(), self.render(item)?)))
                .collect::<Result<_, _>>()
                .map(Value::Object),
            other => Ok(other.clone()),
        }
    }

    fn value_of(&self, placeholder: &Placeholder) -> Result<Value, BindError> {
        if let Some(argument) = &placeholder.argument {
            return self.lookups.get(&(placeholder.name.clone(), argument.clone())).cloned().ok_or(
                BindError::NotLookedUp {
                    name: placeholder.name.clone(),
                    argument: argument.clone(),
                },
            );
        }
        match placeholder.name.as_str() {
            "account_id" => Ok(Value::String(self.account_id.clone())),
            "region" => Ok(Value::String(self.region.clone())),
            "lab_id" => Ok(Value::String(self.lab_id.clone())),
            name => self.fields.get(name).cloned().ok_or_else(|| BindError::Unknown(name.into())),
        }
    }
}

fn collect(value: &Value, out: &mut Vec<Placeholder>) {
    match value {
        Value::String(text) => {
            if let Ok(found) = template::placeholders(text) {
                out.extend(found.into_iter().filter(|p| p.argument.is_some()));
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, out)),
        Value::Object(map) => map.values().for_each(|item| collect(item, out)),
        _ => {}
    }
}

/// One lookup on the target.
async fn look_up(clients: &Clients, name: &str, argument: &str) -> Result<Value, Failure> {
    match name {
        "policy_arn" => {
            let mut pages = clients
                .iam
                .list_policies()
                .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                .into_paginator()
                .items()
                .send();
            while let Some(policy) = pages.next().await {
                let policy =
                    policy.map_err(|error| Failure::from_sdk("iam", "ListPolicies", error))?;
                if policy.policy_name() == Some(argument) {
                    return Ok(Value::String(policy.arn().unwrap_or_default().to_string()));
                }
            }
            Err(Failure::local(
                "iam",
                "ListPolicies",
                "NoSuchEntity",
                format!("no customer managed policy is named {argument}"),
            ))
        }
        "role_arn" => {
            let role = (clients.iam.get_role().role_name(argument).send().await)
                .map_err(|error| Failure::from_sdk("iam", "GetRole", error))?;
            Ok(Value::String(role.role().map(|r| r.arn().to_string()).unwrap_or_default()))
        }
        "function_arn" => {
            let function = (clients.lambda.get_function_configuration())
                .function_name(argument)
                .send()
                .await
                .map_err(|error| Failure::from_sdk("lambda", "GetFunctionConfiguration", error))?;
            Ok(Value::String(function.function_arn().unwrap_or_default().to_string()))
        }
        "rest_api_id" => {
            let api = crate::apigateway::rest_api_by_name(clients, argument).await?;
            api.and_then(|api| api.id().map(|id| Value::String(id.to_string()))).ok_or_else(|| {
                Failure::local(
                    "apigateway",
                    "GetRestApis",
                    "NotFoundException",
                    format!("no REST API is named {argument}"),
                )
            })
        }
        "invoke_url" => {
            // `API-NAME/STAGE`.
            let Some((name, stage)) = argument.rsplit_once('/') else {
                return Err(Failure::local(
                    "awslab",
                    "Lookup",
                    "InvalidPlaceholder",
                    format!("`{{{{invoke_url:{argument}}}}}` names an API and a stage: API/STAGE"),
                ));
            };
            let api = crate::apigateway::rest_api_by_name(clients, name).await?;
            let id = api.and_then(|api| api.id().map(str::to_string)).ok_or_else(|| {
                Failure::local(
                    "apigateway",
                    "GetRestApis",
                    "NotFoundException",
                    format!("no REST API is named {name}"),
                )
            })?;
            Ok(Value::String(clients.invoke_url(&id, stage)))
        }
        "api_key_value" => {
            let key = crate::actions::api_key_by_name(clients, argument, None).await?;
            key.and_then(|key| key.value().map(|value| Value::String(value.to_string())))
                .ok_or_else(|| {
                    Failure::local(
                        "apigateway",
                        "GetApiKeys",
                        "NotFoundException",
                        format!("no API key is named {argument}"),
                    )
                })
        }
        "topic_arn" => {
            let arn = crate::checks::topic_arn(clients, argument).await?;
            arn.map(Value::String).ok_or_else(|| {
                Failure::local(
                    "sns",
                    "ListTopics",
                    "NotFound",
                    format!("no SNS topic is named {argument} in {}", clients.region()),
                )
            })
        }
        "instance_id" => {
            let instance = crate::ec2::instance_by_name(clients, argument).await?;
            instance
                .and_then(|instance| instance.instance_id().map(|id| Value::String(id.into())))
                .ok_or_else(|| crate::ec2::no_instance(argument))
        }
        "volume_id" => {
            // The root volume of the instance with that Name tag: what the console's
            // "Storage" tab names, and what AWS/EBS metrics are keyed by.
            let instance = crate::ec2::instance_by_name(clients, argument).await?;
            let instance = instance.ok_or_else(|| crate::ec2::no_instance(argument))?;
            crate::ec2::root_volume_id(&instance).map(Value::String).ok_or_else(|| {
                Failure::local(
                    "ec2",
                    "DescribeInstances",
                    "InvalidVolume.NotFound",
                    format!("the instance named {argument} has no EBS root volume"),
                )
            })
        }
        other => Err(Failure::local(
            "awslab",
            "Lookup",
            "NotImplemented",
            format!("the lookup `{other}` is not available yet"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_fields_context_and_lookups_keeping_types() {
        let mut fields = IndexMap::new();
        fields.insert("role_name".to_string(), json!("aws-lab-dynamodb-role"));
        fields.insert("timeout".to_string(), json!(30));
        let mut bindings =
            Bindings::new(fields, "000000000000", "ap-northeast-2", "serverless-api");
        bindings.set_lookup("policy_arn", "p", json!("arn:aws:iam::000000000000:policy/p"));
        let params = json!({
            "role": "arn:aws:iam::{{account_id}}:role/{{role_name}}",
            "timeout": "{{timeout}}",
            "policies": ["{{policy_arn:p}}"],
            "label": "{{lab_id}} in {{region}} waits {{timeout}} s",
        });
        assert_eq!(
            bindings.render(&params).unwrap(),
            json!({
                "role": "arn:aws:iam::000000000000:role/aws-lab-dynamodb-role",
                "timeout": 30,
                "policies": ["arn:aws:iam::000000000000:policy/p"],
                "label": "serverless-api in ap-northeast-2 waits 30 s",
            })
        );
        assert_eq!(
            bindings.render(&json!("{{nope}}")).unwrap_err().to_string(),
            "`{{nope}}` names no field of this step and no context variable"
        );
        assert!(matches!(
            bindings.render(&json!("{{role_arn:x}}")),
            Err(BindError::NotLookedUp { .. })
        ));
    }
}
