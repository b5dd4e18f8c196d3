import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { fakeApi, running } from './testing';
import type { EmulatorStatus } from './types';

async function badgeIn(state: string): Promise<HTMLElement> {
  const badge = screen.getByTestId('emulator-status');
  await waitFor(() => expect(badge.dataset.state).toBe(state));
  return badge;
}

describe('emulator status badge', () => {
  it('says where the offline emulator runs', async () => {
    render(App, { api: fakeApi() });

    const badge = await badgeIn('running');
    expect(badge.textContent).toContain('오프라인 에뮬레이터 실행 중: http://127.0.0.1:45678');
    expect(screen.queryByTestId('emulator-detail')).toBeNull();

    await fireEvent.click(screen.getByTestId('locale-en'));
    expect(badge.textContent).toContain('Offline emulator running at http://127.0.0.1:45678');
  });

  it('shows starting, then asks again until the emulator is up', async () => {
    const answers: EmulatorStatus[] = [{ state: 'starting' }, { state: 'starting' }, running];
    let calls = 0;
    const api = fakeApi({ emulatorStatus: async () => answers[Math.min(calls++, 2)] });
    render(App, { api, pollMs: 1 });

    expect(screen.getByTestId('emulator-status').textContent).toContain(
      '오프라인 에뮬레이터를 시작하는 중…',
    );
    await badgeIn('running');
    expect(calls).toBe(3);
  });

  it('warns when the state is kept in memory only', async () => {
    const warning = 'the offline emulator cannot keep its state in /ro/emulator (Permission denied)';
    render(App, { api: fakeApi({ emulatorStatus: async () => ({ ...running, warning }) }) });

    await badgeIn('running');
    const detail = screen.getByTestId('emulator-detail');
    expect(detail.textContent).toContain('상태를 메모리에만 보관합니다');
    expect(detail.textContent).toContain('/ro/emulator (Permission denied)');
  });

  it('says which damaged state files were set aside, one sentence each', async () => {
    const notices = [
      '/d/state.sqlite3 is damaged (it is not a SQLite database), so it was moved to /d/state.sqlite3.damaged-20261206T081500Z and the emulator started without the IAM roles and policies, Lambda functions, API Gateway APIs, EC2 instances, CloudWatch alarms and SNS topics saved in it.',
      '/d/logs.sqlite3 is damaged (SQLite\'s integrity check found it corrupt), so it was moved to /d/logs.sqlite3.damaged-20261206T081500Z and the emulator started without the CloudWatch Logs\' log groups, streams and events saved in it.',
    ];
    render(App, { api: fakeApi({ emulatorStatus: async () => ({ ...running, notices }) }) });

    await badgeIn('running');
    const shown = screen.getAllByTestId('emulator-notice').map((notice) => notice.textContent ?? '');
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain('손상된 저장 파일을 따로 옮겨 두었습니다');
    expect(shown[0]).toContain(notices[0]);
    expect(shown[1]).toContain(notices[1]);
    expect(screen.queryByTestId('emulator-detail')).toBeNull();
  });

  it('explains a failure in words', async () => {
    const failed: EmulatorStatus = {
      state: 'failed',
      message: 'the offline emulator could not start: cannot listen on 127.0.0.1:0: denied',
    };
    render(App, { api: fakeApi({ emulatorStatus: async () => failed }) });

    const badge = await badgeIn('failed');
    expect(badge.textContent).toContain('오프라인 에뮬레이터를 시작하지 못했습니다');
    expect(screen.getByTestId('emulator-detail').textContent).toBe(failed.message);
  });

  it('says the status is unknown when the command cannot be reached', async () => {
    const api = fakeApi({ emulatorStatus: async () => Promise.reject('emulator_status not allowed') });
    render(App, { api });

    await badgeIn('unreachable');
    expect(screen.getByTestId('emulator-status').textContent).toContain(
      '에뮬레이터 상태를 알 수 없습니다',
    );
    expect(screen.getByTestId('emulator-detail').textContent).toBe('emulator_status not allowed');
  });
});
