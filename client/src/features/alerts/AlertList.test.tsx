// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { alertDefinitionSchema } from '@tickwatch/shared';
import { alertOf, fakeAlerts } from './alert-fakes';
import { AlertList } from './AlertList';

afterEach(cleanup);

const nvda = alertOf(
  alertDefinitionSchema.parse({
    symbol: 'NVDA',
    condition_type: 'price_threshold',
    condition: { operator: '<', threshold: 134.99, price_type: 'close' },
    notification_method: 'sns',
  }),
  'a-nvda',
);

describe('AlertList', () => {
  it('names the symbol once, then the condition without it, its state and its channel', () => {
    render(<AlertList alerts={fakeAlerts([nvda])} />);
    const row = screen.getByTestId('alert-row-a-nvda');
    expect(within(row).getByTestId('alert-list-symbol').textContent).toBe('NVDA');
    expect(within(row).getByTestId('alert-condition').textContent).toBe('last price below 134.99');
    expect(row.textContent?.match(/NVDA/g)).toHaveLength(1);
    expect(within(row).getByTestId('alert-state').textContent).toBe('armed');
    expect(within(row).getByTestId('alert-list-method').textContent).toBe('SMS / SNS topic');
  });

  it('names each control after the alert it acts on', async () => {
    const user = userEvent.setup();
    const alerts = fakeAlerts([nvda]);
    render(<AlertList alerts={alerts} />);
    expect(screen.getByRole('button', { name: 'Edit NVDA last price below 134.99' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Enabled: NVDA last price below 134.99' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Delete NVDA last price below 134.99' }));
    const confirm = screen.getByRole('group', { name: 'Confirm deleting NVDA last price below 134.99' });
    await user.click(within(confirm).getByTestId('alert-delete-confirm'));
    expect(alerts.remove).toHaveBeenCalledWith('a-nvda');
  });
});

describe('AlertList text', () => {
  it('reads as one sentence, with spaces between symbol, condition and state', () => {
    render(<AlertList alerts={fakeAlerts([nvda])} />);
    expect(screen.getByTestId('alert-row-a-nvda').querySelector('.al-main')?.textContent).toBe(
      'NVDA last price below 134.99 armed',
    );
  });
});
