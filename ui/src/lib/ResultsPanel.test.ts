import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ResultsPanel from './ResultsPanel.svelte';
import type { StepRun } from './types';

const invoked: StepRun = {
  step_id: 'test-function',
  field_problems: [],
  action: {
    action: 'lambda.invoke',
    calls: [
      { service: 'lambda', operation: 'Invoke', parameters: {}, cli: "aws lambda invoke --function-name addCustomer out.json" },
    ],
    created: [],
    response: {
      StatusCode: 200,
      FunctionError: null,
      Payload: { code: 200 },
      LogLines: ['START RequestId: 1 Version: $LATEST', "{'customer_id': '1'}", 'END RequestId: 1'],
    },
    failure: null,
    note: null,
  },
  done_by_hand: false,
  failure: null,
  checks: [],
};

describe('results panel', () => {
  it('shows the log lines of the function that ran, apart from the response', () => {
    render(ResultsPanel, { run: invoked, checks: [], locale: 'en' });

    expect(screen.getByTestId('log-lines').textContent).toBe(
      "START RequestId: 1 Version: $LATEST\n{'customer_id': '1'}\nEND RequestId: 1",
    );
    const response = screen.getByTestId('action-response').textContent ?? '';
    expect(JSON.parse(response)).toEqual({ StatusCode: 200, Payload: { code: 200 } });
  });

  it('copies the CLI command and says so', async () => {
    const copied: string[] = [];
    render(ResultsPanel, { run: invoked, checks: [], locale: 'ko', copy: async (text: string) => void copied.push(text) });

    await fireEvent.click(screen.getByTestId('copy-cli'));

    expect(copied).toEqual(['aws lambda invoke --function-name addCustomer out.json']);
    expect(screen.getByTestId('copy-cli').textContent).toBe('복사됨');
  });

  it('explains an AWS error in plain words next to its code', () => {
    const refused: StepRun = {
      ...invoked,
      action: {
        ...invoked.action!,
        response: null,
        failure: {
          service: 'lambda',
          operation: 'Invoke',
          code: 'ResourceNotFoundException',
          message: 'Function not found: arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer',
          explanation: { ko: '함수가 없습니다.', en: 'The function does not exist yet: create it in the step before.' },
        },
      },
    };
    render(ResultsPanel, { run: refused, checks: [], locale: 'en' });

    const failure = screen.getByTestId('action-failure');
    expect(failure.textContent).toContain('ResourceNotFoundException');
    expect(failure.textContent).toContain('create it in the step before');
    expect(screen.queryByTestId('action-response')).toBeNull();
  });

  it('says why a function failed, in the learner\'s language, under its check', () => {
    const raised: StepRun = {
      ...invoked,
      action: null,
      checks: [
        {
          id: 'function-stores-a-customer',
          kind: 'lambda.invocation',
          passed: false,
          points: 0,
          possible: 10,
          differences: [{ path: 'FunctionError', expected: { ko: '없음', en: 'nothing' }, found: { ko: '"Unhandled"', en: '"Unhandled"' } }],
          missing: false,
          failure: null,
          observed: null,
          diagnosis: {
            ko: '함수가 예외를 던졌습니다: TypeError: unsupported operand',
            en: 'The function raised TypeError: unsupported operand (at File "/var/task/lambda_function.py", line 2, in lambda_handler).',
          },
          history: null,
          feedback: null,
        },
      ],
    };
    const { unmount } = render(ResultsPanel, { run: raised, checks: [], locale: 'en' });
    expect(screen.getByTestId('check-diagnosis').textContent).toContain('line 2, in lambda_handler');
    unmount();

    render(ResultsPanel, { run: raised, checks: [], locale: 'ko' });
    expect(screen.getByTestId('check-diagnosis').textContent).toBe('함수가 예외를 던졌습니다: TypeError: unsupported operand');
  });

  it('says a kept result is not checked again, and an undone one that it passed before', () => {
    const note = (en: string) => ({ ko: '다시 확인하지 않았습니다.', en });
    const rechecked: StepRun = {
      step_id: 'canary',
      field_problems: [],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [
        { id: 'canary-settings', kind: 'apigateway.stage', passed: true, points: 5, possible: 5, differences: [], missing: false, failure: null, observed: null, diagnosis: null,
          history: { kind: 'kept', at_ms: Date.UTC(2026, 11, 6, 10, 30), note: note('Not checked again: the later step “Promote the canary” changes this on purpose.') }, feedback: null },
        { id: 'traffic-split', kind: 'http.traffic_split', passed: false, points: 0, possible: 10, differences: [{ path: 'Shares.v1', expected: { ko: '40 이상 60 이하', en: 'between 40 and 60' }, found: { ko: '100', en: '100' } }], missing: false, failure: null, observed: null, diagnosis: null,
          history: { kind: 'undone', at_ms: Date.UTC(2026, 11, 6, 10, 31), note: note('This passed before and fails now.') }, feedback: null },
      ],
    };
    render(ResultsPanel, { run: rechecked, checks: [], locale: 'en' });

    const [kept, undone] = screen.getAllByTestId('check-history');
    expect(kept.dataset.history).toBe('kept');
    expect(kept.textContent).toContain('the later step “Promote the canary” changes this on purpose');
    expect(kept.textContent).toMatch(/\(passed Dec 6, 2026/);
    expect(undone.dataset.history).toBe('undone');
    expect(undone.textContent).toContain('This passed before and fails now.');
    // What changed follows the note.
    expect(screen.getByTestId('check-differences').textContent).toContain('Shares.v1');
    expect(screen.getByTestId('check-differences').textContent).toContain('between 40 and 60');
  });

  it('says what differs in the learner\'s language', () => {
    const split: StepRun = {
      step_id: 'canary',
      field_problems: [],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [
        { id: 'traffic-split', kind: 'http.traffic_split', passed: false, points: 0, possible: 10, differences: [{ path: 'Shares.v1', expected: { ko: '40 이상 60 이하', en: 'between 40 and 60' }, found: { ko: '없음', en: 'nothing' } }], missing: false, failure: null, observed: null, diagnosis: null, history: null, feedback: null },
      ],
    };
    render(ResultsPanel, { run: split, checks: [], locale: 'ko' });
    const table = screen.getByTestId('check-differences').textContent ?? '';
    expect(table).toContain('40 이상 60 이하');
    expect(table).toContain('없음');
    expect(table).not.toContain('between');
  });

  it('says when a step reused what the lab made in an earlier run, and how to start it over', () => {
    const reused: StepRun = {
      ...invoked,
      action: {
        ...invoked.action!,
        action: 'dynamodb.create_table',
        response: { reused: true, kind: 'dynamodb.table', id: 'customers' },
        note: {
          ko: 'customers은(는) 이 실습이 앞서 실행할 때 만든 것이라 새로 만들지 않고 그대로 씁니다.',
          en: 'customers was made by this lab in an earlier run, so it is reused, not made again: aws dynamodb delete-table --table-name customers',
        },
      },
    };
    const { unmount } = render(ResultsPanel, { run: reused, checks: [], locale: 'en' });
    expect(screen.getByTestId('action-note').textContent).toContain('aws dynamodb delete-table --table-name customers');
    expect(screen.queryByTestId('action-failure')).toBeNull();
    unmount();

    render(ResultsPanel, { run: invoked, checks: [], locale: 'ko' });
    expect(screen.queryByTestId('action-note')).toBeNull();
  });

  it('when nothing was found, says which step makes it instead of a state to wait for', () => {
    const missing: StepRun = {
      step_id: 'alarm-settles-ok',
      field_problems: [],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [
        { id: 'alarm-ok', kind: 'cloudwatch.alarm', passed: false, points: 0, possible: 5, differences: [], missing: true, failure: null, observed: null,
          diagnosis: { ko: '경보가 아직 없습니다: 4단계에서 만듭니다.', en: 'the alarm does not exist yet: step 4 “Create the alarm” makes it.' }, history: null, feedback: null },
      ],
    };
    const checks = [{ id: 'alarm-ok', points: 5, offline_only: false, message: { ko: '기다리세요', en: 'The alarm is not OK yet: let the instance idle.' } }];
    render(ResultsPanel, { run: missing, checks, locale: 'en' });
    expect(screen.getByTestId('check-diagnosis').textContent).toContain('step 4 “Create the alarm” makes it');
    expect(screen.getByTestId('results').textContent).not.toContain('let the instance idle');
  });

  it('says nothing was sent when the form had problems', () => {
    const problems: StepRun = {
      step_id: 'x',
      field_problems: [{ field: 'name', message: { ko: '필수', en: 'required' } }],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [],
    };
    render(ResultsPanel, { run: problems, checks: [], locale: 'en' });

    expect(screen.getByTestId('results-form-problems').textContent).toBe('Fix 1 value in the form; nothing was sent.');
    expect(screen.queryByTestId('api-call')).toBeNull();
  });
});

describe('charts in the results', () => {
  it('shows the chart of a traffic-split check in the learner’s language', () => {
    const split: StepRun = {
      step_id: 'canary',
      field_problems: [],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [
        { id: 'split', kind: 'http.traffic_split', passed: true, points: 5, possible: 5, differences: [], missing: false, failure: null, observed: null, diagnosis: null, history: null, feedback: null },
      ],
    };
    const charts = [{ check_id: 'split', svg: { ko: '<svg><text>요청 100번</text></svg>', en: '<svg><text>Answers to 100 requests</text></svg>' } }];
    render(ResultsPanel, { run: split, checks: [], charts, locale: 'en' });

    expect(screen.getByTestId('check-chart').textContent).toBe('Answers to 100 requests');
  });

  it('on AWS, lists the step\'s offline-only checks as carrying no points; offline, not at all', () => {
    const mailbox = { id: 'alarm-email-arrived', points: 5, offline_only: true, message: { ko: '메일', en: 'mail' } };
    const history = { id: 'alarm-went-off', points: 10, offline_only: false, message: { ko: '기록', en: 'history' } };
    const checked: StepRun = {
      step_id: 'x',
      field_problems: [],
      action: null,
      done_by_hand: false,
      failure: null,
      checks: [
        { id: 'alarm-went-off', kind: 'cloudwatch.alarm_history', passed: true, points: 10, possible: 10, differences: [], missing: false, failure: null, observed: null, diagnosis: null, history: null, feedback: null },
      ],
    };
    const { unmount } = render(ResultsPanel, { run: checked, checks: [history, mailbox], onAws: true, locale: 'ko' });

    const ungraded = screen.getByTestId('check-offline-only');
    expect(ungraded.dataset.checkId).toBe('alarm-email-arrived');
    expect(ungraded.textContent).toContain('오프라인 전용 · AWS에서는 점수 없음');
    expect(screen.getAllByTestId('check-result').map((check) => check.dataset.checkId)).toEqual(['alarm-went-off']);
    expect(screen.getByRole('heading', { name: '채점 결과 10 / 10점' })).toBeTruthy();
    unmount();

    render(ResultsPanel, { run: checked, checks: [history, mailbox], onAws: false, locale: 'en' });
    expect(screen.queryByTestId('check-offline-only')).toBeNull();
  });
});
