"""STS through boto3 and the AWS CLI: the learner is the account's administrator."""

ACCOUNT = "000000000000"


def test_boto3_learns_who_it_is(client):
    identity = client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_aws_cli_learns_who_it_is(aws):
    identity = aws("sts", "get-caller-identity")
    assert identity == {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
