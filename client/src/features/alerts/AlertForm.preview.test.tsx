// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import type { AlertPreview } from '@tickwatch/shared';
import { renderAlertForm } from './alert-form-testkit';

afterEach(cleanup);

const T0 = Date.UTC(2026, 0, 15, 15);
const DAY = 86_400_000;
const answer = (overrides: Partial<AlertPreview> = {}): AlertPreview => ({
  symbol: 'AAPL',
  from: T0 - DAY,
  to: T0,
  ticks_replayed: 40,
  fire_count: 2,
  fires: [
    { time: T0 - 60_000, price: 201, value: 201, level: 200 },
    { time: T0 - 30_000, price: 202.5, value: 202.5, level: 200 },
  ],
  truncated: false,
  fires_on_every_tick: false,
  ...overrides,
});

const note = () => screen.getByTestId('alert-preview');

describe('AlertForm: preview', () => {
  it('replays a valid draft, says how often it would have fired and reports its fires for the chart', async () => {
    const { user, api, onPreviewMarkers } = await renderAlertForm();
    expect(note().textContent).toBe('');
    await user.type(screen.getByTestId('alert-threshold'), '200');
    await waitFor(() => expect(api!.previews).toHaveLength(1));
    expect(api!.previews[0]!.definition).toMatchObject({ symbol: 'AAPL', condition: { threshold: 200 } });
    expect(note().dataset.state).toBe('loading');

    await act(async () => api!.previews[0]!.resolve(answer()));
    expect(note().textContent).toBe('Would have fired 2 times in the last 24 h.');
    const shown = onPreviewMarkers.mock.lastCall?.[0] as { symbol: string; markers: { time: number; kind: string }[] };
    expect(shown.symbol).toBe('AAPL');
    expect(shown.markers.map((m) => [m.time, m.kind])).toEqual([
      [T0 - 60_000, 'preview'],
      [T0 - 30_000, 'preview'],
    ]);
  });

  it('cancels the replay of a draft that changed, and clears the chart while the new one is replayed', async () => {
    const { user, api, onPreviewMarkers } = await renderAlertForm();
    await user.type(screen.getByTestId('alert-threshold'), '200');
    await waitFor(() => expect(api!.previews).toHaveLength(1));
    await act(async () => api!.previews[0]!.resolve(answer()));
    await user.type(screen.getByTestId('alert-threshold'), '5');
    expect(onPreviewMarkers).toHaveBeenLastCalledWith(null);
    await waitFor(() => expect(api!.previews).toHaveLength(2));
    await user.clear(screen.getByTestId('alert-threshold'));
    expect(api!.previews[1]!.signal?.aborted).toBe(true);
    expect(note().textContent).toBe('');
  });

  it('asks again only when what decides the fires changes, not for the note', async () => {
    const { user, api } = await renderAlertForm();
    await user.type(screen.getByTestId('alert-threshold'), '200');
    await waitFor(() => expect(api!.previews).toHaveLength(1));
    await act(async () => api!.previews[0]!.resolve(answer()));
    await user.type(screen.getByTestId('alert-note'), 'my level');
    // A changed draft would show as loading at once; the answer stands instead.
    expect(note().textContent).toBe('Would have fired 2 times in the last 24 h.');
    await user.type(screen.getByTestId('alert-threshold'), '1');
    expect(note().dataset.state).toBe('loading');
    await waitFor(() => expect(api!.previews).toHaveLength(2));
    expect(api!.previews[1]!.definition).toMatchObject({ condition: { threshold: 2001 } });
    expect(api!.previews[1]!.definition).not.toHaveProperty('note');
  });

  it('warns about a draft that would fire on every tick, and says when nothing is stored', async () => {
    const { user, api } = await renderAlertForm();
    await user.type(screen.getByTestId('alert-threshold'), '1');
    await waitFor(() => expect(api!.previews).toHaveLength(1));
    await act(async () => api!.previews[0]!.resolve(answer({ fire_count: 1, fires_on_every_tick: true })));
    expect(note().textContent).toBe(
      'This alert would fire on every tick: its condition held on every tick of the last 24 h. Check the level.',
    );
    await user.type(screen.getByTestId('alert-threshold'), '0');
    await waitFor(() => expect(api!.previews).toHaveLength(2));
    await act(async () => api!.previews[1]!.resolve(answer({ ticks_replayed: 0, fire_count: 0, fires: [] })));
    expect(note().textContent).toBe('No stored ticks of AAPL in the last 24 h: nothing to replay.');
  });

  it('says why a preview failed', async () => {
    const { user, api } = await renderAlertForm();
    await user.type(screen.getByTestId('alert-threshold'), '200');
    await waitFor(() => expect(api!.previews).toHaveLength(1));
    await act(async () => api!.previews[0]!.reject(new Error('Too many alert changes; try again in a minute')));
    expect(note().textContent).toBe('Could not preview this alert: Too many alert changes; try again in a minute');
  });
});
