#!/usr/bin/env python3
"""awslab's emulator against moto_server, side by side in one run (docs/performance.md).

For each server in turn, awslab's `emulator serve` with its state on disk (a fresh data folder,
as the app keeps it: the headline), the same with `--in-memory`, and `moto_server`, repeated
`--repeat` times with the medians reported:

1. start-up: the time from spawning the process to the first successful ListTables, probed
   every millisecond in the same way for both: by the Rust client (`dynamodb-client/`, the
   official aws-sdk-dynamodb) on a spawn of its own, then by boto3 on a second spawn, which the
   rest is measured on (awslab's ready line is timed too);
2. idle memory: VmRSS of the server's process tree, summed, about 1 s after that first call;
3. latency: `--calls` PutItem calls of distinct customer items and `--calls` GetItem calls of
   the same keys, each timed on its own, by three clients in turn: the Rust client (its own
   run of the compiled program, in its own region and table), one warm boto3 client, and the
   same calls as pre-signed raw HTTP requests on one http.client connection (kept alive where
   the server allows it), which leaves any SDK's per-call cost out.

The workload is also run against `dummy_dynamodb.py`, which answers fixed bytes with no
DynamoDB behind it: its latencies are each client's floor, what the client and the loopback
cost however fast the server is.

Both servers get a port chosen the same way (bind 127.0.0.1:0, close, pass the number), so the
clients can be built before the spawn and the start-up probe is identical for both. Every
socket is on 127.0.0.1; nothing is downloaded (`bench/run` installs the pinned requirements and
builds the Rust client).
"""

import argparse
import gc
import http.client
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

REGION = "ap-northeast-2"
ACCESS_KEY, SECRET_KEY = "AKIASTUDENTEXAMPLE", "student-secret"
TABLE = "customers"
START_DEADLINE_S = 60.0  # the most a server may take to answer its first call
PROBE_PAUSE_S = 0.001  # between start-up probes: leaves the starting server the CPU
IDLE_SETTLE_S = 1.0
IDLE_TARGET_MIB = 30e6 / 2**20  # the "under 30 MB", in the MiB that VmRSS is read in
READY_PREFIX = "awslab emulator listening on "
CLIENT_DEADLINE_S = 600.0  # the most one run of the Rust client's latency workload may take
CLIENTS = {"rust": "Rust SDK", "boto3": "boto3", "raw": "raw HTTP"}  # report order and labels

# The same for every server: no retries (a failed call fails), keep-alive, validation on.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    tcp_keepalive=True,
    connect_timeout=0.1,
    read_timeout=30,
    max_pool_connections=1,
    parameter_validation=True,
)


def isolate_client():
    """The client must see none of the user's AWS configuration and no proxy for 127.0.0.1.
    botocore reads these when a session is made, so this runs before the first one."""
    config_dir = tempfile.mkdtemp(prefix="awslab-bench-")
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        AWS_CONFIG_FILE=os.path.join(config_dir, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(config_dir, "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The workload: customers as the serverless-api lab stores them.

FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "주원", "지민"]
CITIES = ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gwangju", "Suwon", "Ulsan"]


def customer(prefix, number):
    """A distinct item of the size a learner's addCustomer function writes (about 300 bytes)."""
    name = FAMILY[number % 10] + GIVEN[(number // 10) % 10]
    return {
        "customer_id": {"S": f"{prefix}{number:05d}"},
        "name": {"S": name},
        "email": {"S": f"customer{number:05d}@example.com"},
        "phone": {"S": f"010-{1000 + number % 9000:04d}-{(number * 7919) % 10000:04d}"},
        "city": {"S": CITIES[number % len(CITIES)]},
        "age": {"N": str(20 + number % 50)},
        "vip": {"BOOL": number % 7 == 0},
        "tags": {"SS": ["lab", f"cohort-{number % 4}"]},
        "created_at": {"S": f"2025-03-{1 + number % 28:02d}T09:{number % 60:02d}:00Z"},
    }


def comparable(item):
    """An item with its sets sorted: a server may hand a string set back in any order."""
    if item is None:
        return None
    return {
        name: {"SS": sorted(value["SS"])} if "SS" in value else value
        for name, value in item.items()
    }


def key_of(item):
    return {"customer_id": item["customer_id"]}


# ---------------------------------------------------------------------------------------------
# Measuring a process.


def process_tree(pid):
    """`pid` and all its descendants, from /proc (moto_server does not fork, but check)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(sorted_values, fraction):
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(samples_ns):
    ordered = sorted(samples_ns)
    ms = 1e-6
    return {
        "p50_ms": percentile(ordered, 0.50) * ms,
        "p99_ms": percentile(ordered, 0.99) * ms,
        "mean_ms": statistics.fmean(ordered) * ms,
        "max_ms": ordered[-1] * ms,
    }


def monotonic_ns():
    """CLOCK_MONOTONIC, which the Rust client reads too: start-up is timed from the spawn here to
    the answer there on the one clock."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


class Server:
    """One running server process, its stdout/stderr kept in files for when it fails."""

    def __init__(self, name, argv):
        self.name = name
        self.logs = tempfile.TemporaryFile(mode="w+")
        self.ready_line_ns = None
        self.started_ns = monotonic_ns()
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if name.startswith("awslab") else self.logs,
            stderr=self.logs,
            text=True,
        )
        if name.startswith("awslab"):
            threading.Thread(target=self._watch_ready_line, daemon=True).start()

    def _watch_ready_line(self):
        line = self.process.stdout.readline()
        if line.startswith(READY_PREFIX):
            self.ready_line_ns = monotonic_ns()

    def failure(self, what):
        self.logs.seek(0)
        return RuntimeError(f"{self.name}: {what}\n--- its output ---\n{self.logs.read()[-4000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self.logs.close()


def warm_up_probe(client):
    """One list_tables before the spawn, refused since nothing listens yet: botocore's one-time
    work for the operation (model, endpoint rules, serializer, signer) is then done before the
    clock starts, for every server alike."""
    try:
        client.list_tables()
    except (BotoCoreError, ClientError):
        pass


def first_call(server, client):
    """Probes with list_tables until one succeeds. Returns the ns from the spawn to its answer,
    the number of attempts, and the ns the successful attempt itself took."""
    deadline = time.perf_counter() + START_DEADLINE_S
    attempts = 0
    while time.perf_counter() < deadline:
        attempts += 1
        started = monotonic_ns()
        try:
            client.list_tables()
            answered = monotonic_ns()
            return answered - server.started_ns, attempts, answered - started
        except (BotoCoreError, ClientError):  # refused, reset, timed out, or an error answer
            if server.process.poll() is not None:
                error = server.failure(f"exited with {server.process.returncode} while starting")
                raise error from None
            time.sleep(PROBE_PAUSE_S)
    raise server.failure(f"no successful call within {START_DEADLINE_S:.0f} s")


def create_table(client):
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for _ in range(200):  # at most 10 s
        if client.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.05)
    raise RuntimeError(f"table {TABLE} did not become ACTIVE")


def time_boto3_calls(client, items, verify):
    """PutItem for every item, then GetItem for every item; per-call ns for each."""
    client.put_item(TableName=TABLE, Item=customer("warm-up-", 0))  # untimed: botocore's
    client.get_item(TableName=TABLE, Key=key_of(customer("warm-up-", 0)))  # per-operation caches
    put_ns, get_ns, answers = [], [], []
    gc.collect()
    for item in items:
        started = time.perf_counter_ns()
        client.put_item(TableName=TABLE, Item=item)
        put_ns.append(time.perf_counter_ns() - started)
    gc.collect()
    for item in items:
        started = time.perf_counter_ns()
        answer = client.get_item(TableName=TABLE, Key=key_of(item))
        get_ns.append(time.perf_counter_ns() - started)
        answers.append(answer.get("Item"))
    if verify:
        wrong = sum(
            1
            for item, got in zip(items, answers, strict=True)
            if comparable(got) != comparable(item)
        )
        if wrong:
            raise RuntimeError(f"{wrong} of {len(items)} GetItem calls did not return the item")
    return {"PutItem": summary(put_ns), "GetItem": summary(get_ns)}


def signed(operation, payload):
    """A request as boto3 builds it, less its User-Agent and SDK headers, signed now (outside any
    timing). Neither server checks signatures by default; the signatures are valid all the same."""
    body = json.dumps(payload).encode()
    request = AWSRequest(
        method="POST",
        url="http://127.0.0.1/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        },
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "dynamodb", REGION).add_auth(request)
    return body, dict(request.headers.items())


class NoDelayConnection(http.client.HTTPConnection):
    """TCP_NODELAY on every socket, as urllib3 does. http.client opens a new socket whenever the
    server closed the last one, which moto_server (Werkzeug) does after every answer."""

    def connect(self):
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def time_raw_calls(port, items):
    """The same calls as pre-signed HTTP requests on one http.client connection."""
    puts = [signed("PutItem", {"TableName": TABLE, "Item": item}) for item in items]
    gets = [signed("GetItem", {"TableName": TABLE, "Key": key_of(item)}) for item in items]
    connection = NoDelayConnection("127.0.0.1", port, timeout=30)
    result = {}
    try:
        for operation, requests in (("PutItem", puts), ("GetItem", gets)):
            samples, failures = [], []
            gc.collect()
            for body, headers in requests:
                started = time.perf_counter_ns()
                connection.request("POST", "/", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                samples.append(time.perf_counter_ns() - started)
                if response.status != 200 or (operation == "GetItem" and b'"Item"' not in answer):
                    failures.append((response.status, answer[:300]))
            if failures:
                raise RuntimeError(f"raw {operation}: {len(failures)} failed, e.g. {failures[0]}")
            result[operation] = summary(samples)
    finally:
        connection.close()
    return result


def first_call_through_rust(name, argv_for_port, rust_client):
    """Start-up as the Rust client sees it, on a spawn of its own. The client is started and
    warmed up against the port first; the orchestrator tells it to start probing (a line on its
    standard input) just before it spawns the server. The client answers with the CLOCK_MONOTONIC
    instant of its first successful call, so the time is from the spawn to that instant whenever
    the client woke up."""
    port = free_port()
    prober = subprocess.Popen(
        [rust_client, "first-call", "--endpoint", f"http://127.0.0.1:{port}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if prober.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the Rust client did not get ready: {prober.stderr.read()[-2000:]}")
        prober.stdin.write("go\n")
        prober.stdin.flush()
        server = Server(name, argv_for_port(port))
        try:
            answer, errors = prober.communicate(timeout=START_DEADLINE_S + 10)
            if prober.returncode != 0:
                raise server.failure(f"the Rust client's probe failed: {errors.strip()[-2000:]}")
        finally:
            server.stop()
    finally:
        if prober.poll() is None:
            prober.kill()
            prober.wait()
    result = json.loads(answer)
    first_ns = result["answered_at_ns"] - server.started_ns
    return first_ns, result["attempts"], result["successful_call_ns"]


def time_rust_calls(rust_client, port, calls, verify):
    """The workload through the Rust client, which creates its own `customers` table in its own
    region (us-east-1) and prints every call's duration; summarised here like the others'."""
    argv = [
        rust_client,
        "latency",
        "--endpoint",
        f"http://127.0.0.1:{port}",
        "--calls",
        str(calls),
        "--prefix",
        "c-",
        "--create-table",
    ]
    if verify:
        argv.append("--verify")
    done = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLIENT_DEADLINE_S,
        check=False,  # its error output is reported below
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Rust client failed:\n{done.stderr[-4000:]}")
    samples = json.loads(done.stdout)
    return {operation: summary(samples[operation]) for operation in ("PutItem", "GetItem")}


def client_for(port):
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )
    return session.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", config=CLIENT_CONFIG)


def start_up(first_ns, attempts, successful_ns):
    return {
        "first_call_ms": first_ns * 1e-6,
        "probe_attempts": attempts,
        "successful_probe_ms": successful_ns * 1e-6,
    }


def measure(name, argv_for_port, calls, rust_client):
    verify = name != "floor"  # the dummy answers one fixed item to every GetItem
    rust_start_up = start_up(*first_call_through_rust(name, argv_for_port, rust_client))
    port = free_port()
    client = client_for(port)  # built before the spawn: its cost is the client's, not the server's
    warm_up_probe(client)
    server = Server(name, argv_for_port(port))
    try:
        boto3_start_up = start_up(*first_call(server, client))
        time.sleep(IDLE_SETTLE_S)
        tree = process_tree(server.process.pid)
        idle_kib = sum(rss_kib(pid) for pid in tree)
        rust_latency = time_rust_calls(rust_client, port, calls, verify)
        create_table(client)
        items = [customer("c-", n) for n in range(calls)]
        boto3_latency = time_boto3_calls(client, items, verify)
        raw_latency = time_raw_calls(port, [customer("raw-c-", n) for n in range(calls)])
        if server.process.poll() is not None:
            raise server.failure("exited during the workload")
    finally:
        server.stop()
    return {
        "start_up": {"rust": rust_start_up, "boto3": boto3_start_up},
        "ready_line_ms": (
            (server.ready_line_ns - server.started_ns) * 1e-6 if server.ready_line_ns else None
        ),
        "idle_rss_mib": idle_kib / 1024,
        "processes": len(tree),
        "rust": rust_latency,
        "boto3": boto3_latency,
        "raw": raw_latency,
    }


# ---------------------------------------------------------------------------------------------
# The run and its report.


def median_of(runs):
    """The median of every number across runs, keeping the runs' shape."""
    first = runs[0]
    if isinstance(first, dict):
        return {key: median_of([run[key] for run in runs]) for key in first}
    if first is None or isinstance(first, str):
        return first
    return statistics.median(runs)


def load_average():
    with open("/proc/loadavg") as loadavg:
        return float(loadavg.read().split()[0])


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
    }


def versions(awslab):
    here = os.path.dirname(os.path.abspath(__file__))

    def git(*args):
        done = subprocess.run(["git", "-C", here, *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    def locked(package):
        """The version of `package` that the Rust client's Cargo.lock pins."""
        with open(os.path.join(here, "dynamodb-client", "Cargo.lock")) as lock:
            entries = lock.read().split("[[package]]")
        for entry in entries:
            if f'name = "{package}"\n' in entry:
                return entry.split('version = "', 1)[1].split('"', 1)[0]
        return None

    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return {
        "awslab_commit": commit,
        "awslab_binary": awslab,
        "aws_sdk_dynamodb": locked("aws-sdk-dynamodb"),
        "aws_config": locked("aws-config"),
        "moto": importlib.metadata.version("moto"),
        "boto3": importlib.metadata.version("boto3"),
        "botocore": importlib.metadata.version("botocore"),
        "python": platform.python_version(),
    }


def markdown(result):
    aw, mo, floor = result["awslab"], result["moto"], result["floor"]

    def number(value, digits):
        return "—" if value is None else f"{value:.{digits}f}"

    def ratio(a, m):
        return "—" if a is None or m is None or a <= 0 else f"{m / a:.1f}×"

    rows = [
        "| metric | awslab | moto | ratio (moto/awslab) | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]

    def row(label, a, m, digits, target="", met=""):
        rows.append(
            f"| {label} | {number(a, digits)} | {number(m, digits)} | {ratio(a, m)} | "
            f"{target} | {met} |"
        )

    def yes(ok):
        return "yes" if ok else "**no**"

    for client in ("rust", "boto3"):
        a, m = aw["start_up"][client], mo["start_up"][client]
        target, met = ("< 50 ms", yes(a["first_call_ms"] < 50)) if client == "rust" else ("", "")
        label = CLIENTS[client]
        row(
            f"start → first successful call, {label} (ms)",
            a["first_call_ms"],
            m["first_call_ms"],
            1,
            target,
            met,
        )
        row(
            f"… of which the successful call itself, {label} (ms)",
            a["successful_probe_ms"],
            m["successful_probe_ms"],
            1,
        )
    row("start → ready line (ms)", aw["ready_line_ms"], None, 1)
    row(
        "idle resident memory (MiB)",
        aw["idle_rss_mib"],
        mo["idle_rss_mib"],
        1,
        "< 30 MB (28.6 MiB)",
        yes(aw["idle_rss_mib"] < IDLE_TARGET_MIB),
    )
    for client, label in CLIENTS.items():
        for operation in ("PutItem", "GetItem"):
            a, m = aw[client][operation], mo[client][operation]
            target, met = "", ""
            if client == "rust":  # the headline: the SDK the app itself uses
                target = "moto ≥ 10× awslab"
                met = yes(m["p50_ms"] >= 10 * a["p50_ms"])
            row(f"{operation} p50, {label} (ms)", a["p50_ms"], m["p50_ms"], 3, target, met)
            row(f"{operation} p99, {label} (ms)", a["p99_ms"], m["p99_ms"], 3)
            row(f"{operation} mean, {label} (ms)", a["mean_ms"], m["mean_ms"], 3)

    memory = result["awslab_in_memory"]
    rows += [
        "",
        "awslab with its state in memory (`--in-memory`), the same calls; the ratio is moto's "
        "p50 over it:",
        "",
        "| call | awslab on disk p50 (ms) | awslab in memory p50 (ms) | ratio (moto/in memory) |",
        "|---|---:|---:|---:|",
    ]
    for client, label in CLIENTS.items():
        for operation in ("PutItem", "GetItem"):
            disk, ram = aw[client][operation]["p50_ms"], memory[client][operation]["p50_ms"]
            m = mo[client][operation]["p50_ms"]
            rows.append(f"| {operation}, {label} | {disk:.3f} | {ram:.3f} | {ratio(ram, m)} |")

    lines = rows + [
        "",
        "Client floor (the same calls against the dummy server) and the servers' share of p50:",
        "",
        "| call | floor p50 (ms) | awslab p50 − floor | moto p50 − floor | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for client, label in CLIENTS.items():
        for operation in ("PutItem", "GetItem"):
            base = floor[client][operation]["p50_ms"]
            a = aw[client][operation]["p50_ms"] - base
            m = mo[client][operation]["p50_ms"] - base
            lines.append(
                f"| {operation}, {label} | {base:.3f} | {a:.3f} | {m:.3f} | {ratio(a, m)} |"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--awslab",
        default=os.environ.get("AWSLAB_BIN", "target/release/awslab"),
        help="the awslab binary (default: $AWSLAB_BIN or target/release/awslab)",
    )
    parser.add_argument(
        "--rust-client",
        default=os.environ.get("AWSLAB_BENCH_CLIENT", "target/release/bench-dynamodb-client"),
        help="the Rust client of bench/dynamodb-client "
        "(default: $AWSLAB_BENCH_CLIENT or target/release/bench-dynamodb-client)",
    )
    parser.add_argument(
        "--moto-server",
        default=os.path.join(os.path.dirname(sys.executable), "moto_server"),
        help="the moto_server command (default: beside this Python)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="whole runs; medians reported")
    parser.add_argument("--calls", type=int, default=2000, help="PutItem and GetItem calls each")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the full results as JSON instead of Markdown, or with FILE "
        "write them there and print Markdown as well",
    )
    args = parser.parse_args()
    if args.repeat < 1 or args.calls < 100:
        parser.error("--repeat must be at least 1 and --calls at least 100")
    for path in (args.awslab, args.rust_client, args.moto_server):
        if not os.access(path, os.X_OK):
            parser.error(f"{path} is not an executable (run bench/run, which builds and installs)")

    # awslab as the app runs it, its state on disk (a fresh data folder for every spawn), and
    # with everything in memory, which `--in-memory` and the tests use.
    data_root = tempfile.mkdtemp(prefix="awslab-bench-")
    servers = {
        "awslab": lambda port: [
            args.awslab,
            "emulator",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            tempfile.mkdtemp(dir=data_root),
        ],
        "awslab_in_memory": lambda port: [
            args.awslab,
            "emulator",
            "serve",
            "--port",
            str(port),
            "--in-memory",
        ],
        "moto": lambda port: [args.moto_server, "-H", "127.0.0.1", "-p", str(port)],
        "floor": lambda port: [
            sys.executable,
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "dummy_dynamodb.py"),
            str(port),
        ],
    }
    isolate_client()
    load_before = load_average()
    runs = {name: [] for name in servers}
    try:
        for repeat in range(args.repeat):
            for name, argv_for_port in servers.items():
                log(f"run {repeat + 1}/{args.repeat}: {name}")
                runs[name].append(measure(name, argv_for_port, args.calls, args.rust_client))
    finally:
        shutil.rmtree(data_root, ignore_errors=True)
    result = {name: median_of(name_runs) for name, name_runs in runs.items()}
    result["floor"] = {client: result["floor"][client] for client in CLIENTS}
    report = {
        "machine": machine(),
        "load_average_1min": {"before": load_before, "after": load_average()},
        "versions": versions(args.awslab),
        "repeat": args.repeat,
        "calls": args.calls,
        "median": result,
        "runs": runs,
    }
    if args.json:
        text = json.dumps(report, indent=2, ensure_ascii=False)
        if args.json == "-":
            print(text)
            return
        with open(args.json, "w") as out:
            out.write(text + "\n")
    m, v = report["machine"], report["versions"]
    load = report["load_average_1min"]
    print(
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}; "
        f"load average {load['before']:.2f} before, {load['after']:.2f} after"
    )
    print(
        f"awslab {v['awslab_commit']}; aws-sdk-dynamodb {v['aws_sdk_dynamodb']}, "
        f"aws-config {v['aws_config']}; moto {v['moto']}, boto3 {v['boto3']}, "
        f"botocore {v['botocore']}, Python {v['python']}"
    )
    print(f"Medians of {args.repeat} runs, {args.calls} calls of each operation per run.\n")
    print(markdown(result))


if __name__ == "__main__":
    main()
