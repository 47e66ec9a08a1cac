import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, killOnExit, stopProcess } from './processes.mjs';

/**
 * Starts a private redis-server for the tests and for `npm run cluster`: loopback only, no RDB snapshots, and an
 * append-only file fsynced on every write, so whatever Redis acknowledged is still there after a restart, even
 * after a kill -9. One implementation for both; redis-server.d.mts types it for the TypeScript tests.
 */

const INSTALL_HINT =
  'Debian/Ubuntu `apt-get install -y redis-server`, or set REDIS_SERVER to the path of a redis-server binary';
const PING_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
/** How much of redis-server's own output is kept for error messages. */
const OUTPUT_LIMIT = 32 * 1024;

/**
 * The redis-server to run: `REDIS_SERVER`, else `redis-server` on the PATH. Returns `{ path, version, from }`,
 * or `{ missing }` with a sentence saying what to install.
 */
export function findRedisServer(env = process.env) {
  const binary = env.REDIS_SERVER || onPath('redis-server', env.PATH);
  if (!binary) return { missing: `No redis-server on the PATH. Install it: ${INSTALL_HINT}.` };
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    if (env.REDIS_SERVER) {
      return {
        missing: `REDIS_SERVER=${env.REDIS_SERVER} does not run: point it at a redis-server binary, or unset it.`,
      };
    }
    return { missing: `${binary} does not run (\`--version\` failed). Reinstall it: ${INSTALL_HINT}.` };
  }
  const version = /\bv=(\S+)/.exec(run.stdout)?.[1] ?? run.stdout.trim();
  return { path: binary, version, from: env.REDIS_SERVER ? 'REDIS_SERVER' : 'PATH' };
}

function onPath(name, searchPath = '') {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export async function startRedis({ dir, port, detached = false, onUnexpectedExit } = {}) {
  const found = findRedisServer();
  if (found.missing) throw new Error(found.missing);
  const ownDir = dir === undefined;
  const dataDir = ownDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'tickwatch-redis-')) : path.resolve(dir);
  fs.mkdirSync(dataDir, { recursive: true });

  /** The latest redis-server run; `watched` once it answered PING and until we ask it to stop. */
  let current;
  let stopped = false;

  function launch(onPort) {
    const child = spawn(
      found.path,
      [
        ...['--bind', '127.0.0.1', '--port', String(onPort), '--protected-mode', 'yes'],
        ...['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
        ...['--dir', dataDir, '--daemonize', 'no', '--logfile', ''],
      ],
      { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'], detached },
    );
    killOnExit(child);
    const run = { child, output: '', watched: false };
    const collect = (chunk) => {
      run.output = (run.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => collect(`${err.message}\n`));
    child.once('exit', (code, signal) => {
      if (run.watched) onUnexpectedExit?.({ code, signal, output: run.output });
    });
    current = run;
    return run;
  }

  async function stopCurrent() {
    if (!current) return;
    current.watched = false;
    await stopProcess(current.child, STOP_GRACE_MS);
  }

  /** Starts redis-server on `onPort` and waits for its PONG; a failed start is stopped and reported with its output. */
  async function startOn(onPort) {
    const run = launch(onPort);
    try {
      await waitForPong(onPort, run);
      run.watched = true;
    } catch (err) {
      run.child.kill('SIGKILL');
      throw err;
    }
  }

  let chosenPort = port ?? (await freePort());
  try {
    // A port found free can be taken before redis-server binds it: pick another, unless the caller chose it.
    for (let attempt = 1; ; attempt++) {
      try {
        await startOn(chosenPort);
        break;
      } catch (err) {
        if (port !== undefined || attempt === 3 || !/Address already in use/i.test(String(err))) throw err;
        chosenPort = await freePort();
      }
    }
  } catch (err) {
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `redis://127.0.0.1:${chosenPort}`,
    port: chosenPort,
    dir: dataDir,
    version: found.version,
    get pid() {
      const child = current?.child;
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    output: () => current?.output ?? '',
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopCurrent();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    kill() {
      if (!current) return;
      current.watched = false;
      current.child.kill('SIGKILL');
    },
    async restart(downMs = 0) {
      if (stopped) throw new Error('redis-server was stopped; start a new one');
      await stopCurrent();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await startOn(chosenPort);
    },
  };
}

/** Waits until redis-server on `port` answers PING with +PONG (not -LOADING while it replays its AOF). */
async function waitForPong(port, run) {
  const deadline = Date.now() + PING_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = run.child;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(`redis-server exited (${exitCode ?? signalCode}) before answering PING:\n${run.output}`);
    }
    try {
      const reply = await ping(port);
      if (reply === '+PONG') return;
      last = reply;
    } catch (err) {
      last = err.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `redis-server on port ${port} did not answer PING within ${PING_TIMEOUT_MS} ms (last: ${last}):\n${run.output}`,
  );
}

/** One PING over a fresh connection; resolves with the first line of the reply. */
function ping(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('PING timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const end = reply.indexOf('\r\n');
      if (end === -1) return;
      socket.destroy();
      resolve(reply.slice(0, end));
    });
    socket.once('close', () => reject(new Error('connection closed before a reply')));
  });
}
