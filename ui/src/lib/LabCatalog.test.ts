import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { ApiError, AwslabApi } from './api';
import { fakeApi, labSummary, listing } from './testing';
import type { CatalogListing } from './types';

const twoLabs: CatalogListing = listing([
  labSummary('serverless-api', {
    title: { ko: '서버리스 API 만들기', en: 'Build a serverless API' },
    estimated_minutes: 60,
    step_count: 11,
    total_points: 160,
  }),
  labSummary('cloudwatch-alarm', {
    title: { ko: 'CloudWatch 경보', en: 'CloudWatch alarms' },
    estimated_minutes: 45,
    step_count: 1,
    total_points: 10,
  }),
]);

function apiReturning(listing: CatalogListing): AwslabApi {
  return fakeApi({ listLabs: async () => listing });
}

function apiFailingWith(rejection: unknown): AwslabApi {
  return fakeApi({ listLabs: async () => Promise.reject(rejection) });
}

async function titles(): Promise<string[]> {
  const found = await screen.findAllByTestId('lab-title');
  return found.map((title) => title.textContent ?? '');
}

describe('lab catalog', () => {
  it('shows Korean titles, minutes and steps by default', async () => {
    render(App, { api: apiReturning(twoLabs) });

    expect(await titles()).toEqual(['서버리스 API 만들기', 'CloudWatch 경보']);
    const [first] = screen.getAllByTestId('lab-card');
    expect(first.dataset.labId).toBe('serverless-api');
    expect(screen.getAllByTestId('lab-minutes')[0].textContent).toBe('약 60분');
    expect(screen.getAllByTestId('lab-steps')[0].textContent).toBe('11단계');
    expect(screen.queryByTestId('catalog-problems')).toBeNull();
  });

  it('shows English titles and text after switching to English, and back', async () => {
    render(App, { api: apiReturning(twoLabs) });
    await titles();

    await fireEvent.click(screen.getByTestId('locale-en'));
    expect(await titles()).toEqual(['Build a serverless API', 'CloudWatch alarms']);
    expect(screen.getAllByTestId('lab-minutes')[1].textContent).toBe('about 45 min');
    expect(screen.getAllByTestId('lab-steps')[1].textContent).toBe('1 step');
    expect(screen.getByTestId('locale-en').getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.lang).toBe('en');

    await fireEvent.click(screen.getByTestId('locale-ko'));
    expect(await titles()).toEqual(['서버리스 API 만들기', 'CloudWatch 경보']);
  });

  it('lists the labs that failed to load beside the ones that loaded', async () => {
    const problems = ['labs/broken/lab.toml:3:1: missing field `title`', 'labs/other: no lab.toml'];
    render(App, { api: apiReturning({ ...twoLabs, problems }) });

    const panel = await screen.findByTestId('catalog-problems');
    expect(panel.textContent).toContain('불러오지 못한 실습 2개');
    expect(screen.getAllByTestId('catalog-problem').map((item) => item.textContent)).toEqual(
      problems,
    );
    expect(screen.getAllByTestId('lab-card')).toHaveLength(2);
  });

  it('says so when there are no labs', async () => {
    render(App, { api: apiReturning(listing([])) });

    expect((await screen.findByTestId('catalog-empty')).textContent).toBe('아직 실습이 없습니다.');
  });

  it('explains a failed command with its code and message', async () => {
    const error: ApiError = {
      code: 'labs_unavailable',
      message: 'labs folder /nowhere/labs: No such file or directory',
    };
    render(App, { api: apiFailingWith(error) });

    const panel = await screen.findByTestId('catalog-error');
    expect(panel.dataset.code).toBe('labs_unavailable');
    expect(panel.textContent).toContain('실습 폴더를 읽을 수 없습니다.');
    expect(panel.textContent).toContain('/nowhere/labs: No such file or directory');
    expect(screen.queryByTestId('lab-list')).toBeNull();
  });

  it('reports a call that never reached a command as ipc_failed', async () => {
    render(App, { api: apiFailingWith(new TypeError('window.__TAURI_INTERNALS__ is undefined')) });

    const panel = await screen.findByTestId('catalog-error');
    expect(panel.dataset.code).toBe('ipc_failed');
    expect(panel.textContent).toContain('앱 내부와 통신하지 못했습니다.');
  });

  it('loads again when asked after a failure', async () => {
    let calls = 0;
    const api = fakeApi({
      listLabs: async () => {
        calls += 1;
        if (calls === 1) throw { code: 'labs_unavailable', message: 'not there yet' };
        return twoLabs;
      },
    });
    render(App, { api });
    await screen.findByTestId('catalog-error');

    await fireEvent.click(screen.getByTestId('catalog-reload'));
    expect(await titles()).toHaveLength(2);
    expect(screen.queryByTestId('catalog-error')).toBeNull();
  });

  it('shows each lab\'s score, progress bar and steps passed', async () => {
    const halfway = labSummary('serverless-api', {
      step_count: 11,
      total_points: 160,
      standing: {
        score: { earned: 120, possible: 160, percent: 75, pass_percent: 70, passed: true },
        steps_passed: 8,
        steps_graded: 11,
        last_worked_ms: Date.UTC(2025, 2, 14, 9, 30),
      },
    });
    render(App, { api: apiReturning(listing([halfway, labSummary('untouched')])) });
    await titles();

    const [first, second] = screen.getAllByTestId('lab-card');
    const within = (card: HTMLElement, id: string) =>
      card.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    expect(within(first, 'lab-score')?.textContent).toBe('120 / 160점');
    expect(within(first, 'lab-percent')?.textContent).toBe('75%');
    expect((within(first, 'lab-progress') as HTMLProgressElement).value).toBe(75);
    expect(within(first, 'lab-steps-passed')?.textContent?.trim()).toBe('11단계 중 8단계 통과');
    expect(within(first, 'lab-passed')?.textContent).toBe('합격');
    expect(within(first, 'lab-last-worked')?.textContent).toContain('마지막 학습:');
    expect(within(first, 'lab-last-worked')?.textContent).toContain('2025');

    expect(within(second, 'lab-score')?.textContent).toBe('0 / 40점');
    expect((within(second, 'lab-progress') as HTMLProgressElement).value).toBe(0);
    expect(within(second, 'lab-passed')).toBeNull();
    expect(within(second, 'lab-last-worked')?.textContent?.trim()).toBe('아직 시작하지 않음');

    await fireEvent.click(screen.getByTestId('locale-en'));
    expect(within(first, 'lab-score')?.textContent).toBe('120 / 160 points');
    expect(within(first, 'lab-steps-passed')?.textContent?.trim()).toBe('8 of 11 steps passed');
    expect(within(first, 'lab-last-worked')?.textContent).toContain('Last worked on');
  });

  it('shows the theme quizzes as cards of their own, counted in questions', async () => {
    const quiz = labSummary('quiz-lambda', { quiz: true, question_count: 22, step_count: 22 });
    quiz.standing.steps_graded = 22;
    render(App, { api: apiReturning(listing([labSummary('serverless-api'), quiz])) });
    await titles();

    const labs = screen.getByTestId('lab-list');
    const quizzes = screen.getByTestId('quiz-list');
    expect(labs.querySelector('[data-lab-id="serverless-api"]')).not.toBeNull();
    expect(labs.querySelector('[data-lab-id="quiz-lambda"]')).toBeNull();
    const card = quizzes.querySelector('[data-lab-id="quiz-lambda"]') as HTMLElement;
    expect(card.querySelector('[data-testid="lab-questions"]')?.textContent).toBe('22문제');
    expect(card.querySelector('[data-testid="lab-steps"]')).toBeNull();
    expect(card.querySelector('[data-testid="lab-steps-passed"]')?.textContent?.trim()).toBe('22문제 중 0문제 맞힘');
    expect(screen.getByText('개념 퀴즈')).toBeTruthy();
  });

  it('counts the steps passed of those graded on the target (on AWS, not the offline-only ones)', async () => {
    const onAws = labSummary('cloudwatch-alarm', {
      step_count: 11,
      total_points: 110,
      standing: {
        score: { earned: 110, possible: 110, percent: 100, pass_percent: 70, passed: true },
        steps_passed: 10,
        steps_graded: 10,
        last_worked_ms: null,
      },
    });
    render(App, { api: apiReturning(listing([onAws])) });
    await titles();

    expect(screen.getByTestId('lab-steps').textContent).toBe('11단계');
    expect(screen.getByTestId('lab-steps-passed').textContent?.trim()).toBe('10단계 중 10단계 통과');
    expect(screen.getByTestId('lab-score').textContent).toBe('110 / 110점');
  });

  it('marks only the lab to continue, and keeps the order it was given', async () => {
    const labs = [labSummary('first'), labSummary('second'), labSummary('third')];
    render(App, { api: apiReturning(listing(labs, { continue_lab_id: 'second' })) });
    await titles();

    const cards = screen.getAllByTestId('lab-card');
    expect(cards.map((card) => card.dataset.labId)).toEqual(['first', 'second', 'third']);
    const markers = screen.getAllByTestId('lab-continue');
    expect(markers).toHaveLength(1);
    expect(markers[0].closest('[data-testid="lab-card"]')).toBe(cards[1]);
    expect(markers[0].textContent).toBe('이어서 하기');
  });

  it('shows no continue marker when no lab was worked on', async () => {
    render(App, { api: apiReturning(twoLabs) });
    await titles();

    expect(screen.queryByTestId('lab-continue')).toBeNull();
  });

  it('says when a damaged progress file was replaced, and where it was kept', async () => {
    const notice = 'Your progress file was damaged (not a database). It was kept as /d/p.corrupt-1';
    render(App, { api: apiReturning({ ...twoLabs, progress_recovered: notice }) });

    const panel = await screen.findByTestId('progress-recovered');
    expect(panel.textContent).toContain('진도 파일이 손상되어');
    expect(panel.textContent).toContain('/d/p.corrupt-1');
  });

  it('explains a progress file that cannot be opened', async () => {
    const error: ApiError = {
      code: 'progress_unavailable',
      message: 'the progress file /d/progress.sqlite3 was written by a newer version of awslab',
    };
    render(App, { api: apiFailingWith(error) });

    const panel = await screen.findByTestId('catalog-error');
    expect(panel.dataset.code).toBe('progress_unavailable');
    expect(panel.textContent).toContain('진도 파일을 열 수 없습니다.');
    expect(panel.textContent).toContain('newer version of awslab');
  });
});

describe('opening a lab', () => {
  it('opens the lab view from a card, and comes back to the catalog', async () => {
    const opened: string[] = [];
    const api = fakeApi({
      listLabs: async () => twoLabs,
      openLab: async (labId) => {
        opened.push(labId);
        throw { code: 'lab_not_found', message: `there is no lab \`${labId}\`` };
      },
    });
    render(App, { api });
    const [, second] = await screen.findAllByTestId('lab-open');

    await fireEvent.click(second);

    expect((await screen.findByTestId('lab-error')).textContent).toContain('there is no lab `cloudwatch-alarm`');
    expect(opened).toEqual(['cloudwatch-alarm']);
    await fireEvent.click(screen.getByTestId('lab-back'));
    expect(await titles()).toEqual(['서버리스 API 만들기', 'CloudWatch 경보']);
  });
});

describe('score chart', () => {
  it('draws the score over time on the card of a lab worked on, and none on a new one', async () => {
    const worked = listing([
      labSummary('serverless-api', {
        standing: {
          score: { earned: 80, possible: 160, percent: 50, pass_percent: 70, passed: false },
          steps_passed: 6,
          steps_graded: 11,
          last_worked_ms: 1_700_000_000_000,
        },
      }),
      labSummary('cloudwatch-alarm'),
    ]);
    const asked: string[] = [];
    const api = fakeApi({
      listLabs: async () => worked,
      scoreChart: async (labId, lang) => (asked.push(`${labId}/${lang}`), '<svg data-points="2"></svg>'),
    });
    render(App, { api });

    const chart = await screen.findByTestId('score-chart');
    expect(chart.closest('[data-testid="lab-card"]')?.getAttribute('data-lab-id')).toBe('serverless-api');
    expect(chart.querySelector('svg')?.dataset.points).toBe('2');
    expect(screen.getAllByTestId('score-chart')).toHaveLength(1);
    expect(asked).toEqual(['serverless-api/ko']);
  });
});

describe('progress file that cannot be opened', () => {
  it('still lists the labs, and says scores are not kept and why', async () => {
    const api = fakeApi({
      listLabs: async () =>
        listing([labSummary('serverless-api')], {
          progress_unavailable: 'cannot open the progress file /home/me/.local/share/awslab/progress.sqlite3: permission denied',
        }),
    });
    render(App, { api });

    expect(await titles()).toEqual(['serverless-api 실습']);
    const panel = screen.getByTestId('progress-unavailable');
    expect(panel.textContent).toContain('점수가 기록되지 않습니다');
    expect(panel.textContent).toContain('permission denied');
  });
});
