import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { ApiError, AwslabApi } from './api';
import type { CatalogListing } from './types';

const twoLabs: CatalogListing = {
  labs: [
    {
      id: 'serverless-api',
      title: { ko: '서버리스 API 만들기', en: 'Build a serverless API' },
      estimated_minutes: 60,
      step_count: 11,
    },
    {
      id: 'cloudwatch-alarm',
      title: { ko: 'CloudWatch 경보', en: 'CloudWatch alarms' },
      estimated_minutes: 45,
      step_count: 1,
    },
  ],
  problems: [],
};

function apiReturning(listing: CatalogListing): AwslabApi {
  return { listLabs: async () => listing };
}

function apiFailingWith(rejection: unknown): AwslabApi {
  return { listLabs: async () => Promise.reject(rejection) };
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
    render(App, { api: apiReturning({ labs: [], problems: [] }) });

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
    const api: AwslabApi = {
      listLabs: async () => {
        calls += 1;
        if (calls === 1) throw { code: 'labs_unavailable', message: 'not there yet' };
        return twoLabs;
      },
    };
    render(App, { api });
    await screen.findByTestId('catalog-error');

    await fireEvent.click(screen.getByTestId('catalog-reload'));
    expect(await titles()).toHaveLength(2);
    expect(screen.queryByTestId('catalog-error')).toBeNull();
  });
});
