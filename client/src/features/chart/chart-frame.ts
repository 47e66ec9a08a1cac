/**
 * Geometry every chart pane shares (price, volume, indicators), so their plots start and end at the same pixel and
 * a bar sits above its own volume and indicator values. The price axis is on the right, where traders read it.
 */
export const PRICE_AXIS_WIDTH = 64;
export const PANE_MARGIN = { top: 8, right: 0, bottom: 0, left: 8 } as const;
