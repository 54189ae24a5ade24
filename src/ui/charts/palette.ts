import { interpolateSinebow, interpolateViridis, schemeTableau10 } from 'd3';

/** One colour per run or series, readable on the light and the dark theme. */
export const seriesColour = (index: number): string =>
  schemeTableau10[index % schemeTableau10.length] as string;

/**
 * Colours for `count` series: the ten categorical ones while they suffice, else hues spread
 * evenly around the wheel so that no two of up to 50 runs share a colour.
 */
export function seriesColours(count: number): string[] {
  if (count <= schemeTableau10.length) return schemeTableau10.slice(0, count) as string[];
  return Array.from({ length: count }, (_, index) =>
    // Odd and even steps alternate halves of the wheel, so neighbours in a list differ most.
    interpolateSinebow(((index * 0.5 + (index % 2) * 0.5 * count) % count) / count),
  );
}

/** A sequential colour for a value in [0, 1], e.g. a metric on a parallel-coordinates plot. */
export const rampColour = (position: number): string =>
  interpolateViridis(0.1 + 0.8 * Math.min(1, Math.max(0, position)));
