import type { NotificationRecord } from '@tickwatch/shared';

/** A history record as the recorder produces it, for channel tests. */
export function notificationRecord(overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    notification_id: 'n-1',
    user_id: 'trader-1',
    alert_id: 'alert-1',
    symbol: 'AAPL',
    current_price: 205.5,
    threshold: 200,
    triggered_at: Date.UTC(2025, 0, 2, 15, 30, 0),
    notification_method: 'websocket',
    delivery_status: 'pending',
    message_id: null,
    condition_type: 'price_threshold',
    message: 'AAPL last price 205.50 crossed above 200.00',
    ...overrides,
  };
}
