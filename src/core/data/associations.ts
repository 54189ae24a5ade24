import { columnLength, isNumberColumn, type Column, type Table } from '../table';
import { sampleOf } from './chart-data';
import {
  correlationRatio,
  cramersV,
  pearsonMatrix,
  presentMean,
  type CategoricalInput,
} from './profile/correlation';
import type { DatasetProfile } from './profile/types';
import { allRows } from './query';

export type AssociationKind = 'numeric' | 'categorical';

/**
 * How a pair is measured: Pearson's r (−1…1) for two numeric columns, bias-corrected Cramér's V
 * (0…1) for two categorical ones, and the correlation ratio η (0…1) for a numeric column by a
 * categorical one.
 */
export type AssociationMeasure = 'pearson' | 'cramers-v' | 'correlation-ratio';

export interface AssociationColumn {
  readonly name: string;
  readonly kind: AssociationKind;
}

export interface AssociationMatrix {
  readonly columns: AssociationColumn[];
  /** Symmetric; null where a measure is undefined (a constant column, fewer than 2 rows). */
  readonly values: (number | null)[][];
  readonly measures: AssociationMeasure[][];
  /** Rows the measures were computed on. */
  readonly rows: number;
  /** True when `rows` is a seeded sample of the rows asked for. */
  readonly sampled: boolean;
}

export interface AssociationOptions {
  /** The rows to measure (a selection); all rows by default. */
  readonly rows?: Int32Array;
  /** Larger row sets are measured on a seeded uniform sample of this many rows. */
  readonly maxRows?: number;
  /** Categorical columns with more categories than this (among the rows) are left out. */
  readonly maxCategories?: number;
  /** The columns to consider (all by default), in table order. */
  readonly columns?: readonly string[];
  /** At most this many columns, in table order. */
  readonly maxColumns?: number;
  readonly seed?: number;
}

/** Defaults of `associationMatrix` and `associationsFromProfile` alike. */
const DEFAULT_MAX_CATEGORIES = 50;
const DEFAULT_MAX_COLUMNS = 30;

export const measureOf = (a: AssociationKind, b: AssociationKind): AssociationMeasure =>
  a === 'numeric' && b === 'numeric'
    ? 'pearson'
    : a === 'categorical' && b === 'categorical'
      ? 'cramers-v'
      : 'correlation-ratio';

/** Whether a column is measured as a number: numbers and integers, not booleans or dates. */
const measuredAsNumber = (column: Column) =>
  isNumberColumn(column) && column.type !== 'boolean' && column.type !== 'datetime';

/** A column's values over `rows`; its own array (read only) when `rows` is every row in order. */
function numericValues(column: Column, rows: Int32Array | null): Float64Array | null {
  if (!measuredAsNumber(column) || !isNumberColumn(column)) return null;
  if (!rows) return column.values;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column.values[rows[i] as number] as number;
  return out;
}

/** Dense level codes of a categorical or boolean column over `rows`; null when unsuitable. */
function levelCodes(
  column: Column,
  rows: Int32Array | null,
  maxCategories: number,
): CategoricalInput | null {
  const n = rows ? rows.length : columnLength(column);
  const codes = new Int32Array(n);
  let levels = 0;
  if (isNumberColumn(column)) {
    if (column.type !== 'boolean') return null;
    const seen = [false, false];
    for (let i = 0; i < n; i++) {
      const value = column.values[rows ? (rows[i] as number) : i] as number;
      if (value !== value) codes[i] = -1;
      else {
        const level = value === 0 ? 0 : 1;
        codes[i] = level;
        seen[level] = true;
      }
    }
    levels = 2;
    return seen[0] && seen[1] ? { name: column.name, codes, levels } : null;
  }
  if (column.type !== 'categorical') return null;
  const dense = new Int32Array(column.dictionary.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const code = column.codes[rows ? (rows[i] as number) : i] as number;
    if (code < 0) {
      codes[i] = -1;
      continue;
    }
    let level = dense[code] as number;
    if (level < 0) {
      if (levels === maxCategories) return null;
      level = levels++;
      dense[code] = level;
    }
    codes[i] = level;
  }
  return levels >= 2 ? { name: column.name, codes, levels } : null;
}

/**
 * One matrix of pairwise associations over numeric and categorical columns together, for a
 * heatmap: each pair gets the measure that fits its kinds. Datetime and text columns are left
 * out, as are categorical columns with a single category or too many. Computed over the given
 * rows, so a selection in a linked view shows its own associations.
 */
export function associationMatrix(
  table: Table,
  options: AssociationOptions = {},
): AssociationMatrix {
  const maxRows = options.maxRows ?? 100_000;
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const asked = options.rows ?? allRows(table.rowCount);
  const rows = sampleOf(asked, maxRows, options.seed ?? 0);
  // Every row in order (the sample a page sends): columns are read in place, not gathered.
  const gather = options.rows || rows !== asked ? rows : null;
  const columns: AssociationColumn[] = [];
  const numeric: { index: number; values: Float64Array }[] = [];
  const categorical: { index: number; input: CategoricalInput }[] = [];
  const considered = options.columns ? new Set(options.columns) : null;
  for (const column of table.columns) {
    if (columns.length === maxColumns) break;
    if (considered && !considered.has(column.name)) continue;
    const values = numericValues(column, gather);
    if (values) {
      numeric.push({ index: columns.length, values });
      columns.push({ name: column.name, kind: 'numeric' });
      continue;
    }
    const input = levelCodes(column, gather, maxCategories);
    if (input) {
      categorical.push({ index: columns.length, input });
      columns.push({ name: column.name, kind: 'categorical' });
    }
  }
  const size = columns.length;
  const values: (number | null)[][] = Array.from({ length: size }, () =>
    Array.from({ length: size }, () => null),
  );
  const measures = columns.map((a) => columns.map((b) => measureOf(a.kind, b.kind)));
  const set = (i: number, j: number, value: number | null) => {
    (values[i] as (number | null)[])[j] = value;
    (values[j] as (number | null)[])[i] = value;
  };
  const pearson = pearsonMatrix(
    numeric.map((entry) => ({ name: String(entry.index), values: entry.values })),
  );
  numeric.forEach((a, i) =>
    numeric.forEach((b, j) => set(a.index, b.index, (pearson[i] as (number | null)[])[j] ?? null)),
  );
  categorical.forEach((a, i) => {
    for (let j = i; j < categorical.length; j++) {
      const b = categorical[j] as (typeof categorical)[number];
      set(a.index, b.index, cramersV(a.input, b.input));
    }
  });
  for (const x of numeric) {
    const center = presentMean(x.values);
    for (const group of categorical) {
      set(x.index, group.index, correlationRatio(x.values, group.input, center));
    }
  }
  return { columns, values, measures, rows: rows.length, sampled: rows.length < asked.length };
}

/**
 * The matrix `associationMatrix` gives for every row of `table`, read from the correlations its
 * profile stored (measured when the version was made, on all its rows or a seeded sample of
 * them) instead of measured again: the same columns, kinds and measures, so a view can show it
 * at once and measure only selections. A categorical or boolean column counts when its
 * profile's exact distinct count lies between 2 and `maxCategories`. Null when the profile
 * cannot give every pair: a distinct count is an estimate, or a column is missing from its
 * matrices (a sample that saw one category only).
 */
export function associationsFromProfile(
  table: Table,
  profile: DatasetProfile,
  options: Omit<AssociationOptions, 'rows' | 'maxRows' | 'seed'> = {},
): AssociationMatrix | null {
  const stored = profile.correlations as DatasetProfile['correlations'] | undefined;
  if (!stored || profile.rows !== table.rowCount) return null;
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const considered = options.columns ? new Set(options.columns) : null;
  const profiles = new Map(profile.columns.map((column) => [column.name, column]));
  const columns: AssociationColumn[] = [];
  for (const column of table.columns) {
    if (columns.length === maxColumns) break;
    if (considered && !considered.has(column.name)) continue;
    if (measuredAsNumber(column)) {
      columns.push({ name: column.name, kind: 'numeric' });
      continue;
    }
    if (column.type !== 'boolean' && column.type !== 'categorical') continue;
    const counted = profiles.get(column.name);
    if (!counted || !counted.distinctExact) return null;
    if (counted.distinct >= 2 && counted.distinct <= maxCategories) {
      columns.push({ name: column.name, kind: 'categorical' });
    }
  }
  const place = (names: readonly string[]) => new Map(names.map((name, i) => [name, i]));
  const pearson = place(stored.pearson.columns);
  const cramers = place(stored.cramersV.columns);
  const ratioRows = place(stored.correlationRatio.numeric);
  const ratioColumns = place(stored.correlationRatio.categorical);
  const cell = (matrix: readonly (readonly (number | null)[])[], i?: number, j?: number) =>
    i === undefined || j === undefined ? undefined : (matrix[i]?.[j] ?? null);
  const values: (number | null)[][] = [];
  for (const a of columns) {
    const row: (number | null)[] = [];
    for (const b of columns) {
      let value: number | null | undefined;
      if (a.kind === 'numeric' && b.kind === 'numeric') {
        value = cell(stored.pearson.matrix, pearson.get(a.name), pearson.get(b.name));
      } else if (a.kind === 'categorical' && b.kind === 'categorical') {
        value = cell(stored.cramersV.matrix, cramers.get(a.name), cramers.get(b.name));
      } else {
        const [x, group] = a.kind === 'numeric' ? [a, b] : [b, a];
        value = cell(
          stored.correlationRatio.matrix,
          ratioRows.get(x.name),
          ratioColumns.get(group.name),
        );
      }
      if (value === undefined) return null;
      row.push(value);
    }
    values.push(row);
  }
  const measures = columns.map((a) => columns.map((b) => measureOf(a.kind, b.kind)));
  return { columns, values, measures, rows: stored.rows, sampled: stored.sampled };
}
