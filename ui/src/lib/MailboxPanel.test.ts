import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import MailboxPanel from './MailboxPanel.svelte';
import { fakeApi } from './testing';
import type { Mail } from './types';

const confirmation: Mail = {
  id: '1',
  to: 'me@example.com',
  from: 'AWS Notifications <no-reply@sns.amazonaws.com>',
  subject: 'AWS Notification - Subscription Confirmation',
  body: 'You have chosen to subscribe to the topic:\narn:aws:sns:ap-northeast-2:000000000000:T\n\nTo confirm this subscription, click or visit the link below:\nhttp://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=T&Token=abc\n',
  time: '2026-11-22T10:00:00Z',
  kind: 'SubscriptionConfirmation',
};
const alarm: Mail = { ...confirmation, id: '2', subject: 'ALARM: "awslab_cloudwatch_toomuch_volume_alarm" in Asia Pacific (Seoul)', body: 'Threshold Crossed', kind: 'Notification' };

describe('mailbox', () => {
  it('lists the newest e-mail first and confirms through the link in the e-mail', async () => {
    const followed: string[] = [];
    const api = fakeApi({
      mailbox: async () => [confirmation, alarm],
      followMailLink: async (url) => (followed.push(url), { status: 200, text: 'Subscription confirmed!' }),
    });
    render(MailboxPanel, { api, locale: 'en', onclose: () => {} });

    const mails = await screen.findAllByTestId('mail');
    expect(mails.map((mail) => mail.dataset.kind)).toEqual(['Notification', 'SubscriptionConfirmation']);
    await fireEvent.click(mails[1]);
    await fireEvent.click(screen.getByTestId('mail-link'));

    expect((await screen.findByTestId('mail-link-page')).textContent).toContain('Subscription confirmed!');
    expect(followed).toEqual(['http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=T&Token=abc']);
  });

  it('says when no e-mail has come yet', async () => {
    render(MailboxPanel, { api: fakeApi(), locale: 'ko', onclose: () => {} });
    expect((await screen.findByTestId('mailbox-empty')).textContent).toBe('아직 받은 메일이 없습니다.');
  });
});
