#!/usr/bin/env python3
"""A DynamoDB endpoint with nothing behind it, for the benchmark's client floor:
`dummy_dynamodb.py PORT` serves 127.0.0.1:PORT until stopped.

Every answer is fixed bytes chosen by the `X-Amz-Target` operation: PutItem answers `{}`,
GetItem one customer item of the benchmark's shape and size, ListTables / CreateTable /
DescribeTable what boto3 needs to go on. No JSON is parsed and no state is kept, and the HTTP
handling is a bare keep-alive loop, so what a client measures against it is the client's own
cost plus the loopback round trip plus the little this loop costs (its raw-HTTP latency).
"""

import json
import socket
import sys
import threading

MAX_CONNECTIONS = 100_000  # far above any run (a client that reconnects per call uses 8,000)
TABLE = "customers"
_DESCRIPTION = {
    "TableName": TABLE,
    "TableStatus": "ACTIVE",
    "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "customer_id", "AttributeType": "S"}],
}
# Item 1234 of the benchmark (emulator_vs_moto.customer("c-", 1234)): the same shape and size.
_ITEM = {
    "customer_id": {"S": "c-01234"},
    "name": {"S": "정지우"},
    "email": {"S": "customer01234@example.com"},
    "phone": {"S": "010-2234-2046"},
    "city": {"S": "Incheon"},
    "age": {"N": "54"},
    "vip": {"BOOL": False},
    "tags": {"SS": ["lab", "cohort-2"]},
    "created_at": {"S": "2025-03-03T09:34:00Z"},
}
ANSWERS = {
    b"PutItem": b"{}",
    b"GetItem": json.dumps({"Item": _ITEM}).encode(),
    b"ListTables": b'{"TableNames":[]}',
    b"CreateTable": json.dumps({"TableDescription": _DESCRIPTION}).encode(),
    b"DescribeTable": json.dumps({"Table": _DESCRIPTION}).encode(),
}
RESPONSES = {
    operation: b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    for operation, body in ANSWERS.items()
}


def header(head, name):
    """The value of header `name` (lower case, bytes) in a request head, or b""."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


def serve_connection(connection):
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            length = int(header(head, b"content-length") or b"0")
            while len(buffer) < length:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            operation = header(head, b"x-amz-target").rpartition(b".")[2]
            connection.sendall(RESPONSES.get(operation, RESPONSES[b"PutItem"]))


def main():
    port = int(sys.argv[1])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print(f"dummy DynamoDB listening on http://127.0.0.1:{port}", flush=True)
    for _ in range(MAX_CONNECTIONS):
        connection, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
