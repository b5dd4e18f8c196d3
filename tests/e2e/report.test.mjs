// The grading report in a real browser: `awslab run serverless-api --solution` on its embedded
// emulator, `awslab grade --report` writes the HTML page, and WebKit's MiniBrowser (driven by
// WebKitWebDriver) shows the score, a passed mark for each check, and the integrity hash that
// matches the content the page carries.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { remote } from 'webdriverio';
import { root } from './app.mjs';

const awslab = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug/awslab');
const miniBrowser = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/libexec/webkit2gtk-4.1/MiniBrowser'].find(existsSync);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'awslab-report-'));
let driver;
let browser;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  for (let tries = 0; tries < 100; tries++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation', '--ignore-tls-errors'] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the HTML report shows the score, every check and its hash in a browser', async () => {
  assert.ok(miniBrowser, 'WebKit MiniBrowser (libwebkit2gtk-4.1) is installed');
  const env = { ...process.env, AWSLAB_DATA_DIR: dataDir };
  execFileSync(awslab, ['run', 'serverless-api', '--solution'], { env, stdio: 'ignore' });
  const report = path.join(dataDir, 'report.html');
  execFileSync(awslab, ['grade', 'serverless-api', '--lang', 'ko', '--report', report], { env, stdio: 'ignore' });

  await browser.url(`file://${report}`);

  assert.match(await browser.getTitle(), /awslab 보고서$/);
  assert.equal(await (await browser.$('html')).getAttribute('lang'), 'ko');
  assert.match(await (await browser.$('#score')).getText(), /^160\/160 \(100%\) — 합격/);
  assert.equal((await browser.$$('td.pass')).length, 16);
  assert.equal((await browser.$$('td.fail')).length, 0);
  const carried = JSON.parse(await browser.execute(() => document.getElementById('report').textContent));
  assert.equal(carried.content.earned, 160);
  assert.equal(await (await browser.$('#sha256')).getText(), carried.sha256);
  await browser.saveScreenshot(path.join(root, 'test-artifacts/e2e/report.png'));
});
