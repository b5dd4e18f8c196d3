// The grading report in a real browser: `awslab run serverless-api --solution` on its embedded
// emulator, `awslab grade --report` writes the HTML page, and WebKit's MiniBrowser (driven by
// WebKitWebDriver) shows the score, a passed mark for each check, and the integrity hash that
// matches the content the page carries.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { root } from './app.mjs';
import { openMiniBrowser } from './webkit.mjs';

const awslab = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug/awslab');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'awslab-report-'));
let session;
let browser;

before(async () => {
  session = await openMiniBrowser();
  browser = session.browser;
});

after(async () => {
  await session?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the HTML report shows the score, every check and its hash in a browser', async () => {
  const env = { ...process.env, AWSLAB_DATA_DIR: dataDir };
  execFileSync(awslab, ['run', 'serverless-api', '--solution'], { env, stdio: 'ignore' });
  const report = path.join(dataDir, 'report.html');
  execFileSync(awslab, ['grade', 'serverless-api', '--lang', 'ko', '--report', report], { env, stdio: 'ignore' });

  await browser.url(`file://${report}`);

  assert.match(await browser.getTitle(), /awslab 보고서$/);
  assert.equal(await (await browser.$('html')).getAttribute('lang'), 'ko');
  assert.match(await (await browser.$('#score')).getText(), /^175\/175 \(100%\) — 합격/);
  assert.equal((await browser.$$('td.pass')).length, 19);
  assert.equal((await browser.$$('td.fail')).length, 0);
  const carried = JSON.parse(await browser.execute(() => document.getElementById('report').textContent));
  assert.equal(carried.content.earned, 175);
  assert.equal(await (await browser.$('#sha256')).getText(), carried.sha256);
  await browser.saveScreenshot(path.join(root, 'test-artifacts/e2e/report.png'));
});
