// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The system colour-scheme setting as the browser exposes it: a media query list that reports changes. */
function systemSetting(dark: boolean) {
  const list = Object.assign(new EventTarget(), { matches: dark, media: '(prefers-color-scheme: dark)' });
  vi.stubGlobal('matchMedia', () => list);
  return {
    change(next: boolean) {
      list.matches = next;
      list.dispatchEvent(new Event('change'));
    },
  };
}

// theme.ts keeps the applied theme per page: each test loads a fresh copy, as a reload would.
const loadTheme = () => import('./theme');

beforeEach(() => {
  vi.resetModules();
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
afterEach(() => vi.unstubAllGlobals());

describe('theme decision', () => {
  it('takes a remembered choice over the system setting', async () => {
    const { resolveTheme } = await loadTheme();
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('follows the system setting while there is no choice', async () => {
    const { resolveTheme } = await loadTheme();
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme(null, false)).toBe('light');
  });

  it('remembers a pick only while it differs from the system setting', async () => {
    const { choiceFor } = await loadTheme();
    expect(choiceFor('dark', false)).toBe('dark');
    expect(choiceFor('light', true)).toBe('light');
    expect(choiceFor('dark', true)).toBeNull();
    expect(choiceFor('light', false)).toBeNull();
  });

  it('treats a stored value that names no theme as no choice', async () => {
    const { parseThemeChoice } = await loadTheme();
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice('light')).toBe('light');
    expect(parseThemeChoice(null)).toBeNull();
    expect(parseThemeChoice('Dark')).toBeNull();
    expect(parseThemeChoice('system')).toBeNull();
  });
});

describe('theme on the page', () => {
  it('applies the system setting before any render and follows its live changes', async () => {
    const system = systemSetting(true);
    const theme = await loadTheme();
    theme.initTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');
    const changed = vi.fn();
    theme.subscribeTheme(changed);
    system.change(false);
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(theme.currentTheme()).toBe('light');
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('remembers a choice across a reload and stops following the system', async () => {
    const system = systemSetting(false);
    let theme = await loadTheme();
    theme.initTheme();
    theme.chooseTheme('dark');
    expect(localStorage.getItem('tickwatch.theme')).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');

    vi.resetModules();
    theme = await loadTheme();
    theme.initTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');
    system.change(true);
    system.change(false);
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('follows the system again once the trader picks what the system shows', async () => {
    const system = systemSetting(false);
    const theme = await loadTheme();
    theme.initTheme();
    theme.chooseTheme('dark');
    theme.chooseTheme('light');
    expect(localStorage.getItem('tickwatch.theme')).toBeNull();
    system.change(true);
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('starts from the stored choice even when the system prefers the other theme', async () => {
    systemSetting(true);
    localStorage.setItem('tickwatch.theme', 'light');
    const theme = await loadTheme();
    theme.initTheme();
    expect(theme.currentTheme()).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});
