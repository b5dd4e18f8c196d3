"""DynamoDB Streams through boto3 and the AWS CLI: a table with a stream, items written, and the
changes read back record by record, as a learner follows a table's stream to a Lambda function.
The Streams API is its own service (`DynamoDBStreams_20120810`), reading the same tables."""

import json

import pytest
from botocore.exceptions import ClientError


def make_table(dynamodb, name):
    described = dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return described["LatestStreamArn"]


def test_boto3_reads_a_tables_changes_from_its_stream(client):
    dynamodb, streams = client("dynamodb"), client("dynamodbstreams")
    stream_arn = make_table(dynamodb, "stream-customers")
    dynamodb.put_item(TableName="stream-customers", Item={"customer_id": {"S": "1230AWS"}, "name": {"S": "Kim"}})
    dynamodb.update_item(
        TableName="stream-customers",
        Key={"customer_id": {"S": "1230AWS"}},
        UpdateExpression="SET #n = :n",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": "Lee"}},
    )
    dynamodb.delete_item(TableName="stream-customers", Key={"customer_id": {"S": "1230AWS"}})

    listed = streams.list_streams(TableName="stream-customers")["Streams"]
    assert [(s["StreamArn"], s["TableName"]) for s in listed] == [(stream_arn, "stream-customers")]
    description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert description["KeySchema"] == [{"AttributeName": "customer_id", "KeyType": "HASH"}]
    shard = description["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]

    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(r["eventSource"] == "aws:dynamodb" for r in records)
    inserted, modified, removed = (r["dynamodb"] for r in records)
    assert inserted["Keys"] == {"customer_id": {"S": "1230AWS"}}
    assert inserted["NewImage"]["name"] == {"S": "Kim"}
    assert (modified["OldImage"]["name"], modified["NewImage"]["name"]) == ({"S": "Kim"}, {"S": "Lee"})
    assert removed["OldImage"]["name"] == {"S": "Lee"} and "NewImage" not in removed


def test_the_streams_api_answers_its_own_errors(client):
    streams = client("dynamodbstreams")
    with pytest.raises(ClientError) as missing:
        streams.describe_stream(
            StreamArn="arn:aws:dynamodb:ap-northeast-2:000000000000:table/nothing/stream/2024-05-01T00:00:00.000"
        )
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_cli_lists_a_tables_stream(client, aws):
    stream_arn = make_table(client("dynamodb"), "cli-stream-customers")
    listed = aws("dynamodbstreams", "list-streams", "--table-name", "cli-stream-customers")
    assert [s["StreamArn"] for s in listed["Streams"]] == [stream_arn]


def test_a_role_session_needs_get_records_on_the_stream(client, session, endpoint):
    dynamodb, iam = client("dynamodb"), client("iam")
    stream_arn = make_table(dynamodb, "guarded-customers")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="stream-reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    reading = ["dynamodb:DescribeStream", "dynamodb:GetShardIterator"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": reading, "Resource": "*"}]}
    iam.put_role_policy(RoleName="stream-reader", PolicyName="read", PolicyDocument=json.dumps(policy))
    keys = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="reader")["Credentials"]
    streams = session.client(
        "dynamodbstreams", endpoint_url=endpoint, aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"], aws_session_token=keys["SessionToken"],
    )
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    with pytest.raises(ClientError) as denied:
        streams.get_records(ShardIterator=iterator)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"dynamodb:GetRecords on resource: {stream_arn}" in denied.value.response["Error"]["Message"]

    policy["Statement"][0]["Action"] = reading + ["dynamodb:GetRecords"]
    iam.put_role_policy(RoleName="stream-reader", PolicyName="read", PolicyDocument=json.dumps(policy))
    assert streams.get_records(ShardIterator=iterator)["Records"] == []
