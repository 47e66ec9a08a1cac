import net from 'node:net';

/**
 * Process helpers for everything that runs real processes: the tests (through server/test/support/processes.ts),
 * the Redis and DynamoDB Local launchers beside this file, and `npm run cluster`. Plain JavaScript so that scripts
 * run them with `node` alone; processes.d.mts types them for the TypeScript tests.
 */

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`; resolves once it has exited. */
export function stopProcess(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const orphans = new Set();
let watchingExit = false;

/**
 * SIGKILLs `child` if this process exits while it still runs (a crash, a forgotten stop(), process.exit()), so a
 * test run or a script does not leave a redis-server or a JVM behind. It cannot help when this process is itself
 * SIGKILLed.
 */
export function killOnExit(child) {
  if (!watchingExit) {
    process.once('exit', () => {
      for (const running of orphans) running.kill('SIGKILL');
    });
    watchingExit = true;
  }
  orphans.add(child);
  child.once('exit', () => orphans.delete(child));
}
