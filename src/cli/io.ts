import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectFormat, parseCsv, parseJson, parseJsonLines, parseParquet } from '../core/data';
import { parseNumberText } from '../core/data/number-text';
import type { DateOrder, ImportResult } from '../core/data';
import { isNumberColumn, numberColumn, Table, type LogicalType } from '../core/table';
import { CliError } from './errors';

export interface ReadOptions {
  delimiter?: string;
  encoding?: 'auto' | 'utf-8' | 'latin1';
  /**
   * Column types to read with instead of inferring them: a file scored by a model is read with
   * the types the model was trained on, so that a column whose few rows look like integers is
   * still read as the categories it was trained on. Names the file lacks are ignored.
   */
  types?: ReadonlyMap<string, LogicalType>;
  /** How numeric dates that could be either (`1/2/2015`) are read. */
  dateOrder?: DateOrder;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CliError(`${path} is a folder, not a data file.`);
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
}

async function fileBytes(path: string): Promise<Uint8Array> {
  const bytes = await readBytes(path);
  if (!bytes.length) throw new CliError(`${path} is empty.`);
  return bytes;
}

async function parseFile(
  path: string,
  bytes: Uint8Array,
  options: ReadOptions,
): Promise<ImportResult> {
  const fileName = basename(path);
  const format = detectFormat(bytes, fileName);
  const encoding = options.encoding ?? 'auto';
  // How cells become values, whatever the format: held column types and the order of dates.
  const cells = {
    ...(options.types ? { types: new Map(options.types) } : {}),
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
  if (format === 'parquet') return parseParquet(bytes, cells);
  if (format === 'json') return parseJson(bytes, { encoding, ...cells });
  if (format === 'jsonl') return parseJsonLines(bytes, { encoding, ...cells });
  const delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(fileName) ? '\t' : undefined);
  return parseCsv(bytes, { encoding, ...cells, ...(delimiter ? { delimiter } : {}) });
}

function tableOf(path: string, result: ImportResult): Table {
  if (!result.ok) {
    const { message, line, column } = result.error;
    // Most messages name their line and column already.
    const placed = line !== undefined && message.includes(`Line ${line},`);
    const where = placed
      ? ''
      : [line !== undefined ? `line ${line}` : '', column ? `column “${column}”` : '']
          .filter(Boolean)
          .join(', ');
    throw new CliError(`${path}${where ? ` (${where})` : ''}: ${message}`, 1);
  }
  if (!result.table.rowCount) throw new CliError(`${path} has a header but no rows.`);
  return result.table;
}

/** Reads a CSV, TSV, JSON, JSON Lines or Parquet file into a table, or fails saying where. */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table> {
  return tableOf(path, await parseFile(path, await fileBytes(path), options));
}

const NUMBER_TYPES: ReadonlySet<LogicalType> = new Set(['numeric', 'integer', 'boolean']);
const BOOLEAN_TEXT: Readonly<Record<string, number>> = { true: 1, false: 0, yes: 1, no: 0 };

/**
 * Reads a file to be scored by a model, with the column types it was trained on (see
 * `scoringTypes`). A cell that cannot be of its column's trained kind (“rotary” in a column of
 * cylinder counts) does not stop the scoring: it is read as missing, as the model reads a missing
 * value, and `warn` says which column, how many cells and the first of them.
 */
export async function readScoringTable(
  path: string,
  trained: Iterable<readonly [string, LogicalType]>,
  warn: (text: string) => void,
  options: Omit<ReadOptions, 'types'> = {},
): Promise<Table> {
  const expected = new Map(trained);
  const types = new Map(scoringTypes(expected));
  const released = new Set<string>();
  // Read once; each pass below parses the same bytes again.
  const bytes = await fileBytes(path);
  let result = await parseFile(path, bytes, { ...options, types });
  // Each pass releases one column whose cells do not all fit its trained type.
  while (!result.ok && result.error.code === 'type-mismatch' && result.error.column) {
    const column = result.error.column;
    if (!types.has(column) || released.has(column)) break;
    types.delete(column);
    released.add(column);
    result = await parseFile(path, bytes, { ...options, types });
  }
  const table = tableOf(path, result);
  if (!released.size) return table;
  const columns = table.columns.map((column) => {
    const type = expected.get(column.name);
    if (!released.has(column.name) || !type || !NUMBER_TYPES.has(type) || isNumberColumn(column)) {
      return column;
    }
    const parsed = column.dictionary.map((text) =>
      type === 'boolean'
        ? (BOOLEAN_TEXT[text.trim().toLowerCase()] ?? parseNumberText(text.trim()))
        : parseNumberText(text.trim()),
    );
    const values = new Float64Array(column.codes.length);
    let unreadable = 0;
    let first = -1;
    column.codes.forEach((code, row) => {
      const value = code < 0 ? NaN : (parsed[code] as number);
      values[row] = value;
      if (code >= 0 && Number.isNaN(value)) {
        unreadable++;
        if (first < 0) first = row;
      }
    });
    const example = column.dictionary[column.codes[first] as number] ?? '';
    warn(
      `${path}: column “${column.name}” was trained on ${type === 'boolean' ? 'true/false values' : 'numbers'}, ` +
        `but ${unreadable} of its values ${unreadable === 1 ? 'is' : 'are'} not (“${example.slice(0, 40)}”, row ${first + 1}); ` +
        `${unreadable === 1 ? 'it is' : 'they are'} scored as missing.\n`,
    );
    return numberColumn(column.name, values, type === 'boolean' ? 'boolean' : 'numeric');
  });
  return new Table(columns);
}

export function parseJsonOption(text: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${flag} must be a JSON object, e.g. '{"max_iter": 200}'.`);
  }
  return value as Record<string, unknown>;
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0)
    throw new CliError(`--seed must be a whole number ≥ 0, got “${text}”.`);
  return seed;
}

/**
 * The types to read a file scored against a model with, from the types it was trained on:
 * integers are read as numbers (a held-out 4.5 in a column of whole numbers is still a number).
 */
export function scoringTypes(
  types: Iterable<readonly [string, LogicalType]>,
): ReadonlyMap<string, LogicalType> {
  return new Map(
    [...types].map(([name, type]) => [name, type === 'integer' ? 'numeric' : type] as const),
  );
}

/** Each column's type, to read another file of the same table with. */
export const typesOf = (table: Table): ReadonlyMap<string, LogicalType> =>
  new Map(table.columns.map((column) => [column.name, column.type]));

const columnList = (names: readonly string[]) =>
  `column${names.length > 1 ? 's' : ''} ${names.map((name) => `“${name}”`).join(', ')}`;

/**
 * A test file is scored against its target, so it must have that column; a training column it
 * lacks is named now (it fails only if the model turns out to read it: see `requireFeatures`).
 */
export function checkTestColumns(
  path: string,
  test: Table,
  train: Table,
  target: string,
  warn: (text: string) => void,
  ignore: readonly string[] = [],
): void {
  if (!test.has(target)) {
    throw new CliError(
      `${path} has no column “${target}”, the target, so the model cannot be scored on it.`,
      1,
    );
  }
  const lacking = train.names.filter(
    (name) => name !== target && !ignore.includes(name) && !test.has(name),
  );
  if (lacking.length) {
    warn(
      `Note: ${path} lacks the ${columnList(lacking)}; scoring it fails if the model reads ${lacking.length > 1 ? 'them' : 'it'}.\n`,
    );
  }
}

/** Stops with the columns a model reads that a file to score lacks. */
export function requireFeatures(path: string, table: Table, features: readonly string[]): void {
  const missing = features.filter((name) => !table.has(name));
  if (missing.length) {
    throw new CliError(`${path} lacks the ${columnList(missing)} the model needs.`, 1);
  }
}
