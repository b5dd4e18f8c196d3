"""Fixtures for the compatibility tests: a real `awslab emulator serve`, and boto3 and the AWS
CLI pointed at it with throwaway credentials (never the user's own AWS configuration)."""

import json
import os
import subprocess
import tempfile

import boto3
import pytest

REGION = "ap-northeast-2"


# The control token of each emulator these tests serve, by endpoint: `/_awslab/…` needs it.
CONTROL_TOKENS = {}


def serve(*extra):
    """Starts `awslab emulator serve --port 0 --in-memory` (plus `extra`); returns the process
    and its endpoint once it listens. The token it prints goes to `CONTROL_TOKENS`."""
    binary = os.environ.get("AWSLAB_BIN")
    if not binary:
        pytest.fail("AWSLAB_BIN must name the awslab binary (./dev test sets it)")
    server = subprocess.Popen(
        [binary, "emulator", "serve", "--port", "0", "--in-memory", *extra],
        stdout=subprocess.PIPE,
        text=True,
    )
    listening, token = server.stdout.readline(), server.stdout.readline()
    if not listening.startswith("awslab emulator listening on ") or not token.startswith("control token: "):
        server.kill()
        pytest.fail(f"unexpected first lines from the emulator: {listening!r} {token!r}")
    endpoint = listening.removeprefix("awslab emulator listening on ").strip()
    CONTROL_TOKENS[endpoint] = token.removeprefix("control token: ").strip()
    return server, endpoint


def control_headers(endpoint):
    """The header that lets a request use the control endpoints of the emulator at `endpoint`."""
    return {"X-Awslab-Token": CONTROL_TOKENS[endpoint]}


@pytest.fixture(scope="session")
def endpoint():
    """An emulator whose changes are ready at once: these suites are about the wire protocols,
    not AWS's time (`test_timing.py` is)."""
    server, endpoint = serve("--timing", "instant")
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def aws_time_endpoint():
    """An emulator as `awslab emulator serve` starts by default, keeping AWS's time, with its
    delays drawn under a fixed seed."""
    server, endpoint = serve("--seed", "16")
    yield endpoint
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
