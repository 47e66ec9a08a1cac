import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The server's logger. On a terminal, pino-pretty's transport writes one coloured line per event for the person
 * watching; anywhere else (a file, a pipe, a log shipper) it is one JSON object per line. `pretty` forces either.
 */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
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
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}
