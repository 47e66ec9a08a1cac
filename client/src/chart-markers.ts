/**
 * A moment marked on the price chart: a fire the alert form's preview found, or a recorded fire opened from the
 * history. Features that find moments produce these and the chart draws them; neither imports the other.
 */
export interface ChartMarker {
  /** Unique among the markers drawn at once. */
  key: string;
  /** Epoch ms of the tick. */
  time: number;
  price: number;
  /** What happened, for the marker's tooltip and its accessible name. */
  label: string;
  kind: 'preview' | 'fire';
}
