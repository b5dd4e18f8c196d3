import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import QuestionCard from './QuestionCard.svelte';
import type { Locale } from './i18n';
import type { FormValues, QuestionView, QuizFeedback } from './types';

const single: QuestionView = {
  kind: 'single',
  points: 6,
  source: '001',
  prompt_html: { ko: '<p>최대 실행 시간은?</p>', en: '<p>The longest run?</p>' },
  choices: [
    { value: '5m', label: { ko: '5분', en: '5 minutes' } },
    { value: '15m', label: { ko: '15분', en: '15 minutes' } },
  ],
  unit: null,
  feedback: null,
  earned: 0,
};

const number: QuestionView = {
  ...single,
  kind: 'number',
  choices: [],
  unit: { ko: 'RCU', en: 'RCUs' },
};

function renderCard(
  question: QuestionView,
  options: { values?: FormValues; feedback?: QuizFeedback | null; earned?: number; locale?: Locale } = {},
) {
  const changes: FormValues[] = [];
  let answered = 0;
  render(QuestionCard, {
    question,
    values: options.values ?? {},
    feedback: options.feedback ?? null,
    earned: options.earned ?? 0,
    locale: options.locale ?? 'en',
    onchange: (next: FormValues) => changes.push(next),
    onanswer: () => (answered += 1),
  });
  return { changes, answered: () => answered };
}

const settledRight: QuizFeedback = {
  attempt: 2,
  right: true,
  settled: true,
  tries_left: 0,
  explanation_html: { ko: '<p>15분이 한도입니다.</p>', en: '<p>The limit is <strong>15 minutes</strong>.</p>' },
  answer: { ko: '15분', en: '15 minutes' },
};

describe('QuestionCard', () => {
  it('offers each choice as a whole-row radio button and answers only once one is picked', async () => {
    const { changes, answered } = renderCard(single);
    const choices = screen.getAllByTestId('question-choice');
    expect(choices.map((choice) => choice.textContent?.trim())).toEqual(['5 minutes', '15 minutes']);
    // The label is the target: a click anywhere on the row picks it.
    expect(choices[0].querySelector('input')?.type).toBe('radio');
    const answer = screen.getByTestId('question-answer') as HTMLButtonElement;
    expect(answer.disabled).toBe(true);
    await fireEvent.click(choices[1]);
    expect(changes.at(-1)).toEqual({ answer: '15m' });
    expect(answered()).toBe(0);
  });

  it('submits a picked answer with the Answer button or Enter', async () => {
    const { answered } = renderCard(single, { values: { answer: '5m' } });
    await fireEvent.click(screen.getByTestId('question-answer'));
    expect(answered()).toBe(1);
    await fireEvent.submit(screen.getByTestId('question'));
    expect(answered()).toBe(2);
  });

  it('takes several choices as check boxes for a multiple-choice question', async () => {
    const { changes } = renderCard({ ...single, kind: 'multiple' }, { values: { answer: ['5m'] } });
    expect(screen.getByText('Pick all that apply')).toBeTruthy();
    const boxes = screen.getAllByTestId('question-choice');
    expect(boxes[0].querySelector('input')?.type).toBe('checkbox');
    await fireEvent.click(boxes[1]);
    expect(changes.at(-1)).toEqual({ answer: ['5m', '15m'] });
    // Unticking follows the box itself.
    await fireEvent.click(boxes[0]);
    expect(changes.at(-1)).toEqual({ answer: [] });
  });

  it('keeps a typed number as written, with its unit beside it, for the Rust side to read', async () => {
    const { changes } = renderCard(number);
    expect(screen.getByTestId('question-unit').textContent).toBe('RCUs');
    await fireEvent.input(screen.getByTestId('question-input'), { target: { value: '1,500' } });
    expect(changes.at(-1)).toEqual({ answer: '1,500' });
    expect(screen.getByText(/Write 1,000 or 1000/)).toBeTruthy();
  });

  it('after a wrong first try offers a second for half, with no explanation yet', () => {
    renderCard(single, {
      values: { answer: '5m' },
      feedback: { attempt: 1, right: false, settled: false, tries_left: 1, explanation_html: null, answer: null },
    });
    expect(screen.getByTestId('question-verdict').textContent).toContain('one more try, worth half the points (3)');
    expect(screen.queryByTestId('question-explanation')).toBeNull();
    expect(screen.queryByTestId('question-right-answer')).toBeNull();
    expect((screen.getByTestId('question-answer') as HTMLButtonElement).disabled).toBe(false);
  });

  it('once settled shows the points, the right answer and the explanation, and takes no more answers', () => {
    renderCard(single, { values: { answer: '15m' }, feedback: settledRight, earned: 3, locale: 'ko' });
    expect(screen.getByTestId('question-verdict').textContent).toContain('6점 중 3점');
    expect(screen.getByTestId('question-right-answer').textContent).toContain('15분');
    expect(screen.getByTestId('question-explanation').textContent).toContain('15분이 한도입니다.');
    expect((screen.getByTestId('question-answer') as HTMLButtonElement).disabled).toBe(true);
    const right = screen.getAllByTestId('question-choice').find((c) => c.classList.contains('right'));
    expect(right?.dataset.value).toBe('15m');
  });

  it('shows why a typed number cannot be read', () => {
    render(QuestionCard, {
      question: number,
      values: { answer: '1,5' },
      problem: { ko: '읽을 수 없습니다', en: 'cannot be read' },
      locale: 'en',
      onchange: () => {},
      onanswer: () => {},
    });
    expect(screen.getByTestId('question-problem').textContent).toBe('cannot be read');
    expect(screen.getByTestId('question-input').getAttribute('aria-invalid')).toBe('true');
  });
});
