import {
  Table,
  isNumberColumn,
  type Column,
  type NumberColumn,
  type StringColumn,
} from '../../table';
import { compactDateMs } from '../compact-date';
import { excelSerialMs } from '../excel-date';
import { daysFromCivil, parseDictionaryDates } from '../datetime-text';
import { parseFormattedNumbers } from '../formatted-number';
import { parseNumberText } from '../number-text';
import { numberText } from '../query';
import type { DateOrder } from '../types';
import { PrepareError, quote } from './errors';
import type { NumberDateUnit, PrepareStep, TargetType } from './steps';
import { compactColumn, isNumberType, requireColumns } from './table-utils';

type ChangeTypeStep = Extract<PrepareStep, { kind: 'change-type' }>;

const DAY_MS = 86_400_000;

const BOOLEAN_WORDS = new Map<string, number>([
  ['true', 1],
  ['false', 0],
  ['yes', 1],
  ['no', 0],
  ['y', 1],
  ['n', 0],
  ['t', 1],
  ['f', 0],
  ['1', 1],
  ['0', 0],
  ['on', 1],
  ['off', 0],
]);

const TYPE_WORDS: Record<TargetType, string> = {
  numeric: 'a number',
  integer: 'a whole number',
  boolean: 'true/false (true, false, yes, no, 1, 0, on, off)',
  datetime: 'a date',
  categorical: 'a category',
  text: 'text',
};

function conversionError(column: string, row: number, value: string, type: TargetType) {
  return new PrepareError(
    'conversion',
    `Column “${column}”: ${quote(value)} (row ${(row + 1).toLocaleString('en-US')}) is not ${TYPE_WORDS[type]}.`,
    { column, row, value },
  );
}

/** Marks cells equal to a missing-value token as missing. */
export function applyMissingTokens(column: Column, tokens: readonly string[]): Column {
  const trimmed = new Set(tokens.map((token) => token.trim()));
  if (isNumberColumn(column)) {
    const numbers = new Set(
      [...trimmed].map((token) => parseNumberText(token)).filter((value) => !Number.isNaN(value)),
    );
    if (numbers.size === 0) return column;
    const values = column.values.map((value) => (numbers.has(value) ? NaN : value));
    return { ...column, values };
  }
  const isMissing = column.dictionary.map((text) => {
    const cell = text.trim();
    return cell === '' || trimmed.has(cell);
  });
  if (!isMissing.includes(true)) return column;
  const codes = column.codes.map((code) => (code >= 0 && isMissing[code] ? -1 : code));
  return compactColumn({ ...column, codes });
}

/** The first row whose code fails, for the message. */
function firstBadRow(codes: Int32Array, bad: (code: number) => boolean): number {
  for (let row = 0; row < codes.length; row++) {
    const code = codes[row] as number;
    if (code >= 0 && bad(code)) return row;
  }
  return -1;
}

/** Reads a string column's categories once each, then fills the rows from them. */
function fromStrings(
  column: StringColumn,
  type: Exclude<TargetType, 'categorical' | 'text'>,
  dateOrder: DateOrder | undefined,
): NumberColumn {
  const { dictionary, codes } = column;
  let byCode: Float64Array;
  if (type === 'datetime') {
    const parsed = parseDictionaryDates(dictionary, dateOrder);
    if (parsed.kind === 'ambiguous') {
      throw new PrepareError(
        'conversion',
        `Column “${column.name}”: dates such as ${quote(parsed.example)} could be day/month or month/day; choose the date order.`,
        { column: column.name, value: parsed.example },
      );
    }
    if (parsed.kind === 'none') {
      // Name the first row whose text is a date in no format at all; if every text is a date on
      // its own, the column mixes formats.
      const alone = dictionary.map(
        (text) => parseDictionaryDates([text], dateOrder ?? 'dmy').kind === 'dates',
      );
      const row = firstBadRow(codes, (code) => !alone[code]);
      if (row >= 0) {
        throw conversionError(column.name, row, dictionary[codes[row] as number] as string, type);
      }
      throw new PrepareError(
        'conversion',
        `Column “${column.name}” mixes date formats (e.g. ${quote(dictionary[0] ?? '')} and ${quote(dictionary[parsed.failedAt] ?? '')}); dates must share one format.`,
        { column: column.name, value: dictionary[parsed.failedAt] ?? '' },
      );
    }
    byCode = parsed.epochs;
  } else if (type === 'boolean') {
    byCode = Float64Array.from(
      dictionary,
      (text) => BOOLEAN_WORDS.get(text.trim().toLowerCase()) ?? NaN,
    );
  } else {
    const plain = Float64Array.from(dictionary, (text) => parseNumberText(text.trim()));
    // Formatted amounts ($1,046.92, 1.234,50 €, 12.5%) convert when the whole column reads so.
    const numbers = plain.some(Number.isNaN)
      ? (parseFormattedNumbers(dictionary)?.values ?? plain)
      : plain;
    byCode =
      type === 'integer'
        ? numbers.map((value) => (Number.isSafeInteger(value) ? value : NaN))
        : numbers;
  }
  const row = firstBadRow(codes, (code) => Number.isNaN(byCode[code]));
  if (row >= 0) {
    throw conversionError(column.name, row, dictionary[codes[row] as number] as string, type);
  }
  const values = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    values[i] = code < 0 ? NaN : (byCode[code] as number);
  }
  return { name: column.name, type, values };
}

function numbersToDates(column: NumberColumn, unit: NumberDateUnit): Float64Array {
  const values = column.values;
  if (unit === 'epoch-ms') return values.slice();
  if (unit === 'epoch-s') return values.map((value) => value * 1000);
  if (unit === 'excel')
    return values.map((value) => (Number.isNaN(value) ? NaN : excelSerialMs(value)));
  if (unit === 'yyyymmdd' || unit === 'yyyymm') {
    const read = compactDateMs(unit);
    return values.map((value, row) => {
      if (Number.isNaN(value)) return NaN;
      const ms = read(value);
      if (Number.isNaN(ms)) throw conversionError(column.name, row, String(value), 'datetime');
      return ms;
    });
  }
  return values.map((value, row) => {
    if (Number.isNaN(value)) return NaN;
    if (!Number.isInteger(value) || value < 1 || value > 9999) {
      throw conversionError(column.name, row, String(value), 'datetime');
    }
    return daysFromCivil(value, 1, 1) * DAY_MS;
  });
}

function fromNumbers(column: NumberColumn, type: TargetType, unit: NumberDateUnit): Column {
  const { name, values } = column;
  if (type === 'categorical' || type === 'text') {
    const index = new Map<number, number>();
    const dictionary: string[] = [];
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      if (value !== value) {
        codes[i] = -1;
        continue;
      }
      let code = index.get(value);
      if (code === undefined) {
        code = dictionary.length;
        index.set(value, code);
        dictionary.push(numberText(column.type, value));
      }
      codes[i] = code;
    }
    return { name, type, codes, dictionary };
  }
  if (type === 'datetime') {
    if (column.type === 'datetime') return column;
    if (column.type === 'boolean') {
      throw new PrepareError(
        'wrong-type',
        `Column “${name}” is true/false and cannot become dates.`,
        {
          column: name,
        },
      );
    }
    return { name, type, values: numbersToDates(column, unit) };
  }
  const bad =
    type === 'integer'
      ? (value: number) => !Number.isSafeInteger(value)
      : type === 'boolean'
        ? (value: number) => value !== 0 && value !== 1
        : () => false;
  for (let row = 0; row < values.length; row++) {
    const value = values[row] as number;
    if (value === value && bad(value)) {
      throw conversionError(name, row, numberText(column.type, value), type);
    }
  }
  return { name, type, values: column.type === type ? values : values.slice() };
}

/**
 * Changes column types (and what counts as missing in them), keeping every column's position.
 * A value that does not convert stops the step with an error naming the column, the row and
 * the value, so nothing is silently lost.
 */
export function changeTypes(table: Table, step: ChangeTypeStep): Table {
  requireColumns(
    table,
    step.changes.map((change) => change.column),
    'Change type',
  );
  const changes = new Map(step.changes.map((change) => [change.column, change.type]));
  return new Table(
    table.columns.map((original) => {
      const type = changes.get(original.name);
      if (type === undefined) return original;
      const column = step.missing ? applyMissingTokens(original, step.missing) : original;
      if (isNumberColumn(column)) return fromNumbers(column, type, step.dateUnit ?? 'epoch-ms');
      if (!isNumberType(type)) return { ...column, type: type as StringColumn['type'] };
      return fromStrings(
        column,
        type as Exclude<TargetType, 'categorical' | 'text'>,
        step.dateOrder,
      );
    }),
  );
}
