import type { Fundamentals } from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import type { AlertEngine } from './alert-engine.js';

/**
 * Where the API reports a write it made to an alert or to fundamentals, for the engine that evaluates the symbol:
 * this process's own engine, or in a cluster the shard owner's, wherever that runs (cluster/cluster-node.ts).
 */
export interface AlertChanges {
  /** The alert as now stored; `previousSymbol` when the write moved it to another symbol. */
  changed(item: AlertItem, previousSymbol?: string): void;
  removed(alertId: string): void;
  fundamentalsChanged(symbol: string, fundamentals: Fundamentals): void;
}

/** One process: the changes go straight to its engine. */
export function engineChanges(engine: AlertEngine): AlertChanges {
  return {
    changed: (item) => engine.upsert(item),
    removed: (alertId) => engine.remove(alertId),
    fundamentalsChanged: (symbol, fundamentals) => engine.setFundamentals(symbol, fundamentals),
  };
}
