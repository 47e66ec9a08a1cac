import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ack, SessionExpired, TickSubscription } from '@tickwatch/shared';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { connectClient, type ConnectedClient } from '../support/sockets.js';
import { priceAlert } from '../support/users.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!!';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const token = (sub: string, exp: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(SECRET));

/** Resolves with the socket's `session:expired` notice; rejects if it has not come well after the token's expiry. */
function sessionExpired(client: ConnectedClient, exp: number): Promise<SessionExpired> {
  return new Promise((resolve, reject) => {
    // A bound so that a server which never expires the socket fails here rather than at the test timeout.
    const bound = setTimeout(
      () => reject(new Error('no session:expired arrived 10 s after the token expired')),
      exp * 1000 - Date.now() + 10_000,
    );
    client.socket.once('session:expired', (notice) => {
      clearTimeout(bound);
      resolve(notice);
    });
  });
}

describe(`a socket whose token expires, on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  const open: ConnectedClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await server.close();
  });

  it('drops to the public feed when its token expires: told so, no more fires, no replay', async () => {
    const user = 'expiring-trader';
    const longLived = await token(user, nowSeconds() + 600);
    const created = await fetch(`${server.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${longLived}`, 'content-type': 'application/json' },
      body: JSON.stringify(priceAlert('EXPY', '>', 100)),
    });
    expect(created.status).toBe(201);

    // Valid for at least two more seconds (tokens are valid while now < exp), so the handshake is accepted.
    const exp = nowSeconds() + 3;
    const doomed = await connectClient(server.url, { token: await token(user, exp) });
    open.push(doomed);
    const expired = sessionExpired(doomed, exp);
    // Another tab of the same user with a longer session: it shows when a fire has gone out.
    const witness = await connectClient(server.url, { token: longLived });
    open.push(witness);
    expect(await doomed.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 })).toEqual({
      ok: true,
      data: { replayed: 0 },
    });
    const subscribed = (await doomed.socket
      .timeout(5000)
      .emitWithAck('ticks:subscribe', ['EXPY'])) as Ack<TickSubscription>;
    expect(subscribed.ok).toBe(true);

    const notice = await expired;
    expect(notice.expired_at).toBe(exp);
    expect(notice.message).toMatch(/sign in/i);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(doomed.socket.connected).toBe(true);

    expect(await doomed.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 })).toMatchObject({
      ok: false,
      error: { id: 'unauthorized' },
    });

    await server.ingest({ symbol: 'EXPY', timestamp: Date.now(), price: 101, volume: 1 });
    await eventually(() => expect(witness.alerts).toHaveLength(1));
    // One round trip on the expired socket: anything the server sent it before this answer has arrived by now.
    const stillPublic = (await doomed.socket
      .timeout(5000)
      .emitWithAck('ticks:subscribe', ['EXPY'])) as Ack<TickSubscription>;
    expect(stillPublic).toEqual({ ok: true, data: { subscribed: ['EXPY'], invalid: [] } });
    expect(doomed.alerts).toEqual([]);
    expect(doomed.updates).toEqual([]);
    // The public price feed goes on: the tick arrived as a frame.
    await eventually(() => expect(doomed.frames.flat().some((t) => t.price === 101)).toBe(true));
  });

  it('refuses a handshake with a token that has no exp', async () => {
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('forever')
      .sign(new TextEncoder().encode(SECRET));
    await expect(connectClient(server.url, { token: forever })).rejects.toMatchObject({ message: 'unauthorized' });
    const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${forever}` } });
    expect(res.status).toBe(401);
  });
});
