import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { tableNames } from '../../src/store/tables.js';
import { uniquePrefix } from '../support/harness.js';
import { freePort } from '../support/processes.js';
import { buildServer, startServerProcess, waitForHealth } from '../support/server-process.js';

/** How the built server (`node server/dist/main.js`, what `npm start` runs) connects to its store at start-up. */
beforeAll(() => buildServer(), 120_000);

// DynamoDB Local (without -sharedDb) keeps one database per access key and region; the embedded store keeps one
// for everybody, so only DynamoDB Local can tell which identity the server signs with.
describe.runIf(inject('dynamoKind') === 'dynamodb-local')('a server on DynamoDB Local', () => {
  it('signs with the AWS credentials in its environment, so the AWS CLI (same key and region) sees its tables', async () => {
    const endpoint = inject('dynamoEndpoint');
    const cli = { accessKeyId: 'TickwatchCli', secretAccessKey: 'cli-secret', region: 'eu-west-2' };
    const prefix = uniquePrefix();
    const port = await freePort();
    const server = startServerProcess({
      PORT: String(port),
      LOG_LEVEL: 'silent',
      AUTH_MODE: 'dev',
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_PREFIX: prefix,
      AWS_ACCESS_KEY_ID: cli.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cli.secretAccessKey,
      AWS_REGION: cli.region,
    });
    onTestFinished(() => server.stop());
    await waitForHealth(`http://127.0.0.1:${port}`, server);
    // What `aws dynamodb list-tables --endpoint-url …` does with that key and region.
    const client = new DynamoDBClient({
      endpoint,
      region: cli.region,
      credentials: { accessKeyId: cli.accessKeyId, secretAccessKey: cli.secretAccessKey },
      maxAttempts: 1,
    });
    onTestFinished(() => client.destroy());
    const listed = await client.send(new ListTablesCommand({}));
    expect(listed.TableNames).toEqual(expect.arrayContaining(Object.values(tableNames(prefix))));
  });
});

describe('a server whose store cannot be reached', () => {
  it('says in one line which endpoint and which variable, and exits non-zero without a stack trace', async () => {
    // A loopback port that was free a moment ago: nothing listens there, so connecting is refused at once.
    const closed = await freePort();
    const server = startServerProcess({
      PORT: String(await freePort()),
      AUTH_MODE: 'dev',
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${closed}`,
    });
    onTestFinished(() => server.stop());
    const code = await server.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = server.stderr().trim().split('\n');
    expect(lines, server.stderr()).toHaveLength(1);
    expect(lines[0]).toContain(`http://127.0.0.1:${closed}`);
    expect(lines[0]).toContain('DYNAMODB_ENDPOINT');
    expect(server.stderr()).not.toMatch(/^\s+at /m);
  });
});
