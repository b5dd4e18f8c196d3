"""DynamoDB's errors through boto3 and the raw wire: what a failed transaction and a failed
condition carry beside their message, and the exact bodies DynamoDB writes (`__type` in its
namespaces, `Message` capitalised where DynamoDB capitalises it)."""

import json
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

REGION = "ap-northeast-2"


def make_table(dynamodb, name):
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_a_cancelled_transaction_says_why_for_each_item(client):
    dynamodb = client("dynamodb")
    make_table(dynamodb, "tx-customers")
    dynamodb.put_item(TableName="tx-customers", Item={"customer_id": {"S": "taken"}, "name": {"S": "Kim"}})
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "tx-customers", "Item": {"customer_id": {"S": "new"}}}},
                {
                    "Put": {
                        "TableName": "tx-customers",
                        "Item": {"customer_id": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(customer_id)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    response = cancelled.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    reasons = response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
    assert reasons[1]["Item"] == {"customer_id": {"S": "taken"}, "name": {"S": "Kim"}}
    # Nothing of a cancelled transaction is written.
    assert "Item" not in dynamodb.get_item(TableName="tx-customers", Key={"customer_id": {"S": "new"}})


def test_a_failed_condition_returns_the_item_when_asked(client):
    dynamodb = client("dynamodb")
    make_table(dynamodb, "cond-customers")
    dynamodb.put_item(TableName="cond-customers", Item={"customer_id": {"S": "1230AWS"}, "name": {"S": "Kim"}})
    with pytest.raises(ClientError) as failed:
        dynamodb.put_item(
            TableName="cond-customers",
            Item={"customer_id": {"S": "1230AWS"}},
            ConditionExpression="attribute_not_exists(customer_id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert failed.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert failed.value.response["Item"] == {"customer_id": {"S": "1230AWS"}, "name": {"S": "Kim"}}


def raw_call(endpoint, operation, body):
    """Sends a signed DynamoDB request whose body is exactly `body`; returns status and JSON."""
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        },
    )
    credentials = botocore.credentials.Credentials("AKIASTUDENTEXAMPLE", "student-secret")
    botocore.auth.SigV4Auth(credentials, "dynamodb", REGION).add_auth(request)
    prepared = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(prepared, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_error_bodies_are_written_as_dynamodb_writes_them(endpoint):
    status, body = raw_call(endpoint, "GetItem", '{"TableName": 5}')
    assert status == 400
    assert body["__type"] == "com.amazon.coral.service#SerializationException"
    assert "Message" in body and "message" not in body

    status, body = raw_call(endpoint, "Scan", '{"TableName": "nothing-here"}')
    assert (status, body["__type"]) == (400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
    assert body["message"] == "Requested resource not found"


def test_a_table_can_be_named_by_its_arn(client):
    dynamodb = client("dynamodb")
    make_table(dynamodb, "arn-customers")
    arn = dynamodb.describe_table(TableName="arn-customers")["Table"]["TableArn"]
    assert dynamodb.describe_table(TableName=arn)["Table"]["TableName"] == "arn-customers"
    dynamodb.put_item(TableName=arn, Item={"customer_id": {"S": "1230AWS"}})
    dynamodb.transact_write_items(
        TransactItems=[{"Put": {"TableName": arn, "Item": {"customer_id": {"S": "4560AWS"}}}}]
    )
    item = dynamodb.get_item(TableName=arn, Key={"customer_id": {"S": "1230AWS"}})["Item"]
    assert item == {"customer_id": {"S": "1230AWS"}}
    assert dynamodb.scan(TableName=arn)["Count"] == 2
    assert dynamodb.scan(TableName="arn-customers")["Count"] == 2
