import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TargetSwitcher from './TargetSwitcher.svelte';
import { fakeApi } from './testing';
import type { TargetView } from './types';

const onAws: TargetView = {
  kind: 'aws',
  endpoint: null,
  profile: 'student',
  region: 'us-east-1',
  account: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/student',
};

describe('target switcher', () => {
  it('connects to AWS with the chosen profile, its region, and shows who we are', async () => {
    const asked: unknown[][] = [];
    const api = fakeApi({
      awsProfiles: async () => [
        { name: 'default', region: 'ap-northeast-2', sign_in: 'keys' },
        { name: 'student', region: 'us-east-1', sign_in: 'sso' },
      ],
      switchTarget: async (...args) => (asked.push(args), onAws),
    });
    render(TargetSwitcher, { api, locale: 'en' });
    expect(screen.getByTestId('target-summary').textContent).toBe('Offline emulator');

    await fireEvent.click(screen.getByTestId('target-change'));
    await fireEvent.click(screen.getByTestId('target-choice-aws'));
    const select = (await screen.findByTestId('target-profile')) as HTMLSelectElement;
    await screen.findByText('student (sso, us-east-1)');
    await fireEvent.change(select, { target: { value: 'student' } });
    expect((screen.getByTestId('target-region') as HTMLInputElement).value).toBe('us-east-1');
    await fireEvent.click(screen.getByTestId('target-connect'));

    expect(asked).toEqual([[true, 'student', 'us-east-1']]);
    expect((await screen.findByTestId('target-summary')).textContent?.trim()).toBe('AWS · student · us-east-1');
    expect(screen.getByTestId('target-identity').textContent).toBe('arn:aws:iam::111122223333:user/student');
    expect(screen.queryByTestId('target-panel')).toBeNull();
  });

  it('explains a refusal in the learner\'s language, under AWS\'s own words', async () => {
    const refusal = {
      code: 'target_unavailable',
      message: 'AWS (default profile, us-east-1) does not answer: ExpiredToken: The security token expired',
      explanation: { ko: '자격 증명이 만료되었습니다. 다시 로그인하세요.', en: 'Your credentials expired: sign in again.' },
      aws: { service: 'sts', operation: 'GetCallerIdentity', code: 'ExpiredToken', message: 'The security token expired' },
    };
    const api = fakeApi({
      switchTarget: async () => {
        throw refusal;
      },
    });
    render(TargetSwitcher, { api, locale: 'ko' });
    await fireEvent.click(screen.getByTestId('target-change'));
    await fireEvent.click(screen.getByTestId('target-choice-aws'));
    await fireEvent.click(screen.getByTestId('target-connect'));

    const shown = (await screen.findByTestId('target-error')).textContent ?? '';
    expect(shown).toContain('ExpiredToken: The security token expired');
    expect(shown).toContain('자격 증명이 만료되었습니다.');
    expect(shown).not.toContain('Your credentials expired');
  });

  it('keeps the current target and shows why when AWS does not answer', async () => {
    const api = fakeApi({
      switchTarget: async () => {
        throw { code: 'target_unavailable', message: 'ExpiredToken: run `aws sso login --profile student`' };
      },
    });
    render(TargetSwitcher, { api, locale: 'en' });
    await fireEvent.click(screen.getByTestId('target-change'));
    await fireEvent.click(screen.getByTestId('target-choice-aws'));
    await fireEvent.click(screen.getByTestId('target-connect'));

    expect((await screen.findByTestId('target-error')).textContent).toContain('aws sso login');
    expect(screen.getByTestId('target').dataset.kind).toBe('emulator');
    expect(screen.getByTestId('target-no-profiles')).toBeTruthy();
  });
});
