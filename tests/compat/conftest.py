"""Fixtures for the compatibility tests: a real `awslab emulator serve`, and boto3 and the AWS
CLI pointed at it with throwaway credentials (never the user's own AWS configuration)."""

import json
import os
import subprocess
import tempfile

import boto3
import pytest

REGION = "ap-northeast-2"


@pytest.fixture(scope="session")
def endpoint():
    binary = os.environ.get("AWSLAB_BIN")
    if not binary:
        pytest.fail("AWSLAB_BIN must name the awslab binary (./dev test sets it)")
    server = subprocess.Popen(
        [binary, "emulator", "serve", "--port", "0", "--in-memory"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    prefix = "awslab emulator listening on "
    if not line.startswith(prefix):
        server.kill()
        pytest.fail(f"unexpected first line from the emulator: {line!r}")
    yield line[len(prefix):].strip()
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def aws_env():
    """Environment for boto3 and the CLI: fake keys, no user config files, no metadata lookups."""
    empty = tempfile.mkdtemp()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "AKIASTUDENTEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "student-secret",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.path.join(empty, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(empty, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.fixture(scope="session")
def session(aws_env):
    return boto3.session.Session(
        aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )


@pytest.fixture(scope="session")
def client(session, endpoint):
    """`client("iam")`: a boto3 client for the emulator."""
    return lambda service: session.client(service, endpoint_url=endpoint)


@pytest.fixture(scope="session")
def aws(aws_env, endpoint):
    """`aws("sts", "get-caller-identity")`: runs the AWS CLI and returns its parsed JSON output;
    a failing command raises with the CLI's own error text."""

    def run(*args):
        result = subprocess.run(
            ["aws", "--endpoint-url", endpoint, "--output", "json", *args],
            env=aws_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr.strip()}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    return run
