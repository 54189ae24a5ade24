import { isNumberColumn, TableError, type Column, type Table } from '../table';
import { formatDatetime } from './datetime-text';

/**
 * A condition on one column. Filters narrow a list of row indices; several filters keep the rows
 * that pass all of them. Missing values never pass a range, values or contains filter.
 */
export type ColumnFilter =
  /** Number columns (datetimes in epoch ms): `min ≤ value ≤ max`, or `< max` when exclusive. */
  | {
      readonly kind: 'range';
      readonly column: string;
      readonly min?: number | null;
      readonly max?: number | null;
      readonly maxExclusive?: boolean;
    }
  /** Categories of a string column, or exact numbers (booleans as 1/0); `missing` adds blanks. */
  | {
      readonly kind: 'values';
      readonly column: string;
      readonly values: readonly (string | number)[];
      readonly missing?: boolean;
    }
  /** The value's text contains `text` (ignoring case unless asked). */
  | {
      readonly kind: 'contains';
      readonly column: string;
      readonly text: string;
      readonly caseSensitive?: boolean;
    }
  /** Rows where the column is missing (`missing: true`) or present. */
  | { readonly kind: 'missing'; readonly column: string; readonly missing: boolean };

export type SortDirection = 'asc' | 'desc';

export interface SortKey {
  readonly column: string;
  readonly direction: SortDirection;
}

/** 0, 1, …, count − 1. */
export function allRows(count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}

/** The text a `contains` filter searches in a number column. */
export function numberText(type: Column['type'], value: number): string {
  if (type === 'boolean') return value ? 'true' : 'false';
  if (type === 'datetime') return formatDatetime(value);
  return String(value);
}

function keepWhere(rows: Int32Array, keep: (row: number) => boolean): Int32Array {
  const out = new Int32Array(rows.length);
  let kept = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    if (keep(row)) out[kept++] = row;
  }
  return kept === out.length ? out : out.slice(0, kept);
}

/** Per-code verdicts for a string column: one test per category instead of one per row. */
function codeMask(dictionary: readonly string[], test: (text: string) => boolean): Uint8Array {
  const mask = new Uint8Array(dictionary.length);
  for (let code = 0; code < dictionary.length; code++) {
    mask[code] = test(dictionary[code] as string) ? 1 : 0;
  }
  return mask;
}

function rowTest(column: Column, filter: ColumnFilter): (row: number) => boolean {
  if (filter.kind === 'missing') {
    if (isNumberColumn(column)) {
      const values = column.values;
      return filter.missing
        ? (row) => Number.isNaN(values[row])
        : (row) => !Number.isNaN(values[row]);
    }
    const codes = column.codes;
    return filter.missing
      ? (row) => (codes[row] as number) < 0
      : (row) => (codes[row] as number) >= 0;
  }
  if (filter.kind === 'range') {
    if (!isNumberColumn(column)) {
      throw new TableError(
        `A range filter needs a number column; “${column.name}” is ${column.type}.`,
        column.name,
      );
    }
    const values = column.values;
    const min = filter.min ?? -Infinity;
    const max = filter.max ?? Infinity;
    return filter.maxExclusive
      ? (row) => {
          const value = values[row] as number;
          return value >= min && value < max;
        }
      : (row) => {
          const value = values[row] as number;
          return value >= min && value <= max;
        };
  }
  if (filter.kind === 'values') {
    const withMissing = filter.missing === true;
    if (isNumberColumn(column)) {
      const wanted = new Set(filter.values.map(Number));
      const values = column.values;
      return (row) => {
        const value = values[row] as number;
        return Number.isNaN(value) ? withMissing : wanted.has(value);
      };
    }
    const wanted = new Set(filter.values.map(String));
    const mask = codeMask(column.dictionary, (text) => wanted.has(text));
    const codes = column.codes;
    return (row) => {
      const code = codes[row] as number;
      return code < 0 ? withMissing : mask[code] === 1;
    };
  }
  const needle = filter.caseSensitive ? filter.text : filter.text.toLowerCase();
  const matches = filter.caseSensitive
    ? (text: string) => text.includes(needle)
    : (text: string) => text.toLowerCase().includes(needle);
  if (isNumberColumn(column)) {
    const values = column.values;
    const type = column.type;
    return (row) => {
      const value = values[row] as number;
      return !Number.isNaN(value) && matches(numberText(type, value));
    };
  }
  const mask = codeMask(column.dictionary, matches);
  const codes = column.codes;
  return (row) => {
    const code = codes[row] as number;
    return code >= 0 && mask[code] === 1;
  };
}

/** A filter that keeps every row: an empty range, an empty text search. */
export function isInactive(filter: ColumnFilter): boolean {
  if (filter.kind === 'range') {
    return (filter.min ?? null) === null && (filter.max ?? null) === null;
  }
  if (filter.kind === 'contains') return filter.text === '';
  return false;
}

/**
 * The rows (of `rows`, by default all of them) that pass every filter, in their original order.
 * Filters that keep everything cost nothing; a string column's condition is decided once per
 * category.
 */
export function filterRows(
  table: Table,
  filters: readonly ColumnFilter[],
  rows: Int32Array = allRows(table.rowCount),
): Int32Array {
  let out = rows;
  for (const filter of filters) {
    if (isInactive(filter)) continue;
    out = keepWhere(out, rowTest(table.column(filter.column), filter));
  }
  return out === rows ? rows.slice() : out;
}

const COLLATOR = new Intl.Collator('en', { numeric: true });

/** Each category's rank in collation order, cached per dictionary: sorting by it again is free. */
const rankCache = new WeakMap<readonly string[], Uint32Array>();

function dictionaryRanks(dictionary: readonly string[]): Uint32Array {
  let ranks = rankCache.get(dictionary);
  if (ranks) return ranks;
  const order = Array.from(dictionary.keys()).sort(
    (a, b) => COLLATOR.compare(dictionary[a] as string, dictionary[b] as string) || a - b,
  );
  ranks = new Uint32Array(dictionary.length);
  order.forEach((code, rank) => (ranks![code] = rank));
  rankCache.set(dictionary, ranks);
  return ranks;
}

const MISSING_KEY = 0xffffffff;

/**
 * 64-bit sort keys (high and low words) for `rows` of a column, such that unsigned comparison
 * of (high, low) orders the rows as asked, with missing values after every present one.
 */
function sortKeys(column: Column, rows: Int32Array, direction: SortDirection) {
  const n = rows.length;
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  const descending = direction === 'desc';
  if (isNumberColumn(column)) {
    const scratch = new Float64Array(1);
    const words = new Uint32Array(scratch.buffer);
    const values = column.values;
    for (let i = 0; i < n; i++) {
      const value = values[rows[i] as number] as number;
      if (value !== value) {
        high[i] = MISSING_KEY;
        low[i] = MISSING_KEY;
        continue;
      }
      // IEEE 754 doubles order as unsigned integers once negatives have every bit flipped and
      // positives the sign bit; adding 0 turns −0 into 0 so the two sort as equal.
      scratch[0] = value + 0;
      let hi = words[1] as number;
      let lo = words[0] as number;
      if (hi & 0x80000000) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else {
        hi = (hi | 0x80000000) >>> 0;
      }
      // Flipped keys of real numbers stay below MISSING_KEY: ±Infinity are the extremes.
      high[i] = descending ? ~hi >>> 0 : hi;
      low[i] = descending ? ~lo >>> 0 : lo;
    }
    return { high, low };
  }
  const ranks = dictionaryRanks(column.dictionary);
  const last = column.dictionary.length - 1;
  const codes = column.codes;
  for (let i = 0; i < n; i++) {
    const code = codes[rows[i] as number] as number;
    if (code < 0) {
      high[i] = MISSING_KEY;
      low[i] = MISSING_KEY;
    } else {
      const rank = ranks[code] as number;
      low[i] = descending ? last - rank : rank;
    }
  }
  return { high, low };
}

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

/**
 * A stable least-significant-digit radix sort of `rows` by 64-bit keys, 16 bits per pass; a pass
 * whose digit is the same for every row is skipped, so small keys (category ranks) cost one or
 * two passes. Linear time: a million rows sort in tens of milliseconds.
 */
function radixSort(rows: Int32Array, high: Uint32Array, low: Uint32Array): Int32Array {
  const n = rows.length;
  let order: Int32Array = rows;
  let hi: Uint32Array = high;
  let lo: Uint32Array = low;
  let nextOrder: Int32Array = new Int32Array(n);
  let nextHi: Uint32Array = new Uint32Array(n);
  let nextLo: Uint32Array = new Uint32Array(n);
  const counts = new Int32Array(BUCKETS);
  for (let pass = 0; pass < 4; pass++) {
    const source = pass < 2 ? lo : hi;
    const shift = (pass % 2) * DIGIT_BITS;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((source[i] as number) >>> shift) & (BUCKETS - 1);
      counts[digit] = (counts[digit] as number) + 1;
    }
    if (n === 0 || counts[((source[0] as number) >>> shift) & (BUCKETS - 1)] === n) continue;
    let total = 0;
    for (let digit = 0; digit < BUCKETS; digit++) {
      const count = counts[digit] as number;
      counts[digit] = total;
      total += count;
    }
    for (let i = 0; i < n; i++) {
      const digit = ((source[i] as number) >>> shift) & (BUCKETS - 1);
      const at = counts[digit] as number;
      counts[digit] = at + 1;
      nextOrder[at] = order[i] as number;
      nextHi[at] = hi[i] as number;
      nextLo[at] = lo[i] as number;
    }
    [order, nextOrder] = [nextOrder, order === rows ? new Int32Array(n) : order];
    [hi, nextHi] = [nextHi, hi];
    [lo, nextLo] = [nextLo, lo];
  }
  return order === rows ? rows.slice() : order;
}

/**
 * `rows` ordered by the keys, first key first; stable (equal rows keep their order), missing
 * values last whatever the direction. Text sorts in natural order (“item 2” before “item 10”).
 */
export function sortRows(table: Table, rows: Int32Array, keys: readonly SortKey[]): Int32Array {
  let order = rows;
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k] as SortKey;
    const { high, low } = sortKeys(table.column(key.column), order, key.direction);
    order = radixSort(order, high, low);
  }
  return order === rows ? rows.slice() : order;
}

/** The next state of a column header's sort on click: ascending, descending, then none. */
export function cycleSort(current: SortKey | undefined, column: string): SortKey | null {
  if (!current || current.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}
