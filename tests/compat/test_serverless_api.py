"""The calls of the `serverless-api` lab, made with boto3 and with the AWS CLI v1: the policy
allowing only dynamodb:PutItem, the role Lambda may assume, the `customers` table, and the
handout's item put and scanned back."""

import json

import pytest

ACCOUNT = "000000000000"

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ITEM = {
    "customer_id": {"S": "1230AWS"},
    "name": {"S": "AWS Kim"},
    "price": {"N": "990000"},
}


def test_boto3_creates_the_policy_and_role(client):
    iam = client("iam")
    policy = iam.create_policy(PolicyName="boto3-putitem-policy", PolicyDocument=json.dumps(POLICY))
    arn = policy["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/boto3-putitem-policy"
    iam.create_role(RoleName="boto3-dynamodb-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="boto3-dynamodb-role", PolicyArn=arn)

    role = iam.get_role(RoleName="boto3-dynamodb-role")["Role"]
    # boto3 decodes the URL-encoded document IAM returns.
    assert role["AssumeRolePolicyDocument"] == TRUST
    attached = iam.list_attached_role_policies(RoleName="boto3-dynamodb-role")["AttachedPolicies"]
    assert attached == [{"PolicyName": "boto3-putitem-policy", "PolicyArn": arn}]
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == POLICY

    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(RoleName="boto3-dynamodb-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_role(RoleName="boto3-dynamodb-role")


def test_boto3_creates_the_table_and_puts_the_handout_item(client):
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName="boto3-customers",
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName="boto3-customers", Item=ITEM)
    scanned = dynamodb.scan(TableName="boto3-customers")
    assert scanned["Count"] == 1
    assert scanned["Items"] == [ITEM]

def test_boto3_resource_interface_reads_the_item(session, endpoint, client):
    """The resource interface, as a Lambda handler uses it."""
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName="resource-customers",
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table = session.resource("dynamodb", endpoint_url=endpoint).Table("resource-customers")
    table.put_item(Item={"customer_id": "1230AWS", "name": "AWS Kim", "price": 990000})
    assert table.get_item(Key={"customer_id": "1230AWS"})["Item"] == {
        "customer_id": "1230AWS",
        "name": "AWS Kim",
        "price": 990000,
    }


def test_aws_cli_does_the_same(aws, tmp_path):
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(POLICY))
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(json.dumps(TRUST))

    policy = aws("iam", "create-policy", "--policy-name", "aws-lab-dynamodb-putitem-policy",
                 "--policy-document", f"file://{policy_file}")
    arn = policy["Policy"]["Arn"]
    aws("iam", "create-role", "--role-name", "aws-lab-dynamodb-role",
        "--assume-role-policy-document", f"file://{trust_file}")
    aws("iam", "attach-role-policy", "--role-name", "aws-lab-dynamodb-role", "--policy-arn", arn)
    role = aws("iam", "get-role", "--role-name", "aws-lab-dynamodb-role")["Role"]
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/aws-lab-dynamodb-role"

    aws("dynamodb", "create-table", "--table-name", "customers",
        "--attribute-definitions", "AttributeName=customer_id,AttributeType=S",
        "--key-schema", "AttributeName=customer_id,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST")
    aws("dynamodb", "put-item", "--table-name", "customers", "--item", json.dumps(ITEM))
    scanned = aws("dynamodb", "scan", "--table-name", "customers")
    assert scanned["Items"] == [ITEM]

    with pytest.raises(AssertionError, match="ResourceNotFoundException"):
        aws("dynamodb", "scan", "--table-name", "customer")
