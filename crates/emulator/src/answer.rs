//! Answers in the protocol of the request: results and [`AwsError`]s written as each family
//! writes them (query XML with `<ErrorResponse>`, ec2Query's `<Response><Errors>`, JSON with
//! `__type`, restJson1 with `x-amzn-errortype`, CBOR), with the request id AWS sends.
//!
//! Used by `server` for every AWS answer and by `gate` for its refusals, so a request refused
//! before it is routed is answered in the same shape as one refused by its service.

use crate::error::AwsError;
use crate::protocol::{Protocol, Route, Service, cbor, json, query, rest_json};
use crate::services;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Writes responses in the protocol of the request being answered.
pub struct Answer<'a> {
    pub route: &'a Route,
    pub request_id: &'a str,
}

impl Answer<'_> {
    fn response(&self, status: u16, content_type: &str, body: Vec<u8>) -> Response {
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if let Ok(value) = HeaderValue::from_str(self.request_id) {
            headers.insert("x-amzn-requestid", value);
        }
        response
    }

    pub fn xml(&self, body: String) -> Response {
        self.response(200, "text/xml", body.into_bytes())
    }

    pub fn json(&self, body: serde_json::Value) -> Response {
        self.json_encoded(body.to_string().into_bytes())
    }

    pub fn json_encoded(&self, body: Vec<u8>) -> Response {
        let content_type = match self.route.protocol {
            Protocol::AwsJson11 => "application/x-amz-json-1.1",
            Protocol::AwsJson10 => "application/x-amz-json-1.0",
            _ => "application/json",
        };
        self.response(200, content_type, body)
    }

    pub fn rest(&self, answer: rest_json::RestResponse) -> Response {
        let content_type = if answer.body.is_empty() { "" } else { "application/json" };
        let mut response = self.response(answer.status, content_type, answer.body);
        if content_type.is_empty() {
            response.headers_mut().remove(header::CONTENT_TYPE);
        }
        for (name, value) in answer.headers {
            if let (Ok(name), Ok(value)) =
                (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }

    pub fn cbor(&self, output: &serde_json::Value) -> Response {
        let mut response = self.response(200, "application/cbor", cbor::encode(output));
        response.headers_mut().insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
        response
    }

    pub fn error(&self, error: &AwsError) -> Response {
        let mut response = self.error_body(error);
        // A throttled call says when to try again, in every protocol (API Gateway's
        // `TooManyRequestsException` carries it as `retryAfterSeconds`).
        if let Some(seconds) = error.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }

    fn error_body(&self, error: &AwsError) -> Response {
        let service = self.route.service;
        // A refusal of the emulator's own (see `gate`) is named as each family names access
        // denied: `AccessDenied` in query XML, `UnauthorizedOperation` in EC2's, and
        // `AccessDeniedException` in JSON, REST and CBOR.
        let renamed;
        let error = match self.route.protocol {
            // A key AWS does not accept: REST services (Lambda, API Gateway) name it as JSON ones
            // do, with 403; EC2 fails the authentication (AWS's words).
            Protocol::RestJson1 if error.code == "InvalidClientTokenId" => {
                renamed = AwsError { code: "UnrecognizedClientException".into(), ..error.clone() };
                &renamed
            }
            Protocol::Ec2Query if error.code == "InvalidClientTokenId" => {
                renamed = AwsError {
                    code: "AuthFailure".into(),
                    status: 401,
                    message: "AWS was not able to validate the provided access credentials".into(),
                    ..error.clone()
                };
                &renamed
            }
            _ if error.code != "AccessDenied" => error,
            Protocol::Query => error,
            protocol => {
                let code = if protocol == Protocol::Ec2Query {
                    "UnauthorizedOperation"
                } else {
                    "AccessDeniedException"
                };
                renamed = AwsError { code: code.into(), ..error.clone() };
                &renamed
            }
        };
        match self.route.protocol {
            Protocol::Query => self.response(
                error.status,
                "text/xml",
                query::encode_error(service.xmlns(), error, self.request_id).into_bytes(),
            ),
            Protocol::Ec2Query => self.response(
                error.status,
                "text/xml",
                format!(
                    "<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error>\
                     </Errors><RequestID>{}</RequestID></Response>",
                    quick_xml::escape::partial_escape(&error.code),
                    quick_xml::escape::partial_escape(&error.message),
                    self.request_id
                )
                .into_bytes(),
            ),
            Protocol::AwsJson10 | Protocol::AwsJson11 => {
                let error = error.for_json_protocol();
                let wire_type = match service {
                    Service::DynamoDb | Service::DynamoDbStreams => {
                        services::dynamodb::wire_type(&error.code)
                    }
                    Service::CloudWatch => services::cloudwatch::wire_type(&error.code),
                    _ => error.code.clone(),
                };
                let (body, headers) =
                    json::encode_error(&error, &wire_type, service == Service::CloudWatch);
                let content_type = if self.route.protocol == Protocol::AwsJson11 {
                    "application/x-amz-json-1.1"
                } else {
                    "application/x-amz-json-1.0"
                };
                let mut response = self.response(error.status, content_type, body);
                for (name, value) in headers {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
            Protocol::RestJson1 => {
                let body = match service {
                    // Lambda says whose fault it is, as query services do in `<Type>`.
                    Service::Lambda => serde_json::json!({
                        "Type": if error.fault == crate::error::Fault::Sender { "User" } else { "Service" },
                        "message": error.message,
                    }),
                    _ => serde_json::json!({ "message": error.message }),
                };
                let mut response =
                    self.response(error.status, "application/json", body.to_string().into_bytes());
                if let Ok(value) = HeaderValue::from_str(&error.code) {
                    response.headers_mut().insert("x-amzn-errortype", value);
                }
                response
            }
            Protocol::RpcV2Cbor => {
                let error = error.for_json_protocol();
                // CloudWatch is the one CBOR service, and it is query-compatible: the shape
                // name in `__type`, the query code in `x-amzn-query-error`.
                let wire_type = services::cloudwatch::wire_type(&error.code);
                let (_, headers) = json::encode_error(&error, &wire_type, true);
                let body = cbor::encode_error_as(&error, &wire_type);
                let mut response = self.response(error.status, "application/cbor", body);
                response
                    .headers_mut()
                    .insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
                for (name, value) in headers {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
        }
    }
}

/// An error for a request whose protocol is unknown: JSON, the most widely read shape.
pub fn unrouted_error(error: &AwsError, request_id: &str) -> Response {
    let body = serde_json::json!({ "__type": error.code, "message": error.message });
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("x-amzn-requestid"), request_id),
        ],
        body.to_string(),
    )
        .into_response()
}
