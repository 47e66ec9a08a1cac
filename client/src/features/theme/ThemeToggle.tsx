import { useSyncExternalStore } from 'react';
import { chooseTheme, currentTheme, otherTheme, subscribeTheme } from '../../theme';

/** Switches between the light and dark theme; the choice is remembered across reloads (theme.ts). */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribeTheme, currentTheme);
  const next = otherTheme(theme);
  return (
    <button
      type="button"
      className="theme-toggle icon-button"
      data-testid="theme-toggle"
      data-theme-now={theme}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => chooseTheme(next)}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
    </button>
  );
}
