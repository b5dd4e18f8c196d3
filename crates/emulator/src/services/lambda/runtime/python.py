"""awslab's Lambda runtime for Python handlers.

The emulator starts this program in the function's unpacked code with the environment Lambda
gives a function (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, the role's keys...). It
loads the handler once, then asks the Runtime API for events, one at a time, for as long as the
worker lives. Only the standard library is used: the student's handler may import boto3, this
program never does.

Output conventions the emulator relies on: a record that spans lines (a traceback) is written
as one line with carriage returns for its inner line breaks, as AWS's runtime writes it, and
after each invocation's output (and after loading the code, as "init") a marker line tells the
emulator that output ended.
"""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

RUNTIME_API = os.environ["AWS_LAMBDA_RUNTIME_API"]
TASK_ROOT = os.environ["LAMBDA_TASK_ROOT"]
MARK = "\x1eawslab:done:"
PREFIX = "/2018-06-01/runtime"


class RuntimeClient:
    """One keep-alive connection to the Runtime API."""

    def __init__(self):
        host, _, port = RUNTIME_API.rpartition(":")
        self.host, self.port = host, int(port)
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port)
            try:
                self.connection.request(method, PREFIX + path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise


def write_record(text):
    """Writes one log event, keeping its inner line breaks as carriage returns."""
    sys.stdout.write(text.replace("\r\n", "\r").replace("\n", "\r") + "\n")
    sys.stdout.flush()


def end_of_output(request_id):
    sys.stdout.flush()
    sys.stderr.flush()
    sys.stdout.write(MARK + request_id + "\n")
    sys.stdout.flush()


def stack_frames(tb):
    """The traceback's frames as AWS lists them, with the code under /var/task."""
    frames = traceback.format_list(traceback.extract_tb(tb))
    return [frame.replace(TASK_ROOT, "/var/task") for frame in frames]


def error_document(error, request_id, tb=None, error_type=None):
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": request_id,
        "stackTrace": stack_frames(tb if tb is not None else error.__traceback__),
    }


def log_error(document):
    lines = ["[ERROR] %s: %s" % (document["errorType"], document["errorMessage"])]
    lines.append("Traceback (most recent call last):")
    lines.extend(frame.rstrip("\n") for frame in document["stackTrace"])
    write_record("\n".join(lines))


class LoadError(Exception):
    """The handler could not be loaded: an AWS error type and message."""

    def __init__(self, error_type, message, tb=None):
        super().__init__(message)
        self.error_type = error_type
        self.tb = tb


def missing_module_hint(error):
    """A student's handler that imports boto3 needs it in the Python that runs the worker."""
    if getattr(error, "name", None) in ("boto3", "botocore"):
        return (
            " (awslab: the Python running this function, %s, has no %s. Install it with "
            "`%s -m pip install boto3`, or set AWSLAB_PYTHON to a Python that has it.)"
            % (sys.executable, error.name, sys.executable)
        )
    return ""


def load_handler():
    handler = os.environ.get("_HANDLER", "")
    module_path, _, function_name = handler.rpartition(".")
    if not module_path or not function_name:
        raise LoadError(
            "Runtime.MalformedHandlerName",
            "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler,
        )
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        message = "Unable to import module '%s': %s" % (module_path, error)
        raise LoadError("Runtime.ImportModuleError", message + missing_module_hint(error))
    except SyntaxError as error:
        where = "%s, line %s" % (os.path.basename(error.filename or module_path), error.lineno)
        raise LoadError(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s (%s)" % (module_path, error.msg, where),
        )
    except Exception as error:
        raise LoadError(type(error).__name__, str(error), error.__traceback__)
    function = getattr(module, function_name, None)
    if function is None:
        raise LoadError(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (function_name, module_path),
        )
    return function


class LambdaContext:
    """The context object a handler receives, with the attributes AWS's has."""

    def __init__(self, request_id, deadline_ms, invoked_arn, client_context):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = json.loads(client_context) if client_context else None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def __repr__(self):
        return "LambdaContext([aws_request_id=%s,function_name=%s,function_version=%s])" % (
            self.aws_request_id,
            self.function_name,
            self.function_version,
        )


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


class RecordHandler(logging.StreamHandler):
    def emit(self, record):
        try:
            write_record(self.format(record))
        except Exception:
            self.handleError(record)


def set_up_logging():
    """The logging module writes as in Lambda: `[LEVEL]\\ttime\\trequest id\\tmessage`."""
    handler = RecordHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def main():
    # stderr goes where stdout goes, so the emulator reads one ordered stream.
    os.dup2(sys.stdout.fileno(), sys.stderr.fileno())
    sys.path.insert(0, TASK_ROOT)
    set_up_logging()
    client = RuntimeClient()
    try:
        handler = load_handler()
    except LoadError as error:
        document = {
            "errorMessage": str(error),
            "errorType": error.error_type,
            "requestId": "",
            "stackTrace": stack_frames(error.tb) if error.tb else [],
        }
        log_error(document)
        end_of_output("init")
        client.request(
            "POST",
            "/init/error",
            json.dumps(document).encode(),
            {"Lambda-Runtime-Function-Error-Type": error.error_type},
        )
        sys.exit(1)
    # What the module printed while it loaded comes before the first START.
    end_of_output("init")

    while True:
        response, body = client.request("GET", "/invocation/next")
        if response.status != 200:
            sys.exit(0)
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        context = LambdaContext(
            request_id,
            int(response.getheader("Lambda-Runtime-Deadline-Ms")),
            response.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            response.getheader("Lambda-Runtime-Client-Context"),
        )
        os.environ["_X_AMZN_TRACE_ID"] = response.getheader("Lambda-Runtime-Trace-Id") or ""
        RequestIdFilter.request_id = request_id
        try:
            event = json.loads(body or b"{}")
            result = handler(event, context)
            try:
                payload = json.dumps(result).encode()
            except (TypeError, ValueError) as error:
                document = {
                    "errorMessage": "Unable to marshal response: %s" % error,
                    "errorType": "Runtime.MarshalError",
                    "requestId": request_id,
                    "stackTrace": [],
                }
                log_error(document)
                end_of_output(request_id)
                post_error(client, request_id, document)
                continue
            end_of_output(request_id)
            client.request("POST", "/invocation/%s/response" % request_id, payload)
        except Exception as error:
            document = error_document(error, request_id)
            log_error(document)
            end_of_output(request_id)
            post_error(client, request_id, document)


def post_error(client, request_id, document):
    client.request(
        "POST",
        "/invocation/%s/error" % request_id,
        json.dumps(document).encode(),
        {"Lambda-Runtime-Function-Error-Type": document["errorType"]},
    )


if __name__ == "__main__":
    main()
