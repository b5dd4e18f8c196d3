import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StepActions from './StepActions.svelte';
import type { BusyAction } from './labPage.svelte';
import { stepDefinition } from './testing';
import type { StepStatus } from './types';

const pressed: string[] = [];

function renderActions(options: { hasAction?: boolean; status?: StepStatus; hintsRevealed?: number; busy?: BusyAction | null } = {}) {
  pressed.length = 0;
  return render(StepActions, {
    step: stepDefinition('one', { has_action: options.hasAction ?? true }),
    status: options.status ?? 'failed',
    hintsRevealed: options.hintsRevealed ?? 0,
    busy: options.busy ?? null,
    locale: 'en',
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
});
