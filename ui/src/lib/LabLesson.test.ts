import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabLesson from './LabLesson.svelte';
import { labDefinition, standing } from './testing';

const lab = labDefinition({ summary: { title: { ko: '정리', en: 'Wrap-up' }, html: { ko: '<p>끝</p>', en: '<p>The end</p>' } } });

describe('lab lesson', () => {
  it('shows the step, where it is in the lab, and only the hints revealed so far', () => {
    render(LabLesson, { lab, step: lab.steps[1], selected: 1, progress: standing(lab, ['passed', 'failed'], [0, 1]), locale: 'en', onstart: () => {} });

    expect(screen.getByTestId('step-title').textContent).toBe('two step');
    expect(screen.getByTestId('lesson').textContent).toContain('failed');
    expect(screen.getByTestId('lesson').textContent).toContain('two lesson');
    expect(screen.getAllByTestId('hint').map((hint) => hint.textContent)).toEqual(['First hint']);
  });

  it('shows no hints before one is asked for', () => {
    render(LabLesson, { lab, step: lab.steps[0], selected: 0, progress: standing(lab, ['failed']), locale: 'en', onstart: () => {} });

    expect(screen.queryByTestId('hints')).toBeNull();
  });

  it('on the introduction, shows the lab’s facts and starts at the first step', async () => {
    let starts = 0;
    render(LabLesson, { lab, step: null, selected: -1, progress: null, locale: 'en', onstart: () => starts++ });

    const intro = screen.getByTestId('lab-intro');
    expect(intro.textContent).toContain('Intro');
    expect(intro.textContent).toContain('$0.02');
    await fireEvent.click(screen.getByTestId('lab-start'));
    expect(starts).toBe(1);
  });

  it('after the last step, shows the summary', () => {
    render(LabLesson, { lab, step: null, selected: lab.steps.length, progress: null, locale: 'en', onstart: () => {} });

    expect(screen.getByTestId('lab-summary').textContent).toContain('The end');
    expect(screen.queryByTestId('lab-intro')).toBeNull();
  });
});
