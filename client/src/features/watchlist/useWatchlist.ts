import { useCallback, useEffect, useRef, useState } from 'react';
import type { SymbolHealth, Tick } from '@tickwatch/shared';
import type { Api } from '../../api/http';
import type { TickwatchSocket } from '../../api/socket';

const QUOTE_REFRESH_MS = 60_000;

export interface PriceRow {
  symbol: string;
  last: Tick | null;
  /** The trading day's open, for change and % change. */
  dayOpen: number | null;
  /** What the server says of the symbol's feed (live, quiet since, never traded, not carried); null until it does. */
  health: SymbolHealth | null;
}

export interface WatchlistState {
  symbols: string[];
  rows: Map<string, PriceRow>;
  loading: boolean;
  error: string | null;
  add(symbol: string): Promise<void>;
  /** Asks the server about a symbol's feed (`GET /api/symbols/:symbol`) and keeps the answer for its row; null if it cannot say. */
  check(symbol: string): Promise<SymbolHealth | null>;
  remove(symbol: string): Promise<void>;
  /** The newest tick of each symbol, including those that arrive between renders. */
  latest: (symbol: string) => Tick | undefined;
}

/**
 * The user's saved watchlist and live prices for it: quotes (latest trade and day open) on load and every minute,
 * conflated `ticks` frames in between, and each symbol's feed health from `symbols:health` (sent on subscribe and on
 * every change). Every (re)connect subscribes again, since a restarted server has forgotten the socket's rooms.
 */
export function useWatchlist(api: Api, socket: TickwatchSocket): WatchlistState {
  const [symbols, setSymbols] = useState<string[]>([]);
  const [ticks, setTicks] = useState<Map<string, Tick>>(new Map());
  const [dayOpen, setDayOpen] = useState<Map<string, number>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [health, setHealth] = useState<Map<string, SymbolHealth>>(new Map());
  const latestRef = useRef(new Map<string, Tick>());
  const symbolsRef = useRef<string[]>([]);
  symbolsRef.current = symbols;

  const accept = useCallback((incoming: Tick[]) => {
    let changed = false;
    for (const tick of incoming) {
      const current = latestRef.current.get(tick.symbol);
      if (current && current.timestamp > tick.timestamp) continue;
      latestRef.current.set(tick.symbol, tick);
      changed = true;
    }
    if (changed) setTicks(new Map(latestRef.current));
  }, []);

  const refreshQuotes = useCallback(
    async (list: string[]) => {
      if (list.length === 0) return;
      const quotes = await api.quotes(list);
      accept(quotes.flatMap((q) => (q.last ? [q.last] : [])));
      setDayOpen((current) => {
        const next = new Map(current);
        for (const q of quotes) if (q.day) next.set(q.symbol, q.day.open);
        return next;
      });
    },
    [api, accept],
  );

  useEffect(() => {
    let cancelled = false;
    api
      .watchlist()
      .then(async (list) => {
        if (cancelled) return;
        setSymbols(list);
        await refreshQuotes(list);
      })
      .catch((err: Error) => !cancelled && setError(err.message))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [api, refreshQuotes]);

  const acceptHealth = useCallback((entries: SymbolHealth[]) => {
    setHealth((current) => {
      const next = new Map(current);
      for (const entry of entries) next.set(entry.symbol, entry);
      return next;
    });
  }, []);

  useEffect(() => {
    const subscribe = () => {
      if (symbolsRef.current.length > 0) socket.emit('ticks:subscribe', symbolsRef.current, () => {});
    };
    socket.on('ticks', accept);
    socket.on('symbols:health', acceptHealth);
    socket.on('connect', subscribe);
    if (socket.connected) subscribe();
    const quotes = setInterval(() => void refreshQuotes(symbolsRef.current).catch(() => {}), QUOTE_REFRESH_MS);
    return () => {
      socket.off('ticks', accept);
      socket.off('symbols:health', acceptHealth);
      socket.off('connect', subscribe);
      clearInterval(quotes);
    };
  }, [socket, accept, acceptHealth, refreshQuotes, symbols]);

  const save = useCallback(
    async (next: string[]) => {
      setError(null);
      try {
        setSymbols(await api.setWatchlist(next));
      } catch (err) {
        setError((err as Error).message);
        throw err;
      }
    },
    [api],
  );

  const add = useCallback(
    async (raw: string) => {
      const symbol = raw.trim().toUpperCase();
      if (symbolsRef.current.includes(symbol)) return;
      await save([...symbolsRef.current, symbol]);
      socket.emit('ticks:subscribe', [symbol], () => {});
      await refreshQuotes([symbol]).catch(() => {});
    },
    [save, socket, refreshQuotes],
  );

  const remove = useCallback(
    async (symbol: string) => {
      await save(symbolsRef.current.filter((s) => s !== symbol));
      socket.emit('ticks:unsubscribe', [symbol], () => {});
    },
    [save, socket],
  );

  const check = useCallback(
    async (symbol: string) => {
      try {
        const found = await api.symbolHealth(symbol);
        acceptHealth([found]);
        return found;
      } catch {
        return null;
      }
    },
    [api, acceptHealth],
  );

  const rows = new Map<string, PriceRow>(
    symbols.map((symbol) => {
      const last = ticks.get(symbol) ?? null;
      return [symbol, { symbol, last, dayOpen: dayOpen.get(symbol) ?? null, health: health.get(symbol) ?? null }];
    }),
  );
  const latest = useCallback((symbol: string) => latestRef.current.get(symbol), []);
  return { symbols, rows, loading, error, add, check, remove, latest };
}
