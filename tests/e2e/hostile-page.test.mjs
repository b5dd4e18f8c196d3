// A hostile web page in a real browser engine (WebKit's MiniBrowser) tries to drive the offline
// emulator, as any page the learner has open could: an HTML form POST that creates a role with
// credentials in the URL, `no-cors` fetches with `text/plain` bodies that create a Lambda
// function and invoke one, a CORS fetch that would create a table, the control endpoints
// (reset, clock, mailbox) and an image GET. Afterwards the emulator's roles, functions and
// tables are what they were, no handler ran, and the page read nothing. A request to an API
// Gateway invoke URL, which is public on AWS too, does reach its function: proof that the
// page's requests really arrived.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';
import { root } from './app.mjs';
import { freePort, openMiniBrowser } from './webkit.mjs';

const awslab = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug/awslab');
const awsCli = path.join(root, '.venv/bin/aws');
const python = process.env.AWSLAB_PYTHON ?? path.join(root, '.venv/bin/python');
const work = mkdtempSync(path.join(os.tmpdir(), 'awslab-hostile-'));
const ROLE_ARN = 'arn:aws:iam::000000000000:role/lambda-runner';
const KEY = 'AKIASTUDENTEXAMPLE';

let emulator;
let endpoint;
let token;
let page;
let session;

/** `awslab emulator serve --in-memory` on a free port: its endpoint and control token. */
async function serve() {
  // About who may drive the emulator, not AWS's time: what the CLI makes is used at once.
  emulator = spawn(awslab, ['emulator', 'serve', '--port', '0', '--in-memory', '--timing', 'instant'], {
    env: { ...process.env, AWSLAB_PYTHON: python },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let listening;
  for await (const line of readline.createInterface({ input: emulator.stdout })) {
    listening ??= line.match(/^awslab emulator listening on (\S+)/)?.[1];
    const token = line.match(/^control token: (\S+)/)?.[1];
    if (listening && token) return { listening, token };
  }
  throw new Error('the emulator exited before listening');
}

/** The emulator's clock, in epoch seconds (through the control endpoint, with the token). */
async function emulatorSeconds() {
  const answer = await fetch(`${endpoint}/_awslab/clock`, { headers: { 'X-Awslab-Token': token } });
  return (await answer.json()).epoch_seconds;
}

/** The AWS CLI against the emulator, with throwaway keys; its JSON answer. */
function aws(...args) {
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: KEY,
    AWS_SECRET_ACCESS_KEY: 'student-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(work, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const out = execFileSync(awsCli, ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : null;
}

/** A Python function whose handler writes `marker` when it runs. */
function createMarkingFunction(name, marker) {
  const zip = path.join(work, `${name}.zip`);
  const source = `def lambda_handler(event, context):\n    open(${JSON.stringify(marker)}, "w").write("ran")\n    return {"statusCode": 200, "body": "ran"}\n`;
  execFileSync(python, [
    '-c',
    'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("lambda_function.py", sys.argv[2])',
    zip,
    source,
  ]);
  aws('lambda', 'create-function', '--function-name', name, '--runtime', 'python3.12', '--role', ROLE_ARN,
    '--handler', 'lambda_function.lambda_handler', '--zip-file', `fileb://${zip}`);
}

/** A REST API whose `POST /` is a Lambda proxy to `functionName`: its invoke URL on stage `dev`. */
function createProxyApi(functionName) {
  const api = aws('apigateway', 'create-rest-api', '--name', 'witness-api').id;
  const rootId = aws('apigateway', 'get-resources', '--rest-api-id', api).items[0].id;
  aws('apigateway', 'put-method', '--rest-api-id', api, '--resource-id', rootId, '--http-method', 'POST', '--authorization-type', 'NONE');
  const uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${functionName}/invocations`;
  aws('apigateway', 'put-integration', '--rest-api-id', api, '--resource-id', rootId, '--http-method', 'POST',
    '--type', 'AWS_PROXY', '--integration-http-method', 'POST', '--uri', uri);
  aws('lambda', 'add-permission', '--function-name', functionName, '--statement-id', 'apigw', '--action', 'lambda:InvokeFunction',
    '--principal', 'apigateway.amazonaws.com', '--source-arn', `arn:aws:execute-api:us-east-1:000000000000:${api}/*/POST/`);
  aws('apigateway', 'create-deployment', '--rest-api-id', api, '--stage-name', 'dev');
  return `${endpoint}/restapis/${api}/dev/_user_request_/`;
}

/** What the emulator holds that a page might change. */
function inventory() {
  return {
    roles: aws('iam', 'list-roles').Roles.map((role) => role.RoleName).sort(),
    functions: aws('lambda', 'list-functions').Functions.map((fn) => fn.FunctionName).sort(),
    tables: aws('dynamodb', 'list-tables').TableNames.sort(),
  };
}

/** The page: every attack at once, then `document.title = 'done'` with what it could read. */
function hostilePage(target, invokeUrl) {
  const credential = (service) => `X-Amz-Credential=${KEY}/20260101/us-east-1/${service}/aws4_request`;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [] });
  const createFunction = JSON.stringify({
    FunctionName: 'planted', Runtime: 'python3.12', Role: ROLE_ARN, Handler: 'lambda_function.lambda_handler',
    Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
  });
  return `<!doctype html><html><head><title>loading</title></head><body>
<iframe name="sink" style="display:none"></iframe>
<form id="role" method="POST" target="sink" action="${target}/?${credential('iam')}">
  <input name="Action" value="CreateRole"><input name="Version" value="2010-05-08">
  <input name="RoleName" value="planted-by-a-page"><input name="AssumeRolePolicyDocument" value='${trust}'>
</form>
<form id="witness" method="POST" target="sink" action="${invokeUrl}" enctype="text/plain">
  <input name="from" value="a page">
</form>
<img src="${target}/?Action=CreateRole&Version=2010-05-08&RoleName=planted-by-an-image&AssumeRolePolicyDocument=${encodeURIComponent(trust)}&${credential('iam')}">
<img src="${target}/_awslab/reset">
<script>
const read = {};
const attempt = async (name, run) => {
  try { read[name] = await run(); } catch (error) { read[name] = 'blocked: ' + error.name; }
};
const noCors = (url, body) => fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }).then(() => 'sent');
(async () => {
  document.getElementById('role').submit();
  await new Promise((resolve) => setTimeout(resolve, 500));
  document.getElementById('witness').submit();
  await attempt('createFunction', () => noCors('${target}/2015-03-31/functions?${credential('lambda')}', ${JSON.stringify(createFunction)}));
  await attempt('invoke', () => noCors('${target}/2015-03-31/functions/victim/invocations?${credential('lambda')}', '{}'));
  await attempt('createTable', () => fetch('${target}/', { method: 'POST', headers: { 'X-Amz-Target': 'DynamoDB_20120810.CreateTable', 'content-type': 'application/x-amz-json-1.0' }, body: '{"TableName":"planted"}' }).then((r) => r.text()));
  await attempt('reset', () => noCors('${target}/_awslab/reset', ''));
  await attempt('clock', () => noCors('${target}/_awslab/clock/advance?seconds=86400', ''));
  await attempt('mailbox', () => fetch('${target}/_awslab/mailbox').then((r) => r.text()));
  await attempt('rolesRead', () => fetch('${target}/?Action=ListRoles&Version=2010-05-08&${credential('iam')}').then((r) => r.text()));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  document.title = 'done ' + JSON.stringify(read);
})();
</script></body></html>`;
}

before(async () => {
  ({ listening: endpoint, token } = await serve());
  aws('iam', 'create-role', '--role-name', 'lambda-runner', '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }));
  session = await openMiniBrowser();
});

after(async () => {
  await session?.stop();
  page?.close();
  emulator?.kill();
  rmSync(work, { recursive: true, force: true });
});

test('a web page can neither change nor read the emulator, and runs no handler', async () => {
  const victimRan = path.join(work, 'victim-ran');
  const witnessRan = path.join(work, 'witness-ran');
  createMarkingFunction('victim', victimRan);
  createMarkingFunction('witness', witnessRan);
  const invokeUrl = createProxyApi('witness');
  const before = inventory();
  const clockBefore = await emulatorSeconds();

  // The page is served from another site: `localhost` is not `127.0.0.1`.
  const html = hostilePage(endpoint, invokeUrl);
  page = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  const pagePort = await freePort();
  await new Promise((resolve) => page.listen(pagePort, '127.0.0.1', resolve));
  const { browser } = session;
  await browser.url(`http://localhost:${pagePort}/`);
  await browser.waitUntil(async () => (await browser.getTitle()).startsWith('done'), {
    timeout: 30_000,
    timeoutMsg: 'the hostile page did not finish its attempts',
  });
  const read = JSON.parse((await browser.getTitle()).slice('done '.length));
  writeFileSync(path.join(root, 'test-artifacts/e2e/hostile-page.json'), JSON.stringify(read, null, 2));

  // The invoke URL is public, as on AWS: the page's form reached its function.
  await browser.waitUntil(async () => existsSync(witnessRan), { timeout: 10_000, timeoutMsg: 'the witness never ran: did the page reach the emulator?' });
  // Nothing else happened.
  assert.deepEqual(inventory(), before);
  assert.ok(!existsSync(victimRan), 'the victim function did not run');
  for (const name of ['createTable', 'mailbox', 'rolesRead']) {
    assert.match(String(read[name]), /^blocked/, `the page could not read ${name}: ${read[name]}`);
  }
  const victimLogs = aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/lambda/victim').logGroups;
  assert.deepEqual(victimLogs, [], 'the victim never logged a line');
  assert.ok((await emulatorSeconds()) - clockBefore < 3600, 'the page did not move the clock a day on');
});
