//! The awsQuery protocol (IAM, STS, SNS; older CloudWatch clients): a form body
//! `Action=Op&Version=…&Param=…` in, an XML document out.
//!
//! Decoding turns the flat form into a JSON tree that typed inputs deserialize from:
//! `Tags.member.1.Key=a` becomes `{"Tags": [{"Key": "a"}]}`, `Attributes.entry.1.key=k` and
//! `…entry.1.value=v` become `{"Attributes": {"k": "v"}}` (SNS's message attributes name them
//! `Name` and `Value`). Leaves stay strings; numeric and
//! boolean inputs use the lenient helpers in [`super::lenient`].
//!
//! Encoding writes `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…` (the result
//! element first, as AWS does); lists are `<member>` elements, maps `<entry><key/><value/>`.

use crate::error::{AwsError, Fault};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A decoded query request.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRequest {
    pub action: String,
    pub version: Option<String>,
    /// Every parameter but `Action` and `Version`, as a tree.
    pub params: Value,
}

impl QueryRequest {
    /// The parameters as an operation's typed input; a missing or malformed parameter is AWS's
    /// `ValidationError`.
    pub fn input<T: DeserializeOwned>(&self) -> Result<T, AwsError> {
        typed(self.params.clone())
    }
}

/// Any decoded body (query, JSON or CBOR) as an operation's typed input; what does not fit is
/// AWS's `ValidationError`, in the query protocols' words.
pub fn typed<T: DeserializeOwned>(params: Value) -> Result<T, AwsError> {
    serde_json::from_value(params).map_err(|error| validation_error(&error))
}

/// Decodes a form body. Parameters may come from the URL query as well (a GET request).
pub fn decode(body: &[u8], url_query: Option<&str>) -> Result<QueryRequest, AwsError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(query) = url_query {
        pairs.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    pairs.extend(form_urlencoded::parse(body).into_owned());

    let mut action = None;
    let mut version = None;
    let mut root = Node::default();
    for (key, value) in pairs {
        match key.as_str() {
            "Action" => action = Some(value),
            "Version" => version = Some(value),
            // Presigned-URL signing parameters are not operation input.
            key if key.starts_with("X-Amz-") => {}
            _ => root.insert(&key, value)?,
        }
    }
    let action = action
        .filter(|a| !a.is_empty())
        .ok_or_else(|| AwsError::sender("MissingAction", 400, "Missing Action"))?;
    // The parameters are always an object, even when there are none.
    let params = match root.into_value() {
        Value::Null => Value::Object(Map::new()),
        params => params,
    };
    Ok(QueryRequest { action, version, params })
}

/// The `Version` a form names (in the URL query or the body), which tells the query services
/// apart when the request carries no signature to name its service.
pub fn version_of(body: &[u8], url_query: Option<&str>) -> Option<String> {
    let from = |bytes: &[u8]| {
        form_urlencoded::parse(bytes).find(|(key, _)| key == "Version").map(|(_, v)| v.into_owned())
    };
    url_query.and_then(|query| from(query.as_bytes())).or_else(|| from(body))
}

/// A parameter tree while it is being built.
#[derive(Debug, Default)]
struct Node {
    leaf: Option<String>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn insert(&mut self, key: &str, value: String) -> Result<(), AwsError> {
        let mut node = self;
        for segment in key.split('.') {
            if segment.is_empty() {
                return Err(AwsError::malformed(format!("Malformed query parameter name: {key}")));
            }
            node = node.children.entry(segment.to_string()).or_default();
        }
        node.leaf = Some(value);
        Ok(())
    }

    fn into_value(self) -> Value {
        if self.children.is_empty() {
            return self.leaf.map_or(Value::Null, Value::String);
        }
        let mut children = self.children;
        // `X.member.N` (query) or `X.N` (ec2Query): a list, in the order of N.
        if children.len() == 1
            && let Some(members) = children.remove("member")
        {
            return numbered(members.children);
        }
        if children.keys().all(|key| key.parse::<u32>().is_ok()) {
            return numbered(children);
        }
        // `X.entry.N.key` / `X.entry.N.value`: a map.
        if children.len() == 1
            && let Some(entries) = children.remove("entry")
        {
            let mut map = Map::new();
            for (_, mut entry) in sorted_numerically(entries.children) {
                // Most maps name their members `key`/`value`; SNS's message attributes
                // `Name`/`Value`.
                let key = (entry.children.remove("key"))
                    .or_else(|| entry.children.remove("Name"))
                    .and_then(|k| k.leaf);
                let value = (entry.children.remove("value"))
                    .or_else(|| entry.children.remove("Value"))
                    .map(Node::into_value);
                if let Some(key) = key {
                    map.insert(key, value.unwrap_or(Value::Null));
                }
            }
            return Value::Object(map);
        }
        Value::Object(children.into_iter().map(|(key, node)| (key, node.into_value())).collect())
    }
}

fn numbered(children: BTreeMap<String, Node>) -> Value {
    Value::Array(
        sorted_numerically(children).into_iter().map(|(_, node)| node.into_value()).collect(),
    )
}

fn sorted_numerically(children: BTreeMap<String, Node>) -> Vec<(u64, Node)> {
    let mut items: Vec<(u64, Node)> = children
        .into_iter()
        .filter_map(|(key, node)| key.parse::<u64>().ok().map(|n| (n, node)))
        .collect();
    items.sort_by_key(|(n, _)| *n);
    items
}

/// AWS words a missing required parameter as a validation error naming it in lowerCamelCase.
fn validation_error(error: &serde_json::Error) -> AwsError {
    let text = error.to_string();
    if let Some(field) =
        text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next())
    {
        return AwsError::validation(crate::validation::missing(&lower_camel(field)));
    }
    let reason = text.split(" at line ").next().unwrap_or(&text);
    AwsError::validation(crate::validation::detected(&[reason]))
}

fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The XML of a successful response. `result` is `None` for operations that return nothing.
pub fn encode_response(
    xmlns: &str,
    action: &str,
    result: Option<&Value>,
    request_id: &str,
) -> String {
    let mut xml = String::with_capacity(512);
    xml.push_str(&format!("<{action}Response xmlns=\"{xmlns}\">"));
    if let Some(result) = result {
        xml.push_str(&format!("<{action}Result>"));
        write_children(&mut xml, result, "member");
        xml.push_str(&format!("</{action}Result>"));
    }
    xml.push_str(&format!(
        "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    ));
    xml
}

/// The XML of a successful ec2Query response: no Result wrapper, `requestId` first, lists as
/// `<item>` elements (`<DescribeInstancesResponse xmlns=…><requestId>…</requestId>…`).
pub fn encode_ec2_response(xmlns: &str, action: &str, result: &Value, request_id: &str) -> String {
    let mut xml = String::with_capacity(512);
    xml.push_str(&format!(
        "<{action}Response xmlns=\"{xmlns}\"><requestId>{request_id}</requestId>"
    ));
    write_children(&mut xml, result, "item");
    xml.push_str(&format!("</{action}Response>"));
    xml
}

/// The XML of an error, in the query protocol's shape.
pub fn encode_error(xmlns: &str, error: &AwsError, request_id: &str) -> String {
    let fault = match error.fault {
        Fault::Sender => "Sender",
        Fault::Receiver => "Receiver",
    };
    format!(
        "<ErrorResponse xmlns=\"{xmlns}\"><Error><Type>{fault}</Type><Code>{}</Code>\
         <Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        escape(&error.code),
        escape(&error.message)
    )
}

/// Writes an object's members as elements; list items are `<member>` (query) or `<item>` (EC2).
fn write_children(xml: &mut String, value: &Value, list_item: &str) {
    if let Value::Object(map) = value {
        for (name, child) in map {
            write_element(xml, name, child, list_item);
        }
    }
}

fn write_element(xml: &mut String, name: &str, value: &Value, list_item: &str) {
    match super::shape::marked(value) {
        super::shape::Marked::Timestamp(seconds) => {
            let text = super::shape::iso8601_millis(seconds);
            xml.push_str(&format!("<{name}>{text}</{name}>"));
            return;
        }
        super::shape::Marked::Map(entries) => {
            xml.push_str(&format!("<{name}>"));
            for (key, value) in entries {
                xml.push_str(&format!("<entry><key>{}</key>", escape(key)));
                write_element(xml, "value", value, list_item);
                xml.push_str("</entry>");
            }
            xml.push_str(&format!("</{name}>"));
            return;
        }
        super::shape::Marked::Plain => {}
    }
    match value {
        Value::Null => {}
        Value::Array(items) => {
            xml.push_str(&format!("<{name}>"));
            for item in items {
                write_element(xml, list_item, item, list_item);
            }
            xml.push_str(&format!("</{name}>"));
        }
        Value::Object(_) => {
            xml.push_str(&format!("<{name}>"));
            write_children(xml, value, list_item);
            xml.push_str(&format!("</{name}>"));
        }
        Value::String(text) => xml.push_str(&format!("<{name}>{}</{name}>", escape(text))),
        Value::Bool(flag) => xml.push_str(&format!("<{name}>{flag}</{name}>")),
        Value::Number(number) => xml.push_str(&format!("<{name}>{number}</{name}>")),
    }
}

fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::partial_escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_lists_maps_and_nested_structures() {
        let body = "Action=CreateRole&Version=2010-05-08&RoleName=r\
            &Tags.member.2.Key=b&Tags.member.1.Key=a&Tags.member.1.Value=1\
            &Tags.member.10.Key=j&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x\
            &Filter.1.Name=n&Filter.1.Value.1=v\
            &MessageAttributes.entry.1.Name=kind&MessageAttributes.entry.1.Value.DataType=String\
            &MessageAttributes.entry.1.Value.StringValue=alarm";
        let request = decode(body.as_bytes(), None).unwrap();
        assert_eq!(request.action, "CreateRole");
        assert_eq!(request.version.as_deref(), Some("2010-05-08"));
        assert_eq!(
            request.params,
            json!({
                "Attributes": {"DisplayName": "x"},
                "Filter": [{"Name": "n", "Value": ["v"]}],
                "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "alarm"}},
                "RoleName": "r",
                "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b"}, {"Key": "j"}]
            })
        );
    }

    #[test]
    fn percent_encoded_documents_are_decoded() {
        let body = "Action=CreatePolicy&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D";
        let request = decode(body.as_bytes(), None).unwrap();
        assert_eq!(request.params["PolicyDocument"], r#"{"Version":"2012-10-17"}"#);
    }

    #[test]
    fn a_missing_action_or_bad_name_is_an_error() {
        assert_eq!(decode(b"Version=1", None).unwrap_err().code, "MissingAction");
        assert_eq!(
            decode(b"Action=X&Tags..Key=a", None).unwrap_err().message,
            "Malformed query parameter name: Tags..Key"
        );
    }

    #[test]
    fn missing_required_input_reads_like_aws() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "PascalCase")]
        #[allow(dead_code)]
        struct GetRole {
            role_name: String,
        }
        let request = decode(b"Action=GetRole", None).unwrap();
        let error = request.input::<GetRole>().unwrap_err();
        assert_eq!(error.code, "ValidationError");
        assert_eq!(
            error.message,
            "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: \
             Member must not be null"
        );
    }

    #[test]
    fn encodes_results_lists_and_errors_like_aws() {
        let result = json!({"Roles": [{"RoleName": "a&b"}], "IsTruncated": false, "Marker": null});
        assert_eq!(
            encode_response(
                "https://iam.amazonaws.com/doc/2010-05-08/",
                "ListRoles",
                Some(&result),
                "r-1"
            ),
            "<ListRolesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListRolesResult>\
             <Roles><member><RoleName>a&amp;b</RoleName></member></Roles><IsTruncated>false</IsTruncated>\
             </ListRolesResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\
             </ListRolesResponse>"
        );
        assert_eq!(
            encode_response("ns", "DeleteRole", None, "r-2"),
            "<DeleteRoleResponse xmlns=\"ns\"><ResponseMetadata><RequestId>r-2</RequestId>\
             </ResponseMetadata></DeleteRoleResponse>"
        );
        let error = AwsError::sender("NoSuchEntity", 404, "The role with name x cannot be found.");
        assert_eq!(
            encode_error("ns", &error, "r-3"),
            "<ErrorResponse xmlns=\"ns\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The role with name x cannot be found.</Message></Error>\
             <RequestId>r-3</RequestId></ErrorResponse>"
        );
    }

    #[test]
    fn encodes_ec2_responses_with_items_and_request_id_first() {
        let result = json!({"reservationSet": [{"instancesSet": [{"instanceId": "i-1"}]}]});
        assert_eq!(
            encode_ec2_response(
                "http://ec2.amazonaws.com/doc/2016-11-15/",
                "DescribeInstances",
                &result,
                "r-4"
            ),
            "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>r-4</requestId><reservationSet><item><instancesSet><item>\
             <instanceId>i-1</instanceId></item></instancesSet></item></reservationSet>\
             </DescribeInstancesResponse>"
        );
    }

    #[test]
    fn encodes_marked_maps_as_entries_and_timestamps_as_iso8601() {
        let mut attributes = Map::new();
        attributes.insert("DisplayName".into(), json!("a<b"));
        let at = time::macros::datetime!(2026-11-22 10:55:00 UTC);
        let result = json!({
            "Attributes": crate::protocol::shape::map(attributes),
            "Timestamp": crate::protocol::shape::timestamp(at)
        });
        assert_eq!(
            encode_response("ns", "GetTopicAttributes", Some(&result), "r"),
            "<GetTopicAttributesResponse xmlns=\"ns\"><GetTopicAttributesResult><Attributes>\
             <entry><key>DisplayName</key><value>a&lt;b</value></entry></Attributes>\
             <Timestamp>2026-11-22T10:55:00.000Z</Timestamp></GetTopicAttributesResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
             </GetTopicAttributesResponse>"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_body_decodes_or_errors_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode(&body, None);
        }

        /// CloudWatch and SNS forms: metric data, alarm and subscription parameters.
        #[test]
        fn cloudwatch_and_sns_forms_never_panic(body in "(Action=(PutMetricData|PutMetricAlarm|Subscribe|Publish)|MetricData\\.member\\.[0-9]{1,2}\\.(Value|Values\\.member\\.[0-9]|Dimensions\\.member\\.[0-9]\\.Name)=[%0-9a-z.]{0,6}|Attributes\\.entry\\.[0-9]\\.(key|value)=[a-z]{0,4})(&(MetricData\\.member\\.[0-9]\\.Value|Period|Threshold|TopicArn|Protocol)=[%0-9A-Za-z.:]{0,8}){0,10}") {
            if let Ok(request) = decode(body.as_bytes(), None) {
                let _ = request.input::<serde_json::Value>();
            }
        }

        #[test]
        fn query_shaped_bodies_never_panic(body in "(Action=[A-Za-z]{0,8}|[A-Za-z.0-9]{0,12}=[%A-F0-9a-z]{0,6})(&(Action=[A-Za-z]{0,8}|[A-Za-z.0-9]{0,12}=[%A-F0-9a-z]{0,6})){0,12}") {
            let _ = decode(body.as_bytes(), None);
        }
    }
}
