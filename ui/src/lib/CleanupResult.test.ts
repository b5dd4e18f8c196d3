import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import CleanupResult from './CleanupResult.svelte';

describe('clean-up result', () => {
  it('says how many resources it deleted when nothing is left', () => {
    render(CleanupResult, {
      cleanup: { deleted: [{ kind: 'dynamodb-table', id: 'customers' }], failed: [], kept: [], remaining: [] },
      locale: 'en',
      onclose: () => {},
    });

    const result = screen.getByTestId('cleanup-result');
    expect(result.textContent).toContain('Deleted 1');
    expect(result.classList.contains('error')).toBe(false);
    expect(screen.getByTestId('cleanup-progress').textContent).toBe(
      'Your score stays, as a record of what you built; Reset lab clears it.',
    );
  });

  it('lists what could not be deleted, with why, and what is still there', () => {
    const failure = { service: 'iam', operation: 'DeleteRole', code: 'DeleteConflict', message: 'policies attached', explanation: { ko: '', en: '' } };
    render(CleanupResult, {
      cleanup: {
        deleted: [],
        failed: [[{ kind: 'iam-role', id: 'aws-lab-dynamodb-role' }, failure]],
        kept: [],
        remaining: [{ kind: 'lambda-function', id: 'addCustomer' }],
      },
      locale: 'en',
      onclose: () => {},
    });

    const items = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual(['iam-role aws-lab-dynamodb-role: DeleteConflict policies attached', 'lambda-function addCustomer']);
    expect(screen.getByTestId('cleanup-result').classList.contains('error')).toBe(true);
    expect(screen.queryByTestId('cleanup-progress')).toBeNull();
  });
});
