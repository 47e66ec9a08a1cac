import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

/**
 * AUTH_MODE=jwt against an identity provider's JWKS (as Amazon Cognito publishes one), served by a local HTTP
 * server: the real key-fetching path, not a shared secret.
 */
describe(`identity from a JWKS (AUTH_MODE=jwt, JWT_JWKS_URL) on ${inject('dynamoKind')}`, () => {
  let jwks: http.Server;
  let server: TestServer;
  let sign: (sub: string, key?: CryptoKey) => Promise<string>;
  let stranger: CryptoKey;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    sign = (sub, key = privateKey) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(sub)
        .setIssuer('https://idp.example.com/')
        .setAudience('tickwatch')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    server = await startTestServer({
      AUTH_MODE: 'jwt',
      JWT_JWKS_URL: url,
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'tickwatch',
    });
  });
  afterAll(async () => {
    await server.close();
    jwks.closeAllConnections();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  it('accepts a token signed by a key in the JWKS and takes the user from its subject', async () => {
    const res = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${await sign('cognito-sub-42')}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user_id: 'cognito-sub-42', auth_mode: 'jwt' });
  });

  it('refuses a token signed by a key that is not in the JWKS', async () => {
    const res = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${await sign('cognito-sub-42', stranger)}` },
    });
    expect(res.status).toBe(401);
  });
});
