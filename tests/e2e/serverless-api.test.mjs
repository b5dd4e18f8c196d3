// The serverless-api lab done through the real app window, as a learner does it: open the lab
// from the catalog, see a check fail, fill each step's form (the defaults, and the finished
// handler in the code editor), Run, and reach 100% on the offline emulator; switch to English;
// restart the app and find the progress kept. WebdriverIO drives the window through
// tauri-driver and WebKitWebDriver; run it on a display (the test command uses Xvfb).
//
//   node --test tests/e2e/          (AWSLAB_APP=path/to/awslab-desktop, else the debug build)
//
// Screenshots of the catalog, a failed check and the finished lab go to test-artifacts/e2e/.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const app = path.resolve(
  process.env.AWSLAB_APP ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug/awslab-desktop'),
);
const artifacts = path.join(root, 'test-artifacts/e2e');
const labDir = path.join(root, 'labs/serverless-api');
// The learner's progress and the emulator's state: a folder of this test's own.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'awslab-e2e-'));

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port, child, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

let driver;
let driverPort;
let browser;

async function openApp() {
  browser = await remote({
    hostname: '127.0.0.1',
    port: driverPort,
    logLevel: 'error',
    connectionRetryCount: 0,
    // WebKitWebDriver speaks classic WebDriver only (no BiDi).
    capabilities: { 'tauri:options': { application: app }, 'wdio:enforceWebDriverClassic': true },
  });
  await browser.setTimeout({ implicit: 0 });
}

async function closeApp() {
  await browser?.deleteSession();
  browser = undefined;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  driverPort = await freePort();
  const nativePort = await freePort();
  driver = spawn('tauri-driver', ['--port', String(driverPort), '--native-port', String(nativePort)], {
    env: { ...process.env, AWSLAB_DATA_DIR: dataDir, AWSLAB_LABS_DIR: path.join(root, 'labs') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(driverPort, driver);
  await openApp();
});

after(async () => {
  await closeApp().catch(() => {});
  driver?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const byTestId = (id) => `[data-testid="${id}"]`;

async function shot(name) {
  // WebKitWebDriver can capture the frame before the last change is painted.
  await browser.pause(400);
  await browser.saveScreenshot(path.join(artifacts, `${name}.png`));
}

/** Waits until no step button is busy (Run/Check finished) and returns the step's status. */
async function settledStatus(stepId) {
  const link = await browser.$(`${byTestId('step-link')}[data-step-id="${stepId}"]`);
  await browser.waitUntil(async () => (await (await browser.$(byTestId('step-check'))).isEnabled()), {
    timeout: 60_000,
    timeoutMsg: `step ${stepId} did not finish`,
  });
  return link.getAttribute('data-status');
}

/**
 * Replaces a code editor's text as a paste does: select all with the keyboard, then a paste
 * event carrying the text (typing it would go through auto-indent; inserting it into the
 * editable DOM would turn runs of spaces into no-break spaces).
 */
async function pasteInto(editorTestId, text) {
  const selector = `${byTestId(editorTestId)} .cm-content`;
  await (await browser.$(selector)).click();
  await browser.keys(['Control', 'a']);
  await browser.execute(
    (target, code) => {
      const data = new DataTransfer();
      data.setData('text/plain', code);
      const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      document.querySelector(target).dispatchEvent(paste);
    },
    selector,
    text,
  );
  const lines = await browser.execute(
    (selector) => [...document.querySelectorAll(selector)].map((line) => line.textContent).join('\n'),
    `${byTestId(editorTestId)} .cm-line`,
  );
  assert.equal(lines.trimEnd(), text.trimEnd(), 'the editor holds what was pasted');
}

test('a learner completes serverless-api in the window and keeps the progress', async () => {
  const card = await browser.$(`${byTestId('lab-card')}[data-lab-id="serverless-api"]`);
  await card.waitForExist({ timeout: 30_000 });
  const badge = await browser.$(byTestId('emulator-status'));
  await browser.waitUntil(async () => (await badge.getAttribute('data-state')) === 'running', {
    timeout: 30_000,
    timeoutMsg: 'the offline emulator did not start',
  });
  await shot('catalog');

  await (await card.$(byTestId('lab-open'))).click();
  await (await browser.$(byTestId('lab-start'))).waitForClickable({ timeout: 10_000 });
  // The introduction's diagram comes from the lab folder through the app's lab scheme.
  const diagram = await browser.$(`${byTestId('lab-intro')} img`);
  await browser.waitUntil(async () => (await diagram.getProperty('naturalWidth')) > 0, {
    timeout: 10_000,
    timeoutMsg: 'the diagram in the introduction did not load',
  });
  await shot('introduction');
  await (await browser.$(byTestId('lab-start'))).click();

  // Checking before doing anything: the check fails, with its reason.
  await (await browser.$(byTestId('step-check'))).click();
  assert.equal(await settledStatus('create-policy'), 'failed');
  const failed = await browser.$(`${byTestId('check-result')}[data-passed="false"]`);
  assert.ok(await failed.isExisting(), 'a failed check is listed');
  await shot('failed-check');

  const links = await browser.$$(byTestId('step-link'));
  const stepIds = [];
  for (const link of links) stepIds.push(await link.getAttribute('data-step-id'));
  assert.equal(stepIds.length, 13);

  const handler = readFileSync(path.join(labDir, 'solution/lambda_function.py'), 'utf8');
  for (const stepId of stepIds) {
    await (await browser.$(`${byTestId('step-link')}[data-step-id="${stepId}"]`)).click();
    await browser.waitUntil(async () => (await (await browser.$(byTestId('step-title'))).isExisting()));
    if (stepId === 'create-function') {
      await shot('code-editor-before');
      await pasteInto('field-code-editor', handler);
    }
    const run = await browser.$(byTestId('step-run'));
    await ((await run.isExisting()) ? run : await browser.$(byTestId('step-check'))).click();
    const status = await settledStatus(stepId);
    if (status !== 'passed') {
      await shot(`step-${stepId}-not-passed`);
      const results = await (await browser.$(byTestId('results'))).getText().catch(() => '');
      assert.fail(`step ${stepId} ended ${status}:\n${results}`);
    }
  }

  const score = await browser.$(byTestId('lab-score'));
  assert.equal(await score.getAttribute('data-percent'), '100');
  await shot('finished');

  // The explorer shows the stored customer, and the dev stage answers a request from it.
  await (await browser.$(byTestId('explorer-toggle'))).click();
  const items = await browser.$(byTestId('explorer-items'));
  await items.waitForExist({ timeout: 20_000 });
  assert.match(await items.getText(), /2024AWS/);
  await (await browser.$(`${byTestId('explorer-stage')}[data-stage="dev"] ${byTestId('explorer-send')}`)).click();
  const answer = await browser.$(byTestId('explorer-answer'));
  await answer.waitForExist({ timeout: 20_000 });
  assert.match(await answer.getText(), /^403/, 'GET / has no method: API Gateway answers 403');
  await shot('explorer');
  await (await browser.$(byTestId('explorer-close'))).click();

  // English: the interface and the lesson.
  const koreanTitle = await (await browser.$(byTestId('step-title'))).getText();
  await (await browser.$(byTestId('locale-en'))).click();
  assert.equal(await (await browser.$(byTestId('step-run'))).getText(), 'Run');
  const englishTitle = await (await browser.$(byTestId('step-title'))).getText();
  assert.notEqual(englishTitle, koreanTitle);
  assert.match(englishTitle, /[A-Za-z]/);
  await shot('finished-en');

  // A restart keeps the progress.
  await closeApp();
  await openApp();
  const again = await browser.$(`${byTestId('lab-card')}[data-lab-id="serverless-api"]`);
  await again.waitForExist({ timeout: 30_000 });
  assert.equal(await (await again.$(byTestId('lab-percent'))).getText(), '100%');
  const restartedBadge = await browser.$(byTestId('emulator-status'));
  await browser.waitUntil(async () => (await restartedBadge.getAttribute('data-state')) === 'running', {
    timeout: 30_000,
    timeoutMsg: 'the offline emulator did not start again',
  });
  await shot('catalog-after-restart');
});
