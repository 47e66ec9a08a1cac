import { formatNumber, type AlertPreview } from '@tickwatch/shared';
import type { ChartMarker } from '../../chart-markers';
import { formatClock } from '../../format';

/** What the form reports to the page for the chart: the draft's fires, on the draft's symbol. */
export interface PreviewMarkers {
  symbol: string;
  markers: ChartMarker[];
}

const HOUR_MS = 3_600_000;

/** "the last 24 h": the window the server replayed. */
const windowOf = (preview: AlertPreview) => `the last ${Math.round((preview.to - preview.from) / HOUR_MS)} h`;

/** The sentence under the form: how often the draft would have fired, or why the answer says little. */
export function previewSentence(preview: AlertPreview): string {
  const window = windowOf(preview);
  if (preview.ticks_replayed === 0) return `No stored ticks of ${preview.symbol} in ${window}: nothing to replay.`;
  if (preview.fires_on_every_tick)
    return `This alert would fire on every tick: its condition held on every tick of ${window}. Check the level.`;
  const count = preview.fire_count;
  if (count === 0) return `Would not have fired in ${window}.`;
  const times = count === 1 ? 'once' : `${count} times`;
  const marked = preview.truncated ? ` (the first ${preview.fires.length} are marked on the chart)` : '';
  return `Would have fired ${times} in ${window}${marked}.`;
}

/** One chart marker per listed fire. */
export function previewMarkers(preview: AlertPreview): PreviewMarkers {
  return {
    symbol: preview.symbol,
    markers: preview.fires.map((fire, i) => ({
      key: `preview-${i}-${fire.time}`,
      time: fire.time,
      price: fire.price,
      label: `Would have fired at ${formatClock(fire.time, true)}, price ${formatNumber(fire.price)}`,
      kind: 'preview',
    })),
  };
}
