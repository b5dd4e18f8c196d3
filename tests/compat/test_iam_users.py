"""IAM users, groups and access keys with boto3 and the AWS CLI, as a console-based course has a
newcomer make them: a user, a group that grants it something, an access key, and then calls
made with that key (refused until a policy allows them, refused again once the key is off)."""

import json
import subprocess

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
REGION = "ap-northeast-2"
DYNAMODB_READ = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
INVALID = "The security token included in the request is invalid."


def error_of(call, *args, **kwargs):
    """The (code, message, HTTP status) of a call that must fail."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


def test_boto3_user_in_a_group_with_its_own_key(client, endpoint):
    iam = client("iam")
    user = iam.create_user(UserName="compat-alice", Path="/students/")["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/students/compat-alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert error_of(iam.create_user, UserName="compat-alice") == (
        "EntityAlreadyExists",
        "User with name compat-alice already exists.",
        409,
    )
    assert error_of(iam.get_user, UserName="compat-nobody") == (
        "NoSuchEntity",
        "The user with name compat-nobody cannot be found.",
        404,
    )
    iam.create_group(GroupName="compat-readers")
    iam.add_user_to_group(GroupName="compat-readers", UserName="compat-alice")
    members = iam.get_group(GroupName="compat-readers")["Users"]
    assert [m["UserName"] for m in members] == ["compat-alice"]

    key = iam.create_access_key(UserName="compat-alice")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40
    assert key["Status"] == "Active"
    as_alice = boto3.session.Session(
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name=REGION,
    )
    identity = as_alice.client("sts", endpoint_url=endpoint).get_caller_identity()
    assert identity["Arn"] == user["Arn"]
    assert identity["UserId"] == user["UserId"]

    dynamodb = as_alice.client("dynamodb", endpoint_url=endpoint)
    code, message, status = error_of(dynamodb.list_tables)
    assert (code, status) == ("AccessDeniedException", 400)
    assert message == (
        f"User: {user['Arn']} is not authorized to perform: dynamodb:ListTables on resource: "
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/* because no identity-based policy allows "
        "the dynamodb:ListTables action"
    )
    iam.attach_group_policy(GroupName="compat-readers", PolicyArn=DYNAMODB_READ)
    assert "TableNames" in dynamodb.list_tables()

    iam.update_access_key(UserName="compat-alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert error_of(dynamodb.list_tables) == ("UnrecognizedClientException", INVALID, 400)
    assert error_of(iam.delete_user, UserName="compat-alice") == (
        "DeleteConflict",
        "Cannot delete entity, must delete access keys first.",
        409,
    )
    iam.delete_access_key(UserName="compat-alice", AccessKeyId=key["AccessKeyId"])
    sts = as_alice.client("sts", endpoint_url=endpoint)
    assert error_of(sts.get_caller_identity) == ("InvalidClientTokenId", INVALID, 403)


def test_aws_cli_newcomer_makes_a_user_and_calls_with_its_key(aws, aws_env, endpoint):
    created = aws("iam", "create-user", "--user-name", "compat-bob")
    assert created["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/compat-bob"
    key = aws("iam", "create-access-key", "--user-name", "compat-bob")["AccessKey"]
    listed = aws("iam", "list-access-keys", "--user-name", "compat-bob")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]

    as_bob = {**aws_env, "AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    def run(*args):
        return subprocess.run(
            ["aws", "--endpoint-url", endpoint, "--output", "json", *args],
            env=as_bob,
            capture_output=True,
            text=True,
            timeout=60,
        )

    whoami = run("sts", "get-caller-identity")
    assert whoami.returncode == 0, whoami.stderr
    assert json.loads(whoami.stdout) == {
        "UserId": created["User"]["UserId"],
        "Account": ACCOUNT,
        "Arn": f"arn:aws:iam::{ACCOUNT}:user/compat-bob",
    }
    refused = run("iam", "list-users")
    assert refused.returncode != 0
    assert (
        "An error occurred (AccessDenied) when calling the ListUsers operation: User: "
        f"arn:aws:iam::{ACCOUNT}:user/compat-bob is not authorized to perform: iam:ListUsers on "
        f"resource: arn:aws:iam::{ACCOUNT}:user/ because no identity-based policy allows the "
        "iam:ListUsers action"
    ) in refused.stderr

    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]}
    )
    aws("iam", "put-user-policy", "--user-name", "compat-bob", "--policy-name", "list", "--policy-document", policy)
    allowed = run("iam", "list-users")
    assert allowed.returncode == 0, allowed.stderr
    assert "compat-bob" in [u["UserName"] for u in json.loads(allowed.stdout)["Users"]]

    last = aws("iam", "get-access-key-last-used", "--access-key-id", key["AccessKeyId"])
    assert last["UserName"] == "compat-bob"
    assert last["AccessKeyLastUsed"]["ServiceName"] == "iam"
    assert last["AccessKeyLastUsed"]["Region"] == aws_env["AWS_DEFAULT_REGION"]
