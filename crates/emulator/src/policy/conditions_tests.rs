use super::*;

fn context(pairs: &[(&str, &[&str])]) -> Context {
    pairs
        .iter()
        .map(|(key, values)| (key.to_string(), values.iter().map(|v| v.to_string()).collect()))
        .collect()
}

/// Whether `operator: {key: values}` holds for the request `pairs` (policy variables enabled).
fn check(operator: &str, key: &str, values: &[&str], pairs: &[(&str, &[&str])]) -> bool {
    let condition = Condition {
        operator: operator.into(),
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    holds(&condition, &context(pairs), true).unwrap()
}

#[test]
fn string_operators_compare_exactly_ignoring_case_or_with_wildcards() {
    let ctx: &[(&str, &[&str])] = &[("aws:username", &["Alice"])];
    assert!(check("StringEquals", "aws:username", &["Alice"], ctx));
    assert!(!check("StringEquals", "aws:username", &["alice"], ctx));
    assert!(!check("StringEquals", "aws:username", &["Al*"], ctx), "no wildcards in Equals");
    assert!(check("StringEqualsIgnoreCase", "aws:username", &["aLiCe"], ctx));
    assert!(check("StringLike", "aws:username", &["A?i*"], ctx));
    assert!(!check("StringLike", "aws:username", &["a*"], ctx), "StringLike is case-sensitive");
    assert!(check("StringNotEquals", "aws:username", &["Bob"], ctx));
    assert!(!check("StringNotEqualsIgnoreCase", "aws:username", &["ALICE"], ctx));
    assert!(check("StringNotLike", "aws:username", &["B*"], ctx));
}

#[test]
fn several_policy_values_are_alternatives_but_negated_operators_need_none_to_match() {
    let ctx: &[(&str, &[&str])] = &[("aws:RequestedRegion", &["eu-west-1"])];
    assert!(check("StringEquals", "aws:RequestedRegion", &["us-east-1", "eu-west-1"], ctx));
    assert!(!check("StringEquals", "aws:RequestedRegion", &["us-east-1", "us-west-2"], ctx));
    assert!(!check("StringNotEquals", "aws:RequestedRegion", &["us-east-1", "eu-west-1"], ctx));
    assert!(check("StringNotEquals", "aws:RequestedRegion", &["us-east-1", "us-west-2"], ctx));
}

#[test]
fn condition_key_names_are_case_insensitive() {
    let ctx: &[(&str, &[&str])] = &[("aws:SourceArn", &["arn:aws:s3:::b"])];
    assert!(check("ArnEquals", "AWS:SourceArn", &["arn:aws:s3:::b"], ctx));
    assert!(check("ArnEquals", "aws:sourcearn", &["arn:aws:s3:::b"], ctx));
}

#[test]
fn numeric_operators_compare_numbers_not_text() {
    let ctx: &[(&str, &[&str])] = &[("s3:max-keys", &["10"])];
    assert!(check("NumericEquals", "s3:max-keys", &["10.0"], ctx));
    assert!(check("NumericNotEquals", "s3:max-keys", &["9"], ctx));
    assert!(check("NumericLessThan", "s3:max-keys", &["11"], ctx));
    assert!(!check("NumericLessThan", "s3:max-keys", &["10"], ctx));
    assert!(check("NumericLessThanEquals", "s3:max-keys", &["10"], ctx));
    assert!(check("NumericGreaterThan", "s3:max-keys", &["9.5"], ctx));
    assert!(!check("NumericGreaterThan", "s3:max-keys", &["100"], ctx), "not compared as text");
    assert!(check("NumericGreaterThanEquals", "s3:max-keys", &["10"], ctx));
    assert!(!check("NumericEquals", "s3:max-keys", &["ten"], ctx));
    assert!(!check("NumericEquals", "s3:max-keys", &["10"], &[("s3:max-keys", &["x"])]));
}

#[test]
fn date_operators_read_iso_8601_and_epoch_seconds() {
    let now: &[(&str, &[&str])] = &[("aws:CurrentTime", &["2024-05-01T12:00:00Z"])];
    assert!(check("DateGreaterThan", "aws:CurrentTime", &["2024-01-01T00:00:00Z"], now));
    assert!(check("DateGreaterThan", "aws:CurrentTime", &["2024-05-01"], now));
    assert!(check("DateLessThan", "aws:CurrentTime", &["2024-05-01T14:00:00+01:00"], now));
    assert!(!check("DateLessThan", "aws:CurrentTime", &["2024-05-01T13:00:00+01:00"], now));
    assert!(check("DateLessThanEquals", "aws:CurrentTime", &["2024-05-01T13:00:00+01:00"], now));
    assert!(check("DateEquals", "aws:CurrentTime", &["1714564800"], now));
    assert!(check("DateNotEquals", "aws:CurrentTime", &["1714564801"], now));
    assert!(check("DateGreaterThanEquals", "aws:CurrentTime", &["2024-05-01T12:00:00.000Z"], now));
    let epoch: &[(&str, &[&str])] = &[("aws:EpochTime", &["1714564800"])];
    assert!(check("DateLessThan", "aws:EpochTime", &["2025-01-01T00:00:00Z"], epoch));
    assert!(!check("DateLessThan", "aws:CurrentTime", &["next tuesday"], now));
}

#[test]
fn bool_accepts_json_booleans_and_their_text() {
    let secure: &[(&str, &[&str])] = &[("aws:SecureTransport", &["true"])];
    assert!(check("Bool", "aws:SecureTransport", &["true"], secure));
    assert!(check("Bool", "aws:SecureTransport", &["True"], secure));
    assert!(!check("Bool", "aws:SecureTransport", &["false"], secure));
    assert!(!check("Bool", "aws:SecureTransport", &["yes"], secure));
}

#[test]
fn binary_equals_compares_the_base64_text() {
    let ctx: &[(&str, &[&str])] = &[("key", &["QmluYXJ5VmFsdWU="])];
    assert!(check("BinaryEquals", "key", &["QmluYXJ5VmFsdWU="], ctx));
    assert!(!check("BinaryEquals", "key", &["QmluYXJ5"], ctx));
}

#[test]
fn ip_operators_test_membership_of_a_cidr_range() {
    let v4: &[(&str, &[&str])] = &[("aws:SourceIp", &["203.0.113.7"])];
    assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], v4));
    assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.7"], v4));
    assert!(check("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], v4));
    assert!(!check("IpAddress", "aws:SourceIp", &["203.0.114.0/24"], v4));
    assert!(check("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8", "192.168.0.0/16"], v4));
    assert!(!check("IpAddress", "aws:SourceIp", &["2001:db8::/32"], v4));
    assert!(!check("IpAddress", "aws:SourceIp", &["203.0.113.0/33"], v4));
    let v6: &[(&str, &[&str])] = &[("aws:SourceIp", &["2001:db8:1234::1"])];
    assert!(check("IpAddress", "aws:SourceIp", &["2001:DB8:1234::/48"], v6));
    assert!(!check("IpAddress", "aws:SourceIp", &["2001:db8:1235::/48"], v6));
    assert!(check("IpAddress", "aws:SourceIp", &["::/0"], v6));
}

#[test]
fn arn_operators_match_segment_by_segment_with_wildcards() {
    let source: &[(&str, &[&str])] =
        &[("aws:SourceArn", &["arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/x"])];
    let pattern = "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/x";
    assert!(check("ArnLike", "aws:SourceArn", &[pattern], source));
    assert!(check("ArnEquals", "aws:SourceArn", &[pattern], source));
    assert!(!check("ArnNotLike", "aws:SourceArn", &[pattern], source));
    assert!(check("ArnNotEquals", "aws:SourceArn", &["arn:aws:s3:::*"], source));
    assert!(!check("ArnLike", "aws:SourceArn", &["arn:aws:execute-api:*:abc123/*"], source));
    assert!(!check("ArnLike", "aws:SourceArn", &["arn:aws:EXECUTE-API:*:*:*"], source));
}

#[test]
fn a_missing_key_fails_positive_operators_and_satisfies_negated_ones() {
    assert!(!check("StringEquals", "aws:username", &["alice"], &[]));
    assert!(!check("StringLike", "aws:username", &["*"], &[]));
    assert!(!check("NumericLessThan", "n", &["1"], &[]));
    assert!(!check("Bool", "aws:SecureTransport", &["false"], &[]));
    assert!(!check("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], &[]));
    assert!(!check("ArnLike", "aws:SourceArn", &["*"], &[]));
    assert!(check("StringNotEquals", "aws:username", &["alice"], &[]));
    assert!(check("ArnNotLike", "aws:SourceArn", &["arn:*"], &[]));
    assert!(check("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"], &[]));
    assert!(check("DateNotEquals", "aws:CurrentTime", &["2024-01-01"], &[]));
    assert!(!check("StringEquals", "aws:username", &["alice"], &[("aws:username", &[])]));
}

#[test]
fn if_exists_holds_when_the_key_is_missing_and_tests_it_when_present() {
    assert!(check("StringEqualsIfExists", "ec2:InstanceType", &["t3.micro"], &[]));
    assert!(check("ArnLikeIfExists", "aws:SourceArn", &["arn:aws:s3:::b"], &[]));
    let present: &[(&str, &[&str])] = &[("ec2:InstanceType", &["m5.large"])];
    assert!(!check("StringEqualsIfExists", "ec2:InstanceType", &["t3.micro"], present));
    assert!(check("StringNotEqualsIfExists", "ec2:InstanceType", &["t3.micro"], present));
    assert!(check("NumericLessThanIfExists", "n", &["3"], &[("n", &["2"])]));
}

#[test]
fn null_tests_whether_the_key_is_present() {
    let tagged: &[(&str, &[&str])] = &[("aws:TagKeys", &["team"])];
    assert!(check("Null", "aws:TagKeys", &["true"], &[]));
    assert!(!check("Null", "aws:TagKeys", &["true"], tagged));
    assert!(check("Null", "aws:TagKeys", &["false"], tagged));
    assert!(!check("Null", "aws:TagKeys", &["false"], &[]));
    assert!(!check("Null", "aws:TagKeys", &["maybe"], &[]));
}

#[test]
fn for_any_value_needs_one_request_value_to_pass() {
    let tags: &[(&str, &[&str])] = &[("aws:TagKeys", &["team", "cost"])];
    assert!(check("ForAnyValue:StringEquals", "aws:TagKeys", &["cost"], tags));
    assert!(!check("ForAnyValue:StringEquals", "aws:TagKeys", &["owner"], tags));
    assert!(check("ForAnyValue:StringLike", "aws:TagKeys", &["c*"], tags));
    assert!(check("ForAnyValue:StringNotEquals", "aws:TagKeys", &["team"], tags));
    assert!(!check("ForAnyValue:StringNotEquals", "aws:TagKeys", &["team", "cost"], tags));
    assert!(!check("ForAnyValue:StringEquals", "aws:TagKeys", &["cost"], &[]));
}

#[test]
fn for_all_values_needs_every_request_value_to_pass_and_holds_for_none() {
    let tags: &[(&str, &[&str])] = &[("aws:TagKeys", &["team", "cost"])];
    assert!(check("ForAllValues:StringEquals", "aws:TagKeys", &["team", "cost", "owner"], tags));
    assert!(!check("ForAllValues:StringEquals", "aws:TagKeys", &["team"], tags));
    assert!(check("ForAllValues:StringNotEquals", "aws:TagKeys", &["owner"], tags));
    assert!(!check("ForAllValues:StringNotEquals", "aws:TagKeys", &["team"], tags));
    assert!(check("ForAllValues:StringEquals", "aws:TagKeys", &["team"], &[]));
    assert!(check("ForAllValues:StringEquals", "aws:TagKeys", &["team"], &[("aws:TagKeys", &[])]));
}

#[test]
fn a_multivalued_key_without_a_qualifier_passes_when_any_value_matches() {
    let tags: &[(&str, &[&str])] = &[("aws:TagKeys", &["team", "cost"])];
    assert!(check("StringEquals", "aws:TagKeys", &["cost"], tags));
    assert!(!check("StringNotEquals", "aws:TagKeys", &["cost"], tags));
}

#[test]
fn policy_variables_apply_in_condition_values_only_when_enabled() {
    let ctx = context(&[("aws:username", &["alice"]), ("s3:prefix", &["home/alice/"])]);
    let condition = Condition {
        operator: "StringLike".into(),
        key: "s3:prefix".into(),
        values: vec!["home/${aws:username}/*".into()],
    };
    assert_eq!(holds(&condition, &ctx, true), Ok(true));
    assert_eq!(holds(&condition, &ctx, false), Ok(false));
}

#[test]
fn unknown_operators_and_misplaced_qualifiers_are_unsupported() {
    for operator in ["StringFancy", "stringequals", "ForAnyValue:Null", "NullIfExists", "IfExists"]
    {
        let condition =
            Condition { operator: operator.into(), key: "k".into(), values: vec!["v".into()] };
        assert_eq!(
            holds(&condition, &Context::new(), true),
            Err(UnsupportedOperator(operator.into())),
            "{operator}"
        );
    }
}
