import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { unauthorized } from '../errors.js';

/** Routes for operators and market-data vendors (ingest, fundamentals) take the INGEST_API_KEY in `x-api-key`. */
export function requireOperatorKey(expected: string): RequestHandler {
  const expectedDigest = crypto.createHash('sha256').update(expected).digest();
  return (req, _res, next) => {
    const given = req.get('x-api-key');
    // Comparing digests keeps the comparison constant-time whatever the length of what was sent.
    const givenDigest = crypto
      .createHash('sha256')
      .update(given ?? '')
      .digest();
    if (!given || !crypto.timingSafeEqual(givenDigest, expectedDigest)) {
      throw unauthorized('A valid x-api-key header is required');
    }
    next();
  };
}
