//! What API Gateway keeps, per region, about who calls the APIs it serves: API keys, usage plans
//! (which API stages a key may call, how fast and how often) with the keys added to each, and
//! how many requests each key made through each plan on each day. All of it is part of
//! [`ApiGatewayState`](super::ApiGatewayState), so it is saved, reset and snapshotted with the
//! REST APIs. The token buckets that throttle requests are not: they live in memory (see
//! `throttling`).
//!
//! Not here: the operations on keys and plans (`api_keys`, `usage_plans`, `usage_plan_keys`),
//! and what happens at the invoke URL (`throttling`).

use super::errors::ApiGatewayError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A region's keys, plans and usage.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Metering {
    /// In creation order; `GetApiKeys` lists the newest first, as AWS does.
    #[serde(default)]
    pub keys: Vec<ApiKey>,
    /// In creation order.
    #[serde(default)]
    pub plans: Vec<UsagePlan>,
    /// Requests counted by plan id, then key id, then UTC day (`2024-05-01`).
    #[serde(default)]
    pub usage: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>,
}

impl Metering {
    pub fn key(&self, id: &str) -> Option<&ApiKey> {
        self.keys.iter().find(|key| key.id == id)
    }

    pub fn key_mut(&mut self, id: &str) -> Option<&mut ApiKey> {
        self.keys.iter_mut().find(|key| key.id == id)
    }

    pub fn plan(&self, id: &str) -> Option<&UsagePlan> {
        self.plans.iter().find(|plan| plan.id == id)
    }

    pub fn plan_mut(&mut self, id: &str) -> Option<&mut UsagePlan> {
        self.plans.iter_mut().find(|plan| plan.id == id)
    }

    /// Removes the keys and plans tagged `awslab:lab` = `lab` (a lab's reset), and with the
    /// keys their places in other plans; returns their ARNs.
    pub fn delete_lab(&mut self, region: &str, lab: &str) -> Vec<String> {
        let of_lab =
            |tags: &BTreeMap<String, String>| tags.get("awslab:lab").is_some_and(|v| v == lab);
        let keys: Vec<String> =
            self.keys.iter().filter(|key| of_lab(&key.tags)).map(|key| key.id.clone()).collect();
        let plans: Vec<String> = self
            .plans
            .iter()
            .filter(|plan| of_lab(&plan.tags))
            .map(|plan| plan.id.clone())
            .collect();
        self.keys.retain(|key| !keys.contains(&key.id));
        self.plans.retain(|plan| !plans.contains(&plan.id));
        for plan in &mut self.plans {
            plan.keys.retain(|key| !keys.contains(key));
        }
        self.usage.retain(|plan, _| !plans.contains(plan));
        for used in self.usage.values_mut() {
            used.retain(|key, _| !keys.contains(key));
        }
        let arns = keys.iter().map(|id| format!("arn:aws:apigateway:{region}::/apikeys/{id}"));
        let plan_arns =
            plans.iter().map(|id| format!("arn:aws:apigateway:{region}::/usageplans/{id}"));
        arns.chain(plan_arns).collect()
    }

    /// The plans that cover `api_id`'s stage `stage`.
    pub fn plans_of_stage<'a>(
        &'a self,
        api_id: &'a str,
        stage: &'a str,
    ) -> impl Iterator<Item = &'a UsagePlan> + 'a {
        self.plans.iter().filter(move |plan| plan.stage(api_id, stage).is_some())
    }
}

/// An API key. `enabled` is false unless the request says otherwise, as on AWS.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub value: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub customer_id: Option<String>,
    pub enabled: bool,
    /// `restApiId/stageName`, the pre-usage-plan way of tying a key to a stage: kept and
    /// returned; only usage plans grant access.
    #[serde(default)]
    pub stage_keys: Vec<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Epoch seconds.
    pub created_date: i64,
    pub last_updated_date: i64,
}

/// When a wire shape shows `tags`: `Get*` and `Update*` answers always do (an empty map when
/// there are none), creations and listings only when there are some, as AWS answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tags {
    Always,
    WhenAny,
}

fn put_tags(out: &mut Map<String, Value>, tags: &BTreeMap<String, String>, shown: Tags) {
    if shown == Tags::Always || !tags.is_empty() {
        out.insert("tags".into(), json!(tags));
    }
}

impl ApiKey {
    pub fn to_wire(&self, with_value: bool, tags: Tags) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        if with_value {
            out.insert("value".into(), json!(self.value));
        }
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        if let Some(customer) = &self.customer_id {
            out.insert("customerId".into(), json!(customer));
        }
        if let Some(description) = &self.description {
            out.insert("description".into(), json!(description));
        }
        out.insert("enabled".into(), json!(self.enabled));
        out.insert("createdDate".into(), json!(self.created_date));
        out.insert("lastUpdatedDate".into(), json!(self.last_updated_date));
        out.insert("stageKeys".into(), json!(self.stage_keys));
        put_tags(&mut out, &self.tags, tags);
        Value::Object(out)
    }

    /// The key as a usage plan lists it (`GetUsagePlanKeys`).
    pub fn to_plan_key_wire(&self) -> Value {
        let mut out = json!({ "id": self.id, "type": "API_KEY", "value": self.value });
        if let Some(name) = &self.name {
            out["name"] = json!(name);
        }
        out
    }
}

/// A rate (requests a second) and a burst (the bucket's depth).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Throttle {
    pub burst_limit: i64,
    pub rate_limit: f64,
}

impl Throttle {
    pub fn to_wire(self) -> Value {
        json!({ "burstLimit": self.burst_limit, "rateLimit": self.rate_limit })
    }

    pub fn rate(self) -> crate::timing::Rate {
        crate::timing::Rate {
            per_second: self.rate_limit.max(0.0),
            burst: self.burst_limit.max(0) as f64,
        }
    }
}

/// The periods a quota can be counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    #[serde(rename = "DAY")]
    Day,
    #[serde(rename = "WEEK")]
    Week,
    #[serde(rename = "MONTH")]
    Month,
}

impl Period {
    pub const ALLOWED: &'static str = "DAY, WEEK, MONTH";

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "DAY" => Some(Period::Day),
            "WEEK" => Some(Period::Week),
            "MONTH" => Some(Period::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "DAY",
            Period::Week => "WEEK",
            Period::Month => "MONTH",
        }
    }

    /// The first day of the period `day` falls in (UTC): the day itself, the Monday of its
    /// week, or the first of its month.
    pub fn start(self, day: time::Date) -> time::Date {
        match self {
            Period::Day => day,
            Period::Week => {
                let back = i64::from(day.weekday().number_days_from_monday());
                day - time::Duration::days(back)
            }
            Period::Month => day.replace_day(1).unwrap_or(day),
        }
    }
}

/// How many requests a key may make per period; `offset` is taken from the limit in the
/// period the plan was created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: i64,
    pub offset: i64,
    pub period: Period,
}

impl Quota {
    pub fn to_wire(self) -> Value {
        json!({ "limit": self.limit, "offset": self.offset, "period": self.period.as_str() })
    }
}

/// A stage a plan covers, with per-method throttles (`/pets/GET` → rate and burst) that win
/// over the plan's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiStage {
    pub api_id: String,
    pub stage: String,
    #[serde(default)]
    pub throttle: BTreeMap<String, Throttle>,
}

impl ApiStage {
    pub fn to_wire(&self) -> Value {
        let mut out = json!({ "apiId": self.api_id, "stage": self.stage });
        if !self.throttle.is_empty() {
            let methods: Map<String, Value> = (self.throttle.iter())
                .map(|(path, limits)| (path.clone(), limits.to_wire()))
                .collect();
            out["throttle"] = Value::Object(methods);
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub api_stages: Vec<ApiStage>,
    pub throttle: Option<Throttle>,
    pub quota: Option<Quota>,
    pub product_code: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The ids of its keys, in the order they were added.
    #[serde(default)]
    pub keys: Vec<String>,
    /// The UTC day it was created on, which fixes the quota's initial period.
    pub created_on: String,
}

impl UsagePlan {
    pub fn to_wire(&self, tags: Tags) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("name".into(), json!(self.name));
        if let Some(description) = &self.description {
            out.insert("description".into(), json!(description));
        }
        let stages: Vec<Value> = self.api_stages.iter().map(ApiStage::to_wire).collect();
        out.insert("apiStages".into(), Value::Array(stages));
        if let Some(throttle) = self.throttle {
            out.insert("throttle".into(), throttle.to_wire());
        }
        if let Some(quota) = self.quota {
            out.insert("quota".into(), quota.to_wire());
        }
        if let Some(code) = &self.product_code {
            out.insert("productCode".into(), json!(code));
        }
        put_tags(&mut out, &self.tags, tags);
        Value::Object(out)
    }

    pub fn stage(&self, api_id: &str, stage: &str) -> Option<&ApiStage> {
        self.api_stages.iter().find(|covered| covered.api_id == api_id && covered.stage == stage)
    }
}

impl UsagePlan {
    /// How many requests a key may make in the quota period that starts on `start`: the
    /// limit, less the offset in the period the plan was created in.
    pub fn quota_limit(&self, quota: Quota, start: time::Date) -> i64 {
        let created = parse_day(&self.created_on).map(|day| quota.period.start(day));
        if created == Some(start) { quota.limit - quota.offset } else { quota.limit }
    }
}

impl Metering {
    /// What `key_id` used through `plan_id` on `day`.
    pub fn used_on(&self, plan_id: &str, key_id: &str, day: time::Date) -> u64 {
        let days = self.usage.get(plan_id).and_then(|keys| keys.get(key_id));
        days.and_then(|days| days.get(&write_day(day))).copied().unwrap_or(0)
    }

    /// What `key_id` used through `plan_id` from the start of `day`'s quota period up to and
    /// including `day`.
    pub fn used_in_period(
        &self,
        plan_id: &str,
        key_id: &str,
        period: Period,
        day: time::Date,
    ) -> u64 {
        let (first, last) = (write_day(period.start(day)), write_day(day));
        let days = self.usage.get(plan_id).and_then(|keys| keys.get(key_id));
        days.map_or(0, |days| days.range(first..=last).map(|(_, used)| used).sum())
    }

    /// Counts one request of `key_id` through `plan_id` on `day`.
    pub fn count(&mut self, plan_id: &str, key_id: &str, day: time::Date) {
        let keys = self.usage.entry(plan_id.to_string()).or_default();
        *keys.entry(key_id.to_string()).or_default().entry(write_day(day)).or_default() += 1;
    }
}

/// A method as a plan's per-method throttles name it, `{resourcePath}/{httpMethod}`
/// (`/pets/GET`), with the root's `//GET` written `/GET`.
pub fn method_key(resource_path: &str, verb: &str) -> String {
    let key = format!("{resource_path}/{verb}");
    match key.strip_prefix('/') {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => key,
    }
}

/// A UTC day as usage is counted and `GetUsage` names it: `2024-05-01`.
pub fn day_of(at: time::OffsetDateTime) -> String {
    write_day(date_of(at))
}

/// The UTC date of `at`.
pub fn date_of(at: time::OffsetDateTime) -> time::Date {
    at.to_offset(time::UtcOffset::UTC).date()
}

pub fn write_day(date: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// The day `text` names (`2024-05-01`), if it names one.
pub fn parse_day(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).ok()
}

/// A page of keys, plans or plan keys: as [`super::page`], except that a `limit` outside
/// 1–500 is ignored rather than refused (AWS answers `GetApiKeys` with `limit=-1`).
pub fn page_leniently(
    items: Vec<Value>,
    paging: super::inputs::Paging,
) -> Result<Value, ApiGatewayError> {
    let limit =
        paging.limit.filter(|text| text.parse::<usize>().is_ok_and(|n| (1..=500).contains(&n)));
    super::page(items, &super::inputs::Paging { position: paging.position, limit })
}

/// Refuses to let key `key_id` reach a stage of `stages` through plan `plan_id` when another
/// of the key's plans already covers that stage: AWS meters a key on a stage by one plan only.
pub fn check_one_plan_per_stage(
    metering: &Metering,
    plan_id: &str,
    key_id: &str,
    stages: &[ApiStage],
) -> Result<(), ApiGatewayError> {
    let others = (metering.plans.iter())
        .filter(|plan| plan.id != plan_id && plan.keys.iter().any(|key| key == key_id));
    for other in others {
        if let Some(stage) =
            stages.iter().find(|stage| other.stage(&stage.api_id, &stage.stage).is_some())
        {
            return Err(ApiGatewayError::Conflict(format!(
                "Usage Plan {plan_id} cannot be added because API Key {key_id} cannot reference \
                 multiple Usage Plans with the same API Stage: {}:{}",
                stage.api_id, stage.stage
            )));
        }
    }
    Ok(())
}

/// AWS's words for a key that is not there.
pub fn key_not_found() -> ApiGatewayError {
    ApiGatewayError::NotFound("Invalid API Key identifier specified".into())
}

/// AWS's words for a usage plan that is not there.
pub fn plan_not_found() -> ApiGatewayError {
    ApiGatewayError::NotFound("Invalid Usage Plan ID specified".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_start_on_the_day_the_week_and_the_month() {
        let thursday = date!(2024 - 05 - 02);
        assert_eq!(Period::Day.start(thursday), thursday);
        assert_eq!(Period::Week.start(thursday), date!(2024 - 04 - 29));
        assert_eq!(Period::Month.start(thursday), date!(2024 - 05 - 01));
    }

    #[test]
    fn methods_are_named_by_path_and_verb_the_root_with_one_slash() {
        assert_eq!(method_key("/pets", "GET"), "/pets/GET");
        assert_eq!(method_key("/", "GET"), "/GET");
        assert_eq!(method_key("", "POST"), "/POST");
    }

    #[test]
    fn days_are_written_and_read_as_get_usage_names_them() {
        assert_eq!(write_day(date!(2024 - 05 - 02)), "2024-05-02");
        assert_eq!(parse_day("2024-05-02"), Some(date!(2024 - 05 - 02)));
        assert_eq!(parse_day("05/02/2024"), None);
    }
}
