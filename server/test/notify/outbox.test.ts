import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationRecord } from '@tickwatch/shared';
import { NotificationsRepository } from '../../src/store/notifications-repository.js';
import { FakeSmtp } from '../support/fake-smtp.js';
import { eventually, startTestServer, uniquePrefix, type TestServer } from '../support/harness.js';
import { signIn } from '../support/users.js';

/** Email and SNS records a previous run left pending: the outbox the next start takes up. */
describe(`the delivery outbox on ${inject('dynamoKind')}`, () => {
  let smtp: FakeSmtp;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    smtp = await FakeSmtp.start();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(() => smtp.close());

  async function start(prefix: string, extra: Record<string, string> = {}) {
    const server = await startTestServer({
      TABLE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      NOTIFY_RETRY_BASE_MS: '20',
      ...extra,
    });
    servers.push(server);
    return server;
  }

  async function stop(server: TestServer) {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  /** A fire recorded in the history whose delivery never finished: what a kill -9 mid-send leaves. */
  async function strandedRecord(server: TestServer, userId: string, method: 'email' | 'websocket') {
    const notifications = new NotificationsRepository(server.store.clients.doc, server.store.tables.notifications);
    return notifications.writeOnce({
      notification_id: crypto.randomUUID(),
      user_id: userId,
      alert_id: crypto.randomUUID(),
      symbol: 'OUTB',
      current_price: 101,
      threshold: 100,
      triggered_at: Date.now() - 5_000,
      notification_method: method,
      condition_type: 'price_threshold',
      message: 'OUTB last price 101.00 is above 100.00',
    });
  }

  it('sends an email a crash left pending when the server starts again, and marks it sent', async () => {
    const prefix = uniquePrefix();
    let server = await start(prefix);
    const to = `${crypto.randomUUID()}@example.test`;
    const user = await signIn(server, 'outbox-email');
    expect((await user.request('PUT', '/api/me/channels', { email: to })).status).toBe(200);
    const stranded = await strandedRecord(server, user.userId, 'email');
    const dashboardOnly = await strandedRecord(server, user.userId, 'websocket');
    await stop(server);

    server = await start(prefix);
    const after = await signIn(server, user.userId);
    const byId = async () =>
      new Map((await after.notifications()).items.map((r): [string, NotificationRecord] => [r.notification_id, r]));
    await eventually(async () => expect((await byId()).get(stranded.notification_id)?.delivery_status).toBe('sent'));
    expect(smtp.messages.filter((m) => m.rcptTo.includes(to))).toHaveLength(1);
    // A dashboard record is not the outbox's to send: it waits for the dashboard's replay.
    expect((await byId()).get(dashboardOnly.notification_id)?.delivery_status).toBe('pending');
  });

  it('leaves an email whose retries a shutdown cut short pending, and sends it at the next start', async () => {
    const prefix = uniquePrefix();
    const to = `${crypto.randomUUID()}@example.test`;
    // Every attempt is refused with a temporary error, so the delivery is still retrying at shutdown.
    smtp.refuse.set(to, { code: 451, text: 'try again later' });
    let server = await start(prefix, { NOTIFY_MAX_ATTEMPTS: '20', NOTIFY_RETRY_BASE_MS: '50' });
    const user = await signIn(server, 'outbox-shutdown');
    expect((await user.request('PUT', '/api/me/channels', { email: to })).status).toBe(200);
    const stranded = await strandedRecord(server, user.userId, 'email');
    server.app.delivery.deliver(stranded);
    const report = await server.app.close();
    expect(report.deliveries.leftPending).toBe(1);
    await server.store.close();
    servers.splice(servers.indexOf(server), 1);

    smtp.refuse.delete(to);
    server = await start(prefix);
    const after = await signIn(server, user.userId);
    await eventually(async () => expect((await after.notifications()).items[0]?.delivery_status).toBe('sent'));
    expect(smtp.messages.filter((m) => m.rcptTo.includes(to))).toHaveLength(1);
  });
});
