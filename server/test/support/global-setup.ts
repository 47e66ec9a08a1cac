import type { TestProject } from 'vitest/node';
import { serveEmbeddedStore } from '../../src/store/embedded-store.js';
import { startDynamoDbLocal } from './dynamodb-local.js';

export type DynamoKind = 'embedded' | 'dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    dynamoKind: DynamoKind;
  }
}

/**
 * One DynamoDB-protocol server for the whole integration run, chosen by TEST_DYNAMODB: the embedded store
 * (dynalite, in memory) or Amazon's DynamoDB Local. Test files isolate themselves with their own TABLE_PREFIX.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = (process.env.TEST_DYNAMODB ?? 'embedded') as DynamoKind;
  if (kind !== 'embedded' && kind !== 'dynamodb-local') {
    throw new Error(`TEST_DYNAMODB must be "embedded" or "dynamodb-local", not "${String(kind)}"`);
  }
  const server =
    kind === 'embedded'
      ? await serveEmbeddedStore(undefined).then((s) => ({ endpoint: s.endpoint, stop: s.close }))
      : await startDynamoDbLocal();
  console.log(`integration tests against ${kind} at ${server.endpoint}`);
  project.provide('dynamoEndpoint', server.endpoint);
  project.provide('dynamoKind', kind);
  return () => server.stop();
}
