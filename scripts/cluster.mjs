import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, styleText } from 'node:util';
import { startDynamoDbLocal } from './lib/dynamodb-local.mjs';
import { stopProcess } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';

/**
 * `npm run cluster [-- --base-port N]`: a local cluster to try out. Builds, starts a private redis-server (AOF in a
 * temporary directory) and DynamoDB Local (in memory), then three `node server/dist/main.js` on ports N, N+1, N+2
 * (default 3001-3003) sharing them, with one random JWT secret and ingest key. A child that exits on its own is
 * reported, and the rest keep running (kill one to see what the others do) until no server is left. Ctrl-C stops
 * the servers, then DynamoDB Local and Redis; nothing is kept, so every run starts empty.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODES = 3;
const HEALTH_TIMEOUT_MS = 60_000;
/** Past the server's own 20 s limit on a graceful shutdown (server/src/main.ts). */
const SERVER_STOP_GRACE_MS = 25_000;
const tty = process.stdout.isTTY === true;

const { values: args } = parseArgs({
  options: { 'base-port': { type: 'string', default: '3001' }, help: { type: 'boolean', short: 'h' } },
});
if (args.help) {
  console.log('usage: npm run cluster [-- --base-port N]   three servers on ports N, N+1, N+2 (default 3001)');
  process.exit(0);
}
const basePort = Number(args['base-port']);
if (!Number.isInteger(basePort) || basePort < 1 || basePort + NODES - 1 > 65535) {
  console.error(`--base-port must be a port from 1 to ${65536 - NODES}, not ${args['base-port']}`);
  process.exit(1);
}

const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** What has been started, in order; shutdown() stops the servers first, then the stores they use. */
let redis;
let dynamo;
const servers = [];
let stopping = false;
/** Set once every server is healthy: before that a server's exit is a failed start, reported as such. */
let up = false;

process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));

const starting = (async () => {
  // Own process groups: a terminal's Ctrl-C reaches this script alone, which then stops the children in order.
  const stores = await Promise.allSettled([
    startRedis({ detached: true, onUnexpectedExit: (exit) => died('redis-server', exit) }),
    startDynamoDbLocal({ detached: true, onUnexpectedExit: (exit) => died('DynamoDB Local', exit) }),
  ]);
  if (stores[0].status === 'fulfilled') redis = stores[0].value;
  if (stores[1].status === 'fulfilled') dynamo = stores[1].value;
  for (const store of stores) if (store.status === 'rejected') throw store.reason;
  if (stopping) return;

  const env = serverEnv(crypto.randomBytes(32).toString('base64url'), crypto.randomBytes(18).toString('base64url'));
  // Tables first, as a deployment would (`npm run db:create-tables`), rather than three servers racing to create them.
  await createTables(env);
  if (stopping) return;
  for (let i = 1; i <= NODES; i++) servers.push(startServer(`node-${i}`, basePort + i - 1, env));
  await Promise.all(servers.map(waitForHealth));
  if (stopping) return;
  up = true;
  printWelcome(env.INGEST_API_KEY);
})();
starting.catch((err) => {
  if (stopping) return;
  console.error(`\nThe cluster could not start: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});

/**
 * Each server's environment: the caller's (LOG_LEVEL, SIM_* and the like pass through) without anything that
 * would point it at AWS, plus the cluster's shared settings.
 */
function serverEnv(jwtSecret, ingestKey) {
  const env = { ...process.env };
  for (const name of [
    'DYNAMODB_USE_AWS',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Node 20 is the supported runtime here (package.json engines); the SDK's notice about Node 22 is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
    REDIS_URL: redis.url,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_PREFIX: 'cluster_',
    AUTH_MODE: 'dev',
    JWT_SECRET: jwtSecret,
    INGEST_API_KEY: ingestKey,
    FEED: 'simulator',
    HOST: '127.0.0.1',
  };
}

function startServer(name, port, env) {
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), CLUSTER_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const server = { name, port, url: `http://127.0.0.1:${port}`, child };
  prefixLines(child.stdout, name, process.stdout);
  prefixLines(child.stderr, name, process.stderr);
  child.once('exit', (code, signal) => {
    if (stopping || !up) return;
    died(name, { code, signal });
    if (servers.every((s) => s.child.exitCode !== null || s.child.signalCode !== null)) {
      console.error('Every server has exited: stopping DynamoDB Local and Redis.');
      void shutdown(1);
    }
  });
  return server;
}

/** `node server/dist/store/create-tables-cli.js` (what `npm run db:create-tables` runs) with the servers' settings. */
function createTables(env) {
  const child = spawn(process.execPath, ['server/dist/store/create-tables-cli.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixLines(child.stdout, 'tables', process.stdout);
  prefixLines(child.stderr, 'tables', process.stderr);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`creating the tables failed (${code ?? signal})`)),
    );
  });
}

/** Copies a child's output line by line with its name in front; the server's JSON log lines pretty on a terminal. */
function prefixLines(stream, name, out) {
  const prefix = tty ? styleText(['bold', 'cyan'], `${name} |`) : `${name} |`;
  const pretty = tty ? prettyPrinter() : undefined;
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    const text = pretty && line.startsWith('{') ? pretty(line).trimEnd() : line;
    out.write(`${prefix} ${text}\n`);
  });
}

/**
 * pino-pretty (a server dependency) with the options server/src/log.ts uses on a terminal: the servers write JSON
 * here because their output is a pipe, not a terminal.
 */
function prettyPrinter() {
  const { prettyFactory } = createRequire(new URL('../server/package.json', import.meta.url))('pino-pretty');
  return prettyFactory({
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

async function waitForHealth(server) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'not listening';
  while (!stopping) {
    const { exitCode, signalCode } = server.child;
    if (exitCode !== null || signalCode !== null) throw new Error(`${server.name} exited (${exitCode ?? signalCode})`);
    if (Date.now() > deadline) {
      throw new Error(`${server.name} was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
    }
    try {
      const response = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2000) });
      await response.text();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function printWelcome(ingestKey) {
  const first = servers[0];
  const tick = `{"symbol":"AAPL","timestamp":'"$(date +%s000)"',"price":228.5,"volume":100}`;
  console.log(
    [
      '',
      `Tickwatch cluster: ${NODES} servers on Redis ${redis.version} (${redis.url}) and DynamoDB Local ` +
        `(${dynamo.endpoint}), tables prefixed cluster_`,
      ...servers.map((s) => `  ${s.name}  ${s.url}`),
      'Sign in with any user id (dev sign-in).',
      `Ingest key (x-api-key): ${ingestKey}`,
      `Post a tick to ${first.name}:`,
      `  curl -sS ${first.url}/api/ticks -H 'content-type: application/json' -H 'x-api-key: ${ingestKey}' \\`,
      `    -d '${tick}'`,
      `Redis keeps its append-only file in ${redis.dir}; it and DynamoDB Local's tables go when you stop.`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

function died(name, { code, signal, output }) {
  if (stopping) return;
  const how = signal ? `signal ${signal}` : `code ${code}`;
  const tail = output ? `; its last output:\n${output.trimEnd().split('\n').slice(-10).join('\n')}` : '';
  console.error(`${name} exited unexpectedly (${how})${tail}`);
}

async function shutdown(code, signal) {
  if (stopping) {
    if (signal) console.error('Still stopping (each server has up to 25 s to flush its queues)…');
    return;
  }
  stopping = true;
  console.log(`\n${signal ? `${signal}: stopping` : 'Stopping'} the servers…`);
  await Promise.all(servers.map((s) => stopProcess(s.child, SERVER_STOP_GRACE_MS)));
  await starting?.catch(() => {});
  console.log('Stopping DynamoDB Local and Redis…');
  await Promise.all([dynamo?.stop(), redis?.stop()]);
  process.exit(code);
}
