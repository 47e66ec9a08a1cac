import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '@tickwatch/shared';
import { addFire, unexpired, untilFirstExpiry } from './toast-stack';

const fire = (id: string, alertId: string, triggeredAt: number, price: number): NotificationRecord => ({
  notification_id: id,
  user_id: 'trader',
  alert_id: alertId,
  symbol: 'AAPL',
  current_price: price,
  threshold: 100,
  triggered_at: triggeredAt,
  notification_method: 'websocket',
  delivery_status: 'sent',
  message_id: null,
  condition_type: 'price_threshold',
  message: `AAPL last price ${price.toFixed(2)} is above 100.00`,
});

describe('toast stack', () => {
  it('groups repeats of one alert into one toast with a count and the latest fire', () => {
    let stack = addFire([], fire('n1', 'a1', 1_000, 101), 5_000, 5);
    stack = addFire(stack, fire('n2', 'a1', 2_000, 102), 6_000, 5);
    stack = addFire(stack, fire('n3', 'a1', 3_000, 103), 7_000, 5);
    expect(stack).toHaveLength(1);
    expect(stack[0]).toEqual({ record: fire('n3', 'a1', 3_000, 103), count: 3, shownAt: 7_000 });
  });

  it('keeps different alerts apart, newest first, and moves a repeated alert to the top', () => {
    let stack = addFire([], fire('n1', 'a1', 1_000, 101), 5_000, 5);
    stack = addFire(stack, fire('n2', 'a2', 2_000, 50), 5_100, 5);
    expect(stack.map((t) => t.record.alert_id)).toEqual(['a2', 'a1']);
    stack = addFire(stack, fire('n3', 'a1', 3_000, 104), 5_200, 5);
    expect(stack.map((t) => [t.record.alert_id, t.count])).toEqual([
      ['a1', 2],
      ['a2', 1],
    ]);
  });

  it('keeps the later fire when a replayed earlier one arrives after it', () => {
    let stack = addFire([], fire('n2', 'a1', 2_000, 102), 5_000, 5);
    stack = addFire(stack, fire('n1', 'a1', 1_000, 101), 5_100, 5);
    expect(stack[0]?.record.notification_id).toBe('n2');
    expect(stack[0]?.count).toBe(2);
  });

  it('drops the oldest toast beyond the limit', () => {
    let stack = addFire([], fire('n1', 'a1', 1_000, 1), 5_000, 2);
    stack = addFire(stack, fire('n2', 'a2', 1_001, 2), 5_000, 2);
    stack = addFire(stack, fire('n3', 'a3', 1_002, 3), 5_000, 2);
    expect(stack.map((t) => t.record.alert_id)).toEqual(['a3', 'a2']);
  });

  it('lets a toast expire a while after its latest fire, not its first', () => {
    let stack = addFire([], fire('n1', 'a1', 1_000, 101), 0, 5);
    stack = addFire(stack, fire('n2', 'a1', 2_000, 102), 6_000, 5);
    expect(unexpired(stack, 9_000, 8_000)).toHaveLength(1);
    expect(unexpired(stack, 14_000, 8_000)).toHaveLength(0);
  });

  it('keeps the same stack while none has expired, and says when the first one will', () => {
    let stack = addFire([], fire('n1', 'a1', 1_000, 101), 0, 5);
    stack = addFire(stack, fire('n2', 'a2', 2_000, 102), 3_000, 5);
    expect(unexpired(stack, 7_000, 8_000)).toBe(stack);
    expect(untilFirstExpiry(stack, 7_000, 8_000)).toBe(1_000);
    expect(untilFirstExpiry(stack, 9_000, 8_000)).toBe(0);
  });
});
