//! What IAM must allow for a CloudWatch Logs request: `(action, resource)` pairs, with the
//! resources written as AWS writes them in its access-denied messages (recorded responses):
//!
//! - group-level actions (CreateLogGroup, DescribeLogStreams, FilterLogEvents, DeleteLogGroup,
//!   the retention policy, the `…LogGroup` tagging actions) are checked against
//!   `arn:aws:logs:{region}:{account}:log-group:{name}:log-stream:`, with an empty stream, so a
//!   policy naming `…:log-group:{name}:*` allows them and one naming `…:log-group:{name}` does
//!   not, as on AWS;
//! - stream-level actions (CreateLogStream, PutLogEvents, GetLogEvents, DeleteLogStream)
//!   against `…:log-group:{name}:log-stream:{stream}`;
//! - DescribeLogGroups against `…:log-group::log-stream:`, with neither;
//! - TagResource, UntagResource and ListTagsForResource against the `resourceArn` given, the
//!   group's ARN without `:*`, as the CloudWatch Logs documentation says of them.
//!
//! A request missing the member that names its resource yields nothing here: it is refused by
//! validation, as AWS refuses it.

use super::store::group_arn;
use serde_json::Value;

/// The `(action, resource)` pairs IAM must allow before `operation` runs with `input`.
pub fn required_permissions(operation: &str, input: &Value, region: &str) -> Vec<(String, String)> {
    let action = format!("logs:{operation}");
    let string = |member: &str| input.get(member).and_then(Value::as_str);
    // The group's ARN (without `:*`), named by `logGroupName` or `logGroupIdentifier`.
    let group = string("logGroupName").map(|name| group_arn(region, name)).or_else(|| {
        string("logGroupIdentifier")
            .map(|id| if id.starts_with("arn:") { id.to_string() } else { group_arn(region, id) })
    });
    let resource = match operation {
        "DescribeLogGroups" => Some(format!("{}:log-stream:", group_arn(region, ""))),
        "CreateLogStream" | "PutLogEvents" | "GetLogEvents" | "DeleteLogStream" => {
            match (group, string("logStreamName")) {
                (Some(group), Some(stream)) => Some(format!("{group}:log-stream:{stream}")),
                _ => None,
            }
        }
        "TagResource" | "UntagResource" | "ListTagsForResource" => {
            string("resourceArn").map(str::to_string)
        }
        _ => group.map(|group| format!("{group}:log-stream:")),
    };
    resource.map(|resource| (action, resource)).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ACCOUNT_ID;
    use serde_json::json;

    fn resource(operation: &str, input: Value) -> Vec<String> {
        required_permissions(operation, &input, "ap-northeast-2")
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    #[test]
    fn resources_are_written_as_aws_writes_them_in_refusals() {
        let group = format!("arn:aws:logs:ap-northeast-2:{ACCOUNT_ID}:log-group:/aws/lambda/f");
        assert_eq!(
            resource("CreateLogGroup", json!({"logGroupName": "/aws/lambda/f"})),
            [format!("{group}:log-stream:")]
        );
        assert_eq!(
            resource(
                "PutLogEvents",
                json!({"logGroupName": "/aws/lambda/f", "logStreamName": "s"})
            ),
            [format!("{group}:log-stream:s")]
        );
        assert_eq!(
            resource("DescribeLogGroups", json!({})),
            [format!("arn:aws:logs:ap-northeast-2:{ACCOUNT_ID}:log-group::log-stream:")]
        );
        assert_eq!(
            resource("FilterLogEvents", json!({"logGroupIdentifier": group})),
            [format!("{group}:log-stream:")]
        );
        assert_eq!(resource("TagResource", json!({"resourceArn": &group})), [group]);
        assert!(resource("CreateLogGroup", json!({})).is_empty());
        let (action, _) = &required_permissions(
            "GetLogEvents",
            &json!({"logGroupName": "g", "logStreamName": "s"}),
            "us-east-1",
        )[0];
        assert_eq!(action, "logs:GetLogEvents");
    }
}
