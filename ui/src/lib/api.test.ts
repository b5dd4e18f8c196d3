import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { errorDetail, methodOfCommand, tauriApi, toApiError } from './api';
import { listing as makeListing, running } from './testing';

afterEach(() => clearMocks());

describe('tauriApi', () => {
  it('calls the list_labs command and returns its listing', async () => {
    const listing = makeListing([], { problems: ['labs/x/lab.toml:1:1: bad'] });
    const called: string[] = [];
    mockIPC((command) => {
      called.push(command);
      return listing;
    });

    await expect(tauriApi.listLabs()).resolves.toEqual(listing);
    expect(called).toEqual(['list_labs']);
  });

  it('calls the emulator_status command and returns the status', async () => {
    const called: string[] = [];
    mockIPC((command) => {
      called.push(command);
      return running;
    });

    await expect(tauriApi.emulatorStatus()).resolves.toEqual(running);
    expect(called).toEqual(['emulator_status']);
  });

  it('passes a command error through with its code', async () => {
    mockIPC(() => {
      throw { code: 'labs_unavailable', message: 'labs folder /x: not found' };
    });

    await expect(tauriApi.listLabs()).rejects.toEqual({
      code: 'labs_unavailable',
      message: 'labs folder /x: not found',
    });
  });

  it('turns a rejection from Tauri itself (a denied command) into ipc_failed', async () => {
    mockIPC(() => {
      throw 'list_labs not allowed. Permissions associated with this command: allow-list-labs';
    });

    await expect(tauriApi.listLabs()).rejects.toEqual({
      code: 'ipc_failed',
      message: 'list_labs not allowed. Permissions associated with this command: allow-list-labs',
    });
  });
});

describe('the command wrappers', () => {
  it('each method invokes the command it is listed for, and no other', async () => {
    for (const [command, method] of Object.entries(methodOfCommand)) {
      const called: string[] = [];
      mockIPC((invoked) => {
        called.push(invoked);
        // The report's save dialog answers with a path; the commands' answers do not matter.
        return invoked === 'plugin:dialog|save' ? '/tmp/report.html' : null;
      });
      const wrapper = tauriApi[method] as (...args: unknown[]) => Promise<unknown>;
      await wrapper('a', 'b', {});
      expect(called.filter((name) => !name.startsWith('plugin:')), method).toEqual([command]);
      clearMocks();
    }
  });
});

describe('toApiError', () => {
  it('does not trust an object whose code is outside the closed set', () => {
    expect(toApiError({ code: 'surprise', message: 'm' })).toEqual({
      code: 'ipc_failed',
      message: '{"code":"surprise","message":"m"}',
    });
  });

  it('accepts every code of the closed set generated from Rust', () => {
    const error = { code: 'progress_unavailable', message: 'cannot open /p' } as const;
    expect(toApiError(error)).toEqual(error);
  });

  it('does not take a code inherited from Object.prototype', () => {
    expect(toApiError({ code: 'toString', message: 'm' }).code).toBe('ipc_failed');
  });

  it('keeps an ApiError as it is', () => {
    const error = { code: 'ipc_failed', message: 'no Tauri runtime' } as const;
    expect(toApiError(error)).toEqual(error);
  });
});

describe('the structured failure', () => {
  const refusal = {
    code: 'target_unavailable',
    message: 'AccessDenied: not allowed',
    explanation: { ko: '권한이 없습니다.', en: 'Not allowed.' },
    aws: { service: 'iam', operation: 'CreateRole', code: 'AccessDenied', message: 'not allowed' },
  } as const;

  it('keeps the explanation and the AWS details of a command error', () => {
    expect(toApiError(refusal)).toEqual(refusal);
  });

  it('drops an explanation or details that do not have the shape Rust gives them', () => {
    const odd = { code: 'target_unavailable', message: 'm', explanation: 'words', aws: { code: 1 } };
    expect(toApiError(odd)).toEqual({ code: 'target_unavailable', message: 'm' });
  });

  it('says the explanation in the learner\'s language after the message', () => {
    expect(errorDetail(toApiError(refusal), 'ko')).toBe('AccessDenied: not allowed\n권한이 없습니다.');
    expect(errorDetail(toApiError(refusal), 'en')).toBe('AccessDenied: not allowed\nNot allowed.');
    expect(errorDetail({ code: 'ipc_failed', message: 'no runtime' }, 'ko')).toBe('no runtime');
  });
});
