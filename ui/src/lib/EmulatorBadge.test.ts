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
