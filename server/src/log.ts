import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Secrets never reach the log, even when a whole config or request object is logged by mistake.
    redact: {
      paths: [
        'ingestApiKey',
        '*.ingestApiKey',
        '*.apiKey',
        'feed.apiKey',
        'req.headers["x-api-key"]',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
