//! Protocol families: how a request is recognised, decoded, and answered.
//!
//! One decoder and encoder per family, not per service (moto's `core/parse.py` habit): a
//! service's handlers see typed inputs and return values or [`AwsError`]s, never HTTP.
//!
//! - `query`: awsQuery and ec2Query (form in; XML out, `<member>` or `<item>` lists).
//! - `json`: awsJson 1.0 and 1.1 (DynamoDB, CloudWatch Logs, SSM). `cbor`: Smithy RPC v2
//!   CBOR, to and from the same JSON values.
//! - `rest_json`: restJson1's method + URI-template routing (Lambda, API Gateway).
//! - `lenient`: inputs that arrive as text in one protocol and as numbers in another.
//! - `shape`: output members each family writes its own way (timestamps, maps).
//!
//! Routing follows DESIGN.md §4, first match wins:
//! 1. `smithy-protocol: rpc-v2-cbor`, or a `/service/{Service}/operation/{Op}` path: RPC v2 CBOR.
//! 2. `X-Amz-Target: Prefix.Op`: awsJson 1.0 / 1.1, the service by the prefix.
//! 3. REST paths: `/2015-03-31/…` Lambda, `/restapis…` API Gateway (restJson1).
//! 4. A form body (or `Action=` in the URL): awsQuery / ec2Query, the service by the SigV4
//!    signing name.

pub mod cbor;
pub mod json;
pub mod lenient;
pub mod query;
pub mod rest_json;
pub mod shape;

use crate::error::AwsError;

/// A protocol family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Query,
    Ec2Query,
    AwsJson10,
    AwsJson11,
    RestJson1,
    RpcV2Cbor,
}

/// The services the emulator answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Iam,
    Sts,
    DynamoDb,
    /// DynamoDB Streams: its own API (`DynamoDBStreams_20120810`), signed as `dynamodb`, reading
    /// the same engines as DynamoDB.
    DynamoDbStreams,
    Logs,
    CloudWatch,
    Lambda,
    ApiGateway,
    Sns,
    Ec2,
    /// Systems Manager, for its Parameter Store.
    Ssm,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Iam => "IAM",
            Service::Sts => "STS",
            Service::DynamoDb => "DynamoDB",
            Service::DynamoDbStreams => "DynamoDB Streams",
            Service::Logs => "CloudWatch Logs",
            Service::CloudWatch => "CloudWatch",
            Service::Lambda => "Lambda",
            Service::ApiGateway => "API Gateway",
            Service::Sns => "SNS",
            Service::Ec2 => "EC2",
            Service::Ssm => "SSM",
        }
    }

    /// The service's namespace in IAM: the prefix of its actions (`dynamodb:PutItem`) and the
    /// `ServiceName` that `GetAccessKeyLastUsed` reports.
    pub fn namespace(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::DynamoDb | Service::DynamoDbStreams => "dynamodb",
            Service::Lambda => "lambda",
            Service::Logs => "logs",
            Service::ApiGateway => "apigateway",
            Service::CloudWatch => "cloudwatch",
            Service::Sns => "sns",
            Service::Ec2 => "ec2",
            Service::Ssm => "ssm",
        }
    }

    /// The XML namespace of a query service's responses.
    pub fn xmlns(self) -> &'static str {
        match self {
            Service::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
            Service::Sns => "http://sns.amazonaws.com/doc/2010-03-31/",
            Service::Ec2 => "http://ec2.amazonaws.com/doc/2016-11-15/",
            Service::CloudWatch => "http://monitoring.amazonaws.com/doc/2010-08-01/",
            Service::DynamoDb
            | Service::DynamoDbStreams
            | Service::Logs
            | Service::Lambda
            | Service::ApiGateway
            | Service::Ssm => "",
        }
    }

    /// The API version query clients send in `Version`.
    pub fn api_version(self) -> &'static str {
        match self {
            Service::Iam => "2010-05-08",
            Service::Sts => "2011-06-15",
            Service::Sns => "2010-03-31",
            Service::Ec2 => "2016-11-15",
            Service::CloudWatch => "2010-08-01",
            Service::DynamoDb | Service::DynamoDbStreams => "2012-08-10",
            Service::Logs => "2014-03-28",
            Service::Lambda => "2015-03-31",
            Service::ApiGateway => "2015-07-09",
            Service::Ssm => "2014-11-06",
        }
    }
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub service: Service,
    pub protocol: Protocol,
    /// Known from the headers or path for JSON and CBOR; query requests name it in the body.
    pub operation: Option<String>,
}

/// What routing needs of a request: nothing of its body but whether it is a form.
pub struct RequestHead<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub target: Option<&'a str>,
    pub smithy_protocol: Option<&'a str>,
    /// The SigV4 signing name, when the request is signed.
    pub signing_service: Option<&'a str>,
    /// A form's `Version` parameter (see [`query::version_of`]).
    pub query_version: Option<&'a str>,
}

/// Decides which service and protocol a request is for.
pub fn route(head: &RequestHead<'_>) -> Result<Route, AwsError> {
    let cbor_path =
        head.path.strip_prefix("/service/").and_then(|rest| rest.split_once("/operation/"));
    if head.smithy_protocol == Some("rpc-v2-cbor") || cbor_path.is_some() {
        let Some((service_id, operation)) = cbor_path else {
            return Err(AwsError::malformed(
                "an rpc-v2-cbor request must be POST /service/{Service}/operation/{Operation}",
            ));
        };
        let service = match service_id {
            "GraniteServiceVersion20100801" => Service::CloudWatch,
            other => return Err(unknown(&format!("service {other}"))),
        };
        return Ok(Route {
            service,
            protocol: Protocol::RpcV2Cbor,
            operation: Some(operation.trim_end_matches('/').to_string()),
        });
    }

    if let Some(target) = head.target {
        let (prefix, operation) = target.split_once('.').unwrap_or((target, ""));
        let (service, protocol) = match prefix {
            "DynamoDB_20120810" => (Service::DynamoDb, Protocol::AwsJson10),
            "DynamoDBStreams_20120810" => (Service::DynamoDbStreams, Protocol::AwsJson10),
            "Logs_20140328" => (Service::Logs, Protocol::AwsJson11),
            "AmazonSSM" => (Service::Ssm, Protocol::AwsJson11),
            "GraniteServiceVersion20100801" => (Service::CloudWatch, Protocol::AwsJson10),
            _ => return Err(unknown(&format!("target {target}"))),
        };
        return Ok(Route { service, protocol, operation: Some(operation.to_string()) });
    }

    let path = head.path;
    let lambda_prefixes = [
        "/2015-03-31/",
        "/2017-03-31/tags",
        "/2014-11-13/functions",
        "/2021-11-15/functions",
        "/2016-08-19/account-settings",
    ];
    if lambda_prefixes.iter().any(|prefix| path.starts_with(prefix)) {
        return Ok(Route {
            service: Service::Lambda,
            protocol: Protocol::RestJson1,
            operation: None,
        });
    }
    if is_api_gateway_path(path) {
        return Ok(Route {
            service: Service::ApiGateway,
            protocol: Protocol::RestJson1,
            operation: None,
        });
    }

    if is_form(head) {
        // The signing name says which service; a form without a signature (which its service
        // then refuses) is known by its API version.
        let (service, protocol) = match (head.signing_service, head.query_version) {
            (Some("iam"), _) | (None, Some("2010-05-08")) => (Service::Iam, Protocol::Query),
            (Some("sts"), _) | (None, Some("2011-06-15")) => (Service::Sts, Protocol::Query),
            (Some("sns"), _) | (None, Some("2010-03-31")) => (Service::Sns, Protocol::Query),
            (Some("monitoring"), _) | (None, Some("2010-08-01")) => {
                (Service::CloudWatch, Protocol::Query)
            }
            (Some("ec2"), _) | (None, Some("2016-11-15")) => (Service::Ec2, Protocol::Ec2Query),
            (Some(other), _) => return Err(unknown(&format!("service {other}"))),
            (None, _) => return Err(AwsError::missing_authentication()),
        };
        return Ok(Route { service, protocol, operation: None });
    }
    Err(unknown(&format!("request {path}")))
}

/// Where to answer a request from, even one that cannot be routed: its route, or, for a form
/// that names neither its service nor its version (unsigned, say), a query service's shape,
/// so that its refusal is XML as the form's client expects. `None`: no protocol is known.
pub fn error_route(head: &RequestHead<'_>) -> Option<Route> {
    route(head).ok().or_else(|| {
        is_form(head).then_some(Route {
            service: Service::Sts,
            protocol: Protocol::Query,
            operation: None,
        })
    })
}

/// Whether the request is an awsQuery or ec2Query form: a form body, or `Action=` in the URL.
pub fn is_form(head: &RequestHead<'_>) -> bool {
    head.content_type.is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
        || head.query.is_some_and(|q| q.contains("Action="))
}

/// API Gateway's REST paths. Tag operations carry an ARN, percent-encoded by most clients.
fn is_api_gateway_path(path: &str) -> bool {
    const PREFIXES: [&str; 10] = [
        "/restapis",
        "/apikeys",
        "/usageplans",
        "/account",
        "/clientcertificates",
        "/domainnames",
        "/domainnameaccessassociations",
        "/rejectdomainnameaccessassociations",
        "/sdktypes",
        "/vpclinks",
    ];
    let segment_prefix = |prefix: &str| {
        path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if PREFIXES.iter().any(|prefix| segment_prefix(prefix)) {
        return true;
    }
    let Some(arn) = path.strip_prefix("/tags/") else { return false };
    let arn = percent_encoding::percent_decode_str(arn).decode_utf8_lossy();
    arn.starts_with("arn:aws:apigateway:")
}

fn unknown(what: &str) -> AwsError {
    AwsError::sender(
        "UnknownOperationException",
        400,
        format!("The offline emulator does not recognise this {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head<'a>(path: &'a str) -> RequestHead<'a> {
        RequestHead {
            path,
            query: None,
            content_type: None,
            target: None,
            smithy_protocol: None,
            signing_service: None,
            query_version: None,
        }
    }

    #[test]
    fn routes_each_family() {
        let cbor = RequestHead {
            smithy_protocol: Some("rpc-v2-cbor"),
            ..head("/service/GraniteServiceVersion20100801/operation/PutMetricData")
        };
        assert_eq!(
            route(&cbor).unwrap(),
            Route {
                service: Service::CloudWatch,
                protocol: Protocol::RpcV2Cbor,
                operation: Some("PutMetricData".into())
            }
        );

        let json = RequestHead { target: Some("DynamoDB_20120810.PutItem"), ..head("/") };
        assert_eq!(route(&json).unwrap().protocol, Protocol::AwsJson10);
        let streams =
            RequestHead { target: Some("DynamoDBStreams_20120810.GetRecords"), ..head("/") };
        assert_eq!(
            route(&streams).unwrap(),
            Route {
                service: Service::DynamoDbStreams,
                protocol: Protocol::AwsJson10,
                operation: Some("GetRecords".into())
            }
        );
        let logs = RequestHead { target: Some("Logs_20140328.GetLogEvents"), ..head("/") };
        assert_eq!(route(&logs).unwrap().protocol, Protocol::AwsJson11);
        let ssm = RequestHead { target: Some("AmazonSSM.GetParameter"), ..head("/") };
        assert_eq!(
            route(&ssm).unwrap(),
            Route {
                service: Service::Ssm,
                protocol: Protocol::AwsJson11,
                operation: Some("GetParameter".into())
            }
        );
        let query_json = RequestHead {
            target: Some("GraniteServiceVersion20100801.DescribeAlarms"),
            ..head("/")
        };
        assert_eq!(route(&query_json).unwrap().service, Service::CloudWatch);

        assert_eq!(
            route(&head("/2015-03-31/functions/addCustomer")).unwrap().service,
            Service::Lambda
        );
        assert_eq!(route(&head("/restapis/abc/resources")).unwrap().service, Service::ApiGateway);
        assert_eq!(route(&head("/restapis")).unwrap().service, Service::ApiGateway);
        let tags = "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc";
        assert_eq!(route(&head(tags)).unwrap().service, Service::ApiGateway);
        assert_eq!(route(&head("/vpclinks/x")).unwrap().service, Service::ApiGateway);
        assert!(route(&head("/accounts")).is_err());

        let form = RequestHead {
            content_type: Some("application/x-www-form-urlencoded; charset=utf-8"),
            signing_service: Some("iam"),
            ..head("/")
        };
        assert_eq!(
            route(&form).unwrap(),
            Route { service: Service::Iam, protocol: Protocol::Query, operation: None }
        );
        let ec2 = RequestHead {
            signing_service: Some("ec2"),
            query: Some("Action=DescribeInstances"),
            ..head("/")
        };
        assert_eq!(route(&ec2).unwrap().protocol, Protocol::Ec2Query);
    }

    #[test]
    fn unknown_requests_are_aws_errors() {
        assert_eq!(route(&head("/favicon.ico")).unwrap_err().code, "UnknownOperationException");
        let target = RequestHead { target: Some("Kinesis_20131202.PutRecord"), ..head("/") };
        assert!(route(&target).unwrap_err().message.contains("Kinesis_20131202.PutRecord"));
        let unsigned_form =
            RequestHead { content_type: Some("application/x-www-form-urlencoded"), ..head("/") };
        assert_eq!(route(&unsigned_form).unwrap_err().code, "MissingAuthenticationToken");
        // Unsigned, but naming its API version: answered (refused) in its service's shape.
        let unsigned_iam = RequestHead { query_version: Some("2010-05-08"), ..unsigned_form };
        assert_eq!(route(&unsigned_iam).unwrap().service, Service::Iam);
    }
}
