// awslab's Lambda runtime for Node.js handlers.
//
// The emulator starts this program in the function's unpacked code with the environment Lambda
// gives a function (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, the role's keys...). It
// loads the handler once (CommonJS or ES module), then asks the Runtime API for events, one at a
// time. Only Node's own modules are used.
//
// Output conventions the emulator relies on: console output is written as Lambda's Node runtime
// writes it (`time\trequest id\tLEVEL\tmessage`, inner line breaks as carriage returns, so one
// call is one log event), and after each invocation's output (and after loading the code, as
// "init") a marker line tells the emulator that output ended.
//
// The AWS SDK for JavaScript v3 is part of Lambda's Node.js runtime. Offline, the emulator names
// the folder that has it at the end of NODE_PATH. `require` searches NODE_PATH by itself; ES
// modules do not, so a resolve hook retries a bare specifier that was not found from the
// handler's folder (its own node_modules win, as on AWS) from each NODE_PATH folder.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import util from "node:util";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const MARK = "\x1eawslab:done:";
const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

let currentRequestId = undefined;

const NODE_PATH_FOLDERS = (process.env.NODE_PATH ?? "")
  .split(path.delimiter)
  .filter((folder) => path.basename(folder) === "node_modules" && fs.existsSync(folder));

const FALLBACK_RESOLVER = `
let parents = [];
export async function initialize(data) { parents = data.parents; }
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !/^(\\.|\\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !bare) throw error;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {}
    }
    throw error;
  }
}`;

if (typeof register === "function" && NODE_PATH_FOLDERS.length > 0) {
  // A module "in" the folder that holds each node_modules resolves packages from it.
  const parents = NODE_PATH_FOLDERS.map((folder) => pathToFileURL(path.join(folder, "..", "awslab-resolve.mjs")).href);
  register(`data:text/javascript,${encodeURIComponent(FALLBACK_RESOLVER)}`, { data: { parents } });
}

// Said after "Cannot find module/package '@aws-sdk/...'": where the offline runtime looks for it.
function missingSdkHint(message) {
  const missing = /'(@aws-sdk\/[^'/]+|@smithy\/[^'/]+)/.exec(message ?? "");
  if (!missing) return "";
  return (
    ` (awslab: on AWS the Node.js runtime includes the AWS SDK for JavaScript v3; offline it comes ` +
    `from the folder AWSLAB_NODE_MODULES names, and ${missing[1]} is not there. In the awslab ` +
    `repository \`./dev\` installs it; elsewhere run \`npm install -g ${missing[1]}\`, or set ` +
    `AWSLAB_NODE_MODULES to a node_modules folder that has it.)`
  );
}

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: HOST, port: PORT, method, path: `/2018-06-01/runtime${route}`, agent, headers },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function writeRecord(text) {
  process.stdout.write(text.replace(/\r?\n/g, "\r") + "\n");
}

function endOfOutput(requestId) {
  process.stdout.write(MARK + requestId + "\n");
}

// console.* as in Lambda: one event per call, with the time, the request id and the level.
for (const [method, level] of [
  ["log", "INFO"],
  ["info", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["debug", "DEBUG"],
  ["trace", "TRACE"],
]) {
  console[method] = (...args) => {
    writeRecord(`${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${util.format(...args)}`);
  };
}

function errorDocument(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: String(error.stack ?? "").split("\n").map((line) => line.replaceAll(TASK_ROOT, "/var/task")),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function logError(prefix, document) {
  const { trace, ...rest } = document;
  writeRecord(
    `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\tERROR\t${prefix}\t${JSON.stringify({ ...rest, stack: trace })}`,
  );
}

class LoadError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

async function loadHandler() {
  const handler = process.env._HANDLER ?? "";
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || dot === handler.length - 1) {
    throw new LoadError("Runtime.MalformedHandlerName", `Bad handler ${handler}`);
  }
  const modulePath = handler.slice(0, dot);
  const functionName = handler.slice(dot + 1);
  const base = path.resolve(TASK_ROOT, modulePath);
  const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
  if (!file) {
    throw new LoadError(
      "Runtime.ImportModuleError",
      `Error: Cannot find module '${modulePath}'\nRequire stack:\n- /var/runtime/index.mjs`,
    );
  }
  let module;
  try {
    if (file.endsWith(".mjs")) {
      module = await import(pathToFileURL(file).href);
    } else {
      try {
        module = createRequire(file)(file);
      } catch (error) {
        if (error?.code !== "ERR_REQUIRE_ESM") throw error;
        module = await import(pathToFileURL(file).href);
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new LoadError("Runtime.UserCodeSyntaxError", `${error.name}: ${error.message}`);
    }
    if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND") {
      throw new LoadError("Runtime.ImportModuleError", `Error: ${error.message}${missingSdkHint(error.message)}`);
    }
    throw error;
  }
  const fn = module?.[functionName] ?? module?.default?.[functionName];
  if (fn === undefined) {
    throw new LoadError("Runtime.HandlerNotFound", `${handler} is undefined or not exported`);
  }
  if (typeof fn !== "function") {
    throw new LoadError("Runtime.HandlerNotFound", `${handler} is not a function`);
  }
  return fn;
}

function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: headers["lambda-runtime-client-context"]
      ? JSON.parse(headers["lambda-runtime-client-context"])
      : undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// Runs the handler, async or with a callback, and settles with its result.
function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    context.succeed = (result) => resolve(result);
    context.fail = (error) => reject(error);
    context.done = callback;
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") {
        returned.then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const document =
      error instanceof LoadError
        ? { errorType: error.type, errorMessage: error.message, trace: [] }
        : errorDocument(error);
    logError("INIT Error", document);
    endOfOutput("init");
    await call("POST", "/init/error", JSON.stringify(document), {
      "Lambda-Runtime-Function-Error-Type": document.errorType,
    });
    process.exit(1);
  }
  // What the module printed while it loaded comes before the first START.
  endOfOutput("init");

  for (;;) {
    const next = await call("GET", "/invocation/next");
    if (next.status !== 200) process.exit(0);
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] ?? "";
    const context = makeContext(next.headers);
    try {
      const event = JSON.parse(next.body.length ? next.body.toString("utf8") : "{}");
      const result = await runHandler(handler, event, context);
      const payload = JSON.stringify(result === undefined ? null : result);
      endOfOutput(requestId);
      await call("POST", `/invocation/${requestId}/response`, payload);
    } catch (error) {
      const document = errorDocument(error);
      logError("Invoke Error ", document);
      endOfOutput(requestId);
      await call("POST", `/invocation/${requestId}/error`, JSON.stringify(document), {
        "Lambda-Runtime-Function-Error-Type": document.errorType,
      });
    }
  }
}

main();
