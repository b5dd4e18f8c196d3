// WebKitWebDriver on a free loopback port, for both kinds of window the tests drive: the app's own
// (a WebKitGTK window: WebKitWebDriver starts the app as its "browser") and WebKit's MiniBrowser
// as a plain browser, for pages the tests open themselves (the grading report, a hostile page).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { remote } from 'webdriverio';

export const miniBrowser = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/libexec/webkit2gtk-4.1/MiniBrowser',
].find(existsSync);

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port, driver, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not listen on ${port}`);
}

/**
 * Starts WebKitWebDriver on a free loopback port and waits until it listens (asking for a
 * session before that fails with "Connection refused" under load). `env` reaches the browser it
 * starts. Returns `{ driver, port }`; `driver.kill()` ends it.
 */
export async function startWebKitWebDriver({ env = process.env, stdio = 'ignore' } = {}) {
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { env, stdio });
  await waitForPort(port, driver);
  return { driver, port };
}

/** Starts WebKitWebDriver and a MiniBrowser session; `stop()` ends both. */
export async function openMiniBrowser() {
  if (!miniBrowser) throw new Error('WebKit MiniBrowser (libwebkit2gtk-4.1) is not installed');
  const { driver, port } = await startWebKitWebDriver();
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation', '--ignore-tls-errors'] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  return {
    browser,
    async stop() {
      await browser.deleteSession().catch(() => {});
      driver.kill();
    },
  };
}
