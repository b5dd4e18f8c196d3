"""A Lambda TOKEN authorizer with the AWS CLI and boto3, as a learner builds one: a Node.js
function that allows one token and denies another, created with `aws apigateway
create-authorizer`, permitted with `aws lambda add-permission` for its own source ARN, tried
with `aws apigateway test-invoke-authorizer`, put in front of a method with boto3, and then
called with urllib: 401 without a token, 403 for the denied one, 200 (with the authorizer's
context in the proxy event) for the allowed one."""

import io
import json
import urllib.error
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
AUTHORIZER = """exports.handler = async (event) => {
  const effects = { allow: "Allow", deny: "Deny" };
  const effect = effects[event.authorizationToken];
  if (!effect) {
    throw new Error("Unauthorized");
  }
  return {
    principalId: "learner",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: event.methodArn }],
    },
    context: { plan: "free", calls: 3 },
  };
};
"""
BACKEND = """import json

def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"])}
"""


def zipped(name, source):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def make_function(client, name, runtime, handler, file_name, source):
    iam, lam = client("iam"), client("lambda")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    created = lam.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role,
        Handler=handler,
        Code={"ZipFile": zipped(file_name, source)},
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return created["FunctionArn"]


def lambda_uri(function_arn):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def fetch(url, token=None):
    """(status, body, error type) of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Authorization": token} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode(), answer.headers.get("x-amzn-ErrorType")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("x-amzn-ErrorType")


def test_a_token_authorizer_from_the_cli_guards_a_method(aws, client, endpoint):
    apigw, lam = client("apigateway"), client("lambda")
    authorizer_arn = make_function(
        client, "compat-authorizer", "nodejs20.x", "index.handler", "index.js", AUTHORIZER
    )
    backend_arn = make_function(
        client, "compat-guarded", "python3.12", "lambda_function.lambda_handler", "lambda_function.py", BACKEND
    )
    api = apigw.create_rest_api(name="compat-guarded", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]

    created = aws(
        "apigateway", "create-authorizer",
        "--rest-api-id", api,
        "--name", "token-authorizer",
        "--type", "TOKEN",
        "--authorizer-uri", lambda_uri(authorizer_arn),
        "--identity-source", "method.request.header.Authorization",
        "--authorizer-result-ttl-in-seconds", "0",
    )  # fmt: skip
    authorizer = created["id"]
    assert created == {
        "id": authorizer,
        "name": "token-authorizer",
        "type": "TOKEN",
        "authType": "custom",
        "authorizerUri": lambda_uri(authorizer_arn),
        "identitySource": "method.request.header.Authorization",
        "authorizerResultTtlInSeconds": 0,
    }

    untested = aws(
        "apigateway", "test-invoke-authorizer", "--rest-api-id", api, "--authorizer-id", authorizer,
        "--headers", "Authorization=allow",
    )  # fmt: skip
    assert untested["clientStatus"] == 500, untested["log"]
    assert "Invalid permissions on Lambda function" in untested["log"]

    aws(
        "lambda", "add-permission",
        "--function-name", "compat-authorizer",
        "--statement-id", "apigateway-authorizer",
        "--action", "lambda:InvokeFunction",
        "--principal", "apigateway.amazonaws.com",
        "--source-arn", f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/authorizers/{authorizer}",
    )  # fmt: skip
    tested = aws(
        "apigateway", "test-invoke-authorizer", "--rest-api-id", api, "--authorizer-id", authorizer,
        "--headers", "Authorization=allow",
    )  # fmt: skip
    assert (tested["clientStatus"], tested["principalId"]) == (0, "learner"), tested["log"]
    assert json.loads(tested["policy"])["Statement"][0]["Effect"] == "Allow"
    assert f"Starting authorizer: {authorizer} for request: " in tested["log"]

    resource = apigw.create_resource(restApiId=api, parentId=root, pathPart="hello")["id"]
    apigw.put_method(
        restApiId=api, resourceId=resource, httpMethod="GET", authorizationType="CUSTOM", authorizerId=authorizer
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri(backend_arn),
    )
    lam.add_permission(
        FunctionName="compat-guarded",
        StatementId="apigateway-hello",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*/GET/hello",
    )
    apigw.create_deployment(restApiId=api, stageName="dev")

    url = f"{endpoint}/restapis/{api}/dev/_user_request_/hello"
    assert fetch(url) == (401, '{"message":"Unauthorized"}', "UnauthorizedException")
    assert fetch(url, "who-knows") == (401, '{"message":"Unauthorized"}', "UnauthorizedException")
    assert fetch(url, "deny") == (
        403,
        '{"Message":"User is not authorized to access this resource with an explicit deny"}',
        "AccessDeniedException",
    )
    status, body, _ = fetch(url, "allow")
    assert status == 200, body
    assert json.loads(body) == {"principalId": "learner", "plan": "free", "calls": "3", "integrationLatency": json.loads(body)["integrationLatency"]}

    try:
        apigw.delete_authorizer(restApiId=api, authorizerId=authorizer)
        raise AssertionError("an authorizer in use was deleted")
    except apigw.exceptions.ConflictException as error:
        assert "is referenced in method: GET//hello" in str(error)
