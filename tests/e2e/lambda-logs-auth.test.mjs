// The lambda-logs-auth lab through the real app window on the offline emulator, with the
// authorizer step done as a learner does it: the starter authorizer (which refuses every token)
// is checked and fails, the finished handler is pasted into the code editor, and after Run the
// API answers 401 without a token, 403 for `deny` and 201 for `allow`. The authorizer step and
// the finished lab are saved as screenshots.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Harness, byTestId, root } from './app.mjs';

const labDir = path.join(root, 'labs/lambda-logs-auth');
const app = new Harness();
before(() => app.start());
after(() => app.stop());

test('a learner writes the token authorizer in the window and sees 401, 403 and 201', async () => {
  await app.openLab('lambda-logs-auth');
  const authorizer = readFileSync(path.join(labDir, 'solution/authorizer.mjs'), 'utf8');
  for (const stepId of await app.stepIds()) {
    await app.goToStep(stepId);
    if (stepId === 'create-authorizer-function') {
      // Before anything is made, the step's check fails and says why.
      await app.click('step-check');
      assert.equal(await app.settledStatus(stepId), 'failed');
      assert.ok(await (await app.$(`${byTestId('check-result')}[data-passed="false"]`)).isExisting());
      await app.pasteInto('field-code-editor', authorizer);
      await app.shot('authorizer-code');
    }
    await app.runStep(stepId);
    if (stepId === 'redeploy-with-authorizer') {
      const results = await (await app.$(byTestId('results'))).getText();
      for (const check of ['no-token-unauthorized', 'deny-token-forbidden', 'allow-token-creates']) {
        const result = await app.$(`${byTestId('check-result')}[data-check-id="${check}"]`);
        assert.equal(await result.getAttribute('data-passed'), 'true', `${check}:\n${results}`);
      }
      await app.shot('authorizer-checks');
    }
  }
  assert.equal(await (await app.$(byTestId('lab-score'))).getAttribute('data-percent'), '100');
  await app.shot('lambda-logs-auth-finished');
});
