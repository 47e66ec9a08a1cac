// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { MAX_REPLAY, type NotificationRecord } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';
import { useNotifications } from './useNotifications';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/**
 * The server end of the socket, as the hook sees it: each `notifications:replay` sends the records newer than
 * `after` (at most MAX_REPLAY) as `alert:triggered`, then acknowledges with how many it sent.
 */
function replayingServer(records: NotificationRecord[]) {
  const handlers = new Map<string, (...args: never[]) => void>();
  const requests: number[] = [];
  const socket = {
    connected: true,
    on: (event: string, handler: (...args: never[]) => void) => handlers.set(event, handler),
    off: (event: string) => handlers.delete(event),
    timeout: () => ({
      emitWithAck: async (_event: string, { after }: { after: number }) => {
        requests.push(after);
        const page = records.filter((r) => r.triggered_at > after).slice(0, MAX_REPLAY);
        const triggered = handlers.get('alert:triggered') as unknown as (
          r: NotificationRecord,
          ack: () => void,
        ) => void;
        for (const record of page) triggered(record, () => {});
        return { ok: true, data: { replayed: page.length } };
      },
    }),
  };
  return { socket: socket as unknown as TickwatchSocket, requests };
}

const record = (i: number): NotificationRecord => ({
  notification_id: `n${i}`,
  user_id: 'trader',
  alert_id: 'a1',
  symbol: 'AAPL',
  current_price: 101,
  threshold: 100,
  triggered_at: 1_000 + i,
  notification_method: 'websocket',
  delivery_status: 'pending',
  message_id: null,
  condition_type: 'price_threshold',
  message: 'AAPL last price 101.00 is above 100.00',
});

describe('useNotifications replay', () => {
  it('asks again from the newest fire received while a replay comes back full, until it has them all', async () => {
    localStorage.setItem('tickwatch.lastSeen.trader', '0');
    const missed = Array.from({ length: MAX_REPLAY * 2 + 7 }, (_, i) => record(i + 1));
    const { socket, requests } = replayingServer(missed);
    const api = {} as Api;
    const { result } = renderHook(() => useNotifications(api, socket, 'trader'));
    await waitFor(() => expect(result.current.unread).toBe(missed.length));
    expect(requests).toEqual([0, 1_000 + MAX_REPLAY, 1_000 + 2 * MAX_REPLAY]);
  });

  it('asks once when the first replay is not full', async () => {
    localStorage.setItem('tickwatch.lastSeen.trader', '0');
    const { socket, requests } = replayingServer([record(1), record(2)]);
    const api = {} as Api;
    const { result } = renderHook(() => useNotifications(api, socket, 'trader'));
    await waitFor(() => expect(result.current.unread).toBe(2));
    expect(requests).toEqual([0]);
  });
});

describe('useNotifications toasts', () => {
  it('groups the fires of one alert into one toast, and dismisses one alert or all', async () => {
    localStorage.setItem('tickwatch.lastSeen.trader', '0');
    const other = { ...record(4), alert_id: 'a2', message: 'MSFT last price 50.00 is below 51.00' };
    const { socket } = replayingServer([record(1), record(2), record(3), other]);
    const { result } = renderHook(() => useNotifications({} as Api, socket, 'trader'));
    await waitFor(() => expect(result.current.unread).toBe(4));
    expect(result.current.toasts.map((t) => [t.record.alert_id, t.count, t.record.notification_id])).toEqual([
      ['a2', 1, 'n4'],
      ['a1', 3, 'n3'],
    ]);
    act(() => result.current.dismiss('a2'));
    expect(result.current.toasts.map((t) => t.record.alert_id)).toEqual(['a1']);
    act(() => result.current.dismissAll());
    expect(result.current.toasts).toEqual([]);
    expect(result.current.recent).toHaveLength(4);
  });
});
