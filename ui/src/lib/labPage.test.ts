import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AwslabApi } from './api';
import { LabPage, runsHere, stepStatus, ungradedChecks } from './labPage.svelte';
import { fakeApi, labDefinition, standing, stepDefinition } from './testing';
import type { OpenedLab } from './types';

const lab = labDefinition();
const progress = standing(lab, ['passed']);
const opened: OpenedLab = { lab, progress };

async function openedPage(parts: Partial<AwslabApi>): Promise<LabPage> {
  const page = new LabPage({ api: fakeApi({ openLab: async () => opened, ...parts }), labId: lab.id, validateDelayMs: 0 });
  await page.open();
  return page;
}

describe('lab page state', () => {
  beforeEach(() => localStorage.clear());

  it('opens a started lab at its first step not passed', async () => {
    const page = await openedPage({});

    expect(page.selected).toBe(1);
    expect(page.step?.id).toBe('two');
    expect(page.statusOf('one')).toBe('passed');
  });

  it('is not busy after a failing action, and keeps its error', async () => {
    const page = await openedPage({
      revealHint: async () => {
        throw { code: 'step_not_found', message: 'no step two' };
      },
    });

    const hint = page.hint();
    expect(page.busy).toBe('hint');
    await hint;

    expect(page.busy).toBeNull();
    expect(page.error?.code).toBe('step_not_found');
    expect(page.error?.message).toContain('no step two');
  });

  it('while a Check waits on the target, says what it waits for, and nothing once it is over', async () => {
    vi.useFakeTimers();
    try {
      let finish: () => void = () => {};
      const waiting = { ko: 'addCustomer 기다리는 중… 3초', en: 'waiting for addCustomer to become Active… 3 s' };
      const page = await openedPage({
        progressNote: async () => waiting,
        checkStep: () =>
          new Promise((resolve) => (finish = () => resolve({ run: { step_id: 'two', field_problems: [], action: null, done_by_hand: false, failure: null, checks: [] }, progress, charts: [] }))),
      });

      const check = page.perform('check');
      expect(page.note).toBeNull();
      await vi.advanceTimersByTimeAsync(600);
      expect(page.note).toEqual(waiting);
      finish();
      await check;

      expect(page.busy).toBeNull();
      expect(page.note).toBeNull();
      await vi.advanceTimersByTimeAsync(1000);
      expect(page.note).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('turns a rejection that is not an API error into one', async () => {
    const page = await openedPage({});

    await page.busyWhile('export', async () => {
      throw new Error('the window went away');
    });

    expect(page.busy).toBeNull();
    expect(page.error?.code).toBe('ipc_failed');
  });

  it('runs one action at a time: a second one while the first is under way is not started', async () => {
    let finish: () => void = () => {};
    let cleanUps = 0;
    const page = await openedPage({
      exportReport: () => new Promise((resolve) => (finish = () => resolve(null))),
      cleanUpLab: async () => (cleanUps++, { deleted: [], failed: [], kept: [], remaining: [] }),
    });

    const exporting = page.exportReport('en');
    await page.cleanUp();
    expect(page.busy).toBe('export');
    finish();
    await exporting;

    expect(cleanUps).toBe(0);
    expect(page.busy).toBeNull();
    expect(page.cleanup).toBeNull();
  });

  it('says a step never tried is not started', () => {
    expect(stepStatus(progress, 'two')).toBe('not_started');
    expect(stepStatus(progress, 'missing')).toBe('not_started');
    expect(stepStatus(null, 'one')).toBe('not_started');
  });

  it('runs a step only where its action exists, and on AWS leaves out the checks graded only offline', () => {
    const shell = stepDefinition('shell', { targets: 'emulator' });
    expect([runsHere(shell, false), runsHere(shell, true)]).toEqual([true, false]);
    const awsOnly = stepDefinition('console', { targets: 'aws' });
    expect([runsHere(awsOnly, false), runsHere(awsOnly, true)]).toEqual([false, true]);
    expect(runsHere(stepDefinition('read', { has_action: false }), false)).toBe(false);

    const mailbox = { id: 'mail', points: 5, offline_only: true, message: { ko: '메일', en: 'mail' } };
    const metric = { id: 'metric', points: 5, offline_only: false, message: { ko: '지표', en: 'metric' } };
    expect(ungradedChecks([metric, mailbox], true)).toEqual([mailbox]);
    expect(ungradedChecks([metric, mailbox], false)).toEqual([]);
  });

  it('opens a fresh lab on AWS at its introduction, though some steps are offline-only there', async () => {
    const fresh = standing(lab, ['not_started', 'offline_only']);
    const page = new LabPage({ api: fakeApi({ openLab: async () => ({ lab, progress: fresh }) }), labId: lab.id, validateDelayMs: 0 });
    await page.open();
    expect(page.selected).toBe(-1);

    const rest = standing(lab, ['passed', 'offline_only']);
    const done = new LabPage({ api: fakeApi({ openLab: async () => ({ lab, progress: rest }) }), labId: lab.id, validateDelayMs: 0 });
    await done.open();
    // Nothing left to do: the summary.
    expect(done.selected).toBe(lab.steps.length);
  });
});
