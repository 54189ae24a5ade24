import { interpolateViridis, schemeTableau10 } from 'd3';

/** One colour per run or series, readable on the light and the dark theme. */
export const seriesColour = (index: number): string =>
  schemeTableau10[index % schemeTableau10.length] as string;

/** A sequential colour for a value in [0, 1], e.g. a metric on a parallel-coordinates plot. */
export const rampColour = (position: number): string =>
  interpolateViridis(0.1 + 0.8 * Math.min(1, Math.max(0, position)));
