import { act, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import type { Alert } from '@tickwatch/shared';
import { AlertForm } from './AlertForm';
import { NO_CHANNELS, fakeAlerts, fakeApi } from './alert-fakes';

/**
 * Renders the real AlertForm against fakes of the server (`alerts`, `api`), waits for the channels to load, and
 * returns the fakes and a user-event session to drive it.
 */
export async function renderAlertForm(
  options: {
    channels?: Parameters<typeof fakeApi>[0] | null;
    editing?: Alert;
    defaultSymbol?: string | null;
  } = {},
) {
  const { channels = NO_CHANNELS, editing, defaultSymbol = editing?.symbol ?? 'AAPL' } = options;
  const alerts = fakeAlerts(editing ? [editing] : []);
  const server = channels === null ? null : fakeApi(channels);
  const onDone = vi.fn();
  const onPreviewMarkers = vi.fn();
  const user = userEvent.setup();
  const ui = (symbol: string | null) => (
    <AlertForm
      api={server?.api}
      alerts={alerts}
      defaultSymbol={symbol}
      editing={editing}
      onDone={onDone}
      onPreviewMarkers={onPreviewMarkers}
    />
  );
  const view = render(ui(defaultSymbol));
  await act(async () => {}); // the channels request settles
  return {
    ...view,
    user,
    alerts,
    api: server,
    onDone,
    onPreviewMarkers,
    rerenderWith: (symbol: string | null) => view.rerender(ui(symbol)),
  };
}

/** The error shown beside a field: the one its input names in aria-describedby, inside the same field. */
export function errorBeside(input: HTMLElement): HTMLElement | null {
  const id = input.getAttribute('aria-describedby');
  const error = id ? document.getElementById(id) : null;
  return error && input.closest('.af-field')?.contains(error) ? error : null;
}
