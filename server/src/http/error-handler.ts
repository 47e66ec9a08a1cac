import type { ErrorRequestHandler } from 'express';
import { AppError, payloadTooLarge, validationFailed } from '../errors.js';
import type { Logger } from '../log.js';

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
