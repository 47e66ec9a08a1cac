import type { FundamentalCondition, Fundamentals } from '@tickwatch/shared';

export type MetricReading = { ready: true; value: number } | { ready: false; reason: string };

/** A fundamental metric from the live price and the symbol's loaded fundamentals. */
export function readMetric(
  symbol: string,
  metric: FundamentalCondition['metric'],
  price: number,
  fundamentals: Fundamentals | undefined,
): MetricReading {
  const missing = (field: string) => ({ ready: false as const, reason: `no ${field} loaded for ${symbol}` });
  switch (metric) {
    case 'pe_ratio': {
      const eps = fundamentals?.eps_ttm;
      if (eps === undefined || eps === null) return missing('eps_ttm');
      if (eps <= 0)
        return { ready: false, reason: `P/E is undefined for ${symbol}: trailing EPS ${eps} is not positive` };
      return { ready: true, value: price / eps };
    }
    case 'market_cap': {
      const shares = fundamentals?.shares_outstanding;
      if (shares === undefined || shares === null) return missing('shares_outstanding');
      return { ready: true, value: price * shares };
    }
    case 'dividend_yield': {
      const dividend = fundamentals?.annual_dividend;
      if (dividend === undefined || dividend === null) return missing('annual_dividend');
      return { ready: true, value: (dividend / price) * 100 };
    }
  }
}
