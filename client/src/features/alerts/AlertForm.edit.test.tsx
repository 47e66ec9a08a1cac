// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import type { AlertDefinition } from '@tickwatch/shared';
import { alertOf } from './alert-fakes';
import { errorBeside, renderAlertForm } from './alert-form-testkit';
import { CLEARED_MESSAGE } from './form-submit';

afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId);
const valueOf = (testId: string) => (field(testId) as HTMLInputElement | HTMLSelectElement).value;

const sma: AlertDefinition = {
  symbol: 'NVDA',
  condition_type: 'indicator',
  condition: { indicator: 'sma', interval: '5m', period: 50, operator: '>', threshold: 180 },
  notification_method: 'websocket',
  enabled: true,
  cooldown_seconds: 60,
  trigger_mode: 'rearm',
  expires_at: null,
  note: 'trend',
  message: '',
};
const editing = alertOf(sma, 'alert-7');

describe('AlertForm: editing an alert', () => {
  it('shows the alert as it is, without the new-alert title', async () => {
    await renderAlertForm({ editing });
    expect(screen.getByRole('form', { name: 'Edit alert on NVDA' })).toBe(field('alert-form'));
    expect(screen.queryByText('New alert')).toBeNull();
    expect(valueOf('alert-symbol')).toBe('NVDA');
    expect(valueOf('alert-indicator')).toBe('sma');
    expect(valueOf('alert-period')).toBe('50');
    expect(valueOf('alert-threshold')).toBe('180');
    expect(valueOf('alert-cooldown')).toBe('60');
    expect(valueOf('alert-note')).toBe('trend');
    expect(field('alert-submit').textContent).toBe('Save');
  });

  it('sends only the changed fields, and of the condition only its changed keys, via update', async () => {
    const { user, alerts, onDone } = await renderAlertForm({ editing });
    await user.clear(field('alert-threshold'));
    await user.type(field('alert-threshold'), '190');
    await user.clear(field('alert-note'));
    await user.type(field('alert-note'), 'breakout');
    await user.click(field('alert-submit'));

    expect(alerts.update).toHaveBeenCalledTimes(1);
    expect(alerts.update.mock.calls[0]).toStrictEqual(['alert-7', { note: 'breakout', condition: { threshold: 190 } }]);
    expect(alerts.create).not.toHaveBeenCalled();
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('sends a new condition type with its whole condition', async () => {
    const { user, alerts } = await renderAlertForm({ editing });
    await user.selectOptions(field('alert-condition-type'), 'price_threshold');
    await user.clear(field('alert-threshold'));
    await user.type(field('alert-threshold'), '175');
    await user.selectOptions(field('alert-operator'), '<');
    await user.click(field('alert-submit'));
    expect(alerts.update.mock.calls[0]).toStrictEqual([
      'alert-7',
      {
        condition_type: 'price_threshold',
        condition: { operator: '<', threshold: 175, price_type: 'close' },
      },
    ]);
  });

  it('sends nothing when nothing changed, and is done', async () => {
    const { user, alerts, onDone } = await renderAlertForm({ editing });
    await user.click(field('alert-submit'));
    expect(alerts.update).not.toHaveBeenCalled();
    expect(alerts.create).not.toHaveBeenCalled();
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('refuses to empty a condition field the server would keep, beside that field', async () => {
    const { user, alerts, onDone } = await renderAlertForm({ editing });
    await user.clear(field('alert-period'));
    await user.click(field('alert-submit'));
    expect(errorBeside(field('alert-period'))?.textContent).toBe(CLEARED_MESSAGE);
    expect(alerts.update).not.toHaveBeenCalled();
    expect(onDone).not.toHaveBeenCalled();
  });

  it('keeps a past expiry the alert already has, but refuses a new one in the past', async () => {
    const expired = alertOf({ ...sma, expires_at: 1_000_000_020 }, 'alert-8');
    const { user, alerts } = await renderAlertForm({ editing: expired });
    await user.clear(field('alert-note'));
    await user.click(field('alert-submit'));
    expect(alerts.update.mock.calls[0]).toStrictEqual(['alert-8', { note: '' }]);

    cleanup();
    const again = await renderAlertForm({ editing });
    await again.user.type(field('alert-expires'), '2001-09-09T01:46');
    await again.user.click(field('alert-submit'));
    expect(errorBeside(field('alert-expires'))?.textContent).toBe('must be in the future');
    expect(again.alerts.update).not.toHaveBeenCalled();
  });

  it('cancels without sending', async () => {
    const { user, alerts, onDone } = await renderAlertForm({ editing });
    await user.clear(field('alert-threshold'));
    await user.type(field('alert-threshold'), '1');
    await user.click(field('alert-cancel'));
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(alerts.update).not.toHaveBeenCalled();
  });
});
