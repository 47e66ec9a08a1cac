import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  MAX_SYMBOLS_PER_SUBSCRIBE,
  SYMBOL_PATTERN,
  type Ack,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  type TickSubscription,
} from '@tickwatch/shared';
import type { TickPipeline } from '../ingest/tick-pipeline.js';
import type { Logger } from '../log.js';

export type TickServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type TickSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const TICK_ROOM_PREFIX = 'ticks:';
export const tickRoom = (symbol: string) => TICK_ROOM_PREFIX + symbol;

/**
 * The public price feed. A subscription is membership of the symbol's room, so fan-out goes through Socket.IO's
 * adapter and works unchanged across processes once the Redis adapter is plugged in.
 */
export function createSocketServer(httpServer: HttpServer, pipeline: TickPipeline, log: Logger): TickServer {
  const io: TickServer = new Server(httpServer, {
    // Widgets embed the feed on other sites; the feed is public and read-only.
    cors: { origin: true },
    maxHttpBufferSize: 64 * 1024,
  });

  io.on('connection', (socket) => {
    socket.on('ticks:subscribe', (symbols, ack) => {
      const parsed = parseSymbols(symbols);
      if (!parsed.ok) return reply(ack, parsed);
      for (const symbol of parsed.data.valid) void socket.join(tickRoom(symbol));
      reply(ack, { ok: true, data: subscription(socket, parsed.data.invalid) });
      // Subscribers see the current price at once rather than waiting for the next trade.
      for (const symbol of parsed.data.valid) {
        const latest = pipeline.latest.get(symbol);
        if (latest) socket.emit('tick', latest);
      }
    });

    socket.on('ticks:unsubscribe', (symbols, ack) => {
      const parsed = parseSymbols(symbols);
      if (!parsed.ok) return reply(ack, parsed);
      for (const symbol of parsed.data.valid) void socket.leave(tickRoom(symbol));
      reply(ack, { ok: true, data: subscription(socket, parsed.data.invalid) });
    });
  });

  pipeline.onLiveTick((tick) => {
    io.to(tickRoom(tick.symbol)).emit('tick', tick);
  });

  log.debug('socket server attached');
  return io;
}

function subscription(socket: TickSocket, invalid: string[]): TickSubscription {
  const subscribed = [...socket.rooms]
    .filter((room) => room.startsWith(TICK_ROOM_PREFIX))
    .map((room) => room.slice(TICK_ROOM_PREFIX.length))
    .sort();
  return { subscribed, invalid };
}

/** Clients are untrusted: the payload may be anything, and the ack may be missing. */
function reply<T>(ack: unknown, result: Ack<T>): void {
  if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(result);
}

function parseSymbols(input: unknown): Ack<{ valid: string[]; invalid: string[] }> {
  if (!Array.isArray(input)) {
    return {
      ok: false,
      error: {
        id: 'validation_failed',
        message: 'Expected an array of symbols',
        issues: [{ path: '', message: 'must be an array' }],
      },
    };
  }
  if (input.length > MAX_SYMBOLS_PER_SUBSCRIBE) {
    return {
      ok: false,
      error: {
        id: 'validation_failed',
        message: `At most ${MAX_SYMBOLS_PER_SUBSCRIBE} symbols per request`,
        issues: [{ path: '', message: 'too many symbols' }],
      },
    };
  }
  const valid = new Set<string>();
  const invalid: string[] = [];
  for (const entry of input) {
    const symbol = typeof entry === 'string' ? entry.trim().toUpperCase() : '';
    if (SYMBOL_PATTERN.test(symbol)) valid.add(symbol);
    else invalid.push(typeof entry === 'string' ? entry.slice(0, 32) : String(typeof entry));
  }
  return { ok: true, data: { valid: [...valid], invalid } };
}
