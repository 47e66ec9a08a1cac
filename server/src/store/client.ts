import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NoAuthSigner } from '@smithy/core';
import type { DynaliteRequestHandler } from './dynalite-handler.js';
import { DocumentClient } from './document-client.js';

export interface DynamoClients {
  raw: DynamoDBClient;
  /** Item calls in plain values; shares `raw`'s middleware (the capacity meter included). */
  doc: DocumentClient;
}

export interface DynamoClientOptions {
  region: string;
  /** Unset (and no `embedded`): AWS DynamoDB in `region`. */
  endpoint?: string;
  /**
   * `default-chain`: the SDK's default credential chain (environment, profile, web identity, container or instance
   * role), as the AWS CLI signs. `placeholder`: a fixed dummy key, for stores that check none or when the environment
   * has none to offer; the SDK insists on having some. Default: `placeholder` with an endpoint, `default-chain`
   * without.
   */
  credentials?: 'default-chain' | 'placeholder';
  /** The embedded store in this process: calls go to its handler, unsigned, instead of to an endpoint. */
  embedded?: DynaliteRequestHandler;
  /** Attempts per call, including the first (default 5). */
  maxAttempts?: number;
}

const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * One client for every store: the embedded one, DynamoDB Local and AWS differ only in where a call goes and how it
 * is signed. Which credentials matters even locally: DynamoDB Local keeps one database per access key and region.
 */
export function createDynamoClients(options: DynamoClientOptions): DynamoClients {
  const raw = new DynamoDBClient({
    region: options.region,
    ...(options.embedded ? inProcess(options.embedded) : overHttp(options)),
    maxAttempts: options.maxAttempts ?? 5,
    // Each kind of call resolves the middleware stack once, not on every call: all of it is added before the first.
    cacheMiddleware: true,
  });
  return { raw, doc: new DocumentClient(raw) };
}

function overHttp(options: DynamoClientOptions): Partial<DynamoDBClientConfig> {
  const credentials = options.credentials ?? (options.endpoint ? 'placeholder' : 'default-chain');
  return {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(credentials === 'placeholder' ? { credentials: PLACEHOLDER_CREDENTIALS } : {}),
  };
}

/**
 * The embedded store's handler in place of the SDK's HTTP one, and the `smithy.api#noAuth` scheme (the SDK's own
 * `NoAuthSigner`, as its STS and SSO clients use for their unsigned operations) in place of SigV4: there is nobody to
 * check a signature.
 */
export function inProcess(requestHandler: DynaliteRequestHandler): Partial<DynamoDBClientConfig> {
  return {
    requestHandler,
    httpAuthSchemes: [
      { schemeId: 'smithy.api#noAuth', identityProvider: () => async () => ({}), signer: new NoAuthSigner() },
    ],
    httpAuthSchemeProvider: () => [{ schemeId: 'smithy.api#noAuth' }],
    // Never contacted, but the SDK resolves every call's URL from an endpoint; .invalid names no host anywhere.
    endpoint: 'http://embedded-store.invalid',
    // Nothing is signed, but the endpoint rules still read an account id from the credentials: without these the
    // SDK would search the environment, profiles and instance metadata for some on the first call.
    credentials: PLACEHOLDER_CREDENTIALS,
  };
}
