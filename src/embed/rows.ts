import { parseIsoDatetime } from '../core/data/datetime-text';
import { EmbedError } from './errors';
import type { ColumnValues, InputType, PredictOptions, Row, SignatureInput } from './types';

const quote = (value: string) => `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;

function describe(value: unknown): string {
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'an invalid date';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const BOOLEANS: Record<string, number> = { true: 1, false: 0, '1': 1, '0': 0 };

/**
 * One cell as the lab would have stored it: a number (NaN when missing) for numeric, boolean and
 * datetime inputs, a string (null when missing) otherwise. Returns undefined when it cannot.
 */
function readCell(value: unknown, type: InputType): number | string | null | undefined {
  const blank =
    value === null || value === undefined || (typeof value === 'string' && !value.trim());
  if (type === 'categorical' || type === 'text') {
    if (blank) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      return String(value);
    }
    return undefined;
  }
  if (blank) return NaN;
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    return BOOLEANS[String(value).trim().toLowerCase()];
  }
  if (typeof value === 'number') return value;
  if (type === 'datetime') {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
    const ms = typeof value === 'string' ? parseIsoDatetime(value.trim()) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  }
  const number = typeof value === 'string' ? Number(value) : NaN;
  return Number.isNaN(number) ? undefined : number;
}

const EXPECTED: Record<InputType, string> = {
  numeric: 'a number',
  integer: 'a number',
  boolean: 'true or false',
  datetime:
    'a date (a Date, milliseconds since 1970, or text such as 2024-05-31 or 2024-05-31T14:30)',
  categorical: 'a category (text)',
  text: 'text',
};

const where = (index: number, column?: string) =>
  `Row ${index + 1} (rows[${index}])${column === undefined ? '' : `, column “${column}”`}`;

/**
 * Checks plain row objects against the inputs and turns them into columns. Every input must be a
 * key of every row (null for a missing value); keys the model does not read are refused unless
 * `options.unknownColumns` is `ignore` or they are in `tolerated` (columns the model dropped).
 */
export function readColumns(
  rows: readonly Row[],
  inputs: readonly SignatureInput[],
  tolerated: ReadonlySet<string> = new Set(),
  options: PredictOptions = {},
): Map<string, ColumnValues> {
  if (!Array.isArray(rows)) {
    throw new EmbedError('predict() takes an array of row objects, e.g. [{ age: 42 }].');
  }
  const known = new Set(inputs.map((input) => input.name));
  const columns = new Map<string, ColumnValues>();
  for (const input of inputs) {
    const strings = input.type === 'categorical' || input.type === 'text';
    columns.set(
      input.name,
      strings ? new Array<string | null>(rows.length) : new Float64Array(rows.length),
    );
  }
  rows.forEach((row, index) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new EmbedError(`${where(index)} is not an object of column values.`, undefined, index);
    }
    if (options.unknownColumns !== 'ignore') {
      const unknown = Object.keys(row).find((key) => !known.has(key) && !tolerated.has(key));
      if (unknown !== undefined) {
        throw new EmbedError(
          `${where(index, unknown)}: the model does not read this column. It reads: ` +
            `${[...known].join(', ')}. Pass { unknownColumns: 'ignore' } to skip extra columns.`,
          unknown,
          index,
        );
      }
    }
    for (const input of inputs) {
      if (!Object.hasOwn(row, input.name)) {
        throw new EmbedError(
          `${where(index, input.name)}: the column is missing. Give every row a value for ` +
            'each input; use null when a value is unknown.',
          input.name,
          index,
        );
      }
      const value = row[input.name];
      const cell = readCell(value, input.type);
      if (cell === undefined) {
        throw new EmbedError(
          `${where(index, input.name)}: expected ${EXPECTED[input.type]}, got ${describe(value)}.`,
          input.name,
          index,
        );
      }
      (columns.get(input.name) as (number | string | null)[])[index] = cell;
    }
  });
  return columns;
}
