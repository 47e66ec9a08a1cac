import {
  comparesPrice,
  describeCondition,
  toStorableNumber,
  type FireEvidence,
  type Fundamentals,
} from '@tickwatch/shared';
import type { AlertItem } from '../store/alerts-repository.js';
import type { EngineAction } from './alert-book.js';

type Fire = Pick<Extract<EngineAction, { kind: 'fire' }>, 'tick' | 'value' | 'level' | 'before'>;

/** The fundamental each metric is computed from (fundamentals.ts). */
const METRIC_INPUT = {
  pe_ratio: 'eps_ttm',
  market_cap: 'shares_outstanding',
  dividend_yield: 'annual_dividend',
} as const satisfies Record<string, keyof Fundamentals>;

/**
 * Why `item` fired, as its history record keeps it: the tick, what was compared and the condition in the words of
 * that moment. `fundamentals` are the symbol's as the fire was decided, for the metric's input. A metric can exceed
 * what the store holds (a market cap of 1e22): every number is written as the nearest storable one.
 */
export function fireEvidence(item: AlertItem, fire: Fire, fundamentals: Fundamentals | undefined): FireEvidence {
  const values: Record<string, number> = {};
  let before = fire.before;
  if (item.condition_type === 'price_move') {
    // The engine hands a move's reference price over as `before`; here it is a price beside a move (% or price),
    // so it is named rather than shown as the value the move came from.
    if (before !== null) values.reference = before;
    before = null;
  } else if (item.condition_type === 'indicator') {
    // Compared with the price, the indicator (or band) is the level; otherwise it is the value compared.
    values.indicator = comparesPrice(item.condition) ? fire.level : fire.value;
  } else if (item.condition_type === 'fundamental') {
    values.metric = fire.value;
    const input = METRIC_INPUT[item.condition.metric];
    const amount = fundamentals?.[input];
    if (amount !== undefined && amount !== null) values[input] = amount;
  }
  const storable = Object.entries(values).filter(([, v]) => !Number.isNaN(v));
  return {
    tick: { price: fire.tick.price, timestamp: fire.tick.timestamp },
    value: toStorableNumber(fire.value),
    level: toStorableNumber(fire.level),
    before: before === null || Number.isNaN(before) ? null : toStorableNumber(before),
    condition: describeCondition(item),
    ...(storable.length > 0
      ? { values: Object.fromEntries(storable.map(([name, v]) => [name, toStorableNumber(v)])) }
      : {}),
  };
}
