// The serverless-api lab done through the real app window, as a learner does it: open the lab
// from the catalog, see a check fail, fill each step's form (the defaults, and the finished
// handler in the code editor), Run, and reach 100% on the offline emulator; look in the explorer;
// switch to English; run a finished step again (it reuses what it made); restart the app and
// find the progress kept. WebdriverIO drives the window
// through WebKitWebDriver; run it on a display (the test command uses Xvfb).
//
//   node --test --test-concurrency=1 tests/e2e/   (AWSLAB_APP=path/to/awslab-desktop, else the debug build)
//
// Screenshots of the catalog, a failed check and the finished lab go to test-artifacts/e2e/.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Harness, byTestId, root } from './app.mjs';

const labDir = path.join(root, 'labs/serverless-api');
const app = new Harness();
before(() => app.start());
after(() => app.stop());

test('a learner completes serverless-api in the window and keeps the progress', async () => {
  await app.openLab('serverless-api', 'catalog');
  // The introduction's diagram comes from the lab folder through the app's lab scheme.
  await app.click('step-link-intro');
  const diagram = await app.$(`${byTestId('lab-intro')} img`);
  await app.browser.waitUntil(async () => (await diagram.getProperty('naturalWidth')) > 0, {
    timeout: 10_000,
    timeoutMsg: 'the diagram in the introduction did not load',
  });
  await app.shot('introduction');
  await app.click('lab-start');

  // Checking before doing anything: the check fails, with its reason.
  await app.click('step-check');
  assert.equal(await app.settledStatus('create-policy'), 'failed');
  assert.ok(await (await app.$(`${byTestId('check-result')}[data-passed="false"]`)).isExisting());
  await app.shot('failed-check');

  const stepIds = await app.stepIds();
  assert.equal(stepIds.length, 16);
  const handler = readFileSync(path.join(labDir, 'solution/lambda_function.py'), 'utf8');
  for (const stepId of stepIds) {
    await app.goToStep(stepId);
    if (stepId === 'create-function') {
      await app.shot('code-editor-before');
      await app.pasteInto('field-code-editor', handler);
    }
    await app.runStep(stepId);
  }

  assert.equal(await (await app.$(byTestId('lab-score'))).getAttribute('data-percent'), '100');
  await app.shot('finished');

  // The explorer shows the stored customer, and the dev stage answers a request from it.
  await app.click('explorer-toggle');
  const items = await app.$(byTestId('explorer-items'));
  await items.waitForExist({ timeout: 20_000 });
  assert.match(await items.getText(), /2024AWS/);
  await (await app.$(`${byTestId('explorer-stage')}[data-stage="dev"] ${byTestId('explorer-send')}`)).click();
  const answer = await app.$(byTestId('explorer-answer'));
  await answer.waitForExist({ timeout: 20_000 });
  assert.match(await answer.getText(), /^403/, 'GET / has no method: API Gateway answers 403');
  await app.shot('explorer');
  await app.click('explorer-close');

  // English: the interface and the lesson.
  const koreanTitle = await (await app.$(byTestId('step-title'))).getText();
  await app.click('locale-en');
  assert.equal(await (await app.$(byTestId('step-run'))).getText(), 'Run');
  const englishTitle = await (await app.$(byTestId('step-title'))).getText();
  assert.notEqual(englishTitle, koreanTitle);
  assert.match(englishTitle, /[A-Za-z]/);
  await app.shot('finished-en');

  // Running a finished step again reuses what it made, says so with the command that deletes
  // it, and keeps the score.
  await app.goToStep('create-table');
  await app.runStep('create-table');
  const note = await app.$(byTestId('action-note'));
  await note.waitForExist({ timeout: 30_000 });
  assert.match(await note.getText(), /customers was made by this lab in an earlier run, so it is reused/);
  assert.match(await note.getText(), /aws dynamodb delete-table --table-name customers/);
  assert.equal(await (await app.$(byTestId('lab-score'))).getAttribute('data-percent'), '100');
  await app.shot('run-twice');

  // A restart keeps the progress.
  await app.close();
  await app.open();
  const again = await app.$(`${byTestId('lab-card')}[data-lab-id="serverless-api"]`);
  await again.waitForExist({ timeout: 30_000 });
  assert.equal(await (await again.$(byTestId('lab-percent'))).getText(), '100%');
  const badge = await app.$(byTestId('emulator-status'));
  await app.browser.waitUntil(async () => (await badge.getAttribute('data-state')) === 'running', {
    timeout: 30_000,
    timeoutMsg: 'the offline emulator did not start again',
  });
  await app.shot('catalog-after-restart');
});
