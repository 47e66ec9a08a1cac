import type { ChildProcess } from 'node:child_process';

/**
 * The next message of `type` from a bench's child process (its socket clients), or undefined after `timeoutMs`.
 * Rejects if the child exits first.
 */
export function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }> | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(undefined, undefined), timeoutMs);
    const onMessage = (message: M) => {
      if (message.type === type) done(undefined, message as Extract<M, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`child process exited (${code}) before ${type}`));
    const done = (err?: Error, message?: Extract<M, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(message);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Like nextMessage, but a timeout is an error. */
export async function requiredMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  const message = await nextMessage<M, T>(child, type, timeoutMs);
  if (!message) throw new Error(`the child process sent no ${type} within ${timeoutMs} ms`);
  return message;
}

/** Waits until `child` exits, killing it if it has not within 10 s. */
export async function ended(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
