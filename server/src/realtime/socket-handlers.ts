import {
  MAX_SYMBOLS_PER_SUBSCRIBE,
  SYMBOL_PATTERN,
  SESSION_EXPIRED_MESSAGE,
  replayRequestSchema,
  type Ack,
  type ApiError,
  type SymbolHealth,
  type TickSubscription,
} from '@tickwatch/shared';
import type { Authenticator } from '../auth/authenticator.js';
import { issuesFrom } from '../errors.js';
import type { Logger } from '../log.js';
import type { MarketState } from '../market/market-state.js';
import type { TickServer, TickSocket } from './io.js';
import { TICK_ROOM_PREFIX, tickRoom, userRoom } from './rooms.js';
import type { TickFanout } from './tick-fanout.js';

/** setTimeout's longest delay (about 24.8 days); a token that expires later is looked at again after it. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SocketHandlers {
  auth: Authenticator;
  market: MarketState;
  fanout: TickFanout;
  /** Each symbol's feed health now, sent right after a subscription (`symbols:health`). */
  health(symbols: string[]): SymbolHealth[];
  /** Sends a signed-in socket this user's fires newer than `after`; resolves with how many. */
  replay(socket: TickSocket, userId: string, after: number): Promise<number>;
  log: Logger;
}

/**
 * Identity and events. A socket with a token joins its user's room once the token verifies, and can never join
 * another; a bad token is refused at the handshake; no token means an anonymous socket that may use the public
 * price feed only. The identity lasts as long as the token: when its `exp` passes, the socket leaves the user's
 * room, forgets the user and is told with `session:expired`, and goes on as an anonymous socket (its price
 * subscriptions stay, so a dashboard keeps its prices while the trader signs in again).
 */
export function attachSocketHandlers(io: TickServer, deps: SocketHandlers): void {
  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (token === undefined || token === null || token === '') return next();
    if (typeof token !== 'string') return next(unauthorizedError('token must be a string'));
    deps.auth.verify(token).then(
      (identity) => {
        socket.data.userId = identity.userId;
        socket.data.expiresAt = identity.expiresAt;
        next();
      },
      () => next(unauthorizedError('token is invalid or expired')),
    );
  });

  io.on('connection', (socket) => {
    if (socket.data.userId) {
      void socket.join(userRoom(socket.data.userId));
      expireWithToken(socket);
    }

    socket.on('ticks:subscribe', (symbols, ack) => {
      const parsed = parseSymbols(symbols);
      if (!parsed.ok) return reply(ack, parsed);
      for (const symbol of parsed.data.valid) void socket.join(tickRoom(symbol));
      reply(ack, { ok: true, data: subscription(socket, parsed.data.invalid) });
      if (parsed.data.valid.length > 0) socket.emit('symbols:health', deps.health(parsed.data.valid));
      // Subscribers see the current prices at once rather than waiting for the next trade.
      const latest = parsed.data.valid.flatMap((symbol) => deps.market.latest(symbol) ?? []);
      deps.fanout.sendNow(socket.id, latest);
    });

    socket.on('ticks:unsubscribe', (symbols, ack) => {
      const parsed = parseSymbols(symbols);
      if (!parsed.ok) return reply(ack, parsed);
      for (const symbol of parsed.data.valid) void socket.leave(tickRoom(symbol));
      reply(ack, { ok: true, data: subscription(socket, parsed.data.invalid) });
    });

    socket.on('notifications:replay', (request, ack) => {
      const userId = socket.data.userId;
      if (!userId) {
        return reply(ack, { ok: false, error: { id: 'unauthorized', message: 'Sign in to receive notifications' } });
      }
      const parsed = replayRequestSchema.safeParse(request);
      if (!parsed.success) {
        return reply(ack, {
          ok: false,
          error: { id: 'validation_failed', message: 'Expected {after: epoch ms}', issues: issuesFrom(parsed.error) },
        });
      }
      deps.replay(socket, userId, parsed.data.after).then(
        (replayed) => reply(ack, { ok: true, data: { replayed } }),
        (err: unknown) => {
          deps.log.error({ err }, 'replaying notifications failed');
          reply(ack, {
            ok: false,
            error: { id: 'unavailable', message: 'Could not load your notifications; try again' },
          });
        },
      );
    });
  });
}

/** Ends the socket's identity when its token's `exp` passes (see attachSocketHandlers). */
function expireWithToken(socket: TickSocket): void {
  const expiresAt = socket.data.expiresAt;
  if (expiresAt === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    // A token is valid while now < exp (jose's rule); timers may fire a little early, so look at the clock.
    const left = expiresAt * 1000 - Date.now();
    if (left > 0) {
      timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
      return;
    }
    const userId = socket.data.userId;
    if (userId === undefined) return;
    void socket.leave(userRoom(userId));
    delete socket.data.userId;
    delete socket.data.expiresAt;
    socket.emit('session:expired', { expired_at: expiresAt, message: SESSION_EXPIRED_MESSAGE });
  };
  check();
  socket.once('disconnect', () => clearTimeout(timer));
}

function unauthorizedError(message: string): Error & { data: ApiError } {
  return Object.assign(new Error('unauthorized'), { data: { id: 'unauthorized' as const, message } });
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
