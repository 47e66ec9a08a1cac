import { useCallback, useMemo, useSyncExternalStore } from 'react';

/** Whether a media query matches now; the component renders again when that changes (a rotated phone, a resize). */
export function useMediaQuery(query: string): boolean {
  // One query list per query: the dashboard renders on every tick and asks on each render.
  const list = useMemo(() => window.matchMedia(query), [query]);
  const subscribe = useCallback(
    (changed: () => void) => {
      list.addEventListener('change', changed);
      return () => list.removeEventListener('change', changed);
    },
    [list],
  );
  return useSyncExternalStore(subscribe, () => list.matches);
}
