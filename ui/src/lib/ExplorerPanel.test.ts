import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ExplorerPanel from './ExplorerPanel.svelte';
import { fakeApi } from './testing';
import type { Explorer } from './types';

const made: Explorer = {
  roles: [{ name: 'aws-lab-dynamodb-role', arn: 'arn:aws:iam::1:role/aws-lab-dynamodb-role', trusted: ['lambda.amazonaws.com'], policies: ['aws-lab-dynamodb-putitem-policy'] }],
  policies: [],
  tables: [{ name: 'customers', keys: ['customer_id (HASH, S)'], items: [{ customer_id: '2024AWS', price: 450000 }] }],
  functions: [{ name: 'addCustomer', runtime: 'python3.12', role: 'r', last_modified: 't', log_lines: ['START RequestId: 1', 'END RequestId: 1'] }],
  apis: [
    {
      id: 'abc123',
      name: 'customer-api',
      routes: ['POST /customer'],
      stages: [{ name: 'dev', invoke_url: 'http://127.0.0.1:4566/restapis/abc123/dev/_user_request_', variables: [], canary_percent: null }],
    },
  ],
  others: [],
};

describe('explorer', () => {
  it('lists what the lab made: the role, the table’s items, the function’s logs, the stage URL', async () => {
    render(ExplorerPanel, { api: fakeApi({ exploreLab: async () => made }), labId: 'serverless-api', locale: 'en', onclose: () => {} });

    expect((await screen.findByTestId('explorer-roles')).textContent).toContain('lambda.amazonaws.com');
    expect(screen.getByTestId('explorer-items').textContent).toBe('{"customer_id":"2024AWS","price":450000}');
    expect(screen.getByTestId('explorer-logs').textContent).toBe('START RequestId: 1\nEND RequestId: 1');
    expect(screen.getByTestId('explorer-invoke-url').textContent).toBe('http://127.0.0.1:4566/restapis/abc123/dev/_user_request_');
  });

  it('sends a request to the stage and shows the answer', async () => {
    const sent: unknown[][] = [];
    const api = fakeApi({
      exploreLab: async () => made,
      sendRequest: async (...args) => (sent.push(args), { status: 200, body: '{"code": 200}', headers: {} }),
    });
    render(ExplorerPanel, { api, labId: 'serverless-api', locale: 'en', onclose: () => {} });
    await screen.findByTestId('explorer-stage');

    await fireEvent.change(screen.getByTestId('explorer-method'), { target: { value: 'POST' } });
    await fireEvent.input(screen.getByTestId('explorer-path'), { target: { value: 'customer' } });
    await fireEvent.input(await screen.findByTestId('explorer-body'), { target: { value: '{"customer_id":"x"}' } });
    await fireEvent.click(screen.getByTestId('explorer-send'));

    expect((await screen.findByTestId('explorer-answer')).textContent).toBe('200\n{"code": 200}');
    expect(sent).toEqual([['POST', 'http://127.0.0.1:4566/restapis/abc123/dev/_user_request_/customer', '{"customer_id":"x"}']]);
  });

  it('says when nothing of the lab exists yet', async () => {
    const nothing: Explorer = { roles: [], policies: [], tables: [], functions: [], apis: [], others: [] };
    render(ExplorerPanel, { api: fakeApi({ exploreLab: async () => nothing }), labId: 'x', locale: 'ko', onclose: () => {} });

    expect((await screen.findByTestId('explorer-empty')).textContent).toBe('이 실습이 만든 리소스가 아직 없습니다.');
  });
});
