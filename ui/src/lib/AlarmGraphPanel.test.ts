import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import AlarmGraphPanel from './AlarmGraphPanel.svelte';
import { fakeApi } from './testing';

describe('alarm graph', () => {
  it('draws each of the lab’s alarms with its state, in the learner’s language', async () => {
    const api = fakeApi({
      alarmGraphs: async () => [
        { alarm_name: 'awslab_cloudwatch_toomuch_volume_alarm', state: 'ALARM', svg: { ko: '<svg><text>임계값 100K</text></svg>', en: '<svg><text>threshold 100K</text></svg>' } },
      ],
    });
    render(AlarmGraphPanel, { api, labId: 'cloudwatch-alarm', locale: 'ko', onclose: () => {} });

    const graph = await screen.findByTestId('alarm-graph');
    expect(graph.dataset.state).toBe('ALARM');
    expect(graph.querySelector('svg')?.textContent).toBe('임계값 100K');
  });

  it('says when the lab has no alarm yet', async () => {
    render(AlarmGraphPanel, { api: fakeApi(), labId: 'cloudwatch-alarm', locale: 'en', onclose: () => {} });
    expect((await screen.findByTestId('alarm-graphs-empty')).textContent).toBe('This lab has no alarm yet.');
  });
});
