// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AlertForm } from './AlertForm';
import { fakeAlerts, fakeApi } from './alert-fakes';
import type { AlertPrefill } from './prefill';

afterEach(cleanup);

const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement | HTMLSelectElement;

async function renderWith(prefill: AlertPrefill | null) {
  const alerts = fakeAlerts();
  const { api } = fakeApi();
  const ui = (next: AlertPrefill | null) => <AlertForm api={api} alerts={alerts} defaultSymbol="AAPL" prefill={next} />;
  const view = render(ui(prefill));
  await act(async () => {});
  return { ...view, rerenderWith: (next: AlertPrefill | null) => view.rerender(ui(next)) };
}

describe('AlertForm: prefilled from the chart', () => {
  it('turns the draft into a price alert at the picked level and puts the cursor on the level', async () => {
    const { rerenderWith } = await renderWith(null);
    await userEvent.selectOptions(field('alert-condition-type'), 'price_move');
    await userEvent.type(field('alert-note'), 'keep');

    rerenderWith({ symbol: 'MSFT', threshold: 412.5, operator: '<' });
    expect(field('alert-symbol').value).toBe('MSFT');
    expect(field('alert-condition-type').value).toBe('price_threshold');
    expect(field('alert-operator').value).toBe('<');
    expect(field('alert-threshold').value).toBe('412.5');
    expect(field('alert-note').value).toBe('keep');
    expect(document.activeElement).toBe(field('alert-threshold'));

    rerenderWith({ symbol: 'MSFT', threshold: 420, operator: '>' });
    expect(field('alert-operator').value).toBe('>');
    expect(field('alert-threshold').value).toBe('420');
  });

  it('fills a form that opens with a new prefill, but not again when it reopens with the same one', async () => {
    const prefill: AlertPrefill = { symbol: 'NVDA', threshold: 130.25, operator: '>' };
    const first = await renderWith(prefill);
    expect(field('alert-threshold').value).toBe('130.25');
    expect(document.activeElement).toBe(field('alert-threshold'));
    first.unmount();

    await renderWith(prefill);
    expect(field('alert-symbol').value).toBe('AAPL');
    expect(field('alert-threshold').value).toBe('');
  });
});
