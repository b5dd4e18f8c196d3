import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabToolbar from './LabToolbar.svelte';
import type { BusyAction } from './labPage.svelte';
import { labDefinition, standing } from './testing';

const lab = labDefinition({ services: ['ec2', 'sns', 'cloudwatch'] });

function renderToolbar(options: { onAws?: boolean; busy?: BusyAction | null; onreset?: () => void } = {}) {
  return render(LabToolbar, {
    lab,
    progress: standing(lab, ['passed', 'passed']),
    locale: 'en',
    onAws: options.onAws ?? false,
    busy: options.busy ?? null,
    drawer: null,
    confirmingReset: false,
    onback: () => {},
    onexport: () => {},
    oncleanup: () => {},
    onreset: options.onreset ?? (() => {}),
  });
}

const shown = (testId: string) => screen.queryByTestId(testId) !== null;

describe('lab toolbar', () => {
  it('shows the score, and the percent the learner reached', () => {
    renderToolbar();

    const score = screen.getByTestId('lab-score');
    expect(score.dataset.percent).toBe('100');
    expect(score.textContent).toContain('Passed');
  });

  it('offers the terminal and the mailbox offline only, the alarm graph on both, Clean up on AWS only', () => {
    const offline = renderToolbar();
    expect(['explorer-toggle', 'terminal-toggle', 'mailbox-toggle', 'graph-toggle'].map(shown)).toEqual([true, true, true, true]);
    expect(shown('clean-up')).toBe(false);
    offline.unmount();

    renderToolbar({ onAws: true });
    expect(['explorer-toggle', 'terminal-toggle', 'mailbox-toggle', 'graph-toggle'].map(shown)).toEqual([true, false, false, true]);
    expect(shown('clean-up')).toBe(true);
  });

  it('offers no explorer for a quiz, which makes nothing', () => {
    const quiz = labDefinition({ services: [] });
    render(LabToolbar, {
      lab: quiz,
      progress: standing(quiz, ['not_started', 'not_started']),
      locale: 'en',
      onAws: false,
      busy: null,
      drawer: null,
      confirmingReset: false,
      onback: () => {},
      onexport: () => {},
      oncleanup: () => {},
      onreset: () => {},
    });
    expect(['explorer-toggle', 'terminal-toggle', 'mailbox-toggle', 'graph-toggle'].map(shown)).toEqual([false, false, false, false]);
    expect(shown('export-report')).toBe(true);
  });

  it('opens one drawer at a time, and closes it on a second press', async () => {
    renderToolbar();
    const expanded = () =>
      ['explorer-toggle', 'terminal-toggle', 'mailbox-toggle', 'graph-toggle'].filter(
        (id) => screen.getByTestId(id).getAttribute('aria-expanded') === 'true',
      );

    await fireEvent.click(screen.getByTestId('explorer-toggle'));
    expect(expanded()).toEqual(['explorer-toggle']);
    await fireEvent.click(screen.getByTestId('mailbox-toggle'));
    expect(expanded()).toEqual(['mailbox-toggle']);
    await fireEvent.click(screen.getByTestId('mailbox-toggle'));
    expect(expanded()).toEqual([]);
  });

  it('resets only after Yes, and Cancel brings the Reset button back', async () => {
    let resets = 0;
    renderToolbar({ onreset: () => resets++ });

    await fireEvent.click(screen.getByTestId('reset-lab'));
    expect(shown('reset-lab')).toBe(false);
    await fireEvent.click(screen.getByTestId('reset-cancel'));
    expect(resets).toBe(0);

    await fireEvent.click(screen.getByTestId('reset-lab'));
    await fireEvent.click(screen.getByTestId('reset-confirm'));
    expect(resets).toBe(1);
  });

  it('while an action runs, disables the lab actions and names the one under way', () => {
    renderToolbar({ onAws: true, busy: 'export' });

    expect(screen.getByTestId('export-report').textContent?.trim()).toBe('Saving…');
    expect(screen.getByTestId('clean-up').textContent?.trim()).toBe('Clean up');
    expect(screen.getByTestId('reset-lab').textContent?.trim()).toBe('Reset lab');
    for (const id of ['export-report', 'clean-up', 'reset-lab']) {
      expect((screen.getByTestId(id) as HTMLButtonElement).disabled, id).toBe(true);
    }
    expect((screen.getByTestId('explorer-toggle') as HTMLButtonElement).disabled).toBe(false);
  });
});
