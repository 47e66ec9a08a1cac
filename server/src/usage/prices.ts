/**
 * DynamoDB on-demand prices (Standard table class), in US dollars. The one table of prices in the code; docs/cost.md
 * shows the same figures and where they come from.
 *
 * Source: https://aws.amazon.com/dynamodb/pricing/on-demand/, as listed after AWS halved on-demand throughput prices
 * on 2024-11-01. The Canadian regions are listed at 1.1 × US East. Prices change: an operator sets the
 * DYNAMODB_PRICE_* variables (config.ts) to override them, or to price a region missing here.
 */
export interface OnDemandPrices {
  /** Per million write request units. */
  writePerMillion: number;
  /** Per million read request units. */
  readPerMillion: number;
  /** Per GB-month of table storage, indexes included (the first 25 GB a month are free tier, not deducted here). */
  storagePerGbMonth: number;
}

export const PRICES_AS_OF = '2024-11-01';
export const PRICES_SOURCE = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';

export const ON_DEMAND_PRICES: Readonly<Record<string, OnDemandPrices>> = {
  'us-east-1': { writePerMillion: 0.625, readPerMillion: 0.125, storagePerGbMonth: 0.25 },
  'ca-central-1': { writePerMillion: 0.6875, readPerMillion: 0.1375, storagePerGbMonth: 0.275 },
  'ca-west-1': { writePerMillion: 0.6875, readPerMillion: 0.1375, storagePerGbMonth: 0.275 },
};

/** Seconds in an average month (365.25 / 12 days), the month every projection here is of. */
export const MONTH_SECONDS = (365.25 / 12) * 86_400;
