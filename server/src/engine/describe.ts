import {
  formatNumber,
  indicatorName,
  type ConditionSpec,
  type FundamentalMetric,
  type Operator,
} from '@tickwatch/shared';

type Described = ConditionSpec & { symbol: string };

const OPERATOR_WORDS: Record<Operator, string> = {
  '>': 'is above',
  '>=': 'is at or above',
  '<': 'is below',
  '<=': 'is at or below',
  crosses_above: 'crossed above',
  crosses_below: 'crossed below',
};

const PRICE_WORDS = { open: 'open', high: 'day high', low: 'day low', close: 'last price' } as const;
const METRIC_WORDS: Record<FundamentalMetric, string> = {
  pe_ratio: 'P/E',
  market_cap: 'market cap',
  dividend_yield: 'dividend yield',
};

/** What the alert waits for, in a trader's words: "AAPL last price crosses above 200.00". */
export function describeCondition(alert: Described): string {
  const verb = (op: Operator) => OPERATOR_WORDS[op].replace(/^is /, '').replace(/^crossed/, 'crosses');
  switch (alert.condition_type) {
    case 'price_threshold': {
      const c = alert.condition;
      return `${alert.symbol} ${PRICE_WORDS[c.price_type]} ${verb(c.operator)} ${formatNumber(c.threshold)}`;
    }
    case 'indicator': {
      const c = alert.condition;
      const name = indicatorName(c);
      if (c.indicator === 'bollinger') return `${alert.symbol} last price ${verb(c.operator)} the ${name}`;
      if (c.threshold === undefined && c.indicator !== 'rsi' && c.indicator !== 'macd') {
        return `${alert.symbol} last price ${verb(c.operator)} its ${name}`;
      }
      return `${alert.symbol} ${name} ${verb(c.operator)} ${formatNumber(c.threshold ?? 0)}`;
    }
    case 'fundamental': {
      const c = alert.condition;
      const unit = c.metric === 'dividend_yield' ? '%' : '';
      return `${alert.symbol} ${METRIC_WORDS[c.metric]} ${verb(c.operator)} ${formatNumber(c.threshold)}${unit}`;
    }
  }
}

/** What happened when it fired: "AAPL last price 205.50 crossed above 200.00". */
export function describeFire(alert: Described, reading: { value: number; level: number; price: number }): string {
  const op = alert.condition.operator;
  switch (alert.condition_type) {
    case 'price_threshold':
      return `${alert.symbol} ${PRICE_WORDS[alert.condition.price_type]} ${formatNumber(reading.value)} ${OPERATOR_WORDS[op]} ${formatNumber(reading.level)}`;
    case 'indicator': {
      const c = alert.condition;
      const name = indicatorName(c);
      if (
        c.indicator === 'bollinger' ||
        (c.threshold === undefined && c.indicator !== 'rsi' && c.indicator !== 'macd')
      ) {
        return `${alert.symbol} last price ${formatNumber(reading.price)} ${OPERATOR_WORDS[op]} the ${name} at ${formatNumber(reading.level)}`;
      }
      return `${alert.symbol} ${name} ${formatNumber(reading.value)} ${OPERATOR_WORDS[op]} ${formatNumber(reading.level)} (price ${formatNumber(reading.price)})`;
    }
    case 'fundamental': {
      const unit = alert.condition.metric === 'dividend_yield' ? '%' : '';
      return `${alert.symbol} ${METRIC_WORDS[alert.condition.metric]} ${formatNumber(reading.value)}${unit} ${OPERATOR_WORDS[op]} ${formatNumber(reading.level)}${unit} (price ${formatNumber(reading.price)})`;
    }
  }
}
