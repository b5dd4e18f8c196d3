//! restJson1 (Lambda, API Gateway): the operation is chosen by HTTP method and URI template,
//! inputs come from path labels, the query string, headers and a JSON body
//! ([`RestRequest::input`]); outputs are JSON members answered with the route's success status
//! ([`RestOutput`]); errors carry `x-amzn-errortype` and a JSON `message`.
//!
//! A service lists its operations as [`RestRoute`]s; [`match_route`] picks one for a request.
//! Templates use Smithy's syntax: `{Label}` matches one path segment, `{Label+}` the rest of the
//! path. When several templates match (`/restapis/{id}/deployments` and
//! `/restapis/{id}/{anything}`), the one with more literal segments wins, so routes can be
//! listed in any order.

use crate::error::AwsError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One operation of a REST service: Smithy's `@http` trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestRoute {
    pub method: &'static str,
    pub template: &'static str,
    pub operation: &'static str,
    /// The status a success answers with (`@http(code: …)`).
    pub code: u16,
}

/// The route of `operation`: `method` on URI `template`, answering 200.
pub const fn route(
    method: &'static str,
    template: &'static str,
    operation: &'static str,
) -> RestRoute {
    RestRoute { method, template, operation, code: 200 }
}

impl RestRoute {
    /// The same route, answering `code` on success (201 for a creation, 202 or 204 for a
    /// deletion, as the API's model says).
    pub const fn code(self, code: u16) -> Self {
        Self { code, ..self }
    }
}

/// The route a request matched, with its path labels (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub operation: &'static str,
    pub labels: BTreeMap<String, String>,
    /// The route's success status.
    pub code: u16,
}

/// The route for `method` and `path`, if any.
pub fn match_route(routes: &[RestRoute], method: &str, path: &str) -> Option<Matched> {
    routes
        .iter()
        .filter(|route| route.method.eq_ignore_ascii_case(method))
        .filter_map(|route| {
            let labels = match_template(route.template, path)?;
            let literal = route.template.split('/').filter(|s| !s.starts_with('{')).count();
            Some((literal, Matched { operation: route.operation, labels, code: route.code }))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, matched)| matched)
}

/// Whether a path exists for some other method (so the answer is "method not allowed" rather
/// than "no such path").
pub fn path_exists(routes: &[RestRoute], path: &str) -> bool {
    routes.iter().any(|route| match_template(route.template, path).is_some())
}

/// A restJson1 request as a service's handlers see it: the operation its route names, the path
/// labels, the query string, the headers (names in lower case) and the raw body.
#[derive(Debug, Clone)]
pub struct RestRequest {
    pub operation: &'static str,
    pub labels: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
}

impl RestRequest {
    /// The operation's typed input, bound as Smithy's HTTP binding traits bind it. The input's
    /// members say where they come from by their serde names:
    /// - `label:Name`: the path label `{Name}` (always present: the route matched it);
    /// - `query:name`: the first value of the query parameter `name`; `queries:name`: every
    ///   value of a repeated one (`?tagKeys=a&tagKeys=b`), as a list;
    /// - `header:name`: the header, by its lower-case name;
    /// - any other name: the member of the JSON body (an empty body is an empty object).
    ///
    /// A body that is not a JSON object, or a member of the wrong type, is AWS's
    /// `SerializationException`. Query and header values are strings; an operation that takes a
    /// number there checks the text itself, with the service's own words.
    pub fn input<T: DeserializeOwned>(&self) -> Result<T, AwsError> {
        let mut members = self.body_members()?;
        self.bind(&mut members);
        T::deserialize(Value::Object(members)).map_err(|error| self.unreadable(error))
    }

    /// The typed input of an operation whose body is its payload (Lambda's `Invoke`): only the
    /// labels, the query string and the headers are bound; the body is the operation's to read.
    pub fn bound<T: DeserializeOwned>(&self) -> Result<T, AwsError> {
        let mut members = Map::new();
        self.bind(&mut members);
        T::deserialize(Value::Object(members)).map_err(|error| self.unreadable(error))
    }

    /// The JSON body's members. A name with a colon is none of the model's (body members are
    /// plain names), so a body cannot pose as a label, a query parameter or a header.
    fn body_members(&self) -> Result<Map<String, Value>, AwsError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        let mut members: Map<String, Value> =
            serde_json::from_slice(&self.body).map_err(|error| self.unreadable(error))?;
        members.retain(|name, _| !name.contains(':'));
        Ok(members)
    }

    fn bind(&self, members: &mut Map<String, Value>) {
        for (name, value) in &self.labels {
            members.insert(format!("label:{name}"), Value::String(value.clone()));
        }
        for (name, value) in &self.query {
            let all = members.entry(format!("queries:{name}")).or_insert_with(|| json!([]));
            if let Value::Array(all) = all {
                all.push(Value::String(value.clone()));
            }
            members.entry(format!("query:{name}")).or_insert_with(|| Value::String(value.clone()));
        }
        for (name, value) in &self.headers {
            members.insert(format!("header:{name}"), Value::String(value.clone()));
        }
    }

    fn unreadable(&self, error: serde_json::Error) -> AwsError {
        AwsError::sender(
            "SerializationException",
            400,
            format!("Could not read the request body as {}: {error}", self.operation),
        )
    }

    /// The first value of a query-string parameter, for what routing and admission read before
    /// the input is decoded (API Gateway's `?mode=import`, the quotas of an edge API).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// The body members an input does not name, for an operation that keeps and returns members
/// newer than the emulator (`#[serde(flatten)] extra: BodyMembers`): bound labels, query
/// parameters and headers are not among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BodyMembers(pub Map<String, Value>);

impl<'de> serde::Deserialize<'de> for BodyMembers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut members = Map::<String, Value>::deserialize(deserializer)?;
        members.retain(|name, _| !name.contains(':'));
        Ok(Self(members))
    }
}

/// What an operation answers.
#[derive(Debug, Clone, PartialEq)]
pub enum RestOutput {
    /// The output's members, as the JSON body of the route's success status; `Null` answers
    /// no body (a deletion's 204 or 202).
    Members(Value),
    /// An output whose body is its payload and whose status is one of its members (Lambda's
    /// `Invoke`: 200, 202 for an `Event`, 204 for a `DryRun`), encoded by its service.
    Payload(RestResponse),
}

impl RestOutput {
    /// The answer to a request of a route whose success status is `code`.
    pub fn encode(self, code: u16) -> Result<RestResponse, AwsError> {
        match self {
            Self::Members(Value::Null) => Ok(RestResponse::empty(code)),
            Self::Members(members) => RestResponse::json(code, &members),
            Self::Payload(response) => Ok(response),
        }
    }
}

/// A restJson1 answer: status, extra headers, and a body (JSON, or the raw bytes of a Lambda
/// payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RestResponse {
    /// A JSON body.
    pub fn json(status: u16, body: &impl Serialize) -> Result<Self, AwsError> {
        let body = serde_json::to_vec(body).map_err(|error| {
            AwsError::receiver(
                "ServiceException",
                500,
                format!("could not encode the response: {error}"),
            )
        })?;
        Ok(Self { status, headers: Vec::new(), body })
    }

    /// No body (`204 No Content` and the like).
    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new() }
    }
}

fn match_template(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let template = template.trim_end_matches('/');
    let path = path.trim_end_matches('/');
    let wanted: Vec<&str> = template.split('/').collect();
    let given: Vec<&str> = path.split('/').collect();
    let mut labels = BTreeMap::new();
    for (index, segment) in wanted.iter().enumerate() {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
            let rest = given.get(index..)?.join("/");
            if rest.is_empty() {
                return None;
            }
            labels.insert(name.to_string(), decode(&rest));
            return Some(labels);
        }
        let actual = given.get(index)?;
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) if !actual.is_empty() => {
                labels.insert(name.to_string(), decode(actual));
            }
            Some(_) => return None,
            None if segment == actual => {}
            None => return None,
        }
    }
    (given.len() == wanted.len()).then_some(labels)
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAMBDA: &[RestRoute] = &[
        route("POST", "/2015-03-31/functions", "CreateFunction"),
        route("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction"),
        route(
            "GET",
            "/2015-03-31/functions/{FunctionName}/configuration",
            "GetFunctionConfiguration",
        ),
        route("POST", "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"),
        route("GET", "/2017-03-31/tags/{Resource+}", "ListTags"),
    ];

    const APIGATEWAY: &[RestRoute] = &[
        route(
            "PUT",
            "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
            "PutMethod",
        ),
        route(
            "GET",
            "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
            "GetMethod",
        ),
        route("GET", "/restapis/{restapi_id}/{anything}", "Fallback"),
        route("GET", "/restapis/{restapi_id}/deployments", "GetDeployments"),
    ];

    #[test]
    fn picks_by_method_and_template_with_labels() {
        let matched =
            match_route(LAMBDA, "GET", "/2015-03-31/functions/addCustomer/configuration").unwrap();
        assert_eq!(matched.operation, "GetFunctionConfiguration");
        assert_eq!(matched.labels["FunctionName"], "addCustomer");
        let matched =
            match_route(LAMBDA, "POST", "/2015-03-31/functions/addCustomer/invocations/").unwrap();
        assert_eq!(matched.operation, "Invoke");
        assert!(match_route(LAMBDA, "DELETE", "/2015-03-31/functions/addCustomer").is_none());
        assert!(path_exists(LAMBDA, "/2015-03-31/functions/addCustomer"));
        assert!(match_route(LAMBDA, "GET", "/2015-03-31/functions/a/b/c").is_none());
    }

    #[test]
    fn labels_are_percent_decoded_and_greedy_labels_take_the_rest() {
        let arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ax";
        let matched = match_route(LAMBDA, "GET", &format!("/2015-03-31/functions/{arn}")).unwrap();
        assert_eq!(
            matched.labels["FunctionName"],
            "arn:aws:lambda:us-east-1:000000000000:function:x"
        );
        let matched = match_route(
            LAMBDA,
            "GET",
            "/2017-03-31/tags/arn:aws:lambda:us-east-1:0:function:x/extra",
        )
        .unwrap();
        assert_eq!(matched.labels["Resource"], "arn:aws:lambda:us-east-1:0:function:x/extra");
    }

    #[test]
    fn the_same_path_with_different_methods_and_literals_beat_labels() {
        let path = "/restapis/a1/resources/r1/methods/POST";
        assert_eq!(match_route(APIGATEWAY, "PUT", path).unwrap().operation, "PutMethod");
        assert_eq!(match_route(APIGATEWAY, "GET", path).unwrap().labels["http_method"], "POST");
        assert_eq!(
            match_route(APIGATEWAY, "GET", "/restapis/a1/deployments").unwrap().operation,
            "GetDeployments"
        );
        assert_eq!(
            match_route(APIGATEWAY, "GET", "/restapis/a1/stages").unwrap().operation,
            "Fallback"
        );
        assert!(match_route(APIGATEWAY, "GET", "/restapis//deployments").is_none());
    }
}

#[cfg(test)]
mod binding_tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct UntagInput {
        #[serde(rename = "label:Resource")]
        resource: String,
        #[serde(rename = "query:Qualifier")]
        qualifier: Option<String>,
        #[serde(default, rename = "queries:tagKeys")]
        tag_keys: Vec<String>,
        #[serde(rename = "header:x-amz-log-type")]
        log_type: Option<String>,
        description: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct KeepingInput {
        #[serde(rename = "label:Resource")]
        resource: String,
        #[serde(flatten)]
        extra: BodyMembers,
    }

    fn request(body: &str, query: &[(&str, &str)]) -> RestRequest {
        RestRequest {
            operation: "UntagResource",
            labels: BTreeMap::from([("Resource".to_string(), "arn:x".to_string())]),
            query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            headers: vec![("x-amz-log-type".to_string(), "Tail".to_string())],
            body: bytes::Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn members_come_from_the_label_query_headers_and_body_they_name() {
        let input: UntagInput = request(
            r#"{"Description":"d"}"#,
            &[("tagKeys", "a"), ("Qualifier", "live"), ("tagKeys", "b")],
        )
        .input()
        .unwrap();
        assert_eq!(input.resource, "arn:x");
        assert_eq!(input.qualifier.as_deref(), Some("live"));
        assert_eq!(input.tag_keys, ["a", "b"]);
        assert_eq!(input.log_type.as_deref(), Some("Tail"));
        assert_eq!(input.description.as_deref(), Some("d"));
        let input: UntagInput = request("  ", &[]).input().unwrap();
        assert_eq!((input.qualifier, input.tag_keys.len()), (None, 0));
    }

    #[test]
    fn a_body_cannot_pose_as_a_label_or_a_query_parameter() {
        let input: UntagInput =
            request(r#"{"label:Resource":"arn:forged","query:Qualifier":"1"}"#, &[])
                .input()
                .unwrap();
        assert_eq!(input.resource, "arn:x");
        assert_eq!(input.qualifier, None);
    }

    #[test]
    fn members_an_input_keeps_are_the_bodys_only() {
        let input: KeepingInput =
            request(r#"{"cloneFrom":"a1"}"#, &[("mode", "merge")]).input().unwrap();
        assert_eq!(input.resource, "arn:x");
        assert_eq!(serde_json::to_string(&input.extra.0).unwrap(), r#"{"cloneFrom":"a1"}"#);
    }

    #[test]
    fn outputs_answer_with_the_status_their_route_declares() {
        let routes = [route("POST", "/things", "CreateThing").code(201), route("GET", "/", "Get")];
        assert_eq!(match_route(&routes, "POST", "/things").unwrap().code, 201);
        assert_eq!(match_route(&routes, "GET", "/").unwrap().code, 200);
        let created = RestOutput::Members(json!({"Id": "a1"})).encode(201).unwrap();
        assert_eq!((created.status, created.body.as_slice()), (201, br#"{"Id":"a1"}"#.as_slice()));
        let deleted = RestOutput::Members(Value::Null).encode(204).unwrap();
        assert_eq!((deleted.status, deleted.body.len()), (204, 0));
        let payload = RestResponse { status: 202, headers: Vec::new(), body: Vec::new() };
        assert_eq!(RestOutput::Payload(payload.clone()).encode(200).unwrap(), payload);
    }

    #[test]
    fn an_unreadable_body_or_member_is_a_serialization_exception() {
        for body in ["{", "[1]", r#"{"Description":5}"#] {
            let error = request(body, &[]).input::<UntagInput>().unwrap_err();
            assert_eq!((error.code.as_str(), error.status), ("SerializationException", 400));
            assert!(error.message.starts_with("Could not read the request body as UntagResource"));
        }
        // An operation whose body is its payload does not read it.
        let input: UntagInput = request("not json", &[]).bound().unwrap();
        assert_eq!(input.resource, "arn:x");
    }
}
