import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PendingNotification } from '../../src/store/alerts-repository.js';
import { atSlot } from '../../src/store/history-slots.js';
import { HistoryWrites, UnwrittenRecordError } from '../../src/store/history-writes.js';
import { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { startTestServer, type TestServer } from '../support/harness.js';

/** The write-behind of claimed fires: a status settled before the history write rides along with it. */
describe(`history writes on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let notifications: NotificationsRepository;
  beforeAll(async () => {
    server = await startTestServer();
    notifications = new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications);
  });
  afterAll(() => server.close());

  function claimed(userId = crypto.randomUUID(), triggeredAt = Date.now()): PendingNotification {
    return {
      notification_id: crypto.randomUUID(),
      user_id: userId,
      alert_id: crypto.randomUUID(),
      symbol: 'HIST',
      current_price: 101,
      threshold: 100,
      triggered_at: triggeredAt,
      notification_method: 'websocket',
      condition_type: 'price_threshold',
      message: 'HIST last price 101.00 is above 100.00',
    };
  }

  const asDelivered = (pending: PendingNotification) => ({
    ...pending,
    delivery_status: 'pending' as const,
    message_id: null,
  });

  it('writes a status settled before the history write with the record, and answers only once it is stored', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    history.expect(pending);
    let answered = false;
    const status = history.setDelivery(asDelivered(pending), { status: 'sent' }).then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect(await notifications.get(pending.user_id, pending.triggered_at)).toBeUndefined();

    const record = await history.write(pending);
    await status;
    expect(record.delivery_status).toBe('sent');
    const stored = await notifications.get(pending.user_id, pending.triggered_at);
    expect(stored).toMatchObject({ notification_id: pending.notification_id, delivery_status: 'sent' });
    // Settled, so out of the outbox from the start.
    expect(await notifications.listUndelivered(pending.user_id, 10)).toEqual([]);
  });

  it('lets a history write wait for the delivery to settle, so the status costs no update of its own', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    history.expect(pending);
    // A grace far longer than any test: only the settling can end this wait.
    const settled = history.settledWithin(pending.notification_id, 3_600_000);
    const status = history.setDelivery(asDelivered(pending), { status: 'sent' });
    await settled;
    const operations: string[] = [];
    const stop = server.store.capacity.onConsumed(({ table, operation }) => {
      if (table === 'notifications') operations.push(operation);
    });
    await history.write(pending);
    await status;
    stop();
    expect(operations).toEqual(['PutItem']);
    expect(await notifications.get(pending.user_id, pending.triggered_at)).toMatchObject({ delivery_status: 'sent' });
  });

  it('ends the wait for a delivery after the grace, or when the record is abandoned', async () => {
    const history = new HistoryWrites(notifications);
    const graced = claimed();
    const abandoned = claimed();
    history.expect(graced);
    history.expect(abandoned);
    await history.settledWithin(graced.notification_id, 1);
    const waiting = history.settledWithin(abandoned.notification_id, 3_600_000);
    history.abandon(abandoned.notification_id);
    await waiting;
    // Nothing to wait for: unknown, or already settled.
    await history.settledWithin(crypto.randomUUID(), 3_600_000);
  });

  it('writes a failure with its fixed reason when it settles first', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    history.expect(pending);
    const status = history.setDelivery(asDelivered(pending), { status: 'failed', failure: 'no_target' });
    await history.write(pending);
    await status;
    expect(await notifications.get(pending.user_id, pending.triggered_at)).toMatchObject({
      delivery_status: 'failed',
      failure_id: 'no_target',
    });
  });

  it('updates a status that settles while the write is in flight, after the write', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    history.expect(pending);
    const writing = history.write(pending);
    const status = history.setDelivery(asDelivered(pending), { status: 'sent' });
    expect((await writing).delivery_status).toBe('pending');
    await status;
    expect(await notifications.get(pending.user_id, pending.triggered_at)).toMatchObject({ delivery_status: 'sent' });
  });

  it('tells whoever sets the status of a record it will not write', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    history.expect(pending);
    const status = history.setDelivery(asDelivered(pending), { status: 'sent' });
    history.abandonAll();
    await expect(status).rejects.toBeInstanceOf(UnwrittenRecordError);
    expect(history.unwrittenOf(pending.user_id)).toEqual([]);
  });

  it('lists a user’s claimed records until they are written, with any settled status', async () => {
    const history = new HistoryWrites(notifications);
    const userId = crypto.randomUUID();
    const first = claimed(userId);
    const second = claimed(userId, first.triggered_at + 1);
    history.expect(first);
    history.expect(second);
    history.expect(claimed());
    void history.setDelivery(asDelivered(second), { status: 'sent' });
    expect(
      history
        .unwrittenOf(userId)
        .map((r) => [r.notification_id, r.delivery_status])
        .sort(),
    ).toEqual(
      [
        [first.notification_id, 'pending'],
        [second.notification_id, 'sent'],
      ].sort(),
    );
    await history.write(first);
    expect(history.unwrittenOf(userId).map((r) => r.notification_id)).toEqual([second.notification_id]);
    await history.write(second);
    expect(history.unwrittenOf(userId)).toEqual([]);
  });

  it('finds a record stored at another slot than its claim gave it when its status is set later', async () => {
    const history = new HistoryWrites(notifications);
    const userId = crypto.randomUUID();
    const ms = Date.now();
    // Another process claimed slot 2 of this millisecond first.
    await notifications.writeOnce(claimed(userId, atSlot(ms, 2)));
    const pending = claimed(userId, atSlot(ms, 2));
    history.expect(pending);
    const record = await history.write(pending);
    expect(record.triggered_at).not.toBe(pending.triggered_at);
    expect(Math.floor(record.triggered_at)).toBe(ms);

    await history.setDelivery(asDelivered(pending), { status: 'sent' });
    expect(await notifications.get(userId, record.triggered_at)).toMatchObject({
      notification_id: pending.notification_id,
      delivery_status: 'sent',
    });
  });

  it('writes a record once however often it is written, and lands a settled status on the stored copy', async () => {
    const history = new HistoryWrites(notifications);
    const pending = claimed();
    // A retry after a write whose answer was lost: the record is already there, still pending.
    await notifications.writeOnce(pending);
    history.expect(pending);
    void history.setDelivery(asDelivered(pending), { status: 'sent' });
    const record = await history.write(pending);
    expect(record.delivery_status).toBe('sent');
    const all = await notifications.list(pending.user_id, { limit: 10 });
    expect(all.items).toHaveLength(1);
    expect(all.items[0]).toMatchObject({ delivery_status: 'sent' });
  });
});
