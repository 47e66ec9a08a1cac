import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { unauthorized } from '../errors.js';

/**
 * Routes for operators and market-data vendors (ingest, fundamentals, metrics, usage) take the INGEST_API_KEY, in
 * `x-api-key` or as a bearer token (`Authorization: Bearer …`, what Prometheus's `authorization` scrape setting sends).
 */
export function requireOperatorKey(expected: string): RequestHandler {
  const expectedDigest = crypto.createHash('sha256').update(expected).digest();
  return (req, _res, next) => {
    const given = req.get('x-api-key') ?? /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    // Comparing digests keeps the comparison constant-time whatever the length of what was sent.
    const givenDigest = crypto
      .createHash('sha256')
      .update(given ?? '')
      .digest();
    if (!given || !crypto.timingSafeEqual(givenDigest, expectedDigest)) {
      throw unauthorized('A valid x-api-key header (or Authorization: Bearer) is required');
    }
    next();
  };
}
