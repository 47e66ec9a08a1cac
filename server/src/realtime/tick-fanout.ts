import { channel } from 'node:diagnostics_channel';
import type { Tick } from '@tickwatch/shared';
import type { TickServer } from './io.js';
import { tickRoom } from './rooms.js';

/**
 * Published around each stretch of a flush that holds the event loop, the sockets' write callbacks included, so that
 * a benchmark or a profiler can time it without the fan-out paying for that otherwise: `start` before it, `end`
 * after it with `{ last }`, true once the flush is done.
 */
export const flushSliceChannels = {
  start: channel('tickwatch:fanout:slice-start'),
  end: channel('tickwatch:fanout:slice-end'),
};
export interface FlushSliceEnd {
  last: boolean;
}

/**
 * Conflated price fan-out. Ticks are collected per symbol (newest wins) and flushed every `flushMs`: each socket
 * subscribed to any of them gets one `ticks` frame holding the newest tick of every subscribed symbol that changed.
 * A socket whose connection is still busy with the previous frame is skipped and its updates are merged into the
 * next flush, so a slow client gets the newest prices rather than a growing backlog.
 *
 * `flushMs` 0 turns conflation off: every tick goes out at once as its own frame to every subscriber, buffered by
 * Socket.IO however slow the client (the plain behaviour, kept as the benchmark's baseline).
 *
 * Subscribers are found through the adapter's local room membership (`ticks:<SYMBOL>`), so every server process
 * fans out the ticks it ingests to its own sockets; docs/scaling.md says what that means for several processes.
 */
export class TickFanout {
  private pending = new Map<string, Tick>();
  /** Per local socket: updates waiting for a writable connection. */
  private readonly held = new Map<string, Map<string, Tick>>();
  private timer: NodeJS.Timeout | undefined;
  private framesSent = 0;
  private framesDeferred = 0;

  constructor(
    private readonly io: TickServer,
    private readonly flushMs: number,
  ) {
    io.on('connection', (socket) => {
      socket.on('disconnect', () => this.held.delete(socket.id));
    });
    if (flushMs > 0) {
      this.timer = setInterval(() => this.flush(), flushMs);
      this.timer.unref();
    }
  }

  publish(tick: Tick): void {
    if (this.flushMs === 0) {
      const room = tickRoom(tick.symbol);
      this.io.to(room).emit('ticks', [tick]);
      this.framesSent += this.io.of('/').adapter.rooms.get(room)?.size ?? 0;
      return;
    }
    this.pending.set(tick.symbol, tick);
  }

  /** Sends one socket the given ticks now (e.g. the latest prices right after it subscribes). */
  sendNow(socketId: string, ticks: Tick[]): void {
    if (ticks.length === 0) return;
    const held = this.holdingFor(socketId);
    for (const tick of ticks) held.set(tick.symbol, tick);
    this.sendHeld(socketId);
  }

  stats(): { framesSent: number; framesDeferred: number } {
    return { framesSent: this.framesSent, framesDeferred: this.framesDeferred };
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    if (this.pending.size === 0 && this.held.size === 0) return;
    const timed = flushSliceChannels.end.hasSubscribers;
    if (timed) flushSliceChannels.start.publish({});
    if (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.broadcast(batch);
    } else {
      // Nothing new, but sockets that were busy last time may be free now.
      for (const socketId of this.held.keys()) this.sendHeld(socketId);
    }
    // The sockets' write callbacks were queued meanwhile and run before this.
    if (timed) process.nextTick(() => flushSliceChannels.end.publish({ last: true } satisfies FlushSliceEnd));
  }

  private broadcast(batch: Tick[]): void {
    const rooms = this.io.of('/').adapter.rooms;
    const touched = new Set<string>();
    for (const tick of batch) {
      const members = rooms.get(tickRoom(tick.symbol));
      if (!members) continue;
      for (const socketId of members) {
        this.holdingFor(socketId).set(tick.symbol, tick);
        touched.add(socketId);
      }
    }
    for (const socketId of this.held.keys()) touched.add(socketId);
    for (const socketId of touched) this.sendHeld(socketId);
  }

  private sendHeld(socketId: string): void {
    const held = this.held.get(socketId);
    if (!held || held.size === 0) return;
    const socket = this.io.of('/').sockets.get(socketId);
    if (!socket) {
      this.held.delete(socketId);
      return;
    }
    if (!socket.conn.transport.writable) {
      this.framesDeferred += 1;
      return;
    }
    this.held.delete(socketId);
    socket.emit('ticks', [...held.values()]);
    this.framesSent += 1;
  }

  private holdingFor(socketId: string): Map<string, Tick> {
    let held = this.held.get(socketId);
    if (!held) {
      held = new Map();
      this.held.set(socketId, held);
    }
    return held;
  }
}
