import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { connectClient } from '../support/sockets.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!!';
const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'tickwatch-api';

async function token(
  claims: { sub?: string; iss?: string; aud?: string; exp?: number | null },
  secret = SECRET,
): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  jwt = jwt.setIssuer(claims.iss ?? ISSUER).setAudience(claims.aud ?? AUDIENCE);
  // `exp: null` leaves the expiry out, as some providers allow for long-lived service tokens.
  if (claims.exp !== null) jwt = jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe(`identity from an external provider (AUTH_MODE=jwt) on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      AUTH_MODE: 'jwt',
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(() => server.close());

  const me = (bearer?: string) =>
    fetch(`${server.url}/api/me`, bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } });

  it('takes the user from a valid token’s subject', async () => {
    const res = await me(await token({ sub: 'cognito-user-1' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user_id: 'cognito-user-1', auth_mode: 'jwt' });
  });

  it('refuses missing, expired, never-expiring, forged, wrong-audience, wrong-issuer and subject-less tokens on HTTP', async () => {
    const bad = {
      missing: undefined,
      expired: await token({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 60 }),
      'without exp': await token({ sub: 'u', exp: null }),
      forged: await token({ sub: 'u' }, 'another-secret-of-at-least-32-characters'),
      audience: await token({ sub: 'u', aud: 'someone-else' }),
      issuer: await token({ sub: 'u', iss: 'https://evil.example.com/' }),
      subjectless: await token({}),
      garbage: 'not.a.jwt',
    };
    for (const [name, value] of Object.entries(bad)) {
      const res = await me(value);
      expect(res.status, name).toBe(401);
      const body = (await res.json()) as { error: { id: string; message: string } };
      expect(body.error.id, name).toBe('unauthorized');
      expect(body.error.message, name).not.toMatch(/at |Error|\.ts|\.js/);
    }
  });

  it('refuses bad tokens at the socket handshake and lets a socket without one use the public feed only', async () => {
    for (const bad of [
      await token({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 60 }),
      await token({ sub: 'u', exp: null }),
      await token({ sub: 'u' }, 'another-secret-of-at-least-32-characters'),
      await token({ sub: 'u', aud: 'someone-else' }),
    ]) {
      await expect(connectClient(server.url, { token: bad })).rejects.toMatchObject({ message: 'unauthorized' });
    }
    const anonymous = await connectClient(server.url);
    const subscribed = await anonymous.socket.timeout(5000).emitWithAck('ticks:subscribe', ['AAPL']);
    expect(subscribed.ok).toBe(true);
    const replay = await anonymous.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 });
    expect(replay).toMatchObject({ ok: false, error: { id: 'unauthorized' } });
    anonymous.close();
    const good = await connectClient(server.url, { token: await token({ sub: 'socket-user' }) });
    expect(await good.socket.timeout(5000).emitWithAck('notifications:replay', { after: 0 })).toEqual({
      ok: true,
      data: { replayed: 0 },
    });
    good.close();
  });

  it('refuses dev sign-in', async () => {
    const res = await fetch(`${server.url}/api/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'alice' }),
    });
    expect(res.status).toBe(403);
  });
});

describe(`hardening on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let dist: string;
  beforeAll(async () => {
    // A stand-in build of the dashboard, so its pages are served with their real headers.
    dist = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-dist-'));
    await fs.writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Tickwatch</title>');
    server = await startTestServer(
      {
        RATE_LIMIT_SIGNIN_PER_MINUTE: '3',
        RATE_LIMIT_INGEST_PER_MINUTE: '2',
        RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '2',
        CORS_ORIGINS: 'https://widgets.example.com',
      },
      { clientDist: dist },
    );
  });
  afterAll(async () => {
    await server.close();
    await fs.rm(dist, { recursive: true, force: true });
  });

  const devLogin = () =>
    fetch(`${server.url}/api/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'limited' }),
    });

  it('answers 429 past the sign-in, ingest and alert-write limits', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await devLogin()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await devLogin();
    expect(((await limited.json()) as { error: { id: string } }).error.id).toBe('rate_limited');

    const tick = { symbol: 'RL', timestamp: Date.now(), price: 1, volume: 1 };
    expect([
      (await server.ingest(tick)).status,
      (await server.ingest(tick)).status,
      (await server.ingest(tick)).status,
    ]).toEqual([202, 202, 429]);
  });

  it('limits alert writes per client but not reads', async () => {
    const other = await startTestServer({ RATE_LIMIT_ALERT_WRITES_PER_MINUTE: '2' });
    try {
      const login = await fetch(`${other.url}/api/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 'writer' }),
      });
      const { token: bearer } = (await login.json()) as { token: string };
      const post = () =>
        fetch(`${other.url}/api/alerts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            symbol: 'W',
            condition_type: 'price_threshold',
            condition: { operator: '>', threshold: 1 },
            notification_method: 'websocket',
          }),
        });
      expect([(await post()).status, (await post()).status, (await post()).status]).toEqual([201, 201, 429]);
      const list = await fetch(`${other.url}/api/alerts`, { headers: { authorization: `Bearer ${bearer}` } });
      expect(list.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('allows the REST API cross-origin only for configured origins', async () => {
    const allowed = await fetch(`${server.url}/api/health`, { headers: { origin: 'https://widgets.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://widgets.example.com');
    const other = await fetch(`${server.url}/api/health`, { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers, and lets only the widget be framed by other sites', async () => {
    const api = await fetch(`${server.url}/api/health`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const widget = await fetch(`${server.url}/widget`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(widget.headers.get('x-frame-options')).toBeNull();
  });

  it('answers a request that breaks the server with a generic message, never internals', async () => {
    const res = await fetch(`${server.url}/api/ticks/AAPL?from=5&to=1`);
    expect(res.status).toBe(400);
    const junk = await fetch(`${server.url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: '{',
    });
    const text = await junk.text();
    expect(text).not.toMatch(/node_modules|at .*\(|SyntaxError/);
  });
});
