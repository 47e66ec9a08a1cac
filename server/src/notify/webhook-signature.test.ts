import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader } from './webhook-signature.js';

describe('signatureHeader', () => {
  it('is HMAC-SHA256 keyed with the whole secret over "<timestamp>.<body>"', () => {
    const secret = 'whsec_test';
    const body = '{"event":"alert.triggered"}';
    const expected = crypto.createHmac('sha256', secret).update(`1735831800.${body}`).digest('hex');

    expect(signatureHeader(secret, 1735831800, body)).toBe(`t=1735831800,v1=${expected}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signatureHeader('whsec_a', 100, 'body');
    expect(signatureHeader('whsec_a', 101, 'body')).not.toBe(base);
    expect(signatureHeader('whsec_a', 100, 'body ')).not.toBe(base);
    expect(signatureHeader('whsec_b', 100, 'body')).not.toBe(base);
  });
});

describe('newWebhookSecret', () => {
  it('is 32 random bytes in hex behind a whsec_ prefix, new each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
