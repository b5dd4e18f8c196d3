import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StepNavigation from './StepNavigation.svelte';
import { labDefinition, standing, stepDefinition } from './testing';

describe('step navigation', () => {
  it('lists the introduction, each step with its status, and the summary, marking the current one', async () => {
    const lab = labDefinition({
      steps: ['one', 'two', 'three'].map((id) => stepDefinition(id)),
      summary: { title: { ko: '정리', en: 'Wrap-up' }, html: { ko: '', en: '' } },
    });
    const chosen: number[] = [];
    render(StepNavigation, { lab, progress: standing(lab, ['passed', 'skipped']), selected: 1, locale: 'en', onselect: (index) => chosen.push(index) });

    const links = screen.getAllByTestId('step-link');
    expect(links.map((link) => link.dataset.status)).toEqual(['passed', 'skipped', 'not_started']);
    expect(links.map((link) => link.getAttribute('aria-current'))).toEqual([null, 'step', null]);
    expect(links[0].textContent).toContain('(passed)');
    expect(screen.getByTestId('step-link-summary').textContent).toContain('Wrap-up');

    await fireEvent.click(screen.getByTestId('step-link-intro'));
    await fireEvent.click(links[2]);
    await fireEvent.click(screen.getByTestId('step-link-summary'));
    expect(chosen).toEqual([-1, 2, 3]);
  });

  it('has no summary entry for a lab without one, and every step not started before any progress', () => {
    const lab = labDefinition();
    render(StepNavigation, { lab, progress: null, selected: -1, locale: 'ko', onselect: () => {} });

    expect(screen.queryByTestId('step-link-summary')).toBeNull();
    expect(screen.getAllByTestId('step-link').map((link) => link.dataset.status)).toEqual(['not_started', 'not_started']);
    expect(screen.getByTestId('step-link-intro').getAttribute('aria-current')).toBe('step');
  });
});
