// The cloudwatch-alarm lab's alarm steps through the real app window on the offline emulator:
// launch the instance, download in its terminal, subscribe and confirm from the mailbox, create
// the alarm (threshold and description typed in), the large download, the alarm firing; then
// the terminal, the alarm e-mail in the mailbox, and the alarm graph, saved as a screenshot.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Harness, byTestId } from './app.mjs';

const app = new Harness();
before(() => app.start());
after(() => app.stop());

test('a learner sets off the volume alarm and sees it in the graph and the mailbox', async () => {
  await app.openLab('cloudwatch-alarm');
  for (const stepId of await app.stepIds()) {
    await app.goToStep(stepId);
    if (stepId === 'create-alarm') {
      await app.type('threshold', '100000');
      await app.type('description', 'Too many writes on the EBS volume');
    }
    await app.runStep(stepId);
  }
  assert.equal(await (await app.$(byTestId('lab-score'))).getAttribute('data-percent'), '100');

  // The terminal on the instance: the two downloads are there.
  await app.click('terminal-toggle');
  const input = await app.$(byTestId('terminal-input'));
  await input.waitForEnabled({ timeout: 20_000 });
  await input.setValue('ls -l');
  await app.browser.keys('Enter');
  const screen = await app.$(byTestId('terminal-screen'));
  await app.browser.waitUntil(async () => /Anaconda3/.test(await screen.getText()), {
    timeout: 20_000,
    timeoutMsg: 'ls did not show the installer',
  });
  assert.match(await screen.getText(), /ratings_train\.txt/);
  await app.shot('terminal');
  await app.click('terminal-close');

  // The mailbox holds the alarm's e-mail.
  await app.click('mailbox-toggle');
  const alarmMail = await app.$(`${byTestId('mail')}[data-kind="Notification"]`);
  await alarmMail.waitForExist({ timeout: 20_000 });
  assert.match(await alarmMail.getText(), /ALARM: "awslab_cloudwatch_toomuch_volume_alarm"/);
  await alarmMail.click();
  await app.shot('mailbox');
  await app.click('mailbox-close');

  // The graph: datapoints, threshold and the ALARM band.
  await app.click('graph-toggle');
  const graph = await app.$(`${byTestId('alarm-graph')}[data-alarm="awslab_cloudwatch_toomuch_volume_alarm"]`);
  await graph.waitForExist({ timeout: 20_000 });
  assert.ok(['ALARM', 'OK'].includes(await graph.getAttribute('data-state')));
  assert.ok(await (await graph.$('svg')).isExisting(), 'the graph is drawn');
  await app.shot('alarm-graph');
});
