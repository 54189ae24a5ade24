import { randomInt, seededRandom } from '../random';
import { columnLength, isNumberColumn, type Column, type NumberColumn } from '../table';
import { quantileSorted } from './profile/numeric';
import { numberText } from './query';

/**
 * What the charts of the data view draw, computed from a column and a list of row indices (all
 * rows, or a selection). Counts are always exact; only what is drawn point by point is sampled.
 */

/**
 * Up to `size` of `rows`, chosen uniformly with a seeded generator, in their original order.
 * Floyd's method draws exactly `size` distinct positions with one random number each. Where the
 * sample is a sizeable share of the rows (100,000 of a million), the positions are marked in a
 * byte per row and read back in order, a few milliseconds; where it is a small share, they are
 * kept in a set and sorted, so the work is in the sample's size. Both give the same sample.
 */
export function sampleOf(rows: Int32Array, size: number, seed = 0): Int32Array {
  const n = rows.length;
  if (n <= size) return rows;
  const random = seededRandom(seed);
  if (size * MARKED_SHARE >= n) {
    const taken = new Uint8Array(n);
    for (let j = n - size; j < n; j++) {
      const pick = randomInt(random, j + 1);
      // j itself cannot have been drawn yet: earlier draws were all below it.
      taken[taken[pick] ? j : pick] = 1;
    }
    const sample = new Int32Array(size);
    for (let i = 0, k = 0; k < size; i++) if (taken[i]) sample[k++] = rows[i] as number;
    return sample;
  }
  const chosen = new Set<number>();
  for (let j = n - size; j < n; j++) {
    const pick = randomInt(random, j + 1);
    chosen.add(chosen.has(pick) ? j : pick);
  }
  const positions = Int32Array.from(chosen).sort();
  for (let i = 0; i < positions.length; i++) positions[i] = rows[positions[i] as number] as number;
  return positions;
}

/** Samples of at least one row in this many are drawn by marking rows rather than in a set. */
const MARKED_SHARE = 64;

/** Whether every value of the column is present (no NaN). */
export function complete(column: NumberColumn): boolean {
  const values = column.values;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return false;
  }
  return true;
}

/** The smallest and largest present value of the whole column; null when none is. */
export function columnExtent(column: NumberColumn): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  const values = column.values;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : null;
}

/** A yes/no mask over all rows of a table, for “is this row selected” lookups. */
export function rowMask(rowCount: number, rows: Int32Array): Uint8Array {
  const mask = new Uint8Array(rowCount);
  for (let i = 0; i < rows.length; i++) mask[rows[i] as number] = 1;
  return mask;
}

export function numberExtent(column: NumberColumn, rows: Int32Array): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  const values = column.values;
  for (let i = 0; i < rows.length; i++) {
    const value = values[rows[i] as number] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : null;
}

/** Counts of `rows` in each bin [edge, next edge), the last bin closed; values outside are not counted. */
export function binCounts(
  column: NumberColumn,
  rows: Int32Array,
  edges: readonly number[],
): number[] {
  const bins = edges.length - 1;
  const counts = new Float64Array(Math.max(0, bins));
  if (bins < 1) return [];
  const first = edges[0] as number;
  const last = edges[bins] as number;
  const span = last - first;
  const values = column.values;
  for (let i = 0; i < rows.length; i++) {
    const value = values[rows[i] as number] as number;
    if (!(value >= first && value <= last)) continue;
    let bin = span > 0 ? Math.floor(((value - first) / span) * bins) : 0;
    if (bin >= bins) bin = bins - 1;
    while (bin > 0 && value < (edges[bin] as number)) bin--;
    while (bin < bins - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return Array.from(counts);
}

/** `bins` equal-width edges over [min, max] (one bin when they are equal). */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  if (!(max > min)) return [min, max];
  const step = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * step));
}

export interface CategoryCount {
  /** The category as stored: text, or 1/0 for booleans, or the number. */
  readonly value: string | number;
  readonly label: string;
  readonly count: number;
}

export interface CategoryCounts {
  /** The most frequent categories, most frequent first (ties: first seen). */
  readonly categories: CategoryCount[];
  /** Rows in the categories left out. */
  readonly other: number;
  readonly missing: number;
}

/** How often each category (or boolean, or distinct number) occurs among `rows`. */
export function categoryCounts(
  column: Column,
  rows: Int32Array | null,
  limit = 20,
): CategoryCounts {
  const counts = new Map<string | number, number>();
  let missing = 0;
  const n = rows ? rows.length : columnLength(column);
  if (isNumberColumn(column)) {
    const values = column.values;
    for (let i = 0; i < n; i++) {
      const value = values[rows ? (rows[i] as number) : i] as number;
      if (value !== value) missing++;
      else counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  } else {
    const tally = new Float64Array(column.dictionary.length);
    const codes = column.codes;
    for (let i = 0; i < n; i++) {
      const code = codes[rows ? (rows[i] as number) : i] as number;
      if (code < 0) missing++;
      else tally[code] = (tally[code] as number) + 1;
    }
    tally.forEach((count, code) => {
      if (count > 0) counts.set(column.dictionary[code] as string, count);
    });
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const kept = ranked.slice(0, limit);
  const other = ranked.slice(limit).reduce((sum, [, count]) => sum + count, 0);
  return {
    categories: kept.map(([value, count]) => ({
      value,
      label: typeof value === 'string' ? value : numberText(column.type, value),
      count,
    })),
    other,
    missing,
  };
}

export interface BoxGroup {
  readonly label: string;
  /** The category's value, for a `values` filter; null for rows whose group is missing. */
  readonly value: string | number | null;
  readonly count: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
  readonly mean: number;
  /** Tukey's whiskers: the most extreme values within 1.5 × IQR of the quartiles. */
  readonly lowWhisker: number;
  readonly highWhisker: number;
  /** Values beyond the whiskers: the most extreme ones, at most `maxOutliers`. */
  readonly outliers: number[];
  readonly outlierCount: number;
}

function boxOf(
  sorted: Float64Array,
  label: string,
  value: string | number | null,
  maxOutliers: number,
): BoxGroup {
  const n = sorted.length;
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  let low = 0;
  while (low < n && (sorted[low] as number) < q1 - reach) low++;
  let high = n - 1;
  while (high >= 0 && (sorted[high] as number) > q3 + reach) high--;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  const outliers: number[] = [];
  const outlierCount = low + (n - 1 - high);
  // Alternate from both ends so a capped list still shows the extremes on each side.
  for (let a = 0, b = n - 1; outliers.length < maxOutliers && (a < low || b > high);) {
    if (a < low) outliers.push(sorted[a++] as number);
    if (b > high && outliers.length < maxOutliers) outliers.push(sorted[b--] as number);
  }
  return {
    label,
    value,
    count: n,
    min: sorted[0] as number,
    q1,
    median: quantileSorted(sorted, 0.5),
    q3,
    max: sorted[n - 1] as number,
    mean: sum / n,
    lowWhisker: sorted[Math.min(low, n - 1)] as number,
    highWhisker: sorted[Math.max(high, 0)] as number,
    outliers,
    outlierCount,
  };
}

/** A number column's present values split by group: one unsorted array per group. */
export interface GroupedValues {
  readonly groups: readonly { readonly label: string; readonly value: string | number }[];
  /** `buckets[g]` holds group g's values; the arrays are this object's own (sort, move them). */
  readonly buckets: Float64Array[];
}

/**
 * The values of a number column over `rows` (all rows when null) split by the `maxGroups`
 * largest groups of a categorical (or boolean, or integer) column, largest first. Rows missing
 * either value, or in a smaller group, are left out. Two passes over the rows (count, then
 * fill), so nothing but the buckets themselves is allocated per row.
 */
export function groupValues(
  values: NumberColumn,
  groups: Column,
  rows: Int32Array | null,
  maxGroups = 12,
): GroupedValues {
  const steps = groupValuesInSteps(values, groups, rows, maxGroups);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `groupValues` as steps of at most `rowsPerStep` rows per pass (the page's thread yields
 * between them, so a million rows are not one long task).
 */
export function* groupValuesInSteps(
  values: NumberColumn,
  groups: Column,
  rows: Int32Array | null,
  maxGroups = 12,
  rowsPerStep = Infinity,
): Generator<void, GroupedValues> {
  const { categories } = categoryCounts(groups, rows, maxGroups);
  const slot = new Map<string | number, number>();
  categories.forEach((category, index) => slot.set(category.value, index));
  // Each row's group: by its code through a table for category columns (the common case, kept
  // to plain array reads since it runs over every row twice on the page's thread), by value
  // otherwise.
  const byCode = isNumberColumn(groups)
    ? null
    : Int32Array.from(groups.dictionary, (text) => slot.get(text) ?? -1);
  const codes = isNumberColumn(groups) ? null : groups.codes;
  const groupOf = (row: number): number => {
    if (codes && byCode) {
      const code = codes[row] as number;
      return code < 0 ? -1 : (byCode[code] as number);
    }
    const value = (groups as NumberColumn).values[row] as number;
    return value !== value ? -1 : (slot.get(value) ?? -1);
  };
  const numbers = values.values;
  const n = rows ? rows.length : numbers.length;
  const sizes = new Int32Array(categories.length);
  const count = (row: number, group: number) => {
    if (group >= 0 && numbers[row] === numbers[row]) sizes[group] = (sizes[group] as number) + 1;
  };
  // Each pass visits every row with its group, `rowsPerStep` rows a step.
  function* pass(visit: (row: number, group: number) => void): Generator<void, void> {
    for (let start = 0; start < n; start += rowsPerStep) {
      const stop = Math.min(n, start + rowsPerStep);
      if (codes && byCode && !rows) {
        for (let row = start; row < stop; row++) {
          const code = codes[row] as number;
          visit(row, code < 0 ? -1 : (byCode[code] as number));
        }
      } else {
        for (let i = start; i < stop; i++) {
          const row = rows ? (rows[i] as number) : i;
          visit(row, groupOf(row));
        }
      }
      if (stop < n) yield;
    }
  }
  yield* pass(count);
  const buckets = Array.from(sizes, (size) => new Float64Array(size));
  const filled = new Int32Array(categories.length);
  const fill = (row: number, group: number) => {
    const value = numbers[row] as number;
    if (group < 0 || value !== value) return;
    (buckets[group] as Float64Array)[filled[group] as number] = value;
    filled[group] = (filled[group] as number) + 1;
  };
  if (n > rowsPerStep) yield;
  yield* pass(fill);
  return {
    groups: categories.map(({ label, value }) => ({ label, value })),
    buckets,
  };
}

/** Box-plot statistics of grouped values; sorts each bucket in place. Empty groups are left out. */
export function boxesOf(grouped: GroupedValues, maxOutliers = 40): BoxGroup[] {
  const out: BoxGroup[] = [];
  grouped.groups.forEach((group, index) => {
    const bucket = (grouped.buckets[index] as Float64Array).sort();
    if (bucket.length) out.push(boxOf(bucket, group.label, group.value, maxOutliers));
  });
  return out;
}

/**
 * Box-plot statistics of a number column for each group of a categorical (or boolean, or
 * integer) column, over `rows` (all rows when null): the `maxGroups` largest groups, largest
 * first. Quartiles use linear interpolation (numpy's default).
 */
export function boxStats(
  values: NumberColumn,
  groups: Column,
  rows: Int32Array | null,
  options: { maxGroups?: number; maxOutliers?: number } = {},
): BoxGroup[] {
  return boxesOf(groupValues(values, groups, rows, options.maxGroups ?? 12), options.maxOutliers);
}

export type TimeSeriesData =
  | {
      readonly kind: 'points';
      readonly time: Float64Array;
      readonly value: Float64Array;
      readonly rows: number;
    }
  | {
      readonly kind: 'buckets';
      readonly start: number;
      readonly width: number;
      /** Present values per bucket; a bucket with 0 is a gap. */
      readonly count: Float64Array;
      readonly min: Float64Array;
      readonly max: Float64Array;
      readonly mean: Float64Array;
      readonly rows: number;
    };

/**
 * A value over time, ready to draw `buckets` pixels wide: the points themselves, in time order,
 * when there are few; otherwise min, max and mean per equal-width time bucket, so a spike in a
 * million rows still shows. Without a value column, the series is the number of rows.
 */
export function timeSeries(
  time: NumberColumn,
  value: NumberColumn | null,
  rows: Int32Array,
  buckets: number,
): TimeSeriesData {
  const t = time.values;
  const v = value?.values;
  let present = 0;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    const when = t[row] as number;
    if (when !== when || (v && Number.isNaN(v[row]))) continue;
    present++;
    if (when < first) first = when;
    if (when > last) last = when;
  }
  if (!value || present > 2 * buckets) {
    const count = new Float64Array(buckets);
    const min = new Float64Array(buckets).fill(Infinity);
    const max = new Float64Array(buckets).fill(-Infinity);
    const sum = new Float64Array(buckets);
    const span = last - first;
    const width = span > 0 ? span / buckets : 1;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      const when = t[row] as number;
      const y = v ? (v[row] as number) : 1;
      if (when !== when || y !== y) continue;
      const bucket = Math.min(buckets - 1, Math.floor((when - first) / width));
      count[bucket] = (count[bucket] as number) + 1;
      sum[bucket] = (sum[bucket] as number) + y;
      if (y < (min[bucket] as number)) min[bucket] = y;
      if (y > (max[bucket] as number)) max[bucket] = y;
    }
    const mean = new Float64Array(buckets);
    for (let b = 0; b < buckets; b++) {
      const n = count[b] as number;
      mean[b] = n ? (v ? (sum[b] as number) / n : n) : NaN;
      if (!v) {
        min[b] = n;
        max[b] = n;
      } else if (!n) {
        min[b] = NaN;
        max[b] = NaN;
      }
    }
    return {
      kind: 'buckets',
      start: present ? first : 0,
      width,
      count,
      min,
      max,
      mean,
      rows: present,
    };
  }
  const order: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    if (!Number.isNaN(t[row]) && !Number.isNaN(v![row])) order.push(row);
  }
  order.sort((a, b) => (t[a] as number) - (t[b] as number) || a - b);
  return {
    kind: 'points',
    time: Float64Array.from(order, (row) => t[row] as number),
    value: Float64Array.from(order, (row) => v![row] as number),
    rows: present,
  };
}

/** Rows of `rows` where every given number column is present. */
export function presentRows(columns: readonly NumberColumn[], rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  let kept = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    let ok = true;
    for (const column of columns) {
      if (Number.isNaN(column.values[row])) {
        ok = false;
        break;
      }
    }
    if (ok) out[kept++] = row;
  }
  // Complete columns, the common case, need no second copy of a million-row index.
  return kept === out.length ? out : out.slice(0, kept);
}
