/**
 * Runs `round` now and then every `intervalMs`, never two at once (a round still running when the next is due
 * skips it): the rhythm of lease renewals and heartbeats. Resolves after the first round; `stop()` resolves once
 * no round runs any more.
 */
export async function startRounds(round: () => Promise<void>, intervalMs: number): Promise<{ stop(): Promise<void> }> {
  let running: Promise<void> | undefined = round();
  await running;
  running = undefined;
  const timer = setInterval(() => {
    if (!running) running = round().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
