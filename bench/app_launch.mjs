// The desktop app's launch time and idle memory, against a peer in the same run: WebKit's own
// MiniBrowser showing the same built UI (`ui/dist`) with no Rust behind it. Both are started
// through WebKitWebDriver on one virtual display, so both pay the same driver and WebKit start-up
// costs (the app with `TAURI_WEBVIEW_AUTOMATION`, which is all tauri-driver added on Linux).
//
//   launch: from asking for a session until the catalog is painted (the app: a lab card with the
//           learner's score, which needs the Rust side, the progress file and the labs folder;
//           the peer: the catalog's error panel, since it has no Rust side to ask);
//   memory: the resident memory (RSS) of the process and its WebKit children after 5 s idle.
//
//   xvfb-run -a node bench/app_launch.mjs [--runs N] [--app PATH]
// prints a Markdown table (medians) and the ratio app / peer.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
};
const runs = Number(argument('--runs', '5'));
const app = path.resolve(argument('--app', path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'release/awslab-desktop')));
const miniBrowser = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/libexec/webkit2gtk-4.1/MiniBrowser'].find(existsSync);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function listening(port) {
  for (let tries = 0; tries < 200; tries++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Every process below `pid` (children, grandchildren, …). */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function rssMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return '';
  }
}

/** One launch: ms until `selector` shows, and MiB of the browser process tree after idling. */
async function measure({ driver, args, capabilities, selector, binary, url }) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'awslab-bench-'));
  const child = spawn(driver, [...args(port)], {
    env: {
      ...process.env,
      AWSLAB_DATA_DIR: dataDir,
      AWSLAB_LABS_DIR: path.join(root, 'labs'),
      // Tauri lets WebDriver automate its web view only with this set.
      TAURI_WEBVIEW_AUTOMATION: 'true',
    },
    stdio: 'ignore',
  });
  try {
    await listening(port);
    const started = performance.now();
    const browser = await remote({ hostname: '127.0.0.1', port, logLevel: 'error', capabilities });
    if (url) await browser.url(url);
    await (await browser.$(selector)).waitForDisplayed({ timeout: 60_000 });
    const launchMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const tree = descendants(child.pid);
    const top = tree.find((pid) => commandOf(pid).endsWith(path.basename(binary)));
    const mine = top ? [top, ...descendants(top)] : [];
    const memory = mine.reduce((sum, pid) => sum + rssMiB(pid), 0);
    await browser.deleteSession();
    return { launchMs, memory };
  } finally {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `ui/dist` over loopback HTTP (its asset paths are absolute, so file:// cannot load it). */
function serveUi() {
  const dist = path.join(root, 'ui/dist');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = http.createServer((request, response) => {
    const wanted = path.normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = path.join(dist, wanted === '/' ? 'index.html' : wanted);
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const ui = await serveUi();
const uiUrl = `http://127.0.0.1:${ui.address().port}/`;
const subjects = {
  awslab: {
    driver: 'WebKitWebDriver',
    args: (port) => [`--port=${port}`],
    capabilities: {
      'webkitgtk:browserOptions': { binary: app, args: [] },
      'wdio:enforceWebDriverClassic': true,
    },
    selector: '[data-testid="lab-card"] [data-testid="lab-score"]',
    binary: app,
  },
  'MiniBrowser (peer)': {
    driver: 'WebKitWebDriver',
    args: (port) => [`--port=${port}`],
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
      'wdio:enforceWebDriverClassic': true,
    },
    selector: '[data-testid="catalog-error"]',
    url: uiUrl,
    binary: miniBrowser ?? 'MiniBrowser',
  },
};

if (!existsSync(app)) throw new Error(`no app at ${app}: cargo build --release -p awslab-desktop --features custom-protocol`);
if (!miniBrowser) throw new Error('WebKit MiniBrowser is missing (libwebkit2gtk-4.1)');
const results = {};
for (const [name, subject] of Object.entries(subjects)) {
  results[name] = [];
  for (let run = 0; run < runs; run++) {
    results[name].push(await measure(subject));
    process.stderr.write(`${name}: run ${run + 1}/${runs}\n`);
  }
}
const row = (name) => {
  const launch = median(results[name].map((r) => r.launchMs));
  const memory = median(results[name].map((r) => r.memory));
  return { launch, memory };
};
const ours = row('awslab');
const peer = row('MiniBrowser (peer)');
console.log(`| | launch to catalog (median of ${runs}) | idle memory, RSS of the process tree |`);
console.log('|---|---|---|');
for (const [name, value] of [['awslab', ours], ['MiniBrowser (peer)', peer]]) {
  console.log(`| ${name} | ${value.launch.toFixed(0)} ms | ${value.memory.toFixed(0)} MiB |`);
}
ui.close();
console.log(`| ratio awslab / peer | ${(ours.launch / peer.launch).toFixed(2)} | ${(ours.memory / peer.memory).toFixed(2)} |`);
