"""Lambda with boto3 and the AWS CLI v1: the `serverless-api` function created from a zip, its
handler run for real (its own boto3 call goes back into the emulator with the role's keys),
and the CLI's create-function, invoke, add-permission and get-policy."""

import base64
import io
import json
import os
import zipfile

ACCOUNT = "000000000000"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
PUT_ITEM = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}],
}
HANDLER = """import boto3

table = boto3.resource("dynamodb").Table("lambda-customers")


def lambda_handler(event, context):
    print("adding", event["customer_id"])
    table.put_item(Item=event)
    return {"code": 200, "message": "Data Successfully Inserted!"}
"""
BODY = {"customer_id": "1230AWS", "customer_name": "KilDong", "product_name": "labtop", "price": 990000}


def zipped(name, source):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def make_role(iam, name, policy=None):
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    if policy:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
    return role["Arn"]


def test_boto3_runs_the_serverless_api_handler(client):
    iam, dynamodb, lam = client("iam"), client("dynamodb"), client("lambda")
    role = make_role(iam, "lambda-compat-role", PUT_ITEM)
    dynamodb.create_table(
        TableName="lambda-customers",
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    created = lam.create_function(
        FunctionName="addCustomerCompat",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zipped("lambda_function.py", HANDLER)},
    )
    assert created["FunctionArn"] == f"arn:aws:lambda:ap-northeast-2:{ACCOUNT}:function:addCustomerCompat"
    lam.get_waiter("function_active_v2").wait(FunctionName="addCustomerCompat")

    answer = lam.invoke(FunctionName="addCustomerCompat", Payload=json.dumps(BODY), LogType="Tail")
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read()) == {"code": 200, "message": "Data Successfully Inserted!"}
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "adding 1230AWS\n" in log
    assert "REPORT RequestId: " in log

    item = dynamodb.get_item(TableName="lambda-customers", Key={"customer_id": {"S": "1230AWS"}})["Item"]
    assert item["price"] == {"N": "990000"}


def test_the_cli_creates_invokes_and_permits(aws, tmp_path, client):
    role = make_role(client("iam"), "lambda-cli-role")
    archive = tmp_path / "function.zip"
    archive.write_bytes(zipped("index.js", "exports.handler = async () => ({statusCode: 200, body: JSON.stringify('Hello from Lambda!')});\n"))
    created = aws(
        "lambda", "create-function",
        "--function-name", "helloCli",
        "--runtime", "nodejs20.x",
        "--role", role,
        "--handler", "index.handler",
        "--zip-file", f"fileb://{archive}",
    )
    assert created["Runtime"] == "nodejs20.x"

    out = tmp_path / "out.json"
    result = aws("lambda", "invoke", "--function-name", "helloCli", "--payload", "{}", str(out))
    assert result == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    assert json.loads(out.read_text()) == {"statusCode": 200, "body": '"Hello from Lambda!"'}

    source_arn = f"arn:aws:execute-api:ap-northeast-2:{ACCOUNT}:abc123/*/GET/"
    aws(
        "lambda", "add-permission",
        "--function-name", "helloCli",
        "--statement-id", "apigateway-get",
        "--action", "lambda:InvokeFunction",
        "--principal", "apigateway.amazonaws.com",
        "--source-arn", source_arn,
    )
    policy = json.loads(aws("lambda", "get-policy", "--function-name", "helloCli")["Policy"])
    assert policy["Statement"][0]["Condition"] == {"ArnLike": {"AWS:SourceArn": source_arn}}

    versions = aws("lambda", "list-versions-by-function", "--function-name", "helloCli")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST"]


def test_boto3_reads_the_log_of_an_invocation(client):
    role = make_role(client("iam"), "lambda-logs-role")
    lam, logs = client("lambda"), client("logs")
    lam.create_function(
        FunctionName="printerCompat",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zipped("lambda_function.py", "def lambda_handler(event, context):\n    print('hello', event['name'])\n")},
    )
    lam.invoke(FunctionName="printerCompat", Payload=json.dumps({"name": "KilDong"}))
    found = logs.filter_log_events(logGroupName="/aws/lambda/printerCompat", filterPattern="hello")
    assert [event["message"] for event in found["events"]] == ["hello KilDong"]
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/printerCompat")["logStreams"]
    assert streams[0]["logStreamName"] == found["events"][0]["logStreamName"]
