import crypto from 'node:crypto';

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>` (Stripe's scheme). */
export const SIGNATURE_HEADER = 'Tickwatch-Signature';

/** A new signing secret: 32 random bytes, hex, with a prefix that says what it is when it turns up in a config. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('hex')}`;
}

/**
 * The signature header for `rawBody` sent at `timestamp` (unix seconds): HMAC-SHA256, keyed with the whole secret
 * string, over `${timestamp}.${rawBody}`. Signing the timestamp lets a receiver refuse an old delivery replayed.
 */
export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
