import type { ErrorRequestHandler } from 'express';
import type { ApiError, ErrorId, FieldIssue } from '@tickwatch/shared';
import type { ZodError } from 'zod';
import type { Logger } from '../log.js';

/** An error meant for the client: its id and message are safe to send as they are. */
export class AppError extends Error {
  constructor(
    readonly id: ErrorId,
    readonly status: number,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): ApiError {
    return { id: this.id, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export const validationFailed = (issues: FieldIssue[], message = 'Request is invalid') =>
  new AppError('validation_failed', 400, message, issues);
export const unauthorized = (message = 'Missing or invalid credentials') => new AppError('unauthorized', 401, message);
export const notFound = (message: string) => new AppError('not_found', 404, message);
export const payloadTooLarge = (message: string) => new AppError('payload_too_large', 413, message);
export const unavailable = (message: string) => new AppError('unavailable', 503, message);

export function issuesFrom(error: ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** Maps any error to the one JSON error body; internals reach the log, never the client. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: err.toJSON() });
      return;
    }
    // body-parser's own errors carry a status and a type we can trust.
    const status = (err as { status?: number }).status;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ error: payloadTooLarge('Request body is too large').toJSON() });
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: validationFailed([{ path: '', message: 'Body is not valid JSON' }]).toJSON() });
      return;
    }
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: { id: 'validation_failed', message: 'Request could not be read' } });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled request error');
    res.status(500).json({ error: { id: 'internal', message: 'Internal server error' } });
  };
}
