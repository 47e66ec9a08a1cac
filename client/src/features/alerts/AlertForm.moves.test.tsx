// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { errorBeside, renderAlertForm } from './alert-form-testkit';

afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId);

describe('AlertForm: price moves and channels', () => {
  it('creates a move alert from its own fields, without an operator or threshold', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.selectOptions(field('alert-condition-type'), 'price_move');
    expect(screen.queryByTestId('alert-operator')).toBeNull();
    expect(screen.queryByTestId('alert-threshold')).toBeNull();
    await user.selectOptions(field('alert-move-direction'), 'down');
    await user.type(field('alert-move-amount'), '2');
    await user.type(field('alert-move-window'), '15');
    await user.click(field('alert-submit'));

    expect(alerts.create.mock.calls[0]![0]).toMatchObject({
      symbol: 'AAPL',
      condition_type: 'price_move',
      condition: { direction: 'down', amount: 2, unit: 'percent', window_minutes: 15 },
    });
    expect(field('alert-form-status').textContent).toBe('Alert created: AAPL moves down 2% within 15 min');
  });

  it('shows a channel’s bounds in the wrong order beside the upper bound and sends nothing', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.selectOptions(field('alert-condition-type'), 'price_channel');
    await user.type(field('alert-channel-lower'), '200');
    await user.type(field('alert-channel-upper'), '195');
    await user.click(field('alert-submit'));

    expect(errorBeside(field('alert-channel-upper'))?.textContent).toBe('must be above the lower bound');
    expect(alerts.create).not.toHaveBeenCalled();

    await user.clear(field('alert-channel-upper'));
    await user.type(field('alert-channel-upper'), '205');
    await user.selectOptions(field('alert-channel-event'), 'exits');
    await user.click(field('alert-submit'));
    expect(alerts.create.mock.calls[0]![0]).toMatchObject({
      condition_type: 'price_channel',
      condition: { event: 'exits', lower: 200, upper: 205 },
    });
  });
});
