// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { errorBeside, renderAlertForm } from './alert-form-testkit';

afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId);
const queryField = (testId: string) => screen.queryByTestId(testId);

describe('AlertForm: validation', () => {
  it('shows a missing threshold beside the field and sends nothing', async () => {
    const { user, alerts, api } = await renderAlertForm();
    await user.click(field('alert-submit'));

    const threshold = screen.getByLabelText('Threshold');
    const error = errorBeside(threshold);
    expect(error?.textContent).toBe('Required');
    expect(error?.dataset.testid).toBe('error-condition.threshold');
    expect(threshold.getAttribute('aria-invalid')).toBe('true');
    expect(alerts.create).not.toHaveBeenCalled();
    expect(alerts.update).not.toHaveBeenCalled();
    expect(api?.setChannels).not.toHaveBeenCalled();
  });

  it('reports each bad field beside it with the shared schema’s rules', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.clear(field('alert-symbol'));
    await user.type(field('alert-symbol'), 'not a ticker');
    await user.type(field('alert-threshold'), '-5');
    await user.type(field('alert-cooldown'), '1.5');
    await user.click(field('alert-submit'));

    expect(errorBeside(field('alert-symbol'))).not.toBeNull();
    expect(errorBeside(field('alert-threshold'))).not.toBeNull();
    expect(errorBeside(field('alert-cooldown'))).not.toBeNull();
    expect(screen.getAllByRole('alert')).toHaveLength(3);
    expect(alerts.create).not.toHaveBeenCalled();
  });

  it('clears a field’s error when that field is edited, and only that one', async () => {
    const { user } = await renderAlertForm();
    await user.clear(field('alert-symbol'));
    await user.click(field('alert-submit'));
    expect(queryField('error-symbol')).not.toBeNull();
    expect(queryField('error-condition.threshold')).not.toBeNull();

    await user.type(field('alert-threshold'), '5');
    expect(queryField('error-condition.threshold')).toBeNull();
    expect(queryField('error-symbol')).not.toBeNull();
    expect(field('alert-threshold').getAttribute('aria-invalid')).toBeNull();
  });
});

describe('AlertForm: the message template', () => {
  it('checks the template as it is typed, names the mistake, and sends nothing while it stands', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.type(field('alert-threshold'), '100');
    const message = field('alert-message');
    await user.click(message);
    await user.paste('{{symbol}} at {{prcie}}');
    expect(errorBeside(message)?.textContent).toMatch(/^\{\{prcie\}\} is not a placeholder: use \{\{symbol\}\}/);
    expect(message.getAttribute('aria-invalid')).toBe('true');
    await user.click(field('alert-submit'));
    expect(alerts.create).not.toHaveBeenCalled();

    await user.clear(message);
    await user.paste('{{symbol}} at {{price');
    expect(errorBeside(message)?.textContent).toBe('has a {{ that is never closed with }}');
    await user.paste('}}');
    expect(errorBeside(message)).toBeNull();
    expect(message.getAttribute('aria-invalid')).toBeNull();
    await user.click(field('alert-submit'));
    expect(alerts.create.mock.calls[0]![0]).toMatchObject({ message: '{{symbol}} at {{price}}' });
  });

  it('lists the placeholders beside the field', async () => {
    await renderAlertForm();
    const hint = field('alert-message').parentElement?.querySelector('.af-hint');
    expect(hint?.textContent).toContain('{{symbol}}, {{price}}, {{threshold}}, {{value}}, {{previous}}');
  });
});

describe('AlertForm: creating a price alert', () => {
  it('sends the definition the form describes, then reports it and clears the level', async () => {
    const { user, alerts, onDone } = await renderAlertForm();
    await user.clear(field('alert-symbol'));
    await user.type(field('alert-symbol'), 'msft');
    await user.selectOptions(field('alert-price-type'), 'high');
    await user.selectOptions(field('alert-operator'), 'crosses_above');
    await user.type(field('alert-threshold'), '200.5');
    await user.type(field('alert-cooldown'), '300');
    await user.selectOptions(field('alert-trigger-mode'), 'once');
    await user.type(field('alert-note'), ' take profit ');
    await user.click(field('alert-message'));
    await user.paste('{{symbol}} at {{price}}');
    await user.click(field('alert-submit'));

    expect(alerts.create).toHaveBeenCalledTimes(1);
    expect(alerts.create.mock.calls[0]![0]).toStrictEqual({
      symbol: 'MSFT',
      condition_type: 'price_threshold',
      condition: { operator: 'crosses_above', threshold: 200.5, price_type: 'high' },
      notification_method: 'websocket',
      enabled: true,
      cooldown_seconds: 300,
      trigger_mode: 'once',
      expires_at: null,
      note: 'take profit',
      message: '{{symbol}} at {{price}}',
    });
    expect(field('alert-form-status').textContent).toBe('Alert created: MSFT day high crosses above 200.50');
    expect((field('alert-threshold') as HTMLInputElement).value).toBe('');
    expect((field('alert-note') as HTMLInputElement).value).toBe('');
    expect((field('alert-symbol') as HTMLInputElement).value).toBe('MSFT');
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(alerts.update).not.toHaveBeenCalled();
  });

  it('leaves empty options out so the schema’s defaults apply', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.type(field('alert-threshold'), '150');
    await user.click(field('alert-submit'));
    expect(alerts.create.mock.calls[0]![0]).toStrictEqual({
      symbol: 'AAPL',
      condition_type: 'price_threshold',
      condition: { operator: '>', threshold: 150, price_type: 'close' },
      notification_method: 'websocket',
      enabled: true,
      cooldown_seconds: 0,
      trigger_mode: 'rearm',
      expires_at: null,
      note: '',
      message: '',
    });
  });

  it('follows the symbol picked in the watchlist until the user types one', async () => {
    const { user, rerenderWith } = await renderAlertForm({ defaultSymbol: 'AAPL' });
    rerenderWith('NVDA');
    expect((field('alert-symbol') as HTMLInputElement).value).toBe('NVDA');
    await user.type(field('alert-symbol'), 'x');
    expect((field('alert-symbol') as HTMLInputElement).value).toBe('NVDAX');
    rerenderWith('TSLA');
    expect((field('alert-symbol') as HTMLInputElement).value).toBe('NVDAX');
  });
});

describe('AlertForm: condition types', () => {
  const shown = (...testIds: string[]) => testIds.filter((id) => queryField(id) !== null);
  const conditionInputs = [
    'alert-price-type',
    'alert-metric',
    'alert-indicator',
    'alert-interval',
    'alert-period',
    'alert-fast-period',
    'alert-signal-period',
    'alert-band',
    'alert-std-dev',
    'alert-operator',
    'alert-threshold',
  ];

  it('shows only the inputs of the chosen condition type and indicator', async () => {
    const { user } = await renderAlertForm();
    expect(shown(...conditionInputs)).toEqual(['alert-price-type', 'alert-operator', 'alert-threshold']);

    await user.selectOptions(field('alert-condition-type'), 'fundamental');
    expect(shown(...conditionInputs)).toEqual(['alert-metric', 'alert-operator', 'alert-threshold']);

    await user.selectOptions(field('alert-condition-type'), 'indicator');
    const indicatorBase = ['alert-indicator', 'alert-interval', 'alert-period', 'alert-operator', 'alert-threshold'];
    expect(shown(...conditionInputs)).toEqual(indicatorBase);

    await user.selectOptions(field('alert-indicator'), 'macd');
    expect(shown(...conditionInputs)).toEqual([
      'alert-indicator',
      'alert-interval',
      'alert-period',
      'alert-fast-period',
      'alert-signal-period',
      'alert-operator',
      'alert-threshold',
    ]);

    await user.selectOptions(field('alert-indicator'), 'bollinger');
    expect(shown(...conditionInputs)).toEqual([
      'alert-indicator',
      'alert-interval',
      'alert-period',
      'alert-band',
      'alert-std-dev',
      'alert-operator',
    ]);

    await user.selectOptions(field('alert-indicator'), 'vwap');
    expect(shown(...conditionInputs)).toEqual([
      'alert-indicator',
      'alert-interval',
      'alert-operator',
      'alert-threshold',
    ]);

    await user.selectOptions(field('alert-condition-type'), 'price_threshold');
    expect(shown(...conditionInputs)).toEqual(['alert-price-type', 'alert-operator', 'alert-threshold']);
  });

  it('labels the threshold and period for what they mean with the chosen condition', async () => {
    const { user } = await renderAlertForm();
    await user.selectOptions(field('alert-condition-type'), 'fundamental');
    await user.selectOptions(field('alert-metric'), 'dividend_yield');
    expect(screen.getByLabelText('Threshold (%)')).toBe(field('alert-threshold'));

    await user.selectOptions(field('alert-condition-type'), 'indicator');
    expect(screen.getByLabelText('Threshold (0–100)')).toBe(field('alert-threshold'));
    expect(field('alert-period').getAttribute('placeholder')).toBe('14');
    await user.selectOptions(field('alert-indicator'), 'macd');
    expect(screen.getByLabelText('Slow period (bars)')).toBe(field('alert-period'));
    await user.selectOptions(field('alert-indicator'), 'sma');
    const threshold = field('alert-threshold').closest('.af-field') as HTMLElement;
    expect(within(threshold).getByText('Leave empty to compare the last price with the SMA')).toBeTruthy();
  });

  it('sends an indicator alert with only the fields of its indicator', async () => {
    const { user, alerts } = await renderAlertForm();
    await user.selectOptions(field('alert-condition-type'), 'indicator');
    await user.selectOptions(field('alert-indicator'), 'bollinger');
    await user.selectOptions(field('alert-interval'), '1h');
    await user.selectOptions(field('alert-band'), 'lower');
    await user.type(field('alert-std-dev'), '2.5');
    await user.selectOptions(field('alert-operator'), '<');
    await user.click(field('alert-submit'));
    expect(alerts.create.mock.calls[0]![0]).toMatchObject({
      condition_type: 'indicator',
      condition: { indicator: 'bollinger', interval: '1h', operator: '<', band: 'lower', std_dev: 2.5 },
    });
    expect(alerts.create.mock.calls[0]![0].condition).not.toHaveProperty('threshold');
  });
});
