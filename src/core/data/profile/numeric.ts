import type { NumberType } from '../../table';
import { randomInt, type Random } from '../../random';
import { HyperLogLog, mix32 } from './hyperloglog';
import type { ProfileScratch } from './scratch';
import { GRID_SORT_STEPS, sortFloat64, sortOnGrid, type SortGrid } from './sort';
import type { Histogram, Quantiles, TopValue } from './types';

export interface NumberSummary {
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
  readonly distinctExact: boolean;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly std: number | null;
  readonly quantiles: Quantiles | null;
  readonly quantilesExact: boolean;
  readonly histogram: Histogram | null;
  readonly top: TopValue[];
}

export interface NumberSummaryOptions {
  readonly exactLimit: number;
  readonly topValues: number;
  readonly maxBins: number;
  readonly random: Random;
  /** Working memory shared with the other columns of the same profile. */
  readonly scratch?: ProfileScratch;
}

/** numpy's default ("linear", type 7) quantile of sorted values. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(n - 1, low + 1);
  const a = sorted[low] as number;
  return a + (h - low) * ((sorted[high] as number) - a);
}

/** The first index whose value is ≥ `value` (sorted ascending). */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Keeps the `size` largest counts seen, in order; ties keep the earlier value. */
class TopCounts {
  readonly values: number[] = [];
  readonly counts: number[] = [];
  constructor(private readonly size: number) {}

  offer(value: number, count: number): void {
    const counts = this.counts;
    if (counts.length === this.size && count <= (counts[counts.length - 1] as number)) return;
    let at = counts.length;
    while (at > 0 && (counts[at - 1] as number) < count) at--;
    counts.splice(at, 0, count);
    this.values.splice(at, 0, value);
    if (counts.length > this.size) {
      counts.pop();
      this.values.pop();
    }
  }
}

/**
 * Histogram bin edges: unit bins centred on the integers when an integer column spans at most
 * `maxBins` values; otherwise Freedman–Diaconis width (2·IQR·n^(−1/3)), or √n bins when the IQR
 * is zero, capped at `maxBins`.
 */
export function histogramEdges(
  min: number,
  max: number,
  count: number,
  iqr: number,
  integral: boolean,
  maxBins: number,
): number[] {
  if (integral && max - min + 1 <= maxBins) {
    return Array.from({ length: max - min + 2 }, (_, i) => min - 0.5 + i);
  }
  if (min === max) return [min, max];
  const width = (2 * iqr) / Math.cbrt(count);
  const bins =
    width > 0 ? Math.ceil((max - min) / width) : Math.ceil(Math.sqrt(Math.max(1, count)));
  const binCount = Math.max(1, Math.min(maxBins, bins));
  const step = (max - min) / binCount;
  return Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? max : min + i * step));
}

function histogramFromSorted(sorted: Float64Array, edges: number[]): Histogram {
  const counts: number[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const last = b + 2 === edges.length;
    const start = lowerBound(sorted, edges[b] as number);
    const end = last ? sorted.length : lowerBound(sorted, edges[b + 1] as number);
    counts.push(end - start);
  }
  return { edges, counts };
}

function histogramByScan(values: Float64Array, edges: number[]): Histogram {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const min = edges[0] as number;
  const span = (edges[bins] as number) - min;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value !== value) continue;
    let bin = span > 0 ? Math.floor(((value - min) / span) * bins) : 0;
    if (bin >= bins) bin = bins - 1;
    while (bin > 0 && value < (edges[bin] as number)) bin--;
    while (bin < bins - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { edges, counts: Array.from(counts) };
}

const DAY_MS = 86_400_000;
/** Columns on a grid spanning at most this many steps (or twice their count) are tallied. */
const COUNTING_RANGE = 65_536;
const MAX_COUNTING_RANGE = 1 << 24;
const MAX_DECIMALS = 4;

/** Values of the form `step × unit / divisor` for integer steps: 7, 2.25, whole days. */
interface Grid {
  readonly unit: number;
  readonly divisor: number;
}

/**
 * The coarsest grid every value sits on: whole days, seconds or milliseconds for datetimes,
 * else whole numbers or up to four decimals; null when there is none, or when the grid would
 * have more than `maxSteps` steps between `min` and `max` (finer grids only have more).
 */
function gridOf(
  present: Float64Array,
  type: NumberType,
  min: number,
  max: number,
  maxSteps: number,
): Grid | null {
  const span = max - min;
  if (type === 'datetime') {
    for (const unit of [DAY_MS, 1000, 1]) {
      if (span / unit + 1 > maxSteps) return null;
      let on = true;
      for (let i = 0; i < present.length && on; i++) on = (present[i] as number) % unit === 0;
      if (on) return { unit, divisor: 1 };
    }
    return null;
  }
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  let divisor = 1;
  for (let decimals = 0; ;) {
    if (magnitude * divisor >= 2 ** 52 || span * divisor + 1 > maxSteps) return null;
    let i = 0;
    for (; i < present.length; i++) {
      const value = present[i] as number;
      if (Math.round(value * divisor) / divisor !== value) break;
    }
    if (i === present.length) return { unit: 1, divisor };
    if (++decimals > MAX_DECIMALS) return null;
    divisor *= 10;
  }
}

/**
 * The exact summary of a column on a narrow grid (integers, booleans, whole days, prices in
 * cents), from a tally per grid step instead of a sort: one pass over the values, one over the
 * tally. Every value is rebuilt as `step × unit / divisor`, the same double the text parsed to.
 */
function summarizeByCounting(
  values: Float64Array,
  grid: Grid,
  base: number,
  range: number,
  integral: boolean,
  options: NumberSummaryOptions,
): Pick<
  NumberSummary,
  'distinct' | 'distinctExact' | 'quantiles' | 'quantilesExact' | 'histogram' | 'top'
> {
  const { unit, divisor } = grid;
  const count = values.length;
  const tally = tallySteps(values, divisor, unit, base, range);
  const valueAt = (k: number) => ((base + k) * unit) / divisor;
  const probabilities = [0.05, 0.25, 0.5, 0.75, 0.95];
  const ranks = probabilities.flatMap((p) => {
    const h = (count - 1) * p;
    return [Math.floor(h), Math.min(count - 1, Math.floor(h) + 1)];
  });
  const order = ranks.map((_, i) => i).sort((a, b) => (ranks[a] as number) - (ranks[b] as number));
  const rankValues = new Float64Array(ranks.length);
  const top = new TopCounts(options.topValues);
  let distinct = 0;
  let seen = 0;
  let next = 0;
  for (let k = 0; k < range; k++) {
    const times = tally[k] as number;
    if (times === 0) continue;
    const value = valueAt(k);
    distinct++;
    top.offer(value, times);
    seen += times;
    while (next < order.length && (ranks[order[next] as number] as number) < seen) {
      rankValues[order[next++] as number] = value;
    }
  }
  const at = (i: number, p: number) => {
    const low = rankValues[2 * i] as number;
    const h = (count - 1) * p;
    return low + (h - Math.floor(h)) * ((rankValues[2 * i + 1] as number) - low);
  };
  const quantiles: Quantiles = {
    p5: at(0, 0.05),
    p25: at(1, 0.25),
    p50: at(2, 0.5),
    p75: at(3, 0.75),
    p95: at(4, 0.95),
  };
  const min = valueAt(0);
  const max = valueAt(range - 1);
  const iqr = quantiles.p75 - quantiles.p25;
  const edges = histogramEdges(min, max, count, iqr, integral, options.maxBins);
  const counts = new Array<number>(edges.length - 1).fill(0);
  let bin = 0;
  for (let k = 0; k < range; k++) {
    const times = tally[k] as number;
    if (times === 0) continue;
    const value = valueAt(k);
    while (bin < counts.length - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + times;
  }
  return {
    distinct,
    distinctExact: true,
    quantiles,
    quantilesExact: true,
    histogram: { edges, counts },
    top: top.values.map((value, i) => ({ value, count: top.counts[i] as number })),
  };
}

/**
 * How many values sit on each grid step. On a short grid, even and odd values count into
 * separate tallies, so that a run of one value (a column has many when it has few values) does
 * not wait on the previous value's store.
 */
function tallySteps(
  values: Float64Array,
  divisor: number,
  unit: number,
  base: number,
  range: number,
): Int32Array {
  const tally = new Int32Array(range);
  const count = values.length;
  if (range > COUNTING_RANGE) {
    for (let i = 0; i < count; i++) {
      const k = Math.round(((values[i] as number) * divisor) / unit) - base;
      tally[k] = (tally[k] as number) + 1;
    }
    return tally;
  }
  const odd = new Int32Array(range);
  for (let i = 0; i < count; i += 2) {
    const k = Math.round(((values[i] as number) * divisor) / unit) - base;
    tally[k] = (tally[k] as number) + 1;
    if (i + 1 === count) break;
    const m = Math.round(((values[i + 1] as number) * divisor) / unit) - base;
    odd[m] = (odd[m] as number) + 1;
  }
  for (let k = 0; k < range; k++) tally[k] = (tally[k] as number) + (odd[k] as number);
  return tally;
}

const FLOAT_BITS = new Float64Array(1);
const FLOAT_WORDS = new Uint32Array(FLOAT_BITS.buffer);

function hashNumber(value: number): number {
  FLOAT_BITS[0] = value === 0 ? 0 : value;
  return mix32((FLOAT_WORDS[0] as number) ^ mix32(FLOAT_WORDS[1] as number));
}

interface Moments {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sum of squared deviations from the mean. */
  readonly squares: number;
}

/**
 * Copies the present values into `copy` and measures them. Each long loop has a function of its
 * own, so the engine optimises it on its own type feedback, column after column.
 */
function gather(values: Float64Array, copy: Float64Array) {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value !== value) continue;
    copy[count++] = value;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { count, sum, min, max };
}

/**
 * Mean and squared deviations in two passes with a compensation term: exact to rounding even
 * when the mean is far from zero.
 */
function deviations(present: Float64Array, sum: number): { mean: number; squares: number } {
  const count = present.length;
  const mean = sum / count;
  let correction = 0;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const deviation = (present[i] as number) - mean;
    correction += deviation;
    squares += deviation * deviation;
  }
  return { mean: mean + correction / count, squares: squares - (correction * correction) / count };
}

function moments(values: Float64Array, copy: Float64Array): Moments {
  const gathered = gather(values, copy);
  const { count, min, max } = gathered;
  if (count === 0) return { count, min, max, mean: NaN, squares: 0 };
  const { mean, squares } = deviations(copy.subarray(0, count), gathered.sum);
  return { count, min, max, mean, squares };
}

/** Distinct values and the most frequent ones, from runs of a sorted array. */
function runs(sorted: Float64Array, top: TopCounts): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length;) {
    const value = sorted[i] as number;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === value) j++;
    distinct++;
    top.offer(value, j - i);
    i = j;
  }
  return distinct;
}

function sketchDistinct(values: Float64Array): number {
  const sketch = new HyperLogLog();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === value) sketch.addHash(hashNumber(value));
  }
  return sketch.estimate();
}

const EMPTY_SUMMARY = {
  distinct: 0,
  distinctExact: true,
  min: null,
  max: null,
  mean: null,
  std: null,
  quantiles: null,
  quantilesExact: true,
  histogram: null,
  top: [],
} as const;

/**
 * Summarises a number column. Up to `exactLimit` present values everything is exact (one sorted
 * copy gives quantiles, distinct count, top values and histogram; values on a narrow grid are
 * tallied instead of sorted, and values on a finer one sorted by their steps). Above it,
 * min/max/mean/std and histogram counts stay exact; quantiles and top values come from a seeded
 * uniform sample of `exactLimit` values, and the distinct count from a HyperLogLog sketch.
 */
export function summarizeNumbers(
  values: Float64Array,
  type: NumberType,
  options: NumberSummaryOptions,
): NumberSummary {
  const copy = options.scratch?.values(values.length) ?? new Float64Array(values.length);
  const { count, min, max, mean, squares } = moments(values, copy);
  const missing = values.length - count;
  if (count === 0) return { count, missing, ...EMPTY_SUMMARY, top: [] };
  const present = count === values.length ? copy : copy.subarray(0, count);
  const std = count > 1 ? Math.sqrt(Math.max(0, squares) / (count - 1)) : null;
  const integral = type === 'integer' || type === 'boolean';
  // A little room over the most steps: the exact range is judged below, from the rounded steps.
  const grid = gridOf(present, type, min, max, GRID_SORT_STEPS + 2);
  let sortGrid: SortGrid | null = null;
  if (grid) {
    const base = Math.round((min * grid.divisor) / grid.unit);
    const range = Math.round((max * grid.divisor) / grid.unit) - base + 1;
    if (range <= Math.max(COUNTING_RANGE, 2 * count) && range <= MAX_COUNTING_RANGE) {
      const counted = summarizeByCounting(present, grid, base, range, integral, options);
      return { count, missing, min, max, mean, std, ...counted };
    }
    if (range <= GRID_SORT_STEPS) sortGrid = { ...grid, base, steps: range };
  }
  const exact = count <= options.exactLimit;
  const sample = exact ? present : sampleValues(present, options);
  if (sortGrid) sortOnGrid(sample, sortGrid, options.scratch);
  else sortFloat64(sample, options.scratch);
  const quantiles: Quantiles = {
    p5: quantileSorted(sample, 0.05),
    p25: quantileSorted(sample, 0.25),
    p50: quantileSorted(sample, 0.5),
    p75: quantileSorted(sample, 0.75),
    p95: quantileSorted(sample, 0.95),
  };
  const top = new TopCounts(options.topValues);
  const sampledDistinct = runs(sample, top);
  const iqr = quantiles.p75 - quantiles.p25;
  const edges = histogramEdges(min, max, count, iqr, integral, options.maxBins);
  const histogram = exact ? histogramFromSorted(sample, edges) : histogramByScan(values, edges);
  const distinct = exact ? sampledDistinct : Math.max(sampledDistinct, sketchDistinct(values));
  const scale = exact ? 1 : count / sample.length;
  return {
    count,
    missing,
    distinct,
    distinctExact: exact,
    min,
    max,
    mean,
    std,
    quantiles,
    quantilesExact: exact,
    histogram,
    top: top.values.map((value, i) => ({
      value,
      count: Math.round((top.counts[i] as number) * scale),
    })),
  };
}

/** A uniform sample without replacement of `exactLimit` present values (Algorithm R). */
function sampleValues(present: Float64Array, options: NumberSummaryOptions): Float64Array {
  const size = Math.min(present.length, options.exactLimit);
  const reservoir = present.slice(0, size);
  for (let seen = size; seen < present.length; seen++) {
    const slot = randomInt(options.random, seen + 1);
    if (slot < size) reservoir[slot] = present[seen] as number;
  }
  return reservoir;
}
