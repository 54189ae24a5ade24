import rForecast from './fixtures/r-forecast.json';
import { randomNormal, seededRandom } from '../../../../src/core/random';

export interface RSeries {
  readonly name: string;
  readonly period: number;
  readonly h: number;
  readonly x: number[];
  readonly [method: string]: unknown;
}

export interface Bands {
  readonly mean: number[];
  readonly lo80: number[];
  readonly hi80: number[];
  readonly lo95: number[];
  readonly hi95: number[];
}

export const R_SERIES = rForecast as unknown as RSeries[];

export function rSeries(name: string): RSeries {
  const found = R_SERIES.find((series) => series.name === name);
  if (!found) throw new Error(`No fixture series ${name}`);
  return found;
}

/** The largest |a − b| / max(1, |b|) over the arrays. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
}

/** A monthly series with trend, multiplicative season and noise, from a seeded RNG. */
export function seasonalSeries(n: number, seed: number, period = 12): Float64Array {
  const rng = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, t) => {
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * t) / period);
    return (100 + 1.5 * t) * season * (1 + 0.03 * randomNormal(rng));
  });
}
