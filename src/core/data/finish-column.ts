import type { Column, StringColumn, StringType } from '../table';
import { ColumnBuilder, DATETIME, EMPTY, NUMBER, type CellSample } from './column-builder';
import { parseDictionaryDates } from './datetime-text';
import { parseFormattedNumbers } from './formatted-number';
import { parseNumberText } from './number-text';
import type { DateOrder, ImportError, ImportWarning } from './types';

export interface FinishContext {
  /** The 1-based line a data row starts on, when the format has lines. */
  readonly lineOf: (row: number) => number | undefined;
  /** A path for a data row in structured input, e.g. `[12]`. */
  readonly fieldOf?: (row: number, column: string) => string;
  readonly dateOrder?: DateOrder;
  /** The file's decimal mark, tried first when reading formatted numbers (`1.234,5`). */
  readonly decimal?: '.' | ',';
}

export type FinishedColumn =
  | { readonly ok: true; readonly column: Column; readonly warnings: readonly ImportWarning[] }
  | { readonly ok: false; readonly error: ImportError };

const quote = (text: string) => `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;

export function where(context: FinishContext, row: number, column: string) {
  const line = context.lineOf(row);
  const field = context.fieldOf?.(row, column);
  return {
    ...(line === undefined ? {} : { line }),
    column,
    ...(field === undefined ? {} : { field }),
  };
}

export function describeRow(context: FinishContext, row: number, column: string): string {
  const line = context.lineOf(row);
  if (line !== undefined) return `line ${line}`;
  return context.fieldOf?.(row, column) ?? `row ${row + 1}`;
}

/** A value that does not fit the type the user chose for its column. */
export function mismatchError(
  context: FinishContext,
  column: string,
  cell: CellSample,
  type: string,
): ImportError {
  const line = context.lineOf(cell.row);
  const field = context.fieldOf?.(cell.row, column);
  const place =
    line !== undefined
      ? `Line ${line}, column “${column}”`
      : field !== undefined
        ? `${field} (column “${column}”)`
        : `Row ${cell.row + 1}, column “${column}”`;
  return {
    code: 'type-mismatch',
    message: `${place}: ${quote(cell.text)} is not ${article(type)} ${type}.`,
    ...where(context, cell.row, column),
  };
}

const article = (type: string) => (/^[aeiou]/.test(type) ? 'an' : 'a');

/** Pairs that make a column boolean when all its values come from one of them. */
const BOOLEAN_PAIRS: readonly (readonly [string, string])[] = [
  ['true', 'false'],
  ['yes', 'no'],
  ['y', 'n'],
];
/** A column the user declared boolean also accepts these (`f` alone could be “female”). */
const HELD_BOOLEAN = new Map<string, number>([
  ...BOOLEAN_PAIRS.flatMap(([yes, no]) => [[yes, 1] as const, [no, 0] as const]),
  ['t', 1],
  ['f', 0],
  ['1', 1],
  ['0', 0],
  ['on', 1],
  ['off', 0],
]);

const BOOLEAN_WORDS = 'is|has|was|were|can|should|did|does|will|allow|enable';
/** `is_active`, `Has garden`, `isActive`, `spam_flag`, `flag`: names of yes/no columns. */
const BOOLEAN_NAMES = [
  new RegExp(`^(?:${BOOLEAN_WORDS})[_\\s.-]`, 'i'),
  new RegExp(`^(?:${BOOLEAN_WORDS})[A-Z]`),
  /(?:^|[_\s.-])(?:flag|bool|boolean)$/i,
  /^(?:flag|bool|boolean)(?:[_\s.-]|$)/i,
];
const isBooleanName = (name: string) => BOOLEAN_NAMES.some((pattern) => pattern.test(name));

/** Per-code lookup: 1, 0, or NaN when the text is not a boolean in one consistent pair. */
function inferredBooleans(dictionary: readonly string[]): Float64Array | null {
  const lower = dictionary.map((value) => value.trim().toLowerCase());
  for (const [yes, no] of BOOLEAN_PAIRS) {
    if (lower.every((value) => value === yes || value === no)) {
      return Float64Array.from(lower, (value) => (value === yes ? 1 : 0));
    }
  }
  return null;
}

function codeCounts(codes: Int32Array, size: number): Float64Array {
  const counts = new Float64Array(size);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code >= 0) counts[code] = (counts[code] as number) + 1;
  }
  return counts;
}

function firstRowWithCode(codes: Int32Array, wanted: (code: number) => boolean): number {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code >= 0 && wanted(code)) return i;
  }
  return -1;
}

function lookUp(codes: Int32Array, table: Float64Array): Float64Array {
  const values = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    values[i] = code < 0 ? NaN : (table[code] as number);
  }
  return values;
}

/**
 * Categorical or text: text when values are long on average, or when most values are distinct
 * and read like phrases (several words). Short unique codes stay categorical: the profile flags
 * them as possible IDs instead.
 */
export function chooseStringType(dictionary: readonly string[], counts: Float64Array): StringType {
  let present = 0;
  let characters = 0;
  for (let code = 0; code < dictionary.length; code++) {
    const count = counts[code] as number;
    present += count;
    characters += count * (dictionary[code] as string).length;
  }
  if (present === 0) return 'categorical';
  if (characters / present >= 40) return 'text';
  const distinct = dictionary.length;
  if (distinct < 50 || distinct / present <= 0.5) return 'categorical';
  const step = Math.max(1, Math.floor(distinct / 1000));
  let sampled = 0;
  let words = 0;
  for (let code = 0; code < distinct; code += step) {
    words += (dictionary[code] as string).trim().split(/\s+/).length;
    sampled++;
  }
  return words / sampled >= 3 ? 'text' : 'categorical';
}

/** Turns a finished builder into a column of the right type, with what the user should know. */
export function finishColumn(
  name: string,
  builder: ColumnBuilder,
  context: FinishContext,
): FinishedColumn {
  const target = builder.target;
  if (builder.failure) {
    const type = target === 'integer' ? 'integer' : 'number';
    return { ok: false, error: mismatchError(context, name, builder.failure, type) };
  }
  const warnings: ImportWarning[] = [];
  const mode = builder.mode;
  if (mode === EMPTY || mode === NUMBER) {
    const values = builder.takeValues();
    if (mode === EMPTY) {
      if (values.length > 0) {
        warnings.push({
          code: 'all-missing',
          message: `Column “${name}” has no values: every cell is missing.`,
          column: name,
        });
      }
      return { ok: true, column: { name, type: 'numeric', values }, warnings };
    }
    if (target === 'numeric' || target === 'integer') {
      return { ok: true, column: { name, type: target, values }, warnings };
    }
    if (builder.leadingZero) {
      warnings.push({
        code: 'leading-zeros',
        message: `Column “${name}” was read as numbers, but ${quote(builder.leadingZero.text)} (${describeRow(context, builder.leadingZero.row, name)}) has leading zeros, as codes do; choose “categorical” for this column to keep them.`,
        ...where(context, builder.leadingZero.row, name),
      });
    }
    if (builder.unsafeInteger) {
      warnings.push({
        code: 'precision-loss',
        message: `Column “${name}” has integers too large to store exactly, e.g. ${quote(builder.unsafeInteger.text)} (${describeRow(context, builder.unsafeInteger.row, name)}); choose “categorical” for this column to keep them as text.`,
        ...where(context, builder.unsafeInteger.row, name),
      });
    }
    const integer = builder.allIntegerLiterals;
    if (integer && isBooleanName(name) && isZeroOne(values)) {
      return { ok: true, column: { name, type: 'boolean', values }, warnings };
    }
    return { ok: true, column: { name, type: integer ? 'integer' : 'numeric', values }, warnings };
  }
  if (mode === DATETIME) {
    return { ok: true, column: { name, type: 'datetime', values: builder.takeValues() }, warnings };
  }
  return finishStrings(name, builder, context, warnings);
}

function isZeroOne(values: Float64Array): boolean {
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value !== value) continue;
    if (value !== 0 && value !== 1) return false;
    any = true;
  }
  return any;
}

function finishStrings(
  name: string,
  builder: ColumnBuilder,
  context: FinishContext,
  warnings: ImportWarning[],
): FinishedColumn {
  const target = builder.target;
  const dictionary = builder.dictionary;
  const codes = builder.takeCodes();
  if (builder.nested) {
    warnings.push({
      code: 'nested-values',
      message: `Column “${name}” holds objects or lists; they were kept as JSON text.`,
      column: name,
    });
  }
  if (target === 'boolean') {
    const table = Float64Array.from(dictionary, (value) => {
      const bit = HELD_BOOLEAN.get(value.trim().toLowerCase());
      return bit === undefined ? NaN : bit;
    });
    const bad = firstRowWithCode(codes, (code) => Number.isNaN(table[code]));
    if (bad >= 0) {
      const text = dictionary[codes[bad] as number] as string;
      return { ok: false, error: mismatchError(context, name, { row: bad, text }, 'boolean') };
    }
    return { ok: true, column: { name, type: 'boolean', values: lookUp(codes, table) }, warnings };
  }
  if (target === 'datetime') {
    const dates = parseDictionaryDates(dictionary, context.dateOrder);
    if (dates.kind === 'dates') {
      return {
        ok: true,
        column: { name, type: 'datetime', values: lookUp(codes, dates.epochs) },
        warnings,
      };
    }
    const badText =
      dates.kind === 'ambiguous'
        ? dates.example
        : ((dictionary[dates.failedAt] as string | undefined) ?? '');
    const bad = firstRowWithCode(codes, (code) => dictionary[code] === badText);
    const error = mismatchError(context, name, { row: Math.max(0, bad), text: badText }, 'date');
    if (dates.kind === 'ambiguous') {
      return {
        ok: false,
        error: {
          ...error,
          message: `Column “${name}”: dates such as ${quote(badText)} could be day/month or month/day; choose the date order.`,
        },
      };
    }
    return { ok: false, error };
  }
  if (target === 'categorical' || target === 'text' || target === 'image') {
    return { ok: true, column: stringColumnOf(name, target, codes, dictionary), warnings };
  }
  const counts = codeCounts(codes, dictionary.length);
  if (target === 'infer') {
    const booleans = inferredBooleans(dictionary);
    if (booleans) {
      return {
        ok: true,
        column: { name, type: 'boolean', values: lookUp(codes, booleans) },
        warnings,
      };
    }
    const dates = parseDictionaryDates(dictionary, context.dateOrder);
    if (dates.kind === 'dates') {
      return {
        ok: true,
        column: { name, type: 'datetime', values: lookUp(codes, dates.epochs) },
        warnings,
      };
    }
    if (dates.kind === 'ambiguous') {
      warnings.push({
        code: 'ambiguous-dates',
        message: `Column “${name}” looks like dates, but ${quote(dates.example)} could be day/month or month/day; it was kept as text. To read it as dates, import it again choosing the order under Dates, or change its type to datetime and choose the order (Prepare › Change type).`,
        column: name,
      });
    }
    const formatted = parseFormattedNumbers(dictionary, context.decimal);
    if (formatted) {
      warnings.push({
        code: 'formatted-numbers',
        message: `Column “${name}” holds formatted numbers such as ${quote(formatted.example)}; they were read as numbers (${formatted.removed}). Choose “categorical” for this column to keep the text.`,
        column: name,
      });
      return {
        ok: true,
        column: {
          name,
          type: formatted.integers ? 'integer' : 'numeric',
          values: lookUp(codes, formatted.values),
        },
        warnings,
      };
    }
    const mixed = mixedTypesWarning(name, builder, codes, counts, context);
    if (mixed) warnings.push(mixed);
  }
  const type = chooseStringType(dictionary, counts);
  return { ok: true, column: stringColumnOf(name, type, codes, dictionary), warnings };
}

const stringColumnOf = (
  name: string,
  type: StringType,
  codes: Int32Array,
  dictionary: readonly string[],
): StringColumn => ({ name, type, codes, dictionary });

/** Mostly numbers with some text: kept as text, and the first text cell is named. */
function mixedTypesWarning(
  name: string,
  builder: ColumnBuilder,
  codes: Int32Array,
  counts: Float64Array,
  context: FinishContext,
): ImportWarning | null {
  const dictionary = builder.dictionary;
  const numeric = new Uint8Array(dictionary.length);
  let numericCells = 0;
  let present = 0;
  for (let code = 0; code < dictionary.length; code++) {
    present += counts[code] as number;
    if (!Number.isNaN(parseNumberText(dictionary[code] as string))) {
      numeric[code] = 1;
      numericCells += counts[code] as number;
    }
  }
  if (numericCells === 0 || numericCells === present || numericCells / present < 0.5) return null;
  let sample = builder.firstMismatch;
  if (!sample) {
    const row = firstRowWithCode(codes, (code) => numeric[code] === 0);
    sample = { row, text: dictionary[codes[row] as number] as string };
  }
  const share = Math.round((100 * numericCells) / present);
  const rewritten = builder.reformatted
    ? ' Some numbers were rewritten in plain form (e.g. 1.50 → 1.5) because the file is large.'
    : '';
  return {
    code: 'mixed-types',
    message: `Column “${name}” is ${share}% numbers, but ${quote(sample.text)} (${describeRow(context, sample.row, name)}) is not a number, so the column was read as text.${rewritten}`,
    ...where(context, sample.row, name),
  };
}
