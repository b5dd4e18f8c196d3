// The concept quizzes through the real app window: the catalog shows the theme quizzes as cards
// of their own; a question answered wrongly first says so without giving the answer away, and
// answered rightly then earns half its points and shows the explanation; a number typed the
// Korean way (75만) is read; the lab's score follows. The catalog and the settled question are
// saved as screenshots.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Harness, byTestId } from './app.mjs';

const app = new Harness();
before(() => app.start());
after(() => app.stop());

const attribute = async (testId, name) => (await app.$(byTestId(testId))).getAttribute(name);
const textOf = async (testId) => (await app.$(byTestId(testId))).getText();

test('a learner answers a question wrongly, then rightly, and sees the explanation and the score', async () => {
  // The theme quizzes have cards of their own, below the labs.
  const quizzes = await app.$(byTestId('quiz-list'));
  await quizzes.waitForExist({ timeout: 30_000 });
  const quizIds = [];
  for (const card of await quizzes.$$(byTestId('lab-card'))) quizIds.push(await card.getAttribute('data-lab-id'));
  assert.deepEqual(quizIds, ['quiz-lambda', 'quiz-dynamodb', 'quiz-api-gateway', 'quiz-step-functions', 'quiz-edge']);
  const labs = await app.$(byTestId('lab-list'));
  assert.equal(await (await labs.$('[data-lab-id="quiz-lambda"]')).isExisting(), false);
  assert.match(await (await quizzes.$(`[data-lab-id="quiz-lambda"] ${byTestId('lab-questions')}`)).getText(), /^22문제$/);

  await app.openLab('quiz-lambda', 'quiz-catalog');
  const first = 'serverless-meaning';
  await app.goToStep(first);
  assert.equal(await attribute('question', 'data-kind'), 'single');

  // Wrong first: said so, one more try for half, and neither the answer nor the explanation.
  const right = app.referenceAnswer(first);
  const choices = await app.browser.$$(byTestId('question-choice'));
  let wrong;
  for (const choice of choices) {
    const value = await choice.getAttribute('data-value');
    if (value !== right) {
      wrong = value;
      break;
    }
  }
  await app.answer(wrong);
  assert.equal(await app.settledStatus(first), 'failed');
  assert.equal(await attribute('question-feedback', 'data-right'), 'false');
  assert.equal(await attribute('question-feedback', 'data-settled'), 'false');
  assert.match(await textOf('question-verdict'), /한 번 더 답할 수 있고, 맞히면 절반\(2점\)/);
  assert.equal(await (await app.$(byTestId('question-explanation'))).isExisting(), false);
  assert.equal(await (await app.$(byTestId('question-right-answer'))).isExisting(), false);

  // Right second: half the points, the explanation, and no more answers.
  await app.answer(right);
  assert.equal(await app.settledStatus(first), 'passed');
  assert.equal(await attribute('question-feedback', 'data-right'), 'true');
  assert.match(await textOf('question-verdict'), /두 번째에 맞혀 4점 중 2점/);
  const explanation = await textOf('question-explanation');
  assert.ok(explanation.length > 40, explanation);
  assert.equal(await (await app.$(byTestId('question-answer'))).isEnabled(), false);
  assert.match(await textOf('lab-score'), /^2 \/ 104/);
  await app.shot('quiz-settled');

  // A number typed the Korean way is read: 750,000 GB-seconds as 75만, right the first time.
  await app.goToStep('gb-seconds');
  assert.equal(app.referenceAnswer('gb-seconds'), '750000');
  await app.answer('75만');
  assert.equal(await app.settledStatus('gb-seconds'), 'passed');
  assert.match(await textOf('question-verdict'), /6점을 모두 받았습니다/);
  assert.match(await textOf('lab-score'), /^8 \/ 104/);

  // An unreadable number is a form problem and costs no try.
  await app.goToStep('concurrency-needed');
  await app.answer('1,5');
  const problem = await app.$(byTestId('question-problem'));
  await app.browser.waitUntil(async () => (await problem.isExisting()) && /쉼표/.test(await problem.getText()), {
    timeout: 10_000,
    timeoutMsg: 'the form did not say why 1,5 cannot be read',
  });
  assert.match(await textOf('question-problem'), /쉼표는 세 자리마다/);
  assert.equal(await (await app.$(byTestId('question-feedback'))).isExisting(), false);
});
