import type { Ack } from './api.js';
import type { Tick } from './ticks.js';

export interface TickSubscription {
  /** Symbols now subscribed on this socket, normalised to upper case. */
  subscribed: string[];
  /** Entries that are not ticker symbols; nothing was subscribed for them. */
  invalid: string[];
}

export interface ServerToClientEvents {
  tick: (tick: Tick) => void;
}

export interface ClientToServerEvents {
  'ticks:subscribe': (symbols: string[], ack: (result: Ack<TickSubscription>) => void) => void;
  'ticks:unsubscribe': (symbols: string[], ack: (result: Ack<TickSubscription>) => void) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Socket.IO's generic slot; filled once servers talk to each other
export interface InterServerEvents {}

/**
 * Per-socket state. Tick subscriptions are Socket.IO rooms (`ticks:<SYMBOL>`), not fields here, so that an
 * adapter can route them across server processes.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled when sockets carry an identity
export interface SocketData {}

export const MAX_SYMBOLS_PER_SUBSCRIBE = 200;
