/** At most this many fires are listed in a preview; `fire_count` still counts them all. */
export const MAX_PREVIEW_FIRES = 500;

/** One fire a draft alert would have given: the tick's time and price, and what the condition compared. */
export interface PreviewFire {
  /** Epoch ms of the tick that fired it. */
  time: number;
  price: number;
  /** The compared value (price, indicator, metric) and the level it was compared with. */
  value: number;
  level: number;
}

/** `POST /api/alerts/preview`: a draft alert replayed by the engine over its symbol's stored ticks. */
export interface AlertPreview {
  symbol: string;
  /** The window replayed, epoch ms: the stored ticks at or after `from`, up to the newest. */
  from: number;
  to: number;
  /** Ticks given to the engine (0: nothing stored for the symbol in the window). */
  ticks_replayed: number;
  /** Every fire, even those left out of `fires`. */
  fire_count: number;
  /** Oldest first, at most MAX_PREVIEW_FIRES. */
  fires: PreviewFire[];
  truncated: boolean;
  /**
   * The condition held on every tick it was evaluated on (at least two): an alert that is always true, which
   * usually means a level on the wrong side of the price.
   */
  fires_on_every_tick: boolean;
}
