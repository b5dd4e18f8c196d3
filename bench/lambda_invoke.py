#!/usr/bin/env python3
"""Lambda cold start and warm invocations in awslab's emulator (docs/performance.md).

For each of `--repeat` runs, a fresh `awslab emulator serve --in-memory` (release build) gets a
role and a trivial Python handler (`return {"ok": True}`), then:

1. cold start: the first `Invoke`, timed on the client from the call to the answer; that is
   the worker's start (the interpreter, our bootstrap, importing the handler) plus the call.
   The `Init Duration` of the REPORT line (`LogType: Tail`) is recorded too.
2. warm: `--calls` further invocations on the same warm worker, each timed alone, through boto3
   and through pre-signed raw HTTP on one kept-alive connection (which leaves boto3's own
   per-call cost out).

Medians of the runs are reported next to the figures published for Docker-based Lambda
emulators (0.7 to 7 s cold, 17 to 77 ms warm), which start a container per function. Every
socket is on 127.0.0.1; the handler runs in the `python3` on PATH (or AWSLAB_PYTHON).
"""

import argparse
import base64
import http.client
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REGION = "ap-northeast-2"
ACCESS_KEY, SECRET_KEY = "AKIASTUDENTEXAMPLE", "student-secret"
READY_PREFIX = "awslab emulator listening on "
HANDLER = "def lambda_handler(event, context):\n    return {'ok': True}\n"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    tcp_keepalive=True,
    read_timeout=60,
    max_pool_connections=1,
)
TARGETS = {"cold_ms": 300.0, "warm_p50_ms": 3.0}
DOCKER = {"cold_ms": "700–7,000", "warm_ms": "17–77"}


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def isolate_client():
    config_dir = tempfile.mkdtemp(prefix="awslab-bench-")
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        AWS_CONFIG_FILE=os.path.join(config_dir, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(config_dir, "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
    )


def percentile(values, fraction):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def start_emulator(binary):
    server = subprocess.Popen(
        [binary, "emulator", "serve", "--port", "0", "--in-memory"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    if not line.startswith(READY_PREFIX):
        server.kill()
        raise SystemExit(f"unexpected first line from the emulator: {line!r}")
    return server, line[len(READY_PREFIX):].strip()


def handler_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", HANDLER)
    return buffer.getvalue()


def signed_invoke(endpoint, name):
    """A pre-signed Invoke request (path, headers, body) for http.client."""
    url = f"{endpoint}/2015-03-31/functions/{name}/invocations"
    request = AWSRequest(method="POST", url=url, data=b"{}", headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", REGION).add_auth(request)
    return f"/2015-03-31/functions/{name}/invocations", dict(request.headers), b"{}"


def one_run(binary, calls):
    server, endpoint = start_emulator(binary)
    try:
        session = boto3.session.Session(
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
        )
        iam = session.client("iam", endpoint_url=endpoint, config=CLIENT_CONFIG)
        lam = session.client("lambda", endpoint_url=endpoint, config=CLIENT_CONFIG)
        role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=json.dumps(TRUST))
        lam.create_function(
            FunctionName="bench",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": handler_zip()},
        )
        started = time.perf_counter_ns()
        first = lam.invoke(FunctionName="bench", Payload=b"{}", LogType="Tail")
        cold_ms = (time.perf_counter_ns() - started) / 1e6
        payload = json.loads(first["Payload"].read())
        if first.get("FunctionError") or payload != {"ok": True}:
            raise SystemExit(f"the cold invocation failed: {payload}")
        tail = base64.b64decode(first["LogResult"]).decode()
        init_ms = None
        for field in tail.split("\t"):
            if field.startswith("Init Duration: "):
                init_ms = float(field.split()[2])

        warm = []
        for _ in range(calls):
            started = time.perf_counter_ns()
            answer = lam.invoke(FunctionName="bench", Payload=b"{}")
            body = answer["Payload"].read()
            warm.append((time.perf_counter_ns() - started) / 1e6)
            if body != b'{"ok": true}':
                raise SystemExit(f"a warm invocation failed: {body!r}")

        host, port = endpoint.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port))
        requests = [signed_invoke(endpoint, "bench") for _ in range(calls)]
        raw = []
        for path, headers, body in requests:
            started = time.perf_counter_ns()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            raw.append((time.perf_counter_ns() - started) / 1e6)
            if response.status != 200 or data != b'{"ok": true}':
                raise SystemExit(f"a raw invocation failed: {response.status} {data!r}")
        connection.close()
        return {
            "cold_ms": cold_ms,
            "init_duration_ms": init_ms,
            "warm_boto3_ms": warm,
            "warm_raw_ms": raw,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awslab", required=True, help="the awslab binary (release build)")
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", nargs="?", const="-", help="write all results as JSON")
    args = parser.parse_args()
    isolate_client()
    load_before = os.getloadavg()
    runs = []
    for index in range(args.repeat):
        log(f"Lambda run {index + 1} of {args.repeat}")
        runs.append(one_run(args.awslab, args.calls))
    load_after = os.getloadavg()

    def median(key, reduce):
        return statistics.median(reduce(run[key]) for run in runs)

    figures = {
        "cold_ms": statistics.median(run["cold_ms"] for run in runs),
        "init_duration_ms": statistics.median(run["init_duration_ms"] or 0 for run in runs),
        "warm_boto3_p50_ms": median("warm_boto3_ms", lambda v: percentile(v, 0.5)),
        "warm_boto3_p99_ms": median("warm_boto3_ms", lambda v: percentile(v, 0.99)),
        "warm_boto3_mean_ms": median("warm_boto3_ms", statistics.mean),
        "warm_raw_p50_ms": median("warm_raw_ms", lambda v: percentile(v, 0.5)),
        "warm_raw_p99_ms": median("warm_raw_ms", lambda v: percentile(v, 0.99)),
        "warm_raw_mean_ms": median("warm_raw_ms", statistics.mean),
    }
    python = subprocess.run(
        [os.environ.get("AWSLAB_PYTHON", "python3"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    context = {
        "load_before": load_before,
        "load_after": load_after,
        "handler_python": python,
        "client_python": platform.python_version(),
        "boto3": boto3.__version__,
        "calls": args.calls,
        "repeat": args.repeat,
    }
    if args.json == "-":
        print(json.dumps({"figures": figures, "context": context, "runs": runs}, indent=2))
        return
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"figures": figures, "context": context, "runs": runs}, out, indent=2)

    def met(value, target):
        return "yes" if value < target else "**no**"

    print(f"Handler interpreter: {python}; client: boto3 {boto3.__version__} on Python "
          f"{platform.python_version()}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.")
    print(f"Medians of {args.repeat} runs; {args.calls} warm invocations per run.\n")
    print("| metric | awslab | Docker-based emulators (published) | target | met? |")
    print("|---|---:|---:|---|---|")
    print(f"| cold start: first Invoke, boto3 (ms) | {figures['cold_ms']:.1f} | {DOCKER['cold_ms']} "
          f"| < 300 ms | {met(figures['cold_ms'], TARGETS['cold_ms'])} |")
    print(f"| … of which `Init Duration` (ms) | {figures['init_duration_ms']:.1f} | | | |")
    print(f"| warm Invoke p50, boto3 (ms) | {figures['warm_boto3_p50_ms']:.2f} | {DOCKER['warm_ms']} "
          f"| < 3 ms | {met(figures['warm_boto3_p50_ms'], TARGETS['warm_p50_ms'])} |")
    print(f"| warm Invoke p99, boto3 (ms) | {figures['warm_boto3_p99_ms']:.2f} | | | |")
    print(f"| warm Invoke mean, boto3 (ms) | {figures['warm_boto3_mean_ms']:.2f} | | | |")
    print(f"| warm Invoke p50, raw HTTP (ms) | {figures['warm_raw_p50_ms']:.2f} | | | |")
    print(f"| warm Invoke p99, raw HTTP (ms) | {figures['warm_raw_p99_ms']:.2f} | | | |")


if __name__ == "__main__":
    main()
