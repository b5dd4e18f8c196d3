"""CloudWatch Logs through boto3 and the AWS CLI: a group and a stream, events put, and read back
with get-log-events and filter-log-events, as a learner checks a Lambda function's output."""

import time

import pytest

ACCOUNT = "000000000000"
REGION = "ap-northeast-2"


def now_ms():
    return int(time.time() * 1000)


def test_boto3_writes_and_reads_a_stream(client):
    logs = client("logs")
    group, stream = "/aws/lambda/boto3-addCustomer", "2024/05/01/[$LATEST]abc"
    logs.create_log_group(logGroupName=group, tags={"awslab:lab": "serverless-api"})
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = now_ms() - 5000
    put = logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[
            {"timestamp": start, "message": "START RequestId: 1"},
            {"timestamp": start + 1, "message": "[ERROR] KeyError: 'price'"},
            {"timestamp": start + 2, "message": "END RequestId: 1"},
        ],
    )
    assert len(put["nextSequenceToken"]) == 56
    assert "rejectedLogEventsInfo" not in put

    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert described["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
    assert described["logGroupArn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert [s["logStreamName"] for s in streams] == [stream]
    assert streams[0]["lastEventTimestamp"] == start + 2

    read = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert [e["message"] for e in read["events"]] == [
        "START RequestId: 1",
        "[ERROR] KeyError: 'price'",
        "END RequestId: 1",
    ]
    assert read["nextForwardToken"].startswith("f/")
    again = logs.get_log_events(
        logGroupName=group, logStreamName=stream, nextToken=read["nextForwardToken"]
    )
    assert again["events"] == [] and again["nextForwardToken"] == read["nextForwardToken"]

    found = logs.filter_log_events(logGroupName=group, filterPattern="ERROR")["events"]
    assert [(e["logStreamName"], e["message"]) for e in found] == [
        (stream, "[ERROR] KeyError: 'price'")
    ]
    assert logs.list_tags_for_resource(resourceArn=described["logGroupArn"])["tags"] == {
        "awslab:lab": "serverless-api"
    }

    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as missing:
        logs.get_log_events(logGroupName=group, logStreamName="no-such-stream")
    assert missing.value.response["Error"]["Message"] == "The specified log stream does not exist."
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[
                {"timestamp": start + 10, "message": "later"},
                {"timestamp": start, "message": "earlier"},
            ],
        )


def test_boto3_paginators_read_every_event(client):
    logs = client("logs")
    group, stream = "/aws/lambda/boto3-pages", "s"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = now_ms() - 60_000
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": start + i, "message": f"line {i}"} for i in range(30)],
    )
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=group, PaginationConfig={"PageSize": 7}
    )
    messages = [e["message"] for page in pages for e in page["events"]]
    assert messages == [f"line {i}" for i in range(30)]


def test_aws_cli_writes_and_reads_a_stream(aws):
    group, stream = "/aws/lambda/cli-addCustomer", "cli-stream"
    aws("logs", "create-log-group", "--log-group-name", group)
    aws("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", stream)
    start = now_ms() - 5000
    put = aws(
        "logs", "put-log-events",
        "--log-group-name", group,
        "--log-stream-name", stream,
        "--log-events",
        f"timestamp={start},message=START",
        f"timestamp={start + 1},message=Task timed out after 3.00 seconds",
        f"timestamp={start + 2},message=END",
    )
    assert len(put["nextSequenceToken"]) == 56

    read = aws(
        "logs", "get-log-events",
        "--log-group-name", group,
        "--log-stream-name", stream,
        "--start-from-head",
    )
    assert [e["message"] for e in read["events"]] == [
        "START",
        "Task timed out after 3.00 seconds",
        "END",
    ]
    found = aws(
        "logs", "filter-log-events",
        "--log-group-name", group,
        "--filter-pattern", '"timed out"',
    )
    assert [e["message"] for e in found["events"]] == ["Task timed out after 3.00 seconds"]
    groups = aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/cli-")
    assert [g["logGroupName"] for g in groups["logGroups"]] == [group]

    aws("logs", "delete-log-group", "--log-group-name", group)
    with pytest.raises(AssertionError, match="The specified log group does not exist."):
        aws("logs", "delete-log-group", "--log-group-name", group)
