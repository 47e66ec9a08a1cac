import type { ApiError, ErrorId, FieldIssue } from '@tickwatch/shared';
import type { ZodError } from 'zod';

/**
 * Errors with stable ids (shared `ERROR_IDS`) that HTTP responses and socket acks both carry.
 */

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
