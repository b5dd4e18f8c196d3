//! Documents and the message AWS gives each; one document per stage and rule.

use super::*;

fn identity(document: &str) -> Result<(), String> {
    check_identity_policy(document).map_err(|e| match e {
        IamError::Malformed(message) => message,
        other => format!("{other:?}"),
    })
}

fn trust(document: &str) -> Result<(), String> {
    let is_role = |arn: &str| arn == "arn:aws:iam::000000000000:role/exists";
    check_trust_policy(document, is_role).map_err(|e| match e {
        IamError::Malformed(message) => message,
        other => format!("{other:?}"),
    })
}

const PUT_ITEM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:ap-northeast-2:000000000000:table/customers"}]}"#;

#[test]
fn the_labs_documents_are_valid() {
    assert_eq!(identity(PUT_ITEM), Ok(()));
    let pretty = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Sid\": \"Logs\",\n    \"Effect\": \"Allow\",\n    \"Action\": [\"logs:CreateLogGroup\", \"logs:PutLogEvents\"],\n    \"Resource\": \"*\",\n    \"Condition\": {\"DateGreaterThan\": {\"aws:CurrentTime\": \"2020-01-01T00:00:00Z\"}}\n  }\n}";
    assert_eq!(identity(pretty), Ok(()));
    let lambda = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    assert_eq!(trust(lambda), Ok(()));
    let account = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["000000000000","arn:aws:iam::000000000000:root","arn:aws:iam::000000000000:role/exists"]},"Action":["sts:AssumeRole","sts:TagSession"]}}"#;
    assert_eq!(trust(account), Ok(()));
}

#[test]
fn each_stage_has_its_message() {
    let cases: &[(&str, &str)] = &[
        ("not json", SYNTAX_ERRORS),
        (r#"{"Version":"2012-10-17"}"#, SYNTAX_ERRORS),
        (r#"{"Version":"2012-10-17","Statement":[]}"#, SYNTAX_ERRORS),
        (
            r#"{"Version":"2013-01-01","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            SYNTAX_ERRORS,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}"#,
            SYNTAX_ERRORS,
        ),
        (r#"{"Version":"2012-10-17","Statement":{"Action":"s3:*","Resource":"*"}}"#, SYNTAX_ERRORS),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}}"#,
            SYNTAX_ERRORS,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":{},"Resource":"*"}}"#,
            SYNTAX_ERRORS,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Whatever":{"a":"b"}}}}"#,
            SYNTAX_ERRORS,
        ),
        (r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, VERSION_TOO_OLD),
        (
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            VERSION_TOO_OLD,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#,
            LEGACY_PARSING,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}}"#,
            LEGACY_PARSING,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::bucket"}}"#,
            LEGACY_PARSING,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
            "Statement IDs (SID) in a single policy must be unique.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
            "Policy statement must contain actions.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}"#,
            "Policy statement must contain actions.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"customers"}}"#,
            "Resource customers must be in ARN format or \"*\".",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:PutItem"}}"#,
            "Policy statement must contain resources.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"PutItem","Resource":"*"}}"#,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamo db:PutItem","Resource":"*"}}"#,
            "Vendor dynamo db is not valid",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:Put:Item","Resource":"*"}}"#,
            "Actions/Condition can contain only one colon.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
            "Policy document should not specify a principal.",
        ),
    ];
    for (document, message) in cases {
        assert_eq!(identity(document), Err(message.to_string()), "{document}");
    }
}

#[test]
fn trust_policies_have_their_own_rules() {
    let cases: &[(&str, &str)] = &[
        ("{\"Version\": ", INVALID_JSON),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}"#,
            "Has prohibited field Resource",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"dynamodb:PutItem"}}"#,
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#,
            NO_PRINCIPALS,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda"},"Action":"sts:AssumeRole"}}"#,
            "Invalid principal in policy: \"SERVICE\":\"lambda\"",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/missing"},"Action":"sts:AssumeRole"}}"#,
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::000000000000:role/missing\"",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"learner"},"Action":"sts:AssumeRole"}}"#,
            "Invalid principal in policy: \"AWS\":\"learner\"",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"lambda.amazonaws.com","Action":"sts:AssumeRole"}}"#,
            SYNTAX_ERRORS,
        ),
    ];
    for (document, message) in cases {
        assert_eq!(trust(document), Err(message.to_string()), "{document}");
    }
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{}","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"sts:AssumeRole"}}}}"#,
        "a".repeat(2048)
    );
    assert_eq!(check_trust_policy(&big, |_| true), Err(IamError::TrustPolicySize));
}

#[test]
fn documents_are_url_encoded_like_iam_responses() {
    assert_eq!(
        url_encode(r#"{"Version": "2012-10-17", "Action": "sts:AssumeRole", "Resource": "*"}"#),
        "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Action%22%3A%20%22sts%3AAssumeRole%22%2C%20%22Resource%22%3A%20%22%2A%22%7D"
    );
    assert_eq!(url_encode("a~b_c.d-e\n/"), "a~b_c.d-e%0A%2F");
    assert_eq!(url_encode("é"), "%C3%A9");
    assert_eq!(packed_size("{ \"a\" :\n 1 }"), 7);
}
