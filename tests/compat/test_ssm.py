"""SSM Parameter Store through boto3 and the AWS CLI, as a newcomer meets it: the public
parameter that names the latest Amazon Linux image (which EC2 then finds, and launches from
with `resolve:ssm:`), the parameters a learner puts, and AWS's errors as the CLI prints them."""

import subprocess

import pytest
from botocore.exceptions import ClientError

LATEST = "/aws/service/ami-amazon-linux-latest"
AL2023 = f"{LATEST}/al2023-ami-kernel-default-x86_64"


@pytest.fixture(scope="module")
def ssm(client):
    return client("ssm")


def aws_error(aws_env, endpoint, *args):
    """Runs a CLI command that must fail; returns what it printed on stderr."""
    result = subprocess.run(
        ["aws", "--endpoint-url", endpoint, *args],
        env=aws_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0, result.stdout
    return result.stderr.strip()


def test_the_cli_finds_the_latest_amazon_linux_image_and_ec2_knows_it(aws):
    image_id = aws("ssm", "get-parameters", "--names", AL2023, "--query", "Parameters[0].Value")
    assert image_id.startswith("ami-0")
    images = aws("ec2", "describe-images", "--image-ids", image_id)["Images"]
    assert [image["ImageId"] for image in images] == [image_id]
    assert images[0]["Name"].startswith("al2023-ami-2023.")
    assert images[0]["Architecture"] == "x86_64"

    reservation = aws(
        "ec2", "run-instances", "--image-id", f"resolve:ssm:{AL2023}", "--instance-type", "t2.micro"
    )
    assert reservation["Instances"][0]["ImageId"] == image_id


def test_the_cli_lists_the_family_by_path(aws):
    listed = aws("ssm", "get-parameters-by-path", "--path", LATEST)["Parameters"]
    names = [parameter["Name"] for parameter in listed]
    assert f"{LATEST}/al2023-ami-kernel-default-x86_64" in names
    assert f"{LATEST}/amzn2-ami-hvm-x86_64-gp2" in names
    assert names == sorted(names) and len(names) == 10
    for parameter in listed:
        assert parameter["Type"] == "String" and parameter["DataType"] == "text"
        assert parameter["ARN"] == f"arn:aws:ssm:ap-northeast-2::parameter{parameter['Name']}"


def test_boto3_gets_public_parameters_and_lists_unknown_names(ssm):
    got = ssm.get_parameters(Names=[AL2023, f"{LATEST}/no-such-image"])
    assert [p["Name"] for p in got["Parameters"]] == [AL2023]
    assert got["InvalidParameters"] == [f"{LATEST}/no-such-image"]
    with pytest.raises(ClientError) as raised:
        ssm.get_parameter(Name=f"{LATEST}/no-such-image")
    error = raised.value.response["Error"]
    assert (error["Code"], error.get("Message", "")) == ("ParameterNotFound", "")


def test_a_learner_puts_and_reads_a_parameter_with_the_cli(aws, aws_env, endpoint):
    put = aws("ssm", "put-parameter", "--name", "/myapp/dev/db-url", "--value", "jdbc:one", "--type", "String")
    assert put == {"Version": 1, "Tier": "Standard"}
    got = aws("ssm", "get-parameter", "--name", "/myapp/dev/db-url")["Parameter"]
    assert (got["Value"], got["Version"], got["Type"], got["DataType"]) == ("jdbc:one", 1, "String", "text")

    stderr = aws_error(aws_env, endpoint, "ssm", "put-parameter", "--name", "/myapp/dev/db-url", "--value", "x", "--type", "String")
    assert stderr == (
        "An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: The "
        "parameter already exists. To overwrite this value, set the overwrite option in the "
        "request to true."
    )
    again = aws("ssm", "put-parameter", "--name", "/myapp/dev/db-url", "--value", "jdbc:two", "--overwrite")
    assert again["Version"] == 2
    first = aws("ssm", "get-parameter", "--name", "/myapp/dev/db-url:1")["Parameter"]
    assert (first["Value"], first["Selector"]) == ("jdbc:one", ":1")

    stderr = aws_error(aws_env, endpoint, "ssm", "get-parameter", "--name", "/myapp/dev/missing")
    # Nothing follows the colon: AWS gives this error no message (stderr is stripped here).
    assert stderr == "An error occurred (ParameterNotFound) when calling the GetParameter operation:"
    stderr = aws_error(aws_env, endpoint, "ssm", "put-parameter", "--name", "/aws/mine/x", "--value", "v", "--type", "String")
    assert stderr.endswith("(AccessDeniedException) when calling the PutParameter operation: No access to reserved parameter name: /aws/mine/x.")


def test_boto3_keeps_secure_strings_hidden_and_pages_by_path(ssm):
    ssm.put_parameter(Name="/compat/secret", Value="hunter2", Type="SecureString")
    hidden = ssm.get_parameter(Name="/compat/secret")["Parameter"]["Value"]
    assert "hunter2" not in hidden
    shown = ssm.get_parameter(Name="/compat/secret", WithDecryption=True)["Parameter"]["Value"]
    assert shown == "hunter2"
    for n in range(12):
        ssm.put_parameter(Name=f"/compat/list/p{n:02}", Value=str(n), Type="String")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/compat/list")
    values = [p["Value"] for page in pages for p in page["Parameters"]]
    assert values == [str(n) for n in range(12)]
    described = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/compat/list/p1"]}]
    )["Parameters"]
    assert [p["Name"] for p in described] == ["/compat/list/p10", "/compat/list/p11"]
    deleted = ssm.delete_parameters(Names=["/compat/list/p00", "/compat/list/none"])
    assert (deleted["DeletedParameters"], deleted["InvalidParameters"]) == (["/compat/list/p00"], ["/compat/list/none"])
