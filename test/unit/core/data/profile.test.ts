import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseCsv,
  profileTable,
  profileTableAsync,
  type ColumnProfile,
  type DatasetProfile,
} from '../../../../src/core/data';
import { suggestedDateUnit } from '../../../../src/core/data/profile/compact-date';
import { pearsonMatrix } from '../../../../src/core/data/profile/correlation';
import { HyperLogLog, mix32 } from '../../../../src/core/data/profile/hyperloglog';
import { summarizeNumbers } from '../../../../src/core/data/profile/numeric';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

const read = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/data/${name}`, import.meta.url)));

interface PandasColumn {
  count: number;
  missing: number;
  distinct: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  quantiles?: Record<string, number>;
  top?: [string, number][];
}
interface PandasFile {
  rows: number;
  duplicateRows: number;
  columns: Record<string, PandasColumn>;
  pearson: { columns: string[]; matrix: (number | null)[][] };
  cramersV: Record<string, Record<string, number>>;
  correlationRatio: Record<string, Record<string, number>>;
}
const pandas = JSON.parse(new TextDecoder().decode(read('profile-pandas.json'))) as {
  files: Record<string, PandasFile>;
};

const TOLERANCE = 1e-9;
const close = (actual: number | null | undefined, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected)),
  );
};

function profileOf(name: string, target?: string): DatasetProfile {
  const result = parseCsv(read(name));
  if (!result.ok) throw new Error(result.error.message);
  return profileTable(result.table, target ? { target } : {});
}

const byName = (profile: DatasetProfile) =>
  new Map(profile.columns.map((column) => [column.name, column]));

describe.each(['iris.csv', 'mixed.csv'])('profile of %s against pandas', (file) => {
  const reference = pandas.files[file] as PandasFile;
  const profile = profileOf(file);
  const columns = byName(profile);

  it('counts rows, missing, distinct values and duplicated rows', () => {
    expect(profile.rows).toBe(reference.rows);
    expect(profile.duplicateRows).toBe(reference.duplicateRows);
    for (const [name, expected] of Object.entries(reference.columns)) {
      const column = columns.get(name) as ColumnProfile;
      expect({
        name,
        count: column.count,
        missing: column.missing,
        distinct: column.distinct,
      }).toEqual({
        name,
        count: expected.count,
        missing: expected.missing,
        distinct: expected.distinct,
      });
    }
  });

  it('matches describe() and quantile() within 1e-9', () => {
    for (const [name, expected] of Object.entries(reference.columns)) {
      if (expected.mean === undefined) continue;
      const column = columns.get(name) as ColumnProfile;
      close(column.mean, expected.mean);
      close(column.std, expected.std as number);
      close(column.min, expected.min as number);
      close(column.max, expected.max as number);
      for (const [key, value] of Object.entries(expected.quantiles ?? {})) {
        close(column.quantiles?.[key as 'p5'] ?? null, value);
      }
    }
  });

  it('matches value_counts() for categories', () => {
    for (const [name, expected] of Object.entries(reference.columns)) {
      if (!expected.top) continue;
      const column = columns.get(name) as ColumnProfile;
      const top = column.top.slice(0, expected.top.length).map((entry) => entry.count);
      expect(top).toEqual(expected.top.map(([, count]) => count));
      if (column.type !== 'categorical') continue;
      const counts = new Map(column.top.map((entry) => [String(entry.value), entry.count]));
      for (const [value, count] of expected.top) expect(counts.get(value)).toBe(count);
    }
  });

  it('matches corr() (Pearson, pairwise complete) within 1e-9', () => {
    const ours = profile.correlations.pearson;
    expect(ours.columns).toEqual(reference.pearson.columns);
    reference.pearson.matrix.forEach((row, i) =>
      row.forEach((value, j) => {
        const actual = (ours.matrix[i] as (number | null)[])[j];
        if (value === null) expect(actual).toBeNull();
        else close(actual, value);
      }),
    );
  });

  it("matches bias-corrected Cramér's V and correlation ratios computed with pandas", () => {
    const cramers = profile.correlations.cramersV;
    for (const [a, row] of Object.entries(reference.cramersV)) {
      for (const [b, value] of Object.entries(row)) {
        const i = cramers.columns.indexOf(a);
        const j = cramers.columns.indexOf(b);
        close((cramers.matrix[i] as (number | null)[])[j], value);
      }
    }
    const ratio = profile.correlations.correlationRatio;
    for (const [x, row] of Object.entries(reference.correlationRatio)) {
      for (const [group, value] of Object.entries(row)) {
        const i = ratio.numeric.indexOf(x);
        const j = ratio.categorical.indexOf(group);
        close((ratio.matrix[i] as (number | null)[])[j], value);
      }
    }
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });
});

describe('profile details', () => {
  const mixed = profileOf('mixed.csv', 'churned');
  const columns = byName(mixed);

  it('raises the expected warnings', () => {
    const warnings = mixed.warnings.map((warning) => [warning.code, warning.column ?? null]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        ['constant', 'constant'],
        ['missing', 'mostly_missing'],
        ['duplicates', null],
        ['imbalance', 'churned'],
      ]),
    );
    const duplicates = mixed.warnings.find((warning) => warning.code === 'duplicates');
    expect(duplicates?.message).toBe('3 rows (0.99%) repeat an earlier row.');
  });

  it('reports string lengths for text and histograms for numbers and dates', () => {
    const note = columns.get('note') as ColumnProfile;
    expect(note.type).toBe('text');
    expect(note.length?.min).toBeGreaterThan(20);
    const score = columns.get('score') as ColumnProfile;
    const histogram = score.histogram as { edges: number[]; counts: number[] };
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(score.count);
    expect(histogram.counts.length).toBeLessThanOrEqual(50);
    expect(histogram.edges[0]).toBe(score.min);
    expect(histogram.edges.at(-1)).toBe(score.max);
    const signup = columns.get('signup') as ColumnProfile;
    expect(signup.type).toBe('datetime');
    expect(signup.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(signup.count);
    const visits = columns.get('visits') as ColumnProfile;
    expect(visits.histogram?.edges[0]).toBe((visits.min as number) - 0.5);
  });

  it('counts duplicated rows exactly: −0 equals 0, missing equals missing', () => {
    const table = new Table([
      numberColumn('x', [-0, 0, 1, null, null, 1]),
      stringColumn('s', ['a', 'a', 'b', null, null, 'c']),
    ]);
    expect(profileTable(table).duplicateRows).toBe(2);
    const many = Array.from({ length: 30_000 }, (_, i) => i % 10_007);
    expect(profileTable(new Table([numberColumn('k', many)])).duplicateRows).toBe(30_000 - 10_007);
  });

  it('flags ID-like and high-cardinality columns', () => {
    const ids = Array.from({ length: 100 }, (_, i) => i * 3);
    const codes = Array.from({ length: 100 }, (_, i) => `code ${i % 60}`);
    const table = new Table([numberColumn('id', ids, 'integer'), stringColumn('code', codes)]);
    const warnings = profileTable(table).warnings.map((warning) => [warning.code, warning.column]);
    expect(warnings).toEqual([
      ['id-like', 'id'],
      ['high-cardinality', 'code'],
    ]);
  });

  it('says how to read Unix times stored as whole numbers, rather than calling them IDs', () => {
    const hours = Array.from({ length: 48 }, (_, i) => 1_700_000_000 + 3600 * i);
    const table = new Table([
      numberColumn('created_ts', hours, 'integer'),
      numberColumn(
        'event_time_ms',
        hours.map((seconds) => seconds * 1000),
        'integer',
      ),
      // Ten-digit numbers without a time in the name, and a time name on small numbers: neither.
      numberColumn('order_id', hours, 'integer'),
      numberColumn(
        'time',
        Array.from({ length: 48 }, (_, i) => i),
        'integer',
      ),
    ]);
    const warnings = profileTable(table).warnings;
    expect(warnings.map((warning) => [warning.code, warning.column])).toEqual([
      ['unix-time', 'created_ts'],
      ['unix-time', 'event_time_ms'],
      ['id-like', 'order_id'],
      ['id-like', 'time'],
    ]);
    expect(warnings[0]!.message).toBe(
      'Column “created_ts” looks like Unix seconds (2023-11-14 22:13 to 2023-11-16 21:13 UTC): to use it as date-times, change its type to datetime with numbers as seconds since 1970 (Prepare › Change type).',
    );
    expect(warnings[1]!.message).toMatch(
      /^Column “event_time_ms” looks like Unix milliseconds \(2023-11-14 22:13 to/,
    );
    expect(warnings.map(suggestedDateUnit)).toEqual(['epoch-s', 'epoch-ms', null, null]);
  });

  it("says how to read a spreadsheet's serial dates in a column named like a date", () => {
    const table = new Table([
      numberColumn(
        'Date',
        Array.from({ length: 30 }, (_, i) => 45292 + i),
        'integer',
      ),
      numberColumn(
        'pickup_datetime',
        Array.from({ length: 30 }, (_, i) => 45292 + i / 4),
      ),
      // The same numbers under another name: an ID, as before.
      numberColumn(
        'ticket',
        Array.from({ length: 30 }, (_, i) => 45292 + i),
        'integer',
      ),
      // Days of a year are no dates of 1950–2099.
      numberColumn(
        'day',
        Array.from({ length: 30 }, (_, i) => i + 1),
        'integer',
      ),
    ]);
    const warnings = profileTable(table).warnings;
    expect(warnings.map((warning) => [warning.code, warning.column])).toEqual([
      ['excel-date', 'Date'],
      ['excel-date', 'pickup_datetime'],
      ['id-like', 'ticket'],
      ['id-like', 'day'],
    ]);
    expect(warnings[0]!.message).toBe(
      'Column “Date” looks like dates as a spreadsheet stores them, days since 1899-12-30 (2024-01-01 to 2024-01-30): to use them as dates, change its type to datetime with numbers as spreadsheet days (Prepare › Change type).',
    );
    expect(warnings[1]!.message).toMatch(/\(2024-01-01 00:00 to 2024-01-08 06:00\)/);
    expect(warnings.map(suggestedDateUnit)).toEqual(['excel', 'excel', null, null]);
  });

  it('says how to read dates written as YYYYMMDD or months as YYYYMM, rather than calling them IDs', () => {
    const days = Array.from({ length: 40 }, (_, i) => 20240101 + i + (i >= 31 ? 69 : 0));
    const months = Array.from(
      { length: 40 },
      (_, i) => 201901 + Math.floor(i / 12) * 100 + (i % 12),
    );
    const table = new Table([
      numberColumn('day', days, 'integer'),
      numberColumn('period', months, 'integer'),
      // Whole numbers in that range that are not all dates: an ID, as before.
      numberColumn(
        'order',
        Array.from({ length: 40 }, (_, i) => 20240101 + 50 * i),
        'integer',
      ),
    ]);
    const warnings = profileTable(table).warnings;
    expect(warnings.map((warning) => [warning.code, warning.column, warning.value])).toEqual([
      ['compact-date', 'day', 8],
      ['compact-date', 'period', 6],
      ['id-like', 'order', 40],
    ]);
    expect(warnings[0]!.message).toBe(
      'Column “day” looks like dates written as YYYYMMDD (2024-01-01 to 2024-02-09): to use them as dates, change its type to datetime with numbers as YYYYMMDD (Prepare › Change type).',
    );
    expect(warnings.map(suggestedDateUnit)).toEqual(['yyyymmdd', 'yyyymm', null]);
    expect(warnings[1]!.message).toBe(
      'Column “period” looks like months written as YYYYMM (2019-01 to 2022-04): to use them as dates, change its type to datetime with numbers as YYYYMM (Prepare › Change type).',
    );
  });

  it('copes with empty tables and all-missing columns', () => {
    const empty = profileTable(new Table([numberColumn('x', []), stringColumn('s', [])]));
    expect(empty.rows).toBe(0);
    expect(empty.columns[0]).toMatchObject({ count: 0, mean: null, histogram: null });
    const missing = profileTable(new Table([numberColumn('x', [null, null])]));
    expect(missing.columns[0]).toMatchObject({ count: 0, missing: 2, distinct: 0 });
    expect(missing.correlations.pearson.matrix).toEqual([[null]]);
  });

  it('tallies or sorts by step values on a grid (integers, cents, days, seconds) exactly like a plain sort', () => {
    const random = seededRandom(3);
    const reference = (values: Float64Array) => {
      const sorted = Float64Array.from(values.filter((value) => !Number.isNaN(value))).sort();
      const quantile = (p: number) => {
        const h = (sorted.length - 1) * p;
        const low = sorted[Math.floor(h)] as number;
        const high = sorted[Math.min(sorted.length - 1, Math.floor(h) + 1)] as number;
        return low + (h - Math.floor(h)) * (high - low);
      };
      const counts = new Map<number, number>();
      for (const value of sorted) counts.set(value, (counts.get(value) ?? 0) + 1);
      const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);
      return {
        quantiles: {
          p5: quantile(0.05),
          p25: quantile(0.25),
          p50: quantile(0.5),
          p75: quantile(0.75),
          p95: quantile(0.95),
        },
        distinct: counts.size,
        top: top.map(([value, count]) => ({ value, count })),
      };
    };
    const columns: [string, () => number, 'integer' | 'numeric' | 'datetime'][] = [
      ['integers', () => Math.round(randomNormal(random) * 40), 'integer'],
      ['cents', () => Math.round(randomNormal(random) * 5000) / 100, 'numeric'],
      ['tenths of a mm', () => Math.round(1e4 + randomNormal(random) * 300) / 1e4, 'numeric'],
      ['days', () => Date.UTC(2020, 0, 1 + Math.floor(random() * 900)), 'datetime'],
      // Grids too fine to tally, sorted by their steps instead.
      ['four decimals', () => Math.round(randomNormal(random) * 1e7) / 1e4, 'numeric'],
      ['seconds', () => Date.UTC(2020, 0, 1) + Math.floor(random() * 1e8) * 1000, 'datetime'],
    ];
    for (const [, draw, type] of columns) {
      const values = Float64Array.from({ length: 20_000 }, () => (random() < 0.05 ? NaN : draw()));
      const options = { exactLimit: 1e9, topValues: 10, maxBins: 50, random };
      const summary = summarizeNumbers(values, type, options);
      expect({
        quantiles: summary.quantiles,
        distinct: summary.distinct,
        top: summary.top,
      }).toEqual(reference(values));
      expect(summary.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(summary.count);
    }
  });

  it('samples quantiles and estimates distinct counts above the exact limit', () => {
    const random = seededRandom(11);
    const values = Float64Array.from({ length: 50_000 }, () => randomNormal(random));
    const exact = summarizeNumbers(values, 'numeric', {
      exactLimit: 1e9,
      topValues: 5,
      maxBins: 50,
      random: seededRandom(1),
    });
    const sketched = summarizeNumbers(values, 'numeric', {
      exactLimit: 10_000,
      topValues: 5,
      maxBins: 50,
      random: seededRandom(1),
    });
    expect(sketched.quantilesExact).toBe(false);
    expect(sketched.distinctExact).toBe(false);
    expect(sketched.mean).toBe(exact.mean);
    expect(sketched.histogram?.counts).toEqual(exact.histogram?.counts);
    expect(
      Math.abs((sketched.quantiles?.p50 as number) - (exact.quantiles?.p50 as number)),
    ).toBeLessThan(0.05);
    expect(Math.abs(sketched.distinct - exact.distinct) / exact.distinct).toBeLessThan(0.03);
  });

  it('computes correlations of large tables on a seeded sample of rows', () => {
    const random = seededRandom(8);
    const x = Array.from({ length: 4000 }, () => randomNormal(random));
    const y = x.map((value) => value + 0.5 * randomNormal(random));
    const group = x.map((value) => (value > 0 ? 'high' : 'low'));
    const table = new Table([numberColumn('x', x), numberColumn('y', y), stringColumn('g', group)]);
    const full = profileTable(table).correlations;
    const sampled = profileTable(table, { correlationRows: 1000 }).correlations;
    expect([full.rows, full.sampled, sampled.rows, sampled.sampled]).toEqual([
      4000,
      false,
      1000,
      true,
    ]);
    const r = (c: typeof full) => c.pearson.matrix[0]?.[1] as number;
    expect(Math.abs(r(sampled) - r(full))).toBeLessThan(0.05);
    const eta = (c: typeof full) => c.correlationRatio.matrix[0]?.[0] as number;
    expect(Math.abs(eta(sampled) - eta(full))).toBeLessThan(0.05);
    expect(profileTable(table, { correlationRows: 1000 })).toEqual(
      profileTable(table, { correlationRows: 1000 }),
    );
  });

  it('measures sampled rows in place exactly as it would measure copies of them', () => {
    const random = seededRandom(21);
    const n = 5000;
    const columns = ['a', 'b', 'c'].map((name, c) => ({
      name,
      values: Float64Array.from({ length: n }, (_, i) =>
        c === 2 && i % 17 === 0 ? NaN : randomNormal(random) + c * (i % 5),
      ),
    }));
    const rows = Int32Array.from({ length: 1500 }, (_, i) => 3 * i + (i % 3));
    const copies = columns.map(({ name, values }) => ({
      name,
      values: Float64Array.from(rows, (row) => values[row] as number),
    }));
    expect(pearsonMatrix(columns, rows)).toEqual(pearsonMatrix(copies));
    expect(pearsonMatrix(columns, null)).toEqual(pearsonMatrix(columns));
  });

  it('estimates distinct counts with HyperLogLog within 3%', () => {
    for (const n of [100, 10_000, 300_000]) {
      const sketch = new HyperLogLog();
      for (let i = 0; i < n; i++) sketch.addHash(mix32(i * 2654435761));
      expect(Math.abs(sketch.estimate() - n) / n).toBeLessThan(0.03);
    }
  });

  it('reports progress and stops when cancelled', async () => {
    const table = new Table([numberColumn('x', [1, 2, 3]), numberColumn('y', [3, 1, 2])]);
    const progress: number[] = [];
    const profile = await profileTableAsync(table, {
      yieldMs: 0,
      onProgress: ({ done }) => progress.push(done),
    });
    expect(profile.correlations.pearson.matrix[0]?.[1]).toBeCloseTo(-0.5, 12);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    // However long the steps take, the last one is reported.
    const last: number[] = [];
    await profileTableAsync(table, {
      yieldMs: Number.POSITIVE_INFINITY,
      onProgress: ({ done }) => last.push(done),
    });
    expect(last).toEqual([6]);
    const controller = new AbortController();
    controller.abort();
    await expect(profileTableAsync(table, { signal: controller.signal })).rejects.toBeInstanceOf(
      TrainingError,
    );
  });

  it('takes over the summaries of unchanged columns, and only those', () => {
    const random = seededRandom(5);
    const size = 3000;
    const x = Array.from({ length: size }, () => randomNormal(random));
    const kind = Array.from({ length: size }, (_, i) => ['a', 'b', 'c'][i % 3] as string);
    const before = new Table([numberColumn('x', x), stringColumn('kind', kind)]);
    const previous = profileTable(before, { correlationRows: 1000 });
    const [xColumn, kindColumn] = before.columns;
    const after = new Table([
      { ...xColumn!, name: 'renamed' },
      kindColumn!,
      numberColumn(
        'double',
        x.map((value) => 2 * value),
      ),
    ]);
    const reuse = { profile: previous, columns: ['x', 'kind', null] };
    // The same profile as measured afresh: summaries taken over, correlations measured again.
    expect(profileTable(after, { correlationRows: 1000, reuse })).toEqual(
      profileTable(after, { correlationRows: 1000 }),
    );

    // Taken over indeed: a summary marked beforehand shows through …
    const marked: DatasetProfile = {
      ...previous,
      columns: previous.columns.map((column) => ({ ...column, missing: 42 })),
    };
    const reused = profileTable(after, { reuse: { profile: marked, columns: reuse.columns } });
    expect(reused.columns.map((column) => column.missing)).toEqual([42, 42, 0]);
    expect(reused.columns[0]?.name).toBe('renamed');
    // … but not for another number of rows, another type, or columns beyond the exact limit.
    const fewer = { ...marked, rows: size - 1 };
    expect(
      profileTable(after, { reuse: { profile: fewer, columns: reuse.columns } }).columns[0]
        ?.missing,
    ).toBe(0);
    const retyped = new Table([numberColumn('x', x, 'integer')]);
    expect(
      profileTable(retyped, { reuse: { profile: marked, columns: ['x'] } }).columns[0]?.missing,
    ).toBe(0);
    expect(
      profileTable(after, { exactLimit: 1000, reuse: { profile: marked, columns: reuse.columns } })
        .columns[0]?.missing,
    ).toBe(0);
  });
});
