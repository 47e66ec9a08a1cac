import { useEffect, useState } from 'react';
import type { Tick } from '@tickwatch/shared';
import { api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';

const SYMBOL_REFRESH_MS = 5000;

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LivePrices {
  connection: ConnectionState;
  /** Latest tick per symbol, plus the first price seen this session for the change column. */
  rows: Map<string, { tick: Tick; first: number }>;
  error?: string;
}

/**
 * Subscribes to every symbol the server knows and keeps the newest tick of each. On every (re)connect it asks
 * for the symbol list again and resubscribes, since a restarted server has forgotten the socket's rooms.
 */
export function useLivePrices(socket: TickwatchSocket): LivePrices {
  const [connection, setConnection] = useState<ConnectionState>(socket.connected ? 'live' : 'connecting');
  const [rows, setRows] = useState<LivePrices['rows']>(new Map());
  const [error, setError] = useState<string>();

  useEffect(() => {
    const onTick = (tick: Tick) => {
      setRows((current) => {
        const next = new Map(current);
        const previous = current.get(tick.symbol);
        if (previous && previous.tick.timestamp > tick.timestamp) return current;
        next.set(tick.symbol, { tick, first: previous?.first ?? tick.price });
        return next;
      });
    };
    const subscribeAll = async () => {
      try {
        const latest = await api.symbols();
        for (const tick of latest) onTick(tick);
        const ack = await socket.timeout(5000).emitWithAck(
          'ticks:subscribe',
          latest.map((t) => t.symbol),
        );
        if (!ack.ok) setError(ack.error.message);
        else setError(undefined);
      } catch (err) {
        setError((err as Error).message);
      }
    };
    const onConnect = () => {
      setConnection('live');
      void subscribeAll();
    };
    // Symbols that start trading after the page loaded join the table on the next refresh.
    const refresh = setInterval(() => {
      if (socket.connected) void subscribeAll();
    }, SYMBOL_REFRESH_MS);
    const onDisconnect = () => setConnection('reconnecting');
    const onFailed = () => setConnection('offline');
    const onFrame = (frame: Tick[]) => frame.forEach(onTick);
    socket.on('ticks', onFrame);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.io.on('reconnect_failed', onFailed);
    if (socket.connected) onConnect();
    return () => {
      clearInterval(refresh);
      socket.off('ticks', onFrame);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.io.off('reconnect_failed', onFailed);
    };
  }, [socket]);

  return { connection, rows, ...(error ? { error } : {}) };
}
