import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StepActions from './StepActions.svelte';
import type { BusyAction } from './labPage.svelte';
import { stepDefinition } from './testing';
import type { Locale } from './i18n';
import type { CheckView, StepStatus, Targets } from './types';

const pressed: string[] = [];

function renderActions(
  options: {
    hasAction?: boolean;
    targets?: Targets;
    checks?: CheckView[];
    onAws?: boolean;
    locale?: Locale;
    status?: StepStatus;
    hintsRevealed?: number;
    busy?: BusyAction | null;
  } = {},
) {
  pressed.length = 0;
  return render(StepActions, {
    step: stepDefinition('one', { has_action: options.hasAction ?? true, targets: options.targets ?? 'both', checks: options.checks ?? [] }),
    status: options.status ?? 'failed',
    hintsRevealed: options.hintsRevealed ?? 0,
    busy: options.busy ?? null,
    onAws: options.onAws ?? false,
    locale: options.locale ?? 'en',
    onrun: () => pressed.push('run'),
    oncheck: () => pressed.push('check'),
    onhint: () => pressed.push('hint'),
    onskip: () => pressed.push('skip'),
    onnext: () => pressed.push('next'),
  });
}

const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

describe('step actions', () => {
  it('offers Run, Check, Hint and Skip on a step not passed, and no Next', async () => {
    renderActions();

    for (const id of ['step-run', 'step-check', 'step-hint', 'step-skip']) await fireEvent.click(button(id));
    expect(pressed).toEqual(['run', 'check', 'hint', 'skip']);
    expect(screen.queryByTestId('step-next')).toBeNull();
    expect(button('step-hint').textContent?.trim()).toBe('Hint (0/2)');
  });

  it('has no Run on a step with nothing to run', () => {
    renderActions({ hasAction: false });

    expect(screen.queryByTestId('step-run')).toBeNull();
    expect(button('step-check').disabled).toBe(false);
  });

  it('on a passed step, offers Next instead of Skip', async () => {
    renderActions({ status: 'passed' });

    expect(button('step-skip').disabled).toBe(true);
    await fireEvent.click(button('step-next'));
    expect(pressed).toEqual(['next']);
  });

  it('stops offering hints once the last one is shown', () => {
    renderActions({ hintsRevealed: 2 });

    expect(button('step-hint').disabled).toBe(true);
    expect(button('step-hint').textContent?.trim()).toBe('Hint (2/2)');
  });

  it('while an action runs, disables every action and names the one under way', () => {
    renderActions({ busy: 'run', status: 'passed' });

    expect(button('step-run').textContent?.trim()).toBe('Running…');
    expect(button('step-check').textContent?.trim()).toBe('Check');
    for (const id of ['step-run', 'step-check', 'step-hint', 'step-skip']) expect(button(id).disabled, id).toBe(true);
    expect(button('step-next').disabled).toBe(false);
  });

  describe('on a target where the step is done by hand', () => {
    it('on AWS, a step whose action exists only offline has no Run and says to do it by hand, then Check', async () => {
      renderActions({ targets: 'emulator', onAws: true });

      expect(screen.queryByTestId('step-run')).toBeNull();
      expect(screen.getByTestId('step-by-hand').textContent).toBe(
        'On AWS you do this step by hand, as the lesson describes; then press Check.',
      );
      expect(button('step-check').className).toContain('primary');
      await fireEvent.click(button('step-check'));
      expect(pressed).toEqual(['check']);
    });

    it('says so in Korean too', () => {
      renderActions({ targets: 'emulator', onAws: true, locale: 'ko' });

      expect(screen.getByTestId('step-by-hand').textContent).toContain('AWS에서는 이 단계를 직접 합니다');
    });

    it('offline, the same step keeps its Run and says nothing', () => {
      renderActions({ targets: 'emulator', onAws: false });

      expect(button('step-run').disabled).toBe(false);
      expect(screen.queryByTestId('step-by-hand')).toBeNull();
    });

    it('offline, a step whose action exists only on AWS has no Run, likewise', () => {
      renderActions({ targets: 'aws', onAws: false });

      expect(screen.queryByTestId('step-run')).toBeNull();
      expect(screen.getByTestId('step-by-hand').textContent).toContain('Run works only on AWS');
      renderActions({ targets: 'aws', onAws: true });
      expect(screen.getAllByTestId('step-run')).toHaveLength(1);
    });
  });

  describe('a check graded only offline', () => {
    const mailbox: CheckView = { id: 'alarm-email-arrived', points: 5, offline_only: true, message: { ko: '메일', en: 'mail' } };

    it('on AWS, is labelled offline-only with no points, and its step offers only Next', async () => {
      renderActions({ hasAction: false, checks: [mailbox], onAws: true, status: 'offline_only' });

      const labelled = screen.getByTestId('offline-only-checks');
      expect(labelled.textContent?.trim()).toBe('alarm-email-arrived · offline only · no points on AWS');
      expect(screen.getByTestId('step-offline-only').textContent).toContain('on AWS it carries no points');
      for (const id of ['step-run', 'step-check', 'step-skip']) expect(screen.queryByTestId(id), id).toBeNull();
      await fireEvent.click(button('step-next'));
      expect(pressed).toEqual(['next']);
    });

    it('offline, counts as any other check', () => {
      renderActions({ hasAction: false, checks: [mailbox], onAws: false, status: 'not_started' });

      expect(screen.queryByTestId('offline-only-checks')).toBeNull();
      expect(screen.queryByTestId('step-offline-only')).toBeNull();
      expect(button('step-check').disabled).toBe(false);
    });
  });
});
