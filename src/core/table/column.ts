import type { DecodedImages } from './images';

export type NumberType = 'numeric' | 'integer' | 'boolean' | 'datetime';
export type StringType = 'categorical' | 'text' | 'image';
export type LogicalType = NumberType | StringType;

/**
 * A column of numbers. Missing values are NaN. Booleans are 0/1; datetimes are milliseconds since
 * the Unix epoch, UTC.
 */
export interface NumberColumn {
  readonly name: string;
  readonly type: NumberType;
  readonly values: Float64Array;
}

/** A dictionary-encoded column of strings. Missing values have code -1. */
export interface StringColumn {
  readonly name: string;
  readonly type: StringType;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
  /**
   * Image columns only: the decoded pixels of the dictionary's images, attached just before
   * features are fitted or computed (decoding needs the browser, which core never touches).
   */
  readonly pixels?: DecodedImages;
}

export type Column = NumberColumn | StringColumn;

export const NUMBER_TYPES: readonly LogicalType[] = ['numeric', 'integer', 'boolean', 'datetime'];

export const isNumberColumn = (column: Column): column is NumberColumn => 'values' in column;
export const isStringColumn = (column: Column): column is StringColumn => 'codes' in column;

export const columnLength = (column: Column) =>
  isNumberColumn(column) ? column.values.length : column.codes.length;

export function numberColumn(
  name: string,
  values: ArrayLike<number | null | undefined>,
  type: NumberType = 'numeric',
): NumberColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value === null || value === undefined ? NaN : value;
  }
  return { name, type, values: out };
}

/** Builds a string column; categories are numbered in order of first appearance. */
export function stringColumn(
  name: string,
  values: ArrayLike<string | null | undefined>,
  type: StringType = 'categorical',
): StringColumn {
  const codes = new Int32Array(values.length);
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(value);
    if (code === undefined) {
      code = dictionary.length;
      index.set(value, code);
      dictionary.push(value);
    }
    codes[i] = code;
  }
  return { name, type, codes, dictionary };
}

export function isMissing(column: Column, row: number): boolean {
  return isNumberColumn(column) ? Number.isNaN(column.values[row]) : column.codes[row] === -1;
}

/** The value at `row` as plain data: a number, a string, or null when missing. */
export function valueAt(column: Column, row: number): number | string | null {
  if (isNumberColumn(column)) {
    const value = column.values[row] as number;
    return Number.isNaN(value) ? null : value;
  }
  const code = column.codes[row] as number;
  return code < 0 ? null : (column.dictionary[code] as string);
}

export function takeColumn(column: Column, rows: ArrayLike<number>): Column {
  if (isNumberColumn(column)) {
    const values = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = column.values[rows[i] as number] as number;
    return { ...column, values };
  }
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) codes[i] = column.codes[rows[i] as number] as number;
  return { ...column, codes };
}
