import { describe, expect, it } from 'vitest';
import {
  binCounts,
  boxStats,
  groupValues,
  groupValuesInSteps,
  categoryCounts,
  columnExtent,
  complete,
  equalWidthEdges,
  numberExtent,
  presentRows,
  rowMask,
  sampleOf,
  timeSeries,
} from '../../../../src/core/data/chart-data';
import { profileTable } from '../../../../src/core/data';
import { allRows } from '../../../../src/core/data/query';
import { randomInt, randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table, type NumberColumn } from '../../../../src/core/table';

/** Floyd's method as first written: a mark per row, then a pass over every row. */
function sampleByMask(rows: Int32Array, size: number, seed: number): Int32Array {
  const n = rows.length;
  if (n <= size) return rows;
  const random = seededRandom(seed);
  const chosen = new Uint8Array(n);
  for (let j = n - size; j < n; j++) {
    const pick = randomInt(random, j + 1);
    chosen[chosen[pick] ? j : pick] = 1;
  }
  const out = new Int32Array(size);
  let k = 0;
  for (let i = 0; i < n; i++) if (chosen[i]) out[k++] = rows[i] as number;
  return out;
}

describe('chart data', () => {
  it('samples rows uniformly with a seed, keeping their order', () => {
    const rows = allRows(1000);
    const sample = sampleOf(rows, 100, 5);
    expect(sample).toHaveLength(100);
    expect(new Set(sample).size).toBe(100);
    expect(Array.from(sample)).toEqual([...sample].sort((a, b) => a - b));
    expect(sampleOf(rows, 100, 5)).toEqual(sample);
    expect(sampleOf(rows, 100, 6)).not.toEqual(sample);
    expect(sampleOf(rows, 2000, 5)).toBe(rows);
    expect(Array.from(rowMask(5, Int32Array.from([1, 3])))).toEqual([0, 1, 0, 1, 0]);
  });

  it('draws the same sample as a mark per row would, by a set or by marks', () => {
    const rows = Int32Array.from({ length: 50_000 }, (_, i) => 3 * i + 1);
    // A set below one row in 64 (781 of 50,000), marks from there (782).
    for (const [size, seed] of [
      [1, 0],
      [100, 5],
      [781, 2],
      [782, 2],
      [20_000, 0],
      [49_999, 3],
    ] as const) {
      expect(sampleOf(rows, size, seed)).toEqual(sampleByMask(rows, size, seed));
    }
  });

  it('finds complete columns and their extent without a row index', () => {
    expect(complete(numberColumn('v', [1, 2, 3]))).toBe(true);
    expect(complete(numberColumn('v', [1, NaN, 3]))).toBe(false);
    expect(columnExtent(numberColumn('v', [4, -2, NaN, 7]))).toEqual([-2, 7]);
    expect(columnExtent(numberColumn('v', [NaN]))).toBeNull();
  });

  it('counts all rows into the profile’s bins exactly as the profile did', () => {
    // The distribution chart shows the profile's counts for all rows instead of counting again.
    const random = seededRandom(11);
    const n = 5_000;
    const table = new Table([
      numberColumn(
        'float',
        Array.from({ length: n }, (_, i) => (i % 50 ? randomNormal(random) * 7 : NaN)),
      ),
      numberColumn(
        'grid',
        Array.from({ length: n }, () => randomInt(random, 300) / 4),
      ),
      numberColumn(
        'int',
        Array.from({ length: n }, () => randomInt(random, 40)),
        'integer',
      ),
      numberColumn(
        'wide',
        Array.from({ length: n }, () => randomInt(random, 1e9)),
        'integer',
      ),
      numberColumn(
        'when',
        Array.from({ length: n }, () => Date.UTC(2020, 0, 1) + randomInt(random, 1e6) * 1000),
        'datetime',
      ),
    ]);
    for (const exactLimit of [100_000, 1_000]) {
      const profile = profileTable(table, { exactLimit });
      for (const column of profile.columns) {
        const histogram = column.histogram!;
        const counted = binCounts(
          table.column(column.name) as NumberColumn,
          allRows(n),
          histogram.edges,
        );
        expect(counted, `${column.name}, exactLimit ${exactLimit}`).toEqual(histogram.counts);
        expect(histogram.counts.reduce((sum, count) => sum + count, 0)).toBe(column.count);
      }
    }
  });

  it('counts selected rows in the profile’s bins, the last bin closed', () => {
    const column = numberColumn('v', [0, 1, 2, 2.5, 3, 4, NaN, 5, 6]);
    const edges = equalWidthEdges(0, 4, 4);
    expect(edges).toEqual([0, 1, 2, 3, 4]);
    expect(binCounts(column, allRows(9), edges)).toEqual([1, 1, 2, 2]);
    expect(binCounts(column, Int32Array.from([2, 3, 6]), edges)).toEqual([0, 0, 2, 0]);
    expect(numberExtent(column, allRows(9))).toEqual([0, 6]);
    expect(numberExtent(column, Int32Array.from([6]))).toBeNull();
    expect(equalWidthEdges(3, 3, 10)).toEqual([3, 3]);
  });

  it('counts categories, booleans and missing values among the rows', () => {
    const city = stringColumn('city', ['a', 'b', 'a', null, 'c', 'a', 'b']);
    expect(categoryCounts(city, allRows(7), 2)).toEqual({
      categories: [
        { value: 'a', label: 'a', count: 3 },
        { value: 'b', label: 'b', count: 2 },
      ],
      other: 1,
      missing: 1,
    });
    const flag = numberColumn('flag', [1, 0, 1, null], 'boolean');
    expect(categoryCounts(flag, allRows(4)).categories.map((c) => c.label)).toEqual([
      'true',
      'false',
    ]);
  });

  it('computes box plots per class like numpy (linear quartiles, Tukey whiskers)', () => {
    const values = numberColumn('v', [1, 2, 3, 4, 100, 10, 20, 30, NaN, 5]);
    const group = stringColumn('g', ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', null]);
    const [a, b] = boxStats(values, group, allRows(10));
    // numpy.percentile([1, 2, 3, 4, 100], [25, 50, 75]) = 2, 3, 4; IQR 2 → whiskers within [-1, 7].
    expect(a).toMatchObject({
      label: 'a',
      count: 5,
      q1: 2,
      median: 3,
      q3: 4,
      min: 1,
      max: 100,
      lowWhisker: 1,
      highWhisker: 4,
      outliers: [100],
      outlierCount: 1,
      mean: 22,
    });
    expect(b).toMatchObject({ label: 'b', count: 3, q1: 15, median: 20, q3: 25 });
    const selected = boxStats(values, group, Int32Array.from([5, 6]));
    expect(selected.map((box) => box.label)).toEqual(['b']);
    // No row list means every row, read in place.
    expect(boxStats(values, group, null)).toEqual([a, b]);
    expect(categoryCounts(group, null)).toEqual(categoryCounts(group, allRows(10)));
  });

  it('splits values by group in steps that give the same buckets', () => {
    const n = 1000;
    const values = numberColumn(
      'v',
      Array.from({ length: n }, (_, i) => (i % 37 === 0 ? null : (i * 7919) % 1000)),
    );
    const groups = stringColumn(
      'g',
      Array.from({ length: n }, (_, i) => (i % 41 === 0 ? null : `g${i % 6}`)),
    );
    const flags = numberColumn(
      'f',
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      'boolean',
    );
    const selection = Int32Array.from({ length: 300 }, (_, i) => (i * 3) % n);
    for (const [by, rows] of [
      [groups, null],
      [groups, selection],
      [flags, null],
      [flags, selection],
    ] as const) {
      const whole = groupValues(values, by, rows, 4);
      const steps = groupValuesInSteps(values, by, rows, 4, 128);
      let pauses = 0;
      let step = steps.next();
      while (!step.done) {
        pauses++;
        step = steps.next();
      }
      expect(step.value).toEqual(whole);
      // Both passes over the rows, 128 rows a step, and one pause between the passes.
      const n = rows ? rows.length : 1000;
      expect(pauses).toBe(2 * (Math.ceil(n / 128) - 1) + 1);
      expect(whole.buckets.reduce((sum, bucket) => sum + bucket.length, 0)).toBeGreaterThan(0);
    }
  });

  it('sorts rows into groups past 127 of them', () => {
    const n = 600;
    const values = numberColumn(
      'v',
      Array.from({ length: n }, (_, i) => i),
    );
    const group = numberColumn(
      'g',
      Array.from({ length: n }, (_, i) => i % 200),
    );
    const boxes = boxStats(values, group, null, { maxGroups: 200 });
    expect(boxes).toHaveLength(200);
    for (const box of boxes) {
      const g = box.value as number;
      expect(box).toMatchObject({ count: 3, min: g, median: g + 200, max: g + 400 });
    }
  });

  it('draws few points as they are and many as min/max/mean buckets', () => {
    const time = numberColumn('t', [5, 1, 3, NaN, 2], 'datetime') as NumberColumn;
    const value = numberColumn('v', [50, 10, 30, 40, NaN]) as NumberColumn;
    const few = timeSeries(time, value, allRows(5), 10);
    expect(few.kind).toBe('points');
    if (few.kind === 'points') {
      expect(Array.from(few.time)).toEqual([1, 3, 5]);
      expect(Array.from(few.value)).toEqual([10, 30, 50]);
    }
    const n = 10_000;
    const t = numberColumn(
      't',
      Array.from({ length: n }, (_, i) => i),
      'datetime',
    ) as NumberColumn;
    const v = numberColumn(
      'v',
      Array.from({ length: n }, (_, i) => (i === 7777 ? 1e6 : i % 10)),
    ) as NumberColumn;
    const many = timeSeries(t, v, allRows(n), 100);
    expect(many.kind).toBe('buckets');
    if (many.kind === 'buckets') {
      expect(many.rows).toBe(n);
      expect(Array.from(many.count).reduce((s, x) => s + x, 0)).toBe(n);
      expect(Math.max(...many.max)).toBe(1e6);
      expect(many.min[0]).toBe(0);
      expect(many.mean[0]).toBeCloseTo(4.5, 10);
    }
    const counts = timeSeries(t, null, allRows(n), 100);
    expect(counts.kind === 'buckets' && counts.mean[0]).toBe(100);
  });

  it('keeps rows where every column is present', () => {
    const a = numberColumn('a', [1, NaN, 3, 4]) as NumberColumn;
    const b = numberColumn('b', [1, 2, NaN, 4]) as NumberColumn;
    expect(Array.from(presentRows([a, b], allRows(4)))).toEqual([0, 3]);
  });
});
