/**
 * The price axis: a padded domain around the prices shown and evenly spaced ticks at round values inside it.
 * Steps are 1, 2, 2.5 or 5 times a power of ten, and labels carry as many decimals as the step needs, so two ticks
 * never read the same ("228.00, 228.00, 228.01" cannot happen).
 */
export interface PriceAxis {
  domain: [number, number];
  ticks: number[];
  step: number;
  /** Decimals of every label (at least two for prices under 100,000, as prices are read). */
  decimals: number;
}

const MANTISSAS = [1, 2, 2.5, 5] as const;
/** Share of the price range left free above and below it, so candles do not touch the pane's edges. */
const PAD = 0.08;

/** `m × 10^e`, computed so that negative exponents stay exact decimals (0.1, not 0.1 × 10^0 rounding drift). */
const scaled = (m: number, e: number) => (e >= 0 ? m * 10 ** e : m / 10 ** -e);

/** The smallest round step that splits `span` into at most `count - 1` parts, with the decimals it needs. */
export function niceStep(span: number, count: number): { step: number; decimals: number } {
  const raw = span / Math.max(1, count - 1);
  let e = Math.floor(Math.log10(raw));
  // log10 of an exact power of ten can land a hair below it.
  if (scaled(1, e + 1) <= raw) e += 1;
  for (;;) {
    for (const m of MANTISSAS) {
      const step = scaled(m, e);
      if (step >= raw * (1 - 1e-12)) return { step, decimals: Math.max(0, -e + (m === 2.5 ? 1 : 0)) };
    }
    e += 1;
  }
}

/**
 * The axis for prices from `low` to `high` with about `count` ticks. A flat series (one price) gets a small band
 * around it, so its line sits mid-pane with labels above and below.
 */
export function priceAxis(low: number, high: number, count: number): PriceAxis {
  const lo = Math.min(low, high);
  const hi = Math.max(low, high);
  const flatPad = Math.abs(hi) * 0.001 || 1;
  const pad = hi - lo > 0 ? (hi - lo) * PAD : flatPad;
  const domain: [number, number] = [lo - pad, hi + pad];
  const span = domain[1] - domain[0];
  let { step, decimals: stepDecimals } = niceStep(span, Math.max(3, count));
  let ticks = ticksIn(domain, step, stepDecimals);
  // A step just over the target can leave a single tick in the pane: halve the target so there are two.
  if (ticks.length < 2) {
    ({ step, decimals: stepDecimals } = niceStep(span, Math.max(3, count) * 2));
    ticks = ticksIn(domain, step, stepDecimals);
  }
  const decimals = Math.max(stepDecimals, Math.max(Math.abs(lo), Math.abs(hi)) < 1e5 ? 2 : 0);
  return { domain, ticks, step, decimals };
}

/** The multiples of `step` in `domain`, rounded to the step's decimals so they print as round numbers. */
function ticksIn(domain: [number, number], step: number, decimals: number): number[] {
  const ticks: number[] = [];
  for (let i = Math.ceil(domain[0] / step - 1e-9); i * step <= domain[1] + step * 1e-9; i++) {
    ticks.push(Number((i * step).toFixed(decimals)));
  }
  return ticks;
}

/** A tick's label. */
export const formatTick = (value: number, axis: Pick<PriceAxis, 'decimals'>) => value.toFixed(axis.decimals);

/**
 * The price a pointer or key picks on this axis, rounded to the power of ten below a tenth of the tick step but
 * never coarser than a cent, so an alert set from the chart reads like one typed by hand.
 */
export function snapPrice(price: number, axis: Pick<PriceAxis, 'step'>): number {
  const exponent = Math.min(-2, Math.floor(Math.log10(axis.step / 10) + 1e-9));
  const unit = scaled(1, exponent);
  return Number((Math.round(price / unit) * unit).toFixed(-exponent));
}
