import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TerminalPanel from './TerminalPanel.svelte';
import { fakeApi } from './testing';

describe('terminal', () => {
  it('runs a command line on the lab’s instance and shows prompt, command and output', async () => {
    const ran: string[][] = [];
    const api = fakeApi({
      labInstances: async () => ['i-0abc'],
      instanceShell: async (instance, command) => (
        ran.push([instance, command]),
        { output: command === 'ls' ? 'ratings_train.txt\n' : '-bash: nope: command not found\n', exit_code: command === 'ls' ? 0 : 127, prompt: '[ec2-user@ip-172-31-37-173 ~]$ ' }
      ),
    });
    render(TerminalPanel, { api, labId: 'cloudwatch-alarm', locale: 'en', onclose: () => {} });
    const input = (await screen.findByTestId('terminal-input')) as HTMLInputElement;
    await waitFor(() => expect(input.disabled).toBe(false));

    await fireEvent.input(input, { target: { value: 'ls' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await fireEvent.input(input, { target: { value: 'nope' } });
    await fireEvent.keyDown(input, { key: 'Enter' });

    await waitFor(() => expect(ran).toEqual([['i-0abc', 'ls'], ['i-0abc', 'nope']]));
    const screenText = screen.getByTestId('terminal-screen').textContent ?? '';
    expect(screenText).toContain('[ec2-user@ip-172-31-37-173 ~]$ ls\nratings_train.txt');
    expect(screenText).toContain('command not found');
    await fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(input.value).toBe('nope');
  });

  it('says to launch the instance first when the lab has none', async () => {
    render(TerminalPanel, { api: fakeApi(), labId: 'cloudwatch-alarm', locale: 'ko', onclose: () => {} });

    expect((await screen.findByTestId('terminal-no-instance')).textContent).toContain('인스턴스');
    expect((screen.getByTestId('terminal-input') as HTMLInputElement).disabled).toBe(true);
  });
});
