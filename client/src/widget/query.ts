import { symbolSchema } from '@tickwatch/shared';

export const MAX_WIDGET_SYMBOLS = 20;
export const WIDGET_THEMES = ['light', 'dark'] as const;
export type WidgetTheme = (typeof WIDGET_THEMES)[number];

export interface WidgetQuery {
  /** Valid tickers, upper-cased, without repeats, at most MAX_WIDGET_SYMBOLS, in the order given. */
  symbols: string[];
  /** Entries that are not tickers, as given: the widget lists them in a note. */
  invalid: string[];
  /** Valid tickers beyond MAX_WIDGET_SYMBOLS, left out. */
  extra: string[];
  theme: WidgetTheme;
}

/**
 * Reads `?symbols=AAPL,MSFT&theme=light|dark` (docs/widget.md). Symbols are trimmed and upper-cased, then checked
 * with the shared ticker schema; an unknown or missing theme is light.
 */
export function parseWidgetQuery(search: string): WidgetQuery {
  const params = new URLSearchParams(search);
  const symbols: string[] = [];
  const invalid: string[] = [];
  const extra: string[] = [];
  const entries = params
    .getAll('symbols')
    .flatMap((value) => value.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const parsed = symbolSchema.safeParse(entry.toUpperCase());
    if (!parsed.success) {
      if (!invalid.includes(entry)) invalid.push(entry);
    } else if (!symbols.includes(parsed.data) && !extra.includes(parsed.data)) {
      (symbols.length < MAX_WIDGET_SYMBOLS ? symbols : extra).push(parsed.data);
    }
  }
  const theme = params.get('theme')?.trim().toLowerCase();
  return { symbols, invalid, extra, theme: theme === 'dark' ? 'dark' : 'light' };
}

/** Two decimals, four below one (penny stocks); plain digits, so a page can read the number back. */
export const formatWidgetPrice = (price: number): string => price.toFixed(price < 1 ? 4 : 2);
