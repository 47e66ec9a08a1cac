import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HttpResponse, type HttpHandler, type HttpHandlerOptions, type HttpRequest } from '@smithy/core/protocols';
import type { DynaliteStore } from 'dynalite/db/index.js';
import { checkTypes, checkValidations, type OperationValidation } from 'dynalite/validations/index.js';

/** Outcome of a dynalite action: an error with `statusCode` and a `__type` body is a DynamoDB error response. */
type ActionCallback = (err: (Error & { statusCode?: number; body?: unknown }) | null, result?: unknown) => void;
type Action = (store: DynaliteStore, data: Record<string, unknown>, cb: ActionCallback) => void;

interface Operation {
  action: Action;
  validation: OperationValidation;
}

const API_VERSIONS = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);

/**
 * dynalite's operations by their X-Amz-Target name. Its index.js keeps the list private and loads
 * `actions/<operation>.js` and `validations/<operation>.js` for each; the actions folder holds exactly those, so a
 * dynalite that learns an operation serves it here as it would over HTTP, and one it lacks (UpdateTimeToLive, which
 * provisioning probes for) stays an UnknownOperationException.
 */
const OPERATIONS: ReadonlyMap<string, Operation> = (() => {
  const require = createRequire(import.meta.url);
  const actions = path.join(path.dirname(require.resolve('dynalite')), 'actions');
  return new Map(
    fs
      .readdirSync(actions)
      .filter((file) => file.endsWith('.js'))
      .map((file) => {
        const name = path.basename(file, '.js');
        const operation: Operation = {
          action: require(`dynalite/actions/${name}.js`) as Action,
          validation: require(`dynalite/validations/${name}.js`) as OperationValidation,
        };
        return [name[0]!.toUpperCase() + name.slice(1), operation];
      }),
  );
})();

interface Answer {
  statusCode: number;
  body: string;
}

/**
 * An SDK request handler that answers DynamoDB API calls from dynalite's store in this process, where the SDK would
 * otherwise send them over HTTP. The SDK still serializes every call and parses every answer as it does for AWS; what
 * is gone is the socket on either side, dynalite's HTTP parsing and (with the client's noAuth scheme) the signature.
 *
 * It checks a call as dynalite's own HTTP handler (`dynalite/index.js`, `httpHandler`) does, in the same order and
 * with the same status codes and `__type` bodies, so the SDK raises the same error classes it raises over HTTP:
 * SerializationException, UnknownOperationException, then the operation's type and validation checks
 * (SerializationException, ValidationException), then the action's own (ConditionalCheckFailedException,
 * ResourceNotFoundException, ...). dynalite's checks of the HTTP framing (method, content type) and of the signature
 * have nothing to check here: there is no HTTP, and nobody outside this process can reach the store.
 */
export class DynaliteRequestHandler implements HttpHandler {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly store: DynaliteStore) {}

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const { abortSignal } = options;
    if (abortSignal?.aborted) throw abortError(abortSignal);
    if (this.closed) throw new Error('the embedded store is closed');
    const answering = this.answer(request);
    this.inFlight.add(answering);
    const forget = () => this.inFlight.delete(answering);
    answering.then(forget, forget);
    // An abort stops the wait, not the action: as over HTTP, a write already handed to the store still lands.
    const answer = abortSignal ? await raceAbort(answering, abortSignal) : await answering;
    return {
      response: new HttpResponse({
        statusCode: answer.statusCode,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID() },
        body: Buffer.from(answer.body),
      }),
    };
  }

  /** Nothing to configure: there is no socket, agent or timeout. */
  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /**
   * Refuses new calls, lets the ones in flight finish, then closes LevelDB. Not `destroy()`, which the SDK calls
   * whenever a client using this handler is destroyed: the start-up probe's client goes while the server's stays.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.store.db.close();
  }

  private async answer(request: HttpRequest): Promise<Answer> {
    const reply = (statusCode: number, data: unknown): Answer => ({ statusCode, body: JSON.stringify(data) });
    const body = bodyText(request.body);
    let data: unknown;
    if (body) {
      try {
        data = JSON.parse(body);
      } catch {
        return reply(400, { __type: 'com.amazon.coral.service#SerializationException' });
      }
    }
    const [version, name, ...rest] = String(request.headers['x-amz-target'] ?? '').split('.');
    const operation = rest.length === 0 && API_VERSIONS.has(version!) ? OPERATIONS.get(name ?? '') : undefined;
    if (!operation) return reply(400, { __type: 'com.amazon.coral.service#UnknownOperationException' });
    if (!body) return reply(400, { __type: 'com.amazon.coral.service#SerializationException' });

    let input: Record<string, unknown>;
    try {
      input = checkTypes(data, operation.validation.types);
      checkValidations(input, operation.validation.types, operation.validation.custom, this.store);
    } catch (err) {
      const { statusCode, body: error } = err as { statusCode?: number; body?: unknown };
      if (statusCode) return reply(statusCode, error);
      throw err;
    }
    return new Promise<Answer>((resolve, reject) => {
      operation.action(this.store, input, (err, result) => {
        if (err?.statusCode) resolve(reply(err.statusCode, err.body));
        // dynalite's HTTP server throws these (a LevelDB failure), taking the process down; the caller gets it here.
        else if (err) reject(err);
        else resolve(reply(200, result));
      });
    });
  }
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

/** The error the SDK's own Node handler rejects with on abort, so callers and the retry strategy see no difference. */
function abortError(signal: AbortLike): Error {
  const reason = 'reason' in signal ? signal.reason : undefined;
  return Object.assign(new Error('Request aborted', { cause: reason }), { name: 'AbortError' });
}

type AbortLike = NonNullable<HttpHandlerOptions['abortSignal']>;

/** Settles with `promise`, or rejects as soon as `signal` aborts; listens the way the SDK's Node handler does. */
function raceAbort<T>(promise: Promise<T>, signal: AbortLike): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    if ('addEventListener' in signal && typeof signal.addEventListener === 'function') {
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    } else {
      signal.onabort = onAbort;
      promise.then(resolve, reject);
    }
  });
}
