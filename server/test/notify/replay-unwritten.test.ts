import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationRecord } from '@tickwatch/shared';
import { DeliveryService } from '../../src/notify/delivery-service.js';
import { WebsocketChannel } from '../../src/notify/websocket-channel.js';
import { SocketDashboards } from '../../src/realtime/socket-dashboards.js';
import type { PendingNotification } from '../../src/store/alerts-repository.js';
import { HistoryWrites } from '../../src/store/history-writes.js';
import { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { UserSettingsRepository } from '../../src/store/user-settings-repository.js';
import { silentLog, startTestServer, type TestServer } from '../support/harness.js';

/**
 * A fire is delivered when it is claimed and written to the history a moment later. A dashboard that connects in
 * between missed the live push and would not find the record in the table: its replay must still bring it.
 */
describe(`replay of fires not yet written on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let notifications: NotificationsRepository;
  let settings: UserSettingsRepository;
  beforeAll(async () => {
    server = await startTestServer();
    notifications = new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications);
    settings = new UserSettingsRepository(server.store.clients.doc, server.store.tables.userSettings);
  });
  afterAll(() => server.close());

  /** Delivery with its own write-behind, as the app builds it. */
  function deliveryWithHistory() {
    const history = new HistoryWrites(notifications);
    const delivery = new DeliveryService({
      // The server's real dashboards; the tab of each test is its replay's `show` callback.
      dashboards: new SocketDashboards(server.app.io, 1000),
      channels: [new WebsocketChannel()],
      notifications,
      history,
      settings,
      options: { maxAttempts: 1, retryBaseMs: 10 },
      log: silentLog,
    });
    return { history, delivery };
  }

  function claimed(userId: string, triggeredAt: number, method: 'websocket' | 'email'): PendingNotification {
    return {
      notification_id: crypto.randomUUID(),
      user_id: userId,
      alert_id: crypto.randomUUID(),
      symbol: 'GAP',
      current_price: 101,
      threshold: 100,
      triggered_at: triggeredAt,
      notification_method: method,
      condition_type: 'price_threshold',
      message: 'GAP last price 101.00 is above 100.00',
    };
  }

  it('replays a claimed fire before its history write, and its acknowledgement lands with the write', async () => {
    const { history, delivery } = deliveryWithHistory();
    const userId = crypto.randomUUID();
    const now = Date.now();
    const dashboardFire = claimed(userId, now, 'websocket');
    const emailFire = claimed(userId, now + 1, 'email');
    const someoneElses = claimed(crypto.randomUUID(), now, 'websocket');
    for (const pending of [dashboardFire, emailFire, someoneElses]) history.expect(pending);

    const shown: NotificationRecord[] = [];
    const replayed = await delivery.replay(userId, now - 1_000, (record) => {
      shown.push(record);
      return Promise.resolve(true);
    });
    expect(replayed).toBe(2);
    expect(shown.map((r) => r.notification_id)).toEqual([dashboardFire.notification_id, emailFire.notification_id]);

    // The tab acknowledged the dashboard fire: its write carries `sent`.
    await history.write(dashboardFire);
    await delivery.idle();
    expect(await notifications.get(userId, dashboardFire.triggered_at)).toMatchObject({ delivery_status: 'sent' });
    await history.write(emailFire);
    expect(await notifications.get(userId, emailFire.triggered_at)).toMatchObject({ delivery_status: 'pending' });
  });

  it('does not replay a claimed fire older than the tab has seen that a dashboard already acknowledged', async () => {
    const { history, delivery } = deliveryWithHistory();
    const userId = crypto.randomUUID();
    const now = Date.now();
    const acknowledged = claimed(userId, now, 'websocket');
    const unacknowledged = claimed(userId, now + 1, 'websocket');
    history.expect(acknowledged);
    history.expect(unacknowledged);
    const settled = history.setDelivery(
      { ...acknowledged, delivery_status: 'pending', message_id: null },
      { status: 'sent' },
    );
    const shown: string[] = [];
    await delivery.replay(userId, now + 5, (record) => {
      shown.push(record.notification_id);
      return Promise.resolve(false);
    });
    expect(shown).toEqual([unacknowledged.notification_id]);
    history.abandonAll();
    await expect(settled).rejects.toThrow('was not written');
  });
});
