import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { afterEach, describe, expect, inject, it, onTestFinished } from 'vitest';
import { createDynamoClients } from '../../src/store/client.js';
import { serveEmbeddedStore, startEmbeddedStore, type EmbeddedStore } from '../../src/store/embedded-store.js';
import { eventually } from '../support/harness.js';

const REGION = 'ca-west-1';
const TABLE = 'handler_test';

/** A table with a sort key and an index, so queries, conditions and index upkeep all take part. */
const createTable = new CreateTableCommand({
  TableName: TABLE,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'owner', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'OwnerIndex',
      KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});

/** dynalite answers CreateTable while the table is still CREATING, and turns it ACTIVE a moment later. */
async function createActiveTable(client: DynamoDBClient) {
  const created = await client.send(createTable);
  await waitUntilTableExists({ client, maxWaitTime: 5, minDelay: 0.01, maxDelay: 0.1 }, { TableName: TABLE });
  return created;
}

const item = (pk: string, sk: number, owner = 'ann') => ({ pk: { S: pk }, sk: { N: String(sk) }, owner: { S: owner } });

type Settled = { output: object; error?: undefined } | { output?: undefined; error: unknown };

const settle = (call: Promise<object>): Promise<Settled> =>
  call.then(
    (output) => ({ output }),
    (error: unknown) => ({ error }),
  );

/** What a caller sees of a call, less what differs between any two calls (request ids, creation times). */
function seen({ output, error }: Settled): unknown {
  if (error === undefined) {
    const { $metadata, ...rest } = output as { $metadata: { httpStatusCode?: number } };
    return { status: $metadata.httpStatusCode, output: stable(rest) };
  }
  const e = error as DynamoDBServiceException;
  return { status: e.$metadata?.httpStatusCode, class: e.constructor.name, name: e.name, message: e.message };
}

function stable(value: unknown): unknown {
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, key === 'TableId' ? 'an id' : stable(v)]));
  return value;
}

/**
 * Calls that succeed and calls that fail at each of dynalite's checks, in an order where each leans on the ones
 * before it. `error` is the SDK error class the caller must get, as from AWS.
 */
const SCRIPT: {
  name: string;
  send: (client: DynamoDBClient) => Promise<object>;
  error?: abstract new (...args: never[]) => Error;
  /** The error's name, where the SDK has no class of its own for it (DynamoDB's model leaves these out). */
  code?: string;
  message?: string;
}[] = [
  { name: 'CreateTable', send: createActiveTable },
  { name: 'CreateTable again', send: (c) => c.send(createTable), error: ResourceInUseException },
  { name: 'DescribeTable', send: (c) => c.send(new DescribeTableCommand({ TableName: TABLE })) },
  { name: 'PutItem', send: (c) => c.send(new PutItemCommand({ TableName: TABLE, Item: item('a', 1) })) },
  {
    name: 'BatchWriteItem',
    send: (c) =>
      c.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: [2, 3, 4].map((sk) => ({ PutRequest: { Item: item('a', sk, 'bob') } })) },
        }),
      ),
  },
  {
    name: 'GetItem',
    send: (c) => c.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { N: '3' } } })),
  },
  {
    name: 'Query, newest first',
    send: (c) =>
      c.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND sk > :from',
          ExpressionAttributeValues: { ':pk': { S: 'a' }, ':from': { N: '1' } },
          ScanIndexForward: false,
          Limit: 2,
        }),
      ),
  },
  {
    name: 'Query on the index',
    send: (c) =>
      c.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'OwnerIndex',
          KeyConditionExpression: '#o = :o',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':o': { S: 'bob' } },
        }),
      ),
  },
  {
    name: 'UpdateItem',
    send: (c) =>
      c.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: 'a' }, sk: { N: '1' } },
          UpdateExpression: 'SET price = :p ADD hits :one',
          ExpressionAttributeValues: { ':p': { N: '207.125' }, ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      ),
  },
  {
    name: 'Scan with a filter',
    send: (c) =>
      c.send(
        new ScanCommand({
          TableName: TABLE,
          FilterExpression: 'attribute_exists(price)',
        }),
      ),
  },
  {
    name: 'conditional PutItem on an existing item',
    send: (c) =>
      c.send(
        new PutItemCommand({ TableName: TABLE, Item: item('a', 1), ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    error: ConditionalCheckFailedException,
  },
  {
    name: 'GetItem without the sort key',
    send: (c) => c.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } })),
    error: DynamoDBServiceException,
    code: 'ValidationException',
    message: 'The provided key element does not match the schema',
  },
  {
    name: 'Query with a malformed expression',
    send: (c) =>
      c.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'a' } },
        }),
      ),
    error: DynamoDBServiceException,
    code: 'ValidationException',
  },
  {
    name: 'ListTables with a limit of the wrong type',
    send: (c) => c.send(new ListTablesCommand({ Limit: 'ten' as unknown as number })),
    error: DynamoDBServiceException,
    code: 'SerializationException',
    message: 'STRING_VALUE cannot be converted to Integer',
  },
  {
    name: 'GetItem on a missing table',
    send: (c) => c.send(new GetItemCommand({ TableName: 'missing', Key: { pk: { S: 'a' } } })),
    error: ResourceNotFoundException,
    message: 'Requested resource not found',
  },
  {
    name: 'UpdateTimeToLive, which dynalite lacks',
    send: (c) =>
      c.send(
        new UpdateTimeToLiveCommand({
          TableName: TABLE,
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        }),
      ),
    error: DynamoDBServiceException,
    code: 'UnknownOperationException',
  },
  { name: 'DeleteTable', send: (c) => c.send(new DeleteTableCommand({ TableName: TABLE })) },
];

// The embedded store's in-process path against its HTTP one; DynamoDB Local has no part in it.
describe.runIf(inject('dynamoKind') === 'embedded')('the embedded store, called in this process', () => {
  const stores: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  async function inProcess(dataDir?: string): Promise<EmbeddedStore & { client: DynamoDBClient }> {
    const store = await startEmbeddedStore(dataDir);
    const { raw } = createDynamoClients({ region: REGION, embedded: store.requestHandler, maxAttempts: 1 });
    stores.push({ close: async () => (raw.destroy(), await store.close()) });
    return { ...store, client: raw };
  }

  /** The same kind of store behind dynalite's HTTP server, with a client signing as the server's did before. */
  async function overHttp(): Promise<DynamoDBClient> {
    const served = await serveEmbeddedStore(undefined);
    const { raw } = createDynamoClients({ region: REGION, endpoint: served.endpoint, maxAttempts: 1 });
    stores.push({ close: async () => (raw.destroy(), await served.close()) });
    return raw;
  }

  it('answers every call as dynalite over HTTP does, with the SDK error classes AWS would give', async () => {
    const { client } = await inProcess();
    const http = await overHttp();

    for (const step of SCRIPT) {
      const here = await settle(step.send(client));
      const there = await settle(step.send(http));
      if (step.error) expect(here.error, step.name).toBeInstanceOf(step.error);
      else expect(here.error, step.name).toBeUndefined();
      if (step.code) expect(here.error, step.name).toHaveProperty('name', step.code);
      if (step.message) expect(here.error, step.name).toHaveProperty('message', step.message);
      expect(seen(here), step.name).toEqual(seen(there));
    }
  });

  it('sends the embedded store nothing signed, while calls over HTTP are still signed with SigV4', async () => {
    const { client } = await inProcess();
    const http = await overHttp();
    const authorization = async (c: DynamoDBClient) => {
      let header: unknown;
      // The deserialize step is the last before the request handler: it sees the request as sent.
      c.middlewareStack.add(
        (next) => async (args) => {
          header = (args.request as HttpRequest).headers.authorization;
          return next(args);
        },
        { step: 'deserialize' },
      );
      await c.send(new ListTablesCommand({}));
      return header;
    };
    expect(await authorization(client)).toBeUndefined();
    expect(await authorization(http)).toMatch(/^AWS4-HMAC-SHA256 Credential=local\//);
  });

  /** PutItem as the SDK serializes it, for calling the handler directly. */
  const putRequest = (sk: number) =>
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: 'embedded-store.invalid',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: JSON.stringify({ TableName: TABLE, Item: item('abort', sk) }),
    });
  const stored = async (client: DynamoDBClient, sk: number) =>
    (await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'abort' }, sk: { N: String(sk) } } })))
      .Item !== undefined;

  it('rejects an aborted call with AbortError; a write aborted after it reached the store still lands', async () => {
    const { client, requestHandler } = await inProcess();
    await createActiveTable(client);

    const before = requestHandler.handle(putRequest(1), { abortSignal: AbortSignal.abort() });
    await expect(before).rejects.toMatchObject({ name: 'AbortError', message: 'Request aborted' });
    expect(await stored(client, 1)).toBe(false);

    const controller = new AbortController();
    const during = requestHandler.handle(putRequest(2), { abortSignal: controller.signal });
    controller.abort();
    await expect(during).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(async () => expect(await stored(client, 2)).toBe(true));

    const { response } = await requestHandler.handle(putRequest(3), { abortSignal: new AbortController().signal });
    expect(response.statusCode).toBe(200);
  });

  it('finishes the calls in flight before closing, refuses later ones, and keeps the writes on disk', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickwatch-handler-'));
    onTestFinished(() => fs.rm(dataDir, { recursive: true, force: true }));
    const first = await inProcess(dataDir);
    await createActiveTable(first.client);
    const writes = [10, 11, 12].map((sk) => first.requestHandler.handle(putRequest(sk)));
    const closing = first.close();
    await expect(first.requestHandler.handle(putRequest(13))).rejects.toThrow('the embedded store is closed');
    for (const write of writes) expect((await write).response.statusCode).toBe(200);
    await closing;

    const second = await inProcess(dataDir);
    for (const sk of [10, 11, 12]) expect(await stored(second.client, sk)).toBe(true);
    expect(await stored(second.client, 13)).toBe(false);
  });
});
