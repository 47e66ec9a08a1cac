import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { Tick } from '@tickwatch/shared';
import type { TickServer, TickSocket } from './io.js';
import { tickRoom } from './rooms.js';

/** How long a flush keeps the event loop, at most, before alerts and HTTP get a turn. */
export const FLUSH_SLICE_MS = 5;

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

/** One flush in progress: the encoded ticks it sends, and the sockets it has still to visit. */
interface Flush {
  /** The newest tick of every symbol that changed, as JSON, by room (`ticks:<SYMBOL>`). */
  encoded: Map<string, string>;
  sockets: Iterator<TickSocket>;
}

/**
 * Conflated price fan-out. Ticks are collected per symbol (newest wins) and flushed every `flushMs`: each socket
 * subscribed to any of them gets one `ticks` frame holding the newest tick of every subscribed symbol that changed.
 * A socket whose connection is still busy with the previous frame is skipped and its updates are merged into the
 * next flush, so a slow client gets the newest prices rather than a growing backlog.
 *
 * Sockets watch different symbols, so frames differ and Socket.IO cannot encode one packet for many sockets; what
 * they share is the ticks. A flush turns each changed tick into JSON once, and joins each socket's share into a ready
 * Socket.IO packet written to the socket's Engine.IO connection. One room broadcast per symbol would encode once too,
 * but would cost a WebSocket write per tick and socket rather than per socket, and that write is most of the cost
 * (docs/scaling.md has the figures). Thousands of writes still add up, so a flush runs in slices of `sliceMs` at
 * most, and alerts and HTTP get their turn in between.
 *
 * `flushMs` 0 turns conflation off: every tick goes out at once as its own frame to every subscriber, buffered by
 * Socket.IO however slow the client (the plain behaviour, kept as the benchmark's baseline).
 *
 * Subscribers are found through the adapter's local room membership (`ticks:<SYMBOL>`), so every server process
 * fans out the ticks it ingests to its own sockets; docs/scaling.md says what that means for several processes.
 */
export class TickFanout {
  private pending = new Map<string, Tick>();
  /** Per local socket whose connection was busy: its encoded updates by room, waiting for a writable connection. */
  private readonly held = new Map<string, Map<string, string>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Flush | undefined;
  /** The interval came round while a flush was still going: start the next one as soon as it ends. */
  private flushDue = false;
  private framesSent = 0;
  private framesDeferred = 0;

  constructor(
    private readonly io: TickServer,
    private readonly flushMs: number,
    private readonly sliceMs = FLUSH_SLICE_MS,
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
    const room = tickRoom(tick.symbol);
    if (this.flushMs === 0) {
      this.io.to(room).emit('ticks', [tick]);
      this.framesSent += this.io.of('/').adapter.rooms.get(room)?.size ?? 0;
      return;
    }
    this.pending.set(tick.symbol, tick);
    // Sockets the running flush has not reached yet get this tick rather than the one it replaces, so none of them
    // can see it after a newer one (its subscribe snapshot, say).
    const encoded = this.flushing?.encoded;
    if (encoded?.has(room)) encoded.set(room, JSON.stringify(tick));
  }

  /** Sends one socket the given ticks now (e.g. the latest prices right after it subscribes). */
  sendNow(socketId: string, ticks: Tick[]): void {
    const socket = this.io.of('/').sockets.get(socketId);
    if (!socket || ticks.length === 0) return;
    this.deliver(socket, new Map(ticks.map((tick) => [tickRoom(tick.symbol), JSON.stringify(tick)])));
  }

  stats(): { framesSent: number; framesDeferred: number } {
    return { framesSent: this.framesSent, framesDeferred: this.framesDeferred };
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flushing = undefined;
  }

  private flush(): void {
    if (this.flushing) {
      this.flushDue = true;
      return;
    }
    if (this.pending.size === 0 && this.held.size === 0) return;
    const sockets = this.io.of('/').sockets;
    const encoded = new Map<string, string>();
    for (const tick of this.pending.values()) encoded.set(tickRoom(tick.symbol), JSON.stringify(tick));
    this.pending = new Map();
    this.flushing = {
      encoded,
      // Nothing new: only sockets that were busy last time have anything to get.
      sockets:
        encoded.size > 0 ? sockets.values() : [...this.held.keys()].flatMap((id) => sockets.get(id) ?? []).values(),
    };
    this.slice(this.flushing);
  }

  private slice(flush: Flush): void {
    // close() ended this flush.
    if (this.flushing !== flush) return;
    const timed = flushSliceChannels.end.hasSubscribers;
    if (timed) flushSliceChannels.start.publish({});
    const start = performance.now();
    let done = true;
    for (let next = flush.sockets.next(); !next.done; next = flush.sockets.next()) {
      this.deliver(next.value, flush.encoded);
      if (performance.now() - start >= this.sliceMs) {
        done = false;
        break;
      }
    }
    // The sockets' write callbacks were queued meanwhile and run before this.
    if (timed) process.nextTick(() => flushSliceChannels.end.publish({ last: done } satisfies FlushSliceEnd));
    if (!done) {
      setImmediate(() => this.slice(flush));
      return;
    }
    this.flushing = undefined;
    if (this.flushDue) {
      this.flushDue = false;
      setImmediate(() => {
        // Unless close() came in between.
        if (this.timer) this.flush();
      });
    }
  }

  /**
   * Sends a socket one frame: for each room it is in, the tick in `encoded`, else one still held for it. A busy
   * socket gets nothing now; what it would have got is held for it (newest wins) until its connection drains.
   */
  private deliver(socket: TickSocket, encoded: Map<string, string>): void {
    // Gone since the flush began: holding anything for it would never be let go.
    if (!socket.connected) return;
    let held = this.held.get(socket.id);
    if (!socket.conn.transport.writable) {
      for (const room of socket.rooms) {
        const tick = encoded.get(room);
        if (tick === undefined) continue;
        if (!held) {
          held = new Map();
          this.held.set(socket.id, held);
        }
        held.set(room, tick);
      }
      if (held) this.framesDeferred += 1;
      return;
    }
    const ticks: string[] = [];
    // Rooms the socket has left since are not in socket.rooms, so neither are their held ticks.
    for (const room of socket.rooms) {
      const tick = encoded.get(room) ?? held?.get(room);
      if (tick !== undefined) ticks.push(tick);
    }
    if (held) this.held.delete(socket.id);
    if (ticks.length === 0) return;
    // The Socket.IO packet `socket.emit('ticks', frame)` would encode (an EVENT on the main namespace), built from
    // ticks encoded once per flush rather than once per socket.
    socket.conn.write(`2["ticks",[${ticks.join(',')}]]`);
    this.framesSent += 1;
  }
}
