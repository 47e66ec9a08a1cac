import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into each server process of `npm run bench:cluster` (`node --import …/cluster-probe.js
 * server/dist/main.js`), which starts it with an IPC channel: it times the server's event loop from the inside and
 * answers the bench over that channel, so the server's own code is run unchanged. Without an IPC channel it does
 * nothing. If the bench goes away the server is asked to stop as Ctrl-C would, so no server outlives a run.
 */
export type ToProbe = { type: 'loop-reset' } | { type: 'loop-report' };
export type FromProbe = { type: 'loop'; p50Ms: number; p99Ms: number; maxMs: number };

if (process.send) {
  // 10 ms sampling, as the other benches use: finer would add a timer wake-up every millisecond to the CPU measured.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message: ToProbe) => {
    if (message.type === 'loop-reset') delay.reset();
    else if (message.type === 'loop-report')
      process.send!({
        type: 'loop',
        p50Ms: delay.percentile(50) / 1e6,
        p99Ms: delay.percentile(99) / 1e6,
        maxMs: delay.max / 1e6,
      } satisfies FromProbe);
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel must not keep a server alive that has finished shutting down.
  process.channel?.unref();
}
