// A Tickwatch webhook receiver in plain Node (no dependencies) that verifies each delivery's signature.
//
//   TICKWATCH_WEBHOOK_SECRET=whsec_... node examples/webhook-receiver.mjs
//
// PORT (default 8787, 0 for any free port) and HOST (default 127.0.0.1) say where it listens. It prints one JSON
// line per event on stdout: {"listening":"http://127.0.0.1:8787/"} first, then {"verified":true,...} for each
// delivery it accepts or {"verified":false,"reason":...} for each it refuses. docs/webhooks.md explains the steps.
import crypto from 'node:crypto';
import http from 'node:http';

/** Deliveries signed longer ago than this are refused, so a captured one cannot be replayed later. */
const TOLERANCE_SECONDS = 300;
/** Tickwatch's payloads are small; anything much bigger is not one of them. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Checks a `Tickwatch-Signature: t=<unix seconds>,v1=<hex>` header against the raw body, byte for byte as received
 * (parse the JSON only after this). Returns null when it verifies, or why it does not.
 */
function verifySignature(secret, header, rawBody, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (typeof header !== 'string') return 'no Tickwatch-Signature header';
  let timestamp = null;
  const candidates = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value ?? '')) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) candidates.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || candidates.length === 0) return 'malformed Tickwatch-Signature header';
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return 'timestamp outside the tolerance';

  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  // Constant-time comparison: how long it takes must not tell an attacker how much of a guess was right.
  const matches = candidates.some((candidate) => crypto.timingSafeEqual(candidate, expected));
  return matches ? null : 'signature does not match';
}

function report(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function main() {
  const secret = process.env.TICKWATCH_WEBHOOK_SECRET;
  if (!secret) {
    process.stderr.write('Set TICKWATCH_WEBHOOK_SECRET to the secret Tickwatch showed you.\n');
    process.exit(1);
  }
  // Retries carry the same notification_id: a receiver that acts on each fire once remembers the ones it has seen.
  const seen = new Set();

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const refused = verifySignature(secret, req.headers['tickwatch-signature'], rawBody);
      if (refused) {
        report({ verified: false, reason: refused });
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`${refused}\n`);
        return;
      }
      const payload = JSON.parse(rawBody.toString('utf8'));
      const { notification } = payload;
      const duplicate = seen.has(notification.notification_id);
      seen.add(notification.notification_id);
      report({
        verified: true,
        duplicate,
        event: payload.event,
        delivery: req.headers['tickwatch-delivery'],
        attempt: payload.attempt,
        notification_id: notification.notification_id,
        message: notification.message,
      });
      // Answer quickly with any 2xx; do slow work after answering.
      res.writeHead(204).end();
    });
  });

  server.listen(Number(process.env.PORT ?? 8787), process.env.HOST ?? '127.0.0.1', () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    report({ listening: `http://${host}:${port}/` });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}

main();
