import { describe, expect, it } from 'vitest';
import {
  allRows,
  cycleSort,
  filterRows,
  sortRows,
  type SortKey,
} from '../../../../src/core/data/query';
import { seededRandom } from '../../../../src/core/random';
import { Table, numberColumn, stringColumn, valueAt } from '../../../../src/core/table';

const table = new Table([
  numberColumn('price', [3, NaN, -1, 3, 10, -0, 0, Infinity, -Infinity, 2.5]),
  numberColumn('count', [1, 2, 3, null, 5, 6, 7, 8, 9, 10], 'integer'),
  numberColumn('flag', [1, 0, 1, 0, null, 1, 0, 1, 0, 1], 'boolean'),
  numberColumn('when', [0, 86_400_000, null, 2, 3, 4, 5, 6, 7, 8], 'datetime'),
  stringColumn('city', [
    'Oslo',
    'lima',
    null,
    'Oslo',
    'item 10',
    'item 2',
    'Åre',
    'Lima',
    'oslo',
    null,
  ]),
]);

const list = (rows: Int32Array) => Array.from(rows);
const sorted = (keys: SortKey[]) => list(sortRows(table, allRows(table.rowCount), keys));

describe('filterRows', () => {
  it('keeps numbers in a closed or half-open range; missing never passes', () => {
    expect(list(filterRows(table, [{ kind: 'range', column: 'price', min: 0, max: 3 }]))).toEqual([
      0, 3, 5, 6, 9,
    ]);
    expect(
      list(
        filterRows(table, [{ kind: 'range', column: 'price', min: 0, max: 3, maxExclusive: true }]),
      ),
    ).toEqual([5, 6, 9]);
    expect(list(filterRows(table, [{ kind: 'range', column: 'price', min: 5 }]))).toEqual([4, 7]);
  });

  it('picks categories (with or without missing), booleans and exact numbers', () => {
    expect(
      list(filterRows(table, [{ kind: 'values', column: 'city', values: ['Oslo', 'Lima'] }])),
    ).toEqual([0, 3, 7]);
    expect(
      list(
        filterRows(table, [{ kind: 'values', column: 'city', values: ['Oslo'], missing: true }]),
      ),
    ).toEqual([0, 2, 3, 9]);
    expect(list(filterRows(table, [{ kind: 'values', column: 'flag', values: [0] }]))).toEqual([
      1, 3, 6, 8,
    ]);
  });

  it('searches text ignoring case unless asked, also in numbers and dates', () => {
    expect(list(filterRows(table, [{ kind: 'contains', column: 'city', text: 'osl' }]))).toEqual([
      0, 3, 8,
    ]);
    expect(
      list(
        filterRows(table, [{ kind: 'contains', column: 'city', text: 'Osl', caseSensitive: true }]),
      ),
    ).toEqual([0, 3]);
    expect(list(filterRows(table, [{ kind: 'contains', column: 'when', text: '01-02' }]))).toEqual([
      1,
    ]);
    expect(list(filterRows(table, [{ kind: 'contains', column: 'count', text: '1' }]))).toEqual([
      0, 9,
    ]);
  });

  it('combines filters with and, ignores inactive ones, and narrows a given row list', () => {
    const filters = [
      { kind: 'range', column: 'count', min: 2 },
      { kind: 'missing', column: 'city', missing: false },
      { kind: 'contains', column: 'city', text: '' },
      { kind: 'range', column: 'price', min: null, max: null },
    ] as const;
    expect(list(filterRows(table, filters))).toEqual([1, 4, 5, 6, 7, 8]);
    expect(list(filterRows(table, filters, Int32Array.from([8, 1, 0])))).toEqual([8, 1]);
    expect(list(filterRows(table, [{ kind: 'missing', column: 'price', missing: true }]))).toEqual([
      1,
    ]);
  });

  it('says which column is wrong', () => {
    expect(() => filterRows(table, [{ kind: 'range', column: 'city', min: 1 }])).toThrow(
      /range filter needs a number column; “city” is categorical/,
    );
    expect(() => filterRows(table, [{ kind: 'missing', column: 'nope', missing: true }])).toThrow(
      /no column “nope”/,
    );
  });
});

describe('sortRows', () => {
  it('orders numbers ascending and descending, −0 equal to 0, missing last either way', () => {
    expect(sorted([{ column: 'price', direction: 'asc' }])).toEqual([8, 2, 5, 6, 9, 0, 3, 4, 7, 1]);
    expect(sorted([{ column: 'price', direction: 'desc' }])).toEqual([
      7, 4, 0, 3, 9, 5, 6, 2, 8, 1,
    ]);
  });

  it('orders text naturally and stably, missing last', () => {
    const asc = sorted([{ column: 'city', direction: 'asc' }]).map((row) =>
      valueAt(table.column('city'), row),
    );
    expect(asc).toEqual([
      'Åre',
      'item 2',
      'item 10',
      'lima',
      'Lima',
      'oslo',
      'Oslo',
      'Oslo',
      null,
      null,
    ]);
    expect(sorted([{ column: 'city', direction: 'desc' }]).slice(0, 3)).toEqual([0, 3, 8]);
    expect(sorted([{ column: 'city', direction: 'desc' }]).slice(-2)).toEqual([2, 9]);
  });

  it('sorts by several keys, the first deciding', () => {
    expect(
      sorted([
        { column: 'flag', direction: 'desc' },
        { column: 'count', direction: 'desc' },
      ]),
    ).toEqual([9, 7, 5, 2, 0, 8, 6, 1, 3, 4]);
  });

  it('matches a comparison sort on random data with ties and gaps (20 seeds)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const random = seededRandom(seed);
      const n = 500;
      const values = Array.from({ length: n }, () =>
        random() < 0.1 ? null : Math.round((random() - 0.5) * 40) / (random() < 0.5 ? 1 : 7),
      );
      const words = Array.from({ length: n }, () =>
        random() < 0.1 ? null : `w${Math.floor(random() * 30)}`,
      );
      const data = new Table([numberColumn('v', values), stringColumn('w', words)]);
      const rows = allRows(n).filter((row) => row % 3 !== 0);
      for (const direction of ['asc', 'desc'] as const) {
        const ours = list(sortRows(data, rows, [{ column: 'v', direction }]));
        const sign = direction === 'asc' ? 1 : -1;
        const expected = list(rows).sort((a, b) => {
          const x = values[a] ?? null;
          const y = values[b] ?? null;
          if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
          return sign * (x - y);
        });
        expect(ours, `seed ${seed} ${direction}`).toEqual(expected);
        const byWord = list(sortRows(data, rows, [{ column: 'w', direction }]));
        const collator = new Intl.Collator('en', { numeric: true });
        const expectedWords = list(rows).sort((a, b) => {
          const x = words[a] ?? null;
          const y = words[b] ?? null;
          if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
          return sign * collator.compare(x, y);
        });
        expect(byWord, `seed ${seed} ${direction} text`).toEqual(expectedWords);
      }
    }
  });

  it('cycles a header through ascending, descending and unsorted', () => {
    expect(cycleSort(undefined, 'a')).toEqual({ column: 'a', direction: 'asc' });
    expect(cycleSort({ column: 'a', direction: 'asc' }, 'a')).toEqual({
      column: 'a',
      direction: 'desc',
    });
    expect(cycleSort({ column: 'a', direction: 'desc' }, 'a')).toBeNull();
    expect(cycleSort({ column: 'a', direction: 'desc' }, 'b')).toEqual({
      column: 'b',
      direction: 'asc',
    });
  });
});

describe('on a million rows', () => {
  it('filters and sorts (timings printed, not asserted)', () => {
    const n = 1_000_000;
    const random = seededRandom(1);
    const values = new Float64Array(n);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = random() < 0.01 ? NaN : random() * 1000;
      codes[i] = Math.floor(random() * 200);
    }
    const dictionary = Array.from({ length: 200 }, (_, i) => `category ${i}`);
    const big = new Table([
      { name: 'x', type: 'numeric', values },
      { name: 'c', type: 'categorical', codes, dictionary },
    ]);
    const time = (work: () => Int32Array) => {
      const start = performance.now();
      const out = work();
      return { ms: Math.round(performance.now() - start), out };
    };
    const filtered = time(() =>
      filterRows(big, [
        { kind: 'range', column: 'x', min: 100, max: 900 },
        { kind: 'contains', column: 'c', text: '1' },
      ]),
    );
    const byNumber = time(() => sortRows(big, allRows(n), [{ column: 'x', direction: 'desc' }]));
    const byText = time(() => sortRows(big, allRows(n), [{ column: 'c', direction: 'asc' }]));
    console.log(
      `1M rows: filter ${filtered.ms} ms (${filtered.out.length} kept), sort numbers ${byNumber.ms} ms, sort categories ${byText.ms} ms`,
    );
    const order = byNumber.out;
    for (let i = 1; i < n; i++) {
      const a = values[order[i - 1] as number] as number;
      const b = values[order[i] as number] as number;
      if (!(Number.isNaN(b) || a >= b)) throw new Error(`out of order at ${i}: ${a} then ${b}`);
    }
    expect(Number.isNaN(values[order[n - 1] as number])).toBe(true);
  });
});
