import {
  Table,
  isNumberColumn,
  type Column,
  type LogicalType,
  type StringColumn,
} from '../../table';
import { PrepareError } from './errors';

/** Throws a clear error for the first name that is not a column of the table. */
export function requireColumns(table: Table, names: readonly string[], step: string): void {
  for (const name of names) {
    if (!table.has(name)) {
      throw new PrepareError(
        'unknown-column',
        `${step}: there is no column “${name}”. Columns: ${table.names.join(', ') || '(none)'}.`,
        { column: name },
      );
    }
  }
}

/** A column name a user typed: trimmed, not empty, not too long. */
export function checkName(name: string, step: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed) throw new PrepareError('invalid-step', `${step}: a column name cannot be empty.`);
  if (trimmed.length > 200) {
    throw new PrepareError('invalid-step', `${step}: a column name is longer than 200 characters.`);
  }
  return trimmed;
}

/** `base`, or `base_2`, `base_3`… whichever is not taken yet. */
export function uniqueName(taken: ReadonlySet<string>, base: string): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/**
 * A string column with only the categories its rows use, in their original dictionary order
 * (bins and other ordered categories stay in order). Steps that drop rows call it, so a
 * category filter never offers a value no row has.
 */
export function compactColumn(column: Column): Column {
  if (isNumberColumn(column)) return column;
  const used = new Uint8Array(column.dictionary.length);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code >= 0) used[code] = 1;
  }
  if (used.every((flag) => flag === 1)) return column;
  const remap = new Int32Array(column.dictionary.length).fill(-1);
  const dictionary: string[] = [];
  column.dictionary.forEach((text, code) => {
    if (used[code]) {
      remap[code] = dictionary.length;
      dictionary.push(text);
    }
  });
  const next = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    next[i] = code < 0 ? -1 : (remap[code] as number);
  }
  return { ...column, codes: next, dictionary } satisfies StringColumn;
}

/** The rows at `rows` (ascending or not), with unused categories dropped. */
export function takeRows(table: Table, rows: Int32Array): Table {
  return new Table(table.take(rows).columns.map(compactColumn));
}

/** Rows of a column at `rows`, where −1 stands for a row with no match (missing). */
export function takeOrMissing(column: Column, rows: Int32Array): Column {
  if (isNumberColumn(column)) {
    const values = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      values[i] = row < 0 ? NaN : (column.values[row] as number);
    }
    return { ...column, values };
  }
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    codes[i] = row < 0 ? -1 : (column.codes[row] as number);
  }
  return compactColumn({ ...column, codes });
}

/** Number-valued types: numbers, whole numbers, true/false (1/0) and dates (epoch ms). */
export const isNumberType = (type: LogicalType) =>
  type === 'numeric' || type === 'integer' || type === 'boolean' || type === 'datetime';
