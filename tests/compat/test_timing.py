"""AWS's time with boto3 and the AWS CLI, against `awslab emulator serve` as it starts by default
(`--timing aws`): each behaviour shows AWS's error first, then the learner's tool waits (a
waiter, or the emulator's clock moved on) and the call succeeds."""

import json
import subprocess
import time
import urllib.request

import boto3
import botocore.exceptions
import pytest

from conftest import REGION, control_headers, serve
import test_apigateway
from test_lambda import TRUST, zipped

SOURCE = "def lambda_handler(event, context):\n    return {{'answer': '{}'}}\n"


@pytest.fixture(scope="module")
def tools(aws_env, aws_time_endpoint):
    """A boto3 client maker, an AWS CLI runner and a clock mover for the emulator keeping AWS's
    time."""
    return make_tools(aws_env, aws_time_endpoint)


@pytest.fixture(scope="module")
def still_tools(aws_env):
    """The same for an emulator keeping AWS's time on a clock that barely moves by itself (a
    thousandth of real time): a delay passes only when the test moves the clock, so the seconds
    the AWS CLI takes to start never let one pass unseen."""
    server, endpoint = serve("--seed", "16", "--clock-speed", "0.001")
    yield make_tools(aws_env, endpoint)
    server.terminate()
    server.wait(timeout=10)


def make_tools(aws_env, aws_time_endpoint):
    session = boto3.session.Session(
        aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )

    def client(service):
        return session.client(service, endpoint_url=aws_time_endpoint)

    def cli(*args, check=True):
        result = subprocess.run(
            ["aws", "--endpoint-url", aws_time_endpoint, "--output", "json", *args],
            env=aws_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr.strip()}")
        return result

    def advance(seconds):
        request = urllib.request.Request(
            f"{aws_time_endpoint}/_awslab/clock/advance?seconds={seconds}",
            method="POST",
            headers=control_headers(aws_time_endpoint),
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200

    client.endpoint = aws_time_endpoint
    return client, cli, advance


def tools_endpoint(tools):
    """The endpoint the `tools` fixture's emulator listens on."""
    return tools[0].endpoint


def role(iam, name):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]


def create(lam, name, role_arn, answer="one"):
    return lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zipped("lambda_function.py", SOURCE.format(answer))},
    )


def test_boto3_meets_a_role_lambda_cannot_assume_yet_then_a_pending_function(tools):
    client, _, advance = tools
    iam, lam = client("iam"), client("lambda")
    role_arn = role(iam, "timing-boto3-role")

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        create(lam, "timing-boto3", role_arn)
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == "The role defined for the function cannot be assumed by Lambda."

    advance(11)
    assert create(lam, "timing-boto3", role_arn)["State"] == "Pending"
    with pytest.raises(lam.exceptions.ResourceConflictException) as pending:
        lam.invoke(FunctionName="timing-boto3", Payload=b"{}")
    assert "currently in the following state: Pending" in str(pending.value)

    lam.get_waiter("function_active_v2").wait(FunctionName="timing-boto3", WaiterConfig={"Delay": 1})
    answer = lam.invoke(FunctionName="timing-boto3", Payload=b"{}")
    assert json.loads(answer["Payload"].read()) == {"answer": "one"}


def test_the_cli_waits_for_an_update_before_publishing(tools):
    client, cli, advance = tools
    role_arn = role(client("iam"), "timing-cli-role")
    advance(11)
    create(client("lambda"), "timing-cli", role_arn)
    cli("lambda", "wait", "function-active-v2", "--function-name", "timing-cli")

    updated = client("lambda").update_function_code(
        FunctionName="timing-cli", ZipFile=zipped("lambda_function.py", SOURCE.format("two"))
    )
    assert updated["LastUpdateStatus"] == "InProgress"
    refused = cli("lambda", "publish-version", "--function-name", "timing-cli", check=False)
    assert refused.returncode != 0
    assert "ResourceConflictException" in refused.stderr
    assert "An update is in progress for resource" in refused.stderr

    cli("lambda", "wait", "function-updated-v2", "--function-name", "timing-cli")
    published = json.loads(cli("lambda", "publish-version", "--function-name", "timing-cli").stdout)
    assert published["Version"] == "1"


def test_the_cli_sees_a_log_event_once_it_is_ingested(still_tools):
    # On the still clock: on a busy machine the four CLI runs take longer than the ingestion
    # delay, which would pass unseen on a clock keeping real time.
    _, cli, advance = still_tools
    group, stream = "/aws/lambda/timing-logs", "2024/05/01/[$LATEST]abc"
    cli("logs", "create-log-group", "--log-group-name", group)
    cli("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", stream)
    event = json.dumps([{"timestamp": int(time.time() * 1000), "message": "hello"}])
    cli("logs", "put-log-events", "--log-group-name", group, "--log-stream-name", stream,
        "--log-events", event)

    def messages():
        answer = cli("logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream)
        return [event["message"] for event in json.loads(answer.stdout)["events"]]

    assert messages() == []
    advance(3)
    assert messages() == ["hello"]


def test_boto3_waits_for_a_new_table_before_writing_to_it(tools):
    client, _, _ = tools
    dynamodb = client("dynamodb")
    created = dynamodb.create_table(
        TableName="timing-customers",
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert created["TableDescription"]["TableStatus"] == "CREATING"
    item = {"customer_id": {"S": "1230AWS"}}
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.put_item(TableName="timing-customers", Item=item)

    dynamodb.get_waiter("table_exists").wait(TableName="timing-customers", WaiterConfig={"Delay": 1})
    dynamodb.put_item(TableName="timing-customers", Item=item)
    assert dynamodb.get_item(TableName="timing-customers", Key=item)["Item"] == item


def test_the_cli_is_throttled_by_api_gateways_quota_then_let_through(still_tools, aws_env):
    tools = still_tools
    _, cli, advance = tools
    regional = ["apigateway", "create-rest-api", "--endpoint-configuration", "types=REGIONAL"]
    cli(*regional, "--name", "timing-first")
    # The CLI retries a throttled call by itself; with one attempt the 429 shows.
    aws_env_once = {**aws_env, "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
    refused = subprocess.run(
        ["aws", "--endpoint-url", tools_endpoint(tools), "--output", "json", *regional,
         "--name", "timing-second"],
        env=aws_env_once, capture_output=True, text=True, timeout=60,
    )
    assert refused.returncode != 0
    assert "TooManyRequestsException" in refused.stderr, refused.stderr
    advance(3)
    created = json.loads(cli(*regional, "--name", "timing-second").stdout)
    assert created["name"] == "timing-second"


def test_the_cli_meets_a_new_instance_unknown_for_a_moment(still_tools):
    client, cli, advance = still_tools
    images = client("ec2").describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2"]}]
    )
    image_id = images["Images"][0]["ImageId"]
    launched = json.loads(cli("ec2", "run-instances", "--image-id", image_id,
                              "--instance-type", "t2.micro", "--count", "1").stdout)
    instance_id = launched["Instances"][0]["InstanceId"]
    unknown = cli("ec2", "describe-instances", "--instance-ids", instance_id, check=False)
    assert unknown.returncode != 0
    assert "InvalidInstanceID.NotFound" in unknown.stderr, unknown.stderr
    advance(20)
    described = json.loads(cli("ec2", "describe-instances", "--instance-ids", instance_id).stdout)
    assert described["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"


def test_boto3_calls_a_new_stage_only_once_its_deployment_has_propagated(still_tools):
    client, _, advance = still_tools
    endpoint = tools_endpoint(still_tools)
    iam, lam, apigw = client("iam"), client("lambda"), client("apigateway")
    role_arn = role(iam, "timing-stage-role")
    advance(11)
    function_arn = lam.create_function(
        FunctionName="timing-stage",
        Runtime="python3.12",
        Role=role_arn,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": test_apigateway.zipped(test_apigateway.ROOT_GET % "stage")},
    )["FunctionArn"]
    advance(5)
    advance(5)  # API Gateway's quota on CreateRestApi: one every 3 s
    api, _ = test_apigateway.build_api(apigw, "timing-stage-api", "hello", function_arn)
    lam.add_permission(
        FunctionName="timing-stage",
        StatementId="apigateway-hello",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:000000000000:{api}/*/GET/hello",
    )
    apigw.create_deployment(restApiId=api, stageName="dev")
    assert apigw.get_stage(restApiId=api, stageName="dev")["stageName"] == "dev"

    url = f"{endpoint}/restapis/{api}/dev/_user_request_/hello"
    assert test_apigateway.fetch(url) == (403, '{"message":"Forbidden"}')
    advance(7)
    assert test_apigateway.fetch(url) == (200, '"Hello from Lambda! stage"')


def test_boto3_sees_a_policy_reach_a_role_session_only_once_it_has_propagated(still_tools):
    client, _, advance = still_tools
    iam = client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                       "Action": "sts:AssumeRole"}],
    }
    role_arn = iam.create_role(RoleName="timing-session", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    keys = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="learner")["Credentials"]
    session_logs = boto3.session.Session(
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
        region_name=REGION,
    ).client("logs", endpoint_url=tools_endpoint(still_tools))
    allow = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"}]}
    iam.put_role_policy(RoleName="timing-session", PolicyName="groups", PolicyDocument=json.dumps(allow))

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        session_logs.create_log_group(logGroupName="/timing/early")
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    advance(9)
    session_logs.create_log_group(logGroupName="/timing/later")


def test_the_cli_meets_a_table_being_created_and_a_role_lambda_cannot_assume_yet(still_tools, tmp_path):
    _, cli, advance = still_tools
    cli("dynamodb", "create-table", "--table-name", "timing-cli-table",
        "--attribute-definitions", "AttributeName=id,AttributeType=S",
        "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    item = ["--table-name", "timing-cli-table", "--item", '{"id": {"S": "1"}}']
    early = cli("dynamodb", "put-item", *item, check=False)
    assert early.returncode != 0 and "ResourceNotFoundException" in early.stderr, early.stderr
    advance(9)
    cli("dynamodb", "put-item", *item)

    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(TRUST))
    code = tmp_path / "function.zip"
    code.write_bytes(zipped("lambda_function.py", SOURCE.format("cli")))
    made = cli("iam", "create-role", "--role-name", "timing-cli-new-role",
               "--assume-role-policy-document", f"file://{trust}")
    role_arn = json.loads(made.stdout)["Role"]["Arn"]
    create = ["lambda", "create-function", "--function-name", "timing-cli-new", "--runtime", "python3.12",
              "--role", role_arn, "--handler", "lambda_function.lambda_handler", "--zip-file", f"fileb://{code}"]
    refused = cli(*create, check=False)
    assert refused.returncode != 0
    assert "The role defined for the function cannot be assumed by Lambda." in refused.stderr, refused.stderr
    advance(11)
    assert json.loads(cli(*create).stdout)["State"] == "Pending"
