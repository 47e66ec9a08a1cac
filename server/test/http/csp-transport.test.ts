import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { securityHeaders } from '../../src/http/hardening.js';
import { startTestServer, type TestServer } from '../support/harness.js';

/**
 * `upgrade-insecure-requests` makes the browser fetch every asset of the page over HTTPS. On a page that itself
 * came over plain HTTP from a host other than localhost, those requests go to a port that does not speak TLS, and
 * the dashboard stays blank. It belongs only on pages that arrived over HTTPS.
 */
const UPGRADE = 'upgrade-insecure-requests';

describe(`the content security policy over plain HTTP on ${inject('dynamoKind')}`, () => {
  let server: TestServer;
  let dist: string;
  beforeAll(async () => {
    // A stand-in build of the dashboard, so its pages are served with their real headers.
    dist = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-dist-'));
    await fs.writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Tickwatch</title>');
    server = await startTestServer({}, { clientDist: dist });
  });
  afterAll(async () => {
    await server?.close();
    await fs.rm(dist, { recursive: true, force: true });
  });

  it('does not ask the browser to upgrade the dashboard’s, the widget’s or the API’s requests to HTTPS', async () => {
    for (const route of ['/', '/widget', '/api/health']) {
      const res = await fetch(`${server.url}${route}`);
      const csp = res.headers.get('content-security-policy');
      expect(csp, route).toContain("script-src 'self'");
      expect(csp, route).not.toContain(UPGRADE);
    }
  });
});

describe('the content security policy behind a TLS-terminating proxy', () => {
  // A request counts as HTTPS when Express says so (req.secure): a direct TLS connection, or with `trust proxy` the
  // proxy's X-Forwarded-Proto. This app trusts the loopback proxy, as a deployment behind one would.
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(securityHeaders());
    app.get(/.*/, (_req, res) => void res.send('ok'));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => listening.close(() => resolve()));
  });
  afterAll(() => close?.());

  const csp = async (route: string, proto?: string) =>
    (await fetch(`${url}${route}`, proto ? { headers: { 'x-forwarded-proto': proto } } : {})).headers.get(
      'content-security-policy',
    );

  it('asks for the upgrade on pages that arrived over HTTPS', async () => {
    expect(await csp('/', 'https')).toContain(UPGRADE);
    expect(await csp('/widget', 'https')).toContain(UPGRADE);
    expect(await csp('/widget', 'https')).toContain('frame-ancestors *');
  });

  it('leaves it out of pages that arrived over HTTP', async () => {
    expect(await csp('/')).not.toContain(UPGRADE);
    expect(await csp('/', 'http')).not.toContain(UPGRADE);
    expect(await csp('/widget')).not.toContain(UPGRADE);
    expect(await csp('/widget')).toContain('frame-ancestors *');
  });
});
