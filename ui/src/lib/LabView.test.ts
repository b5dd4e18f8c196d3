import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import LabView from './LabView.svelte';
import type { AwslabApi } from './api';
import { fakeApi } from './testing';
import type { CleanupReport, FieldProblem, FormValues, LabProgress, OpenedLab, StepOutcome, StepRun, StepStatus, TargetView } from './types';

const opened: OpenedLab = {
  lab: {
    id: 'serverless-api',
    title: { ko: '서버리스 API', en: 'Serverless API' },
    estimated_minutes: 60,
    pass_percent: 70,
    cost_usd: 0.01,
    cost_note: { ko: '프리 티어', en: 'free tier' },
    intro_html: { ko: '<p>소개</p>', en: '<p>Intro</p>' },
    steps: [
      {
        id: 'create-table',
        title: { ko: '테이블 만들기', en: 'Create the table' },
        html: { ko: '<p>테이블을 만듭니다.</p>', en: '<p>Make the table.</p>' },
        fields: [
          {
            id: 'table_name',
            label: { ko: '테이블 이름', en: 'Table name' },
            help: null,
            required: true,
            kind: { kind: 'text', naming: 'dynamodb-table', max_length: null },
            default: 'customers',
          },
          {
            id: 'read_units',
            label: { ko: '읽기 용량', en: 'Read units' },
            help: null,
            required: false,
            kind: { kind: 'number', min: 1, max: 100, integer: true },
            default: null,
          },
        ],
        has_action: true,
        targets: 'both',
        checks: [{ id: 'table-keyed', points: 10, offline_only: false, message: { ko: '키가 customer_id여야 합니다.', en: 'The key must be customer_id.' } }],
        hints: [
          { ko: '<p>첫 힌트</p>', en: '<p>First hint</p>' },
          { ko: '<p>둘째 힌트</p>', en: '<p>Second hint</p>' },
        ],
        question: null,
      },
      {
        id: 'see-item',
        title: { ko: '항목 보기', en: 'See the item' },
        html: { ko: '<p>항목</p>', en: '<p>Item</p>' },
        fields: [],
        has_action: false,
        targets: 'both',
        checks: [],
        hints: [],
        question: null,
      },
    ],
    summary: null,
    total_points: 10,
    services: ['dynamodb'],
  },
  progress: progressWith('not_started', 0),
};

function progressWith(status: StepStatus, hints: number, earned = 0): LabProgress {
  return {
    lab_id: 'serverless-api',
    target: 'emulator',
    steps: [
      { step_id: 'create-table', status, earned, possible: 10, hints_revealed: hints },
      { step_id: 'see-item', status: 'not_started', earned: 0, possible: 0, hints_revealed: 0 },
    ],
    score: { earned, possible: 10, percent: earned * 10, pass_percent: 70, passed: earned >= 7 },
  };
}

const failedRun: StepRun = {
  step_id: 'create-table',
  field_problems: [],
  action: {
    action: 'dynamodb.create_table',
    calls: [
      {
        service: 'dynamodb',
        operation: 'CreateTable',
        parameters: { TableName: 'customers' },
        cli: 'aws dynamodb create-table --table-name customers',
      },
    ],
    created: [],
    response: { TableArn: 'arn:aws:dynamodb:ap-northeast-2:000000000000:table/customers' },
    failure: null,
    note: null,
  },
  done_by_hand: false,
  failure: null,
  checks: [
    {
      id: 'table-keyed',
      kind: 'dynamodb.table',
      passed: false,
      points: 0,
      possible: 10,
      differences: [{ path: 'KeySchema[0].AttributeName', expected: { ko: 'customer_id', en: 'customer_id' }, found: { ko: 'id', en: 'id' } }],
      missing: false,
      failure: null,
      observed: null,
      diagnosis: null,
      history: null,
      feedback: null,
    },
  ],
};

function openAt(progress: LabProgress, parts: Partial<AwslabApi> = {}): AwslabApi {
  return fakeApi({ openLab: async () => ({ ...opened, progress }), ...parts });
}

describe('lab view', () => {
  beforeEach(() => localStorage.clear());

  it('opens on the introduction for a new lab and starts at the first step', async () => {
    render(LabView, { api: openAt(progressWith('not_started', 0)), labId: 'serverless-api', locale: 'en', onclose: () => {} });

    expect((await screen.findByTestId('lab-intro')).textContent).toContain('Intro');
    await fireEvent.click(screen.getByTestId('lab-start'));
    expect(screen.getByTestId('step-title').textContent).toBe('Create the table');
    expect((screen.getByTestId('field-table_name-input') as HTMLInputElement).value).toBe('customers');
  });

  it('continues at the first step that is not passed', async () => {
    render(LabView, { api: openAt(progressWith('failed', 0)), labId: 'serverless-api', locale: 'ko', onclose: () => {} });

    expect((await screen.findByTestId('step-title')).textContent).toBe('테이블 만들기');
    const link = screen.getAllByTestId('step-link')[0];
    expect(link.dataset.status).toBe('failed');
    expect(link.getAttribute('aria-current')).toBe('step');
  });

  it('shows the Rust rules’ problem under the field as the learner types, and clears it', async () => {
    const asked: FormValues[] = [];
    const validateForm = async (_lab: string, _step: string, values: FormValues): Promise<FieldProblem[]> => {
      asked.push(values);
      return values.table_name === 'ab'
        ? [{ field: 'table_name', message: { ko: '3자 이상', en: 'at least 3 characters' } }]
        : [];
    };
    render(LabView, {
      api: openAt(progressWith('failed', 0), { validateForm }),
      labId: 'serverless-api',
      locale: 'en',
      onclose: () => {},
      validateDelayMs: 0,
    });
    const input = (await screen.findByTestId('field-table_name-input')) as HTMLInputElement;

    await fireEvent.input(input, { target: { value: 'ab' } });
    expect((await screen.findByTestId('field-table_name-problem')).textContent).toContain('at least 3 characters');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain('problem-table_name');

    await fireEvent.input(input, { target: { value: 'abc' } });
    await waitFor(() => expect(screen.queryByTestId('field-table_name-problem')).toBeNull());
    expect(asked.at(-1)).toEqual({ table_name: 'abc', read_units: null });
  });

  it('sends a number field as a number, and text that is not one as text', async () => {
    const asked: FormValues[] = [];
    render(LabView, {
      api: openAt(progressWith('failed', 0), { validateForm: async (_l, _s, values) => (asked.push(values), []) }),
      labId: 'serverless-api',
      locale: 'en',
      onclose: () => {},
      validateDelayMs: 0,
    });
    const input = await screen.findByTestId('field-read_units-input');

    await fireEvent.input(input, { target: { value: '5' } });
    await waitFor(() => expect(asked.at(-1)?.read_units).toBe(5));
    await fireEvent.input(input, { target: { value: 'five' } });
    await waitFor(() => expect(asked.at(-1)?.read_units).toBe('five'));
  });

  it('keeps what the learner typed when they leave the step and come back', async () => {
    render(LabView, { api: openAt(progressWith('failed', 0)), labId: 'serverless-api', locale: 'en', onclose: () => {}, validateDelayMs: 0 });
    const input = await screen.findByTestId('field-table_name-input');
    await fireEvent.input(input, { target: { value: 'orders' } });

    await fireEvent.click(screen.getAllByTestId('step-link')[1]);
    await fireEvent.click(screen.getAllByTestId('step-link')[0]);

    expect((screen.getByTestId('field-table_name-input') as HTMLInputElement).value).toBe('orders');
  });

  it('runs the step with the form values and shows calls, CLI, response and the per-field diff', async () => {
    const sent: FormValues[] = [];
    const runStep = async (_lab: string, _step: string, values: FormValues): Promise<StepOutcome> => {
      sent.push(values);
      return { run: failedRun, progress: progressWith('failed', 0), charts: [] };
    };
    render(LabView, { api: openAt(progressWith('not_started', 0), { runStep }), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    await fireEvent.click(await screen.findByTestId('lab-start'));

    await fireEvent.click(screen.getByTestId('step-run'));

    const results = await screen.findByTestId('results');
    expect(sent).toEqual([{ table_name: 'customers', read_units: null }]);
    expect(within(results).getByTestId('cli-command').textContent).toBe('aws dynamodb create-table --table-name customers');
    expect(within(results).getByTestId('action-response').textContent).toContain('table/customers');
    const check = within(results).getByTestId('check-result');
    expect(check.dataset.passed).toBe('false');
    expect(check.textContent).toContain('The key must be customer_id.');
    const diff = within(results).getByTestId('check-differences');
    expect(diff.textContent).toContain('KeySchema[0].AttributeName');
    expect(diff.textContent).toContain('customer_id');
    expect(diff.textContent).toContain('id');
    expect(screen.getAllByTestId('step-link')[0].dataset.status).toBe('failed');
  });

  it('reveals hints one by one and stops at the last', async () => {
    let shown = 0;
    const revealHint = async () => progressWith('failed', ++shown);
    render(LabView, { api: openAt(progressWith('failed', 0), { revealHint }), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    const button = await screen.findByTestId('step-hint');
    expect(screen.queryByTestId('hints')).toBeNull();

    await fireEvent.click(button);
    await waitFor(() => expect(screen.getAllByTestId('hint')).toHaveLength(1));
    await fireEvent.click(button);
    await waitFor(() => expect(screen.getAllByTestId('hint')).toHaveLength(2));
    expect(screen.getAllByTestId('hint')[1].textContent).toBe('Second hint');
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('says the target is unreachable in words, with the detail', async () => {
    const runStep = async (): Promise<StepOutcome> => {
      throw { code: 'target_unavailable', message: 'the offline emulator is still starting' };
    };
    render(LabView, { api: openAt(progressWith('failed', 0), { runStep }), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    await fireEvent.click(await screen.findByTestId('step-run'));

    const error = await screen.findByTestId('step-error');
    expect(error.textContent).toContain('cannot be reached');
    expect(error.textContent).toContain('still starting');
  });

  it('leaves the page not busy after a failing Check, with its error shown', async () => {
    let fail: (reason: unknown) => void = () => {};
    const checkStep = () => new Promise<StepOutcome>((_resolve, reject) => (fail = reject));
    render(LabView, { api: openAt(progressWith('failed', 0), { checkStep }), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    const check = (await screen.findByTestId('step-check')) as HTMLButtonElement;

    await fireEvent.click(check);
    expect(check.textContent?.trim()).toBe('Checking…');
    expect((screen.getByTestId('step-run') as HTMLButtonElement).disabled).toBe(true);

    fail({ code: 'progress_unavailable', message: 'progress.json is read-only' });
    expect((await screen.findByTestId('step-error')).textContent).toContain('progress.json is read-only');
    expect(check.textContent?.trim()).toBe('Check');
    for (const id of ['step-run', 'step-check', 'step-skip', 'export-report', 'reset-lab']) {
      expect((screen.getByTestId(id) as HTMLButtonElement).disabled, id).toBe(false);
    }
  });

  it('resets only after confirmation, and goes back to the introduction', async () => {
    let resets = 0;
    const resetLab = async () => (resets++, progressWith('not_started', 0));
    render(LabView, { api: openAt(progressWith('failed', 0), { resetLab }), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    await fireEvent.click(await screen.findByTestId('reset-lab'));
    await fireEvent.click(screen.getByTestId('reset-cancel'));
    expect(resets).toBe(0);

    await fireEvent.click(screen.getByTestId('reset-lab'));
    await fireEvent.click(screen.getByTestId('reset-confirm'));
    await screen.findByTestId('lab-intro');
    expect(resets).toBe(1);
  });

  it('on AWS, shows the cost and Clean up before the first Run, and runs only once accepted', async () => {
    let runs = 0;
    const runStep = async (): Promise<StepOutcome> => (runs++, { run: failedRun, progress: progressWith('failed', 0), charts: [] });
    const target: TargetView = { kind: 'aws', endpoint: null, profile: null, region: 'ap-northeast-2', account: '1', arn: 'arn:aws:iam::1:user/me' };
    // `props:` because `target` is also a mount option of the testing library.
    render(LabView, {
      props: { api: openAt(progressWith('failed', 0), { runStep }), labId: 'serverless-api', locale: 'en', target, onclose: () => {} },
    });

    await fireEvent.click(await screen.findByTestId('step-run'));
    const dialog = screen.getByTestId('cost-confirm');
    expect(dialog.textContent).toContain('about $0.01');
    expect(dialog.textContent).toContain('Clean up');
    expect(screen.getByTestId('clean-up')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('cost-cancel'));
    expect(runs).toBe(0);

    await fireEvent.click(screen.getByTestId('step-run'));
    await fireEvent.click(screen.getByTestId('cost-accept'));
    await screen.findByTestId('results');
    expect(runs).toBe(1);

    await fireEvent.click(screen.getByTestId('step-run'));
    await waitFor(() => expect(runs).toBe(2));
    expect(screen.queryByTestId('cost-confirm')).toBeNull();
  });

  it('on AWS, offers no Run on a step whose action exists only offline, and checks it there', async () => {
    const checks: string[] = [];
    const checkStep = async (_lab: string, stepId: string): Promise<StepOutcome> => (
      checks.push(stepId), { run: { ...failedRun, action: null }, progress: progressWith('failed', 0), charts: [] }
    );
    const offlineStep = { ...opened.lab.steps[0], targets: 'emulator' as const };
    const api = fakeApi({
      openLab: async () => ({ lab: { ...opened.lab, steps: [offlineStep, opened.lab.steps[1]] }, progress: progressWith('failed', 0) }),
      checkStep,
    });
    const target: TargetView = { kind: 'aws', endpoint: null, profile: null, region: 'ap-northeast-2', account: '1', arn: 'arn:aws:iam::1:user/me' };
    render(LabView, { props: { api, labId: 'serverless-api', locale: 'en', target, onclose: () => {} } });

    expect((await screen.findByTestId('step-by-hand')).textContent).toContain('by hand');
    expect(screen.queryByTestId('step-run')).toBeNull();
    await fireEvent.click(screen.getByTestId('step-check'));
    await screen.findByTestId('results');
    expect(checks).toEqual(['create-table']);
  });

  it('says it is cleaning up, not resetting, while Clean up runs, and then what it deleted', async () => {
    let finish: (report: CleanupReport) => void = () => {};
    const cleanUpLab = () => new Promise<CleanupReport>((resolve) => (finish = resolve));
    const target: TargetView = { kind: 'aws', endpoint: null, profile: null, region: 'ap-northeast-2', account: '1', arn: 'arn:aws:iam::1:user/me' };
    render(LabView, {
      props: { api: openAt(progressWith('failed', 0), { cleanUpLab }), labId: 'serverless-api', locale: 'en', target, onclose: () => {} },
    });

    await fireEvent.click(await screen.findByTestId('clean-up'));
    expect(screen.getByTestId('clean-up').textContent?.trim()).toBe('Cleaning up…');
    expect(screen.getByTestId('reset-lab').textContent?.trim()).toBe('Reset lab');
    expect((screen.getByTestId('reset-lab') as HTMLButtonElement).disabled).toBe(true);

    finish({ deleted: [], failed: [], kept: [], remaining: [] });
    expect((await screen.findByTestId('cleanup-result')).textContent).toContain('Deleted 0');
    expect(screen.getByTestId('clean-up').textContent?.trim()).toBe('Clean up');
  });

  it('offline, runs at once and offers no Clean up', async () => {
    let runs = 0;
    const runStep = async (): Promise<StepOutcome> => (runs++, { run: failedRun, progress: progressWith('failed', 0), charts: [] });
    render(LabView, { api: openAt(progressWith('failed', 0), { runStep }), labId: 'serverless-api', locale: 'en', onclose: () => {} });

    await fireEvent.click(await screen.findByTestId('step-run'));
    await waitFor(() => expect(runs).toBe(1));
    expect(screen.queryByTestId('cost-confirm')).toBeNull();
    expect(screen.queryByTestId('clean-up')).toBeNull();
  });

  it('saves the report where the learner chose, in their language, and says where', async () => {
    const asked: string[][] = [];
    const exportReport = async (labId: string, lang: string) => {
      asked.push([labId, lang]);
      return asked.length === 1 ? null : { path: '/home/me/serverless-api-report.html', sha256: 'ab12cd34ef56ab12cd34' };
    };
    render(LabView, { api: openAt(progressWith('failed', 0), { exportReport }), labId: 'serverless-api', locale: 'ko', onclose: () => {} });

    await fireEvent.click(await screen.findByTestId('export-report'));
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(screen.queryByTestId('report-saved')).toBeNull();

    await fireEvent.click(screen.getByTestId('export-report'));
    const saved = await screen.findByTestId('report-saved');
    expect(saved.textContent).toContain('/home/me/serverless-api-report.html');
    expect(saved.textContent).toContain('ab12cd34ef56');
    expect(asked).toEqual([
      ['serverless-api', 'ko'],
      ['serverless-api', 'ko'],
    ]);
  });

  it('gives every interactive element a data-testid and keeps all of them in the tab order', async () => {
    render(LabView, { api: openAt(progressWith('failed', 1)), labId: 'serverless-api', locale: 'en', onclose: () => {} });
    await screen.findByTestId('step-title');
    await fireEvent.click(screen.getByTestId('reset-lab'));

    const interactive = [...document.querySelectorAll('button, input, select, textarea, summary, a[href], [contenteditable]')];
    expect(interactive.length).toBeGreaterThan(10);
    const unnamed = interactive.filter((element) => !element.hasAttribute('data-testid'));
    expect(unnamed.map((element) => element.outerHTML)).toEqual([]);
    const untabbable = interactive.filter((element) => element.getAttribute('tabindex') === '-1');
    expect(untabbable).toEqual([]);
  });
});
