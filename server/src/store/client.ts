import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClients {
  raw: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

export interface DynamoClientOptions {
  region: string;
  /** Unset: AWS DynamoDB in `region`. */
  endpoint?: string;
  /**
   * `default-chain`: the SDK's default credential chain (environment, profile, web identity, container or instance
   * role), as the AWS CLI signs. `placeholder`: a fixed dummy key, for stores that check none (the embedded one) or
   * when the environment has none to offer; the SDK insists on having some. Default: `placeholder` with an
   * endpoint, `default-chain` without.
   */
  credentials?: 'default-chain' | 'placeholder';
  /** Attempts per call, including the first (default 5). */
  maxAttempts?: number;
}

/**
 * One client for every store: the embedded one, DynamoDB Local and AWS differ only in endpoint and credentials.
 * Which credentials matters even locally: DynamoDB Local keeps one database per access key and region.
 */
export function createDynamoClients(options: DynamoClientOptions): DynamoClients {
  const credentials = options.credentials ?? (options.endpoint ? 'placeholder' : 'default-chain');
  const raw = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(credentials === 'placeholder' ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: options.maxAttempts ?? 5,
  });
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { raw, doc };
}
