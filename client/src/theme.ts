/**
 * The dashboard's colour theme: the trader's remembered choice (localStorage `tickwatch.theme`), or the system
 * setting while there is none. It is applied as `data-theme` on <html>, which theme.css reads.
 */
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_KEY = 'tickwatch.theme';
const SYSTEM_DARK = '(prefers-color-scheme: dark)';

/** A stored value counts only when it names a theme; anything else means "follow the system". */
export const parseThemeChoice = (stored: string | null): Theme | null =>
  stored === 'light' || stored === 'dark' ? stored : null;

export const resolveTheme = (choice: Theme | null, systemDark: boolean): Theme =>
  choice ?? (systemDark ? 'dark' : 'light');

/**
 * What to remember when the trader picks `theme`: picking what the system shows means "follow the system" again,
 * so one toggle and back returns to following it.
 */
export const choiceFor = (theme: Theme, systemDark: boolean): Theme | null =>
  theme === resolveTheme(null, systemDark) ? null : theme;

export const otherTheme = (theme: Theme): Theme => (theme === 'dark' ? 'light' : 'dark');

const listeners = new Set<() => void>();
let applied: Theme = 'light';
/** The choice made on this page, for when storage is blocked (privacy settings) and cannot remember it. */
let unstoredChoice: Theme | null = null;

function readChoice(): Theme | null {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_KEY)) ?? unstoredChoice;
  } catch {
    return unstoredChoice;
  }
}

function apply(): void {
  const next = resolveTheme(readChoice(), window.matchMedia(SYSTEM_DARK).matches);
  document.documentElement.dataset.theme = next;
  if (next === applied) return;
  applied = next;
  for (const listener of listeners) listener();
}

/**
 * Sets `data-theme` before the first render, so the page never flashes the other theme, and keeps following the
 * system setting while the trader has not chosen.
 */
export function initTheme(): void {
  applied = resolveTheme(readChoice(), window.matchMedia(SYSTEM_DARK).matches);
  document.documentElement.dataset.theme = applied;
  window.matchMedia(SYSTEM_DARK).addEventListener('change', apply);
  // Another tab's toggle changes this one too.
  window.addEventListener('storage', (event) => {
    if (event.key === THEME_KEY) apply();
  });
}

/** Remembers the trader's choice across reloads (or forgets it, when it is the system's) and applies it. */
export function chooseTheme(theme: Theme): void {
  const choice = choiceFor(theme, window.matchMedia(SYSTEM_DARK).matches);
  unstoredChoice = choice;
  try {
    if (choice) localStorage.setItem(THEME_KEY, choice);
    else localStorage.removeItem(THEME_KEY);
  } catch {
    // Not remembered across reloads, but still applied on this page.
  }
  apply();
}

export const currentTheme = (): Theme => applied;

/** For useSyncExternalStore: called whenever the applied theme changes. */
export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
