"""API keys and usage plans with boto3 and the AWS CLI v1: boto3 builds a REST API whose method
requires a key, the CLI creates the key, the usage plan (throttle and quota) and the plan key as
the console's CLI twins do, and plain urllib calls to the invoke URL see AWS's answers: 403
Forbidden without the key, 200 with it, 429 Too Many Requests past the burst; GetUsage counts
what passed."""

import datetime
import json
import urllib.error
import urllib.request


def fetch(url, headers=None):
    """(status, error type, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, None, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("x-amzn-ErrorType"), error.read().decode()


def keyed_api(apigw):
    """`GET /pets`, a MOCK that needs an API key, deployed to `dev`; returns the API's id."""
    api = apigw.create_rest_api(name="keyed", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    pets = apigw.create_resource(restApiId=api, parentId=root, pathPart="pets")["id"]
    apigw.put_method(
        restApiId=api, resourceId=pets, httpMethod="GET", authorizationType="NONE", apiKeyRequired=True
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=pets,
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    apigw.put_integration_response(
        restApiId=api,
        resourceId=pets,
        httpMethod="GET",
        statusCode="200",
        responseTemplates={"application/json": '{"pets": "all"}'},
    )
    apigw.create_deployment(restApiId=api, stageName="dev")
    return api


def test_the_cli_sets_up_a_key_and_a_plan_that_the_invoke_url_enforces(aws, client, endpoint):
    apigw = client("apigateway")
    api = keyed_api(apigw)
    url = f"{endpoint}/restapis/{api}/dev/_user_request_/pets"

    key = aws("apigateway", "create-api-key", "--name", "lab-key", "--enabled")
    assert key["enabled"] is True and len(key["value"]) == 40 and key["stageKeys"] == []
    plan = aws(
        "apigateway",
        "create-usage-plan",
        "--name",
        "basic",
        "--api-stages",
        f"apiId={api},stage=dev",
        "--throttle",
        "burstLimit=2,rateLimit=0.01",
        "--quota",
        "limit=100,period=DAY",
    )
    assert plan["throttle"] == {"burstLimit": 2, "rateLimit": 0.01}
    assert plan["quota"] == {"limit": 100, "offset": 0, "period": "DAY"}
    assert plan["apiStages"] == [{"apiId": api, "stage": "dev"}]
    plan_key = aws(
        "apigateway",
        "create-usage-plan-key",
        "--usage-plan-id",
        plan["id"],
        "--key-id",
        key["id"],
        "--key-type",
        "API_KEY",
    )
    assert plan_key == {"id": key["id"], "type": "API_KEY", "value": key["value"], "name": "lab-key"}

    assert fetch(url) == (403, "ForbiddenException", '{"message":"Forbidden"}')
    assert fetch(url, {"x-api-key": "x" * 40})[0] == 403
    answers = [fetch(url, {"x-api-key": key["value"]}) for _ in range(3)]
    assert answers[0] == (200, None, '{"pets": "all"}')
    assert answers[1][0] == 200
    assert answers[2] == (429, "TooManyRequestsException", '{"message":"Too Many Requests"}')

    today = datetime.datetime.now(datetime.timezone.utc).date()
    days = [(today + datetime.timedelta(days=n)).isoformat() for n in (-1, 1)]
    usage = apigw.get_usage(usagePlanId=plan["id"], startDate=days[0], endDate=days[1])
    assert usage["usagePlanId"] == plan["id"]
    assert sum(used for used, _ in usage["items"][key["id"]]) == 2

    shown = aws("apigateway", "get-api-key", "--api-key", key["id"], "--include-value")
    assert shown["value"] == key["value"]
    hidden = apigw.get_api_key(apiKey=key["id"])
    assert "value" not in hidden and hidden["tags"] == {}
    plans = aws("apigateway", "get-usage-plans", "--key-id", key["id"])
    assert [found["id"] for found in plans["items"]] == [plan["id"]]


def test_boto3_sees_aws_refusals_of_keys_and_plans(client):
    apigw = client("apigateway")
    errors = apigw.exceptions
    try:
        apigw.create_api_key(name="short", value="too-short")
        raise AssertionError("a short value was taken")
    except errors.BadRequestException as error:
        assert error.response["Error"]["Message"] == "API Key value should be at least 20 characters"
    try:
        apigw.get_usage_plan(usagePlanId="nope00")
        raise AssertionError("an unknown plan was found")
    except errors.NotFoundException as error:
        assert error.response["Error"]["Message"] == "Invalid Usage Plan ID specified"
    assert apigw.get_usage_plan_keys(usagePlanId="nope00")["items"] == []
    created = apigw.create_api_key(name="json-check")
    assert json.loads(json.dumps(created, default=str))["enabled"] is False
