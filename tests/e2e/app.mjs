// The harness of the window tests: WebKitWebDriver on a free loopback port, starting the app under
// test as its browser, with a data folder of its own, and helpers to find things by their
// `data-testid`, wait for a step to settle, paste into a code editor and save screenshots to
// test-artifacts/e2e/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';
import { startWebKitWebDriver } from './webkit.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const app = path.resolve(
  process.env.AWSLAB_APP ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug/awslab-desktop'),
);
const artifacts = path.join(root, 'test-artifacts/e2e');

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * WebKitWebDriver and the app, with a data folder (progress, emulator state) of their own.
 *
 * No tauri-driver: on Linux it only proxies to WebKitWebDriver, turning `tauri:options` into
 * `webkitgtk:browserOptions` and setting `TAURI_WEBVIEW_AUTOMATION` (without it, Tauri does not
 * let WebDriver automate its web view). The harness does both itself, so no driver has to be
 * compiled on a new machine.
 */
export class Harness {
  async start() {
    mkdirSync(artifacts, { recursive: true });
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), 'awslab-e2e-'));
    const env = {
      ...process.env,
      AWSLAB_DATA_DIR: this.dataDir,
      // The web view's own storage (the drafts of the forms) too, so no run sees another's.
      XDG_DATA_HOME: path.join(this.dataDir, 'xdg-data'),
      AWSLAB_LABS_DIR: path.join(root, 'labs'),
      TAURI_WEBVIEW_AUTOMATION: 'true',
    };
    ({ driver: this.driver, port: this.port } = await startWebKitWebDriver({
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }));
    await this.open();
  }

  /** Launches the app (again). */
  async open() {
    this.browser = await remote({
      hostname: '127.0.0.1',
      port: this.port,
      logLevel: 'error',
      connectionRetryCount: 0,
      // WebKitWebDriver speaks classic WebDriver only (no BiDi).
      capabilities: {
        'webkitgtk:browserOptions': { binary: app, args: [] },
        'wdio:enforceWebDriverClassic': true,
      },
    });
    await this.browser.setTimeout({ implicit: 0 });
  }

  /** Quits the app. */
  async close() {
    await this.browser?.deleteSession();
    this.browser = undefined;
  }

  async stop() {
    await this.close().catch(() => {});
    this.driver?.kill();
    // The web view may still be writing as it exits: try again for a moment.
    rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }

  $(selector) {
    return this.browser.$(selector);
  }

  async click(testId) {
    const element = await this.browser.$(byTestId(testId));
    await element.waitForClickable({ timeout: 20_000 });
    await element.click();
  }

  async shot(name) {
    // WebKitWebDriver can capture the frame before the last change is painted.
    await this.browser.pause(400);
    await this.browser.saveScreenshot(path.join(artifacts, `${name}.png`));
  }

  /**
   * Waits for the catalog with the offline emulator running, saves it as `catalogShot` when
   * given, and opens `labId` at its first step.
   */
  async openLab(labId, catalogShot) {
    const card = await this.browser.$(`${byTestId('lab-card')}[data-lab-id="${labId}"]`);
    await card.waitForExist({ timeout: 30_000 });
    const badge = await this.browser.$(byTestId('emulator-status'));
    await this.browser.waitUntil(async () => (await badge.getAttribute('data-state')) === 'running', {
      timeout: 30_000,
      timeoutMsg: 'the offline emulator did not start',
    });
    if (catalogShot) await this.shot(catalogShot);
    await (await card.$(byTestId('lab-open'))).click();
    await this.click('lab-start');
    this.labId = labId;
  }

  /** The ids of the lab's steps, in order. */
  async stepIds() {
    const ids = [];
    for (const link of await this.browser.$$(byTestId('step-link'))) ids.push(await link.getAttribute('data-step-id'));
    return ids;
  }

  async goToStep(stepId) {
    await (await this.browser.$(`${byTestId('step-link')}[data-step-id="${stepId}"]`)).click();
    // The step's own form is on screen (not the one before it, still being replaced).
    const work = await this.browser.$(`${byTestId('step-work')}[data-step-id="${stepId}"]`);
    await work.waitForExist({ timeout: 20_000, timeoutMsg: `step ${stepId} did not open` });
  }

  /**
   * Runs the step (or checks it, when it has no Run; answers it with the reference answer, when
   * it is a question) and fails with the results unless it passes.
   */
  async runStep(stepId) {
    if (await (await this.browser.$(byTestId('question'))).isExisting()) {
      await this.answer(this.referenceAnswer(stepId));
    } else {
      const run = await this.browser.$(byTestId('step-run'));
      await ((await run.isExisting()) ? run : await this.browser.$(byTestId('step-check'))).click();
    }
    const status = await this.settledStatus(stepId);
    if (status !== 'passed') {
      await this.shot(`step-${stepId}-not-passed`);
      const results = await (await this.browser.$(byTestId('results'))).getText().catch(() => '');
      assert.fail(`step ${stepId} ended ${status}:\n${results}`);
    }
  }

  /** Waits until Run, Check or Answer finished and returns the step's status. */
  async settledStatus(stepId) {
    const link = await this.browser.$(`${byTestId('step-link')}[data-step-id="${stepId}"]`);
    const view = await this.browser.$(byTestId('lab-view'));
    await this.browser.waitUntil(async () => (await view.getAttribute('data-busy')) === 'false', {
      timeout: 90_000,
      timeoutMsg: `step ${stepId} did not finish`,
    });
    return link.getAttribute('data-status');
  }

  /**
   * Answers the question on screen: `answer` is a choice's value, a list of them, or text to
   * type. Does not wait for the grade.
   */
  async answer(answer) {
    if (Array.isArray(answer) || (await (await this.browser.$(byTestId('question-choice'))).isExisting())) {
      // Tick exactly the wanted choices: a draft kept from before may have ticked some already.
      const wanted = [answer].flat();
      for (const choice of await this.browser.$$(byTestId('question-choice'))) {
        const ticked = await (await choice.$('input')).isSelected();
        if (ticked !== wanted.includes(await choice.getAttribute('data-value'))) await choice.click();
      }
    } else {
      const input = await this.browser.$(byTestId('question-input'));
      await input.clearValue();
      await input.setValue(answer);
      await this.browser.waitUntil(async () => (await input.getValue()) === answer, {
        timeout: 10_000,
        timeoutMsg: `the answer field does not hold ${answer}`,
      });
    }
    const button = await this.browser.$(byTestId('question-answer'));
    if (!(await button.waitForEnabled({ timeout: 10_000 }).catch(() => false))) {
      await this.shot('question-not-answerable');
      assert.fail(`the Answer button stays disabled after answering ${JSON.stringify(answer)}`);
    }
    await button.click();
  }

  /**
   * The reference answer of question `stepId` of the lab open now, read from its lab.toml (the
   * window never carries it): the correct choices' values, `answer`, or the first of `accept`.
   */
  referenceAnswer(stepId, labId = this.labId) {
    const toml = readFileSync(path.join(root, 'labs', labId, 'lab.toml'), 'utf8');
    const start = toml.indexOf(`id = "${stepId}"`);
    assert.ok(start >= 0, `no step ${stepId} in ${labId}`);
    const end = toml.indexOf('[[steps]]', start);
    const block = toml.slice(start, end === -1 ? undefined : end);
    const kind = /^kind = "(\w+)"/m.exec(block)?.[1];
    if (kind === 'single' || kind === 'multiple') {
      const values = [...block.matchAll(/value = "([^"]+)"[^\n]*correct = true/g)].map((m) => m[1]);
      return kind === 'single' ? values[0] : values;
    }
    if (kind === 'number') return /^answer = (.+)$/m.exec(block)[1].trim();
    return /^accept = \["([^"]+)"/m.exec(block)[1];
  }

  /** Types into a text field of the step's form. */
  async type(fieldId, text) {
    const input = await this.browser.$(byTestId(`field-${fieldId}-input`));
    await input.clearValue();
    await input.setValue(text);
  }

  /**
   * Replaces a code editor's text as a paste does: select all with the keyboard, then a paste
   * event carrying the text (typing it would go through auto-indent; inserting it into the
   * editable DOM would turn runs of spaces into no-break spaces).
   */
  async pasteInto(editorTestId, text) {
    const selector = `${byTestId(editorTestId)} .cm-content`;
    await (await this.browser.$(selector)).click();
    await this.browser.keys(['Control', 'a']);
    await this.browser.execute(
      (target, code) => {
        const data = new DataTransfer();
        data.setData('text/plain', code);
        const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
        document.querySelector(target).dispatchEvent(paste);
      },
      selector,
      text,
    );
    const lines = await this.browser.execute(
      (target) => [...document.querySelectorAll(target)].map((line) => line.textContent).join('\n'),
      `${byTestId(editorTestId)} .cm-line`,
    );
    assert.equal(lines.trimEnd(), text.trimEnd(), 'the editor holds what was pasted');
  }
}
