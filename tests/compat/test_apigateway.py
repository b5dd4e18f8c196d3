"""API Gateway with boto3 and the AWS CLI v1: boto3 builds, deploys and tests a REST API that is
then called with urllib (path-style and host-style invoke URLs), and the CLI runs the
`aws lambda add-permission` commands of course notes 002 as printed (only the account, the
region and the API id changed), after which `get-policy` shows the statement as AWS does and the
stages reach their aliases."""

import io
import json
import shlex
import urllib.error
import urllib.parse
import urllib.request
import zipfile

ACCOUNT = "000000000000"
REGION = "ap-northeast-2"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ROOT_GET = """import json

def lambda_handler(event, context):
    print(event)
    return {
        "statusCode": 200,
        "body": json.dumps("Hello from Lambda! %s"),
        "headers": {"Content-Type": "application/json"},
    }
"""

# Notes 002, lines 490-496, as printed there.
NOTES_COMMANDS = """
aws lambda add-permission   --function-name "arn:aws:lambda:ap-northeast-1:662307199274:function:lambda-api-gateway-proxy-root-get:DEV"   --source-arn "arn:aws:execute-api:ap-northeast-1:662307199274:u2j6yb9crh/*/GET/stagevariables"   --principal apigateway.amazonaws.com   --statement-id d5bbbf2e-4ece-46e6-806a-9cd233f6296d   --action lambda:InvokeFunction --region ap-northeast-1

aws lambda add-permission   --function-name "arn:aws:lambda:ap-northeast-1:662307199274:function:lambda-api-gateway-proxy-root-get:TEST"   --source-arn "arn:aws:execute-api:ap-northeast-1:662307199274:u2j6yb9crh/*/GET/stagevariables"   --principal apigateway.amazonaws.com   --statement-id d5bbbf2e-4ece-46e6-806a-9cd233f6296d   --action lambda:InvokeFunction --region ap-northeast-1

aws lambda add-permission   --function-name "arn:aws:lambda:ap-northeast-1:662307199274:function:lambda-api-gateway-proxy-root-get:PROD"   --source-arn "arn:aws:execute-api:ap-northeast-1:662307199274:u2j6yb9crh/*/GET/stagevariables"   --principal apigateway.amazonaws.com   --statement-id d5bbbf2e-4ece-46e6-806a-9cd233f6296d   --action lambda:InvokeFunction --region ap-northeast-1
"""


def zipped(source):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", source)
    return buffer.getvalue()


def lambda_uri(function_arn):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def fetch(url, host=None):
    """(status, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def make_function(client, name, marker):
    iam, lam = client("iam"), client("lambda")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    created = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": zipped(ROOT_GET % marker)},
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return created["FunctionArn"]


def build_api(apigw, name, path_part, function_arn):
    api = apigw.create_rest_api(name=name, endpointConfiguration={"types": ["REGIONAL"]})
    root = api["rootResourceId"]
    resource = apigw.create_resource(restApiId=api["id"], parentId=root, pathPart=path_part)["id"]
    apigw.put_method(restApiId=api["id"], resourceId=resource, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api["id"],
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri(function_arn),
    )
    return api["id"], resource


def test_boto3_builds_deploys_and_calls_an_api(client, endpoint):
    apigw, lam = client("apigateway"), client("lambda")
    function_arn = make_function(client, "compat-hello", "boto3")
    api, resource = build_api(apigw, "compat-api", "hello", function_arn)

    tested = apigw.test_invoke_method(restApiId=api, resourceId=resource, httpMethod="GET", pathWithQueryString="/hello")
    assert tested["status"] == 500
    assert "Invalid permissions on Lambda function" in tested["log"]

    lam.add_permission(
        FunctionName="compat-hello",
        StatementId="apigateway-hello",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*/GET/hello",
    )
    tested = apigw.test_invoke_method(restApiId=api, resourceId=resource, httpMethod="GET", pathWithQueryString="/hello")
    assert tested["status"] == 200, tested["log"]
    assert tested["body"] == '"Hello from Lambda! boto3"'
    assert tested["log"].startswith("Execution log for request ")

    deployment = apigw.create_deployment(restApiId=api, stageName="dev", variables={"color": "blue"})
    stage = apigw.get_stage(restApiId=api, stageName="dev")
    assert stage["deploymentId"] == deployment["id"]
    assert stage["variables"] == {"color": "blue"}

    assert fetch(f"{endpoint}/restapis/{api}/dev/_user_request_/hello") == (200, '"Hello from Lambda! boto3"')
    port = urllib.parse.urlsplit(endpoint).port
    host = f"{api}.execute-api.localhost:{port}"
    assert fetch(f"{endpoint}/dev/hello", host=host) == (200, '"Hello from Lambda! boto3"')
    assert fetch(f"{endpoint}/restapis/{api}/dev/_user_request_/wrong") == (
        403,
        '{"message":"Missing Authentication Token"}',
    )

    apigw.delete_stage(restApiId=api, stageName="dev")
    assert fetch(f"{endpoint}/restapis/{api}/dev/_user_request_/hello")[0] == 403


def test_the_cli_runs_the_notes_add_permission_commands(aws, client, endpoint):
    apigw, lam = client("apigateway"), client("lambda")
    name = "lambda-api-gateway-proxy-root-get"
    function_arn = make_function(client, name, "v1")
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=zipped(ROOT_GET % "v2"))
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=zipped(ROOT_GET % "latest"))
    for alias, version in [("DEV", "$LATEST"), ("TEST", "2"), ("PROD", "1")]:
        lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)

    api, _ = build_api(apigw, "notes-002", "stagevariables", function_arn + ":${stageVariables.lambdaAlias}")
    deployment = apigw.create_deployment(restApiId=api, stageName="dev", variables={"lambdaAlias": "DEV"})["id"]
    for stage, alias in [("test", "TEST"), ("prod", "PROD")]:
        apigw.create_stage(restApiId=api, stageName=stage, deploymentId=deployment, variables={"lambdaAlias": alias})
    url = f"{endpoint}/restapis/{api}/%s/_user_request_/stagevariables"
    assert fetch(url % "dev") == (500, '{"message":"Internal server error"}')

    commands = [line for line in NOTES_COMMANDS.strip().splitlines() if line.strip()]
    assert len(commands) == 3
    for command in commands:
        command = (
            command.replace("662307199274", ACCOUNT).replace("ap-northeast-1", REGION).replace("u2j6yb9crh", api)
        )
        words = shlex.split(command)
        assert words[:3] == ["aws", "lambda", "add-permission"]
        added = aws(*words[1:])
        assert json.loads(added["Statement"])["Sid"] == "d5bbbf2e-4ece-46e6-806a-9cd233f6296d"

    policy = aws("lambda", "get-policy", "--function-name", f"{function_arn}:DEV", "--region", REGION)
    assert json.loads(policy["Policy"]) == {
        "Version": "2012-10-17",
        "Id": "default",
        "Statement": [
            {
                "Sid": "d5bbbf2e-4ece-46e6-806a-9cd233f6296d",
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": f"{function_arn}:DEV",
                "Condition": {
                    "ArnLike": {
                        "AWS:SourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*/GET/stagevariables"
                    }
                },
            }
        ],
    }
    for stage, marker in [("dev", "latest"), ("test", "v2"), ("prod", "v1")]:
        assert fetch(url % stage) == (200, f'"Hello from Lambda! {marker}"'), stage
