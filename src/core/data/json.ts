import { Table, type Column } from '../table';
import { ColumnBuilder } from './column-builder';
import { describeBinary, TextStreamDecoder } from './encoding';
import { finishColumn, mismatchError, type FinishContext } from './finish-column';
import { cleanHeaders } from './headers';
import { MissingTokens } from './missing';
import {
  checkImportOptions,
  isAborted,
  overrideFor,
  resolveLimits,
  unknownOverrideWarnings,
} from './options';
import {
  cancelledError,
  DEFAULT_JSON_MAX_BYTES,
  type ImportError,
  type ImportFormat,
  type ImportLimits,
  type ImportOptions,
  type ImportResult,
  type ImportWarning,
  type TextEncodingName,
} from './types';

export type JsonOptions = ImportOptions;

type Decoded =
  | { ok: true; text: string; encoding?: TextEncodingName; warnings: ImportWarning[] }
  | { ok: false; error: ImportError };

function decodeAll(
  input: Uint8Array | string,
  options: ImportOptions,
  limits: ImportLimits,
): Decoded {
  const size = input.length;
  if (size > limits.maxBytes) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `The file is larger than the limit of ${Math.round(limits.maxBytes / 1024 ** 2)} MB for JSON; convert it to CSV or JSON Lines, which stream.`,
      },
    };
  }
  if (typeof input === 'string') return { ok: true, text: input, warnings: [] };
  const binary = describeBinary(input);
  if (binary) return { ok: false, error: { code: 'binary', ...binary } };
  const decoder = new TextStreamDecoder(options.encoding ?? 'auto');
  const step = decoder.decode(input, true);
  if (!step.ok) {
    const line = step.textBefore.split('\n').length;
    return {
      ok: false,
      error: {
        code: 'encoding',
        message: `Line ${line} is not valid UTF-8, though earlier lines are. Choose the encoding to read it anyway.`,
        line,
      },
    };
  }
  return { ok: true, text: step.text, encoding: decoder.encoding, warnings: decoder.warnings };
}

/** Line and character (both 1-based) of an offset into text. */
function position(text: string, offset: number): { line: number; character: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart + 1 };
}

function syntaxError(text: string, error: unknown, lineOffset = 0): ImportError {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/ in JSON at position \d+/, '');
  const at = /position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : text.length;
  const { line, character } = position(text, offset);
  const where = lineOffset > 0 ? lineOffset : line;
  return {
    code: 'invalid-json',
    message: `Line ${where}${lineOffset > 0 ? '' : `, character ${character}`}: ${reason || 'invalid JSON'}.`,
    line: where,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Collects columns from rows given one at a time; keys become columns in order of first
 * appearance and rows that lack a key get a missing value there.
 */
class RowCollector {
  private readonly byKey = new Map<string, ColumnBuilder>();
  readonly keys: string[] = [];
  rows = 0;
  private readonly missing: MissingTokens;

  constructor(
    private readonly options: ImportOptions,
    private readonly limits: ImportLimits,
  ) {
    this.missing = new MissingTokens(options.missing);
  }

  private builderFor(key: string): ColumnBuilder | ImportError {
    let builder = this.byKey.get(key);
    if (builder) return builder;
    if (this.keys.length >= this.limits.maxColumns) {
      return {
        code: 'too-many-columns',
        message: `The data has more than ${this.limits.maxColumns} columns.`,
        field: key,
      };
    }
    const type =
      overrideFor(this.options.types, key) ?? overrideFor(this.options.types, key.trim());
    builder = new ColumnBuilder(type ?? 'infer', this.missing);
    builder.padTo(this.rows);
    this.byKey.set(key, builder);
    this.keys.push(key);
    return builder;
  }

  /**
   * Adds a row: an object (keys are columns) or an array of values, named by `names` (unique)
   * or by position.
   */
  add(
    row: unknown,
    fieldOf: (key: string) => string,
    names: readonly string[] | null = null,
  ): ImportError | null {
    if ((this.rows + 1) * Math.max(1, this.keys.length) > this.limits.maxCells) {
      return {
        code: 'too-large',
        message: `The table would have more than ${this.limits.maxCells.toLocaleString('en-US')} cells.`,
        field: fieldOf(''),
      };
    }
    if (row !== null) {
      let entries: [string, unknown][];
      if (Array.isArray(row)) {
        entries = row.map((value, i) => [names?.[i] ?? `column_${i + 1}`, value]);
      } else if (isRecord(row)) {
        entries = Object.keys(row).map((key) => [key, row[key]]);
      } else {
        return {
          code: 'invalid-json',
          message: `${fieldOf('')} is ${typeof row === 'string' ? 'a string' : `a ${typeof row}`}, but each row must be an object (or a list of values).`,
          field: fieldOf(''),
        };
      }
      for (const [key, value] of entries) {
        const builder = this.builderFor(key);
        if (!(builder instanceof ColumnBuilder)) return builder;
        builder.padTo(this.rows);
        if (!builder.pushValue(value)) {
          const type = builder.target === 'integer' ? 'integer' : 'number';
          const failure = builder.failure ?? { row: this.rows, text: String(value) };
          return mismatchError(
            { lineOf: () => undefined, fieldOf: () => fieldOf(key) },
            key,
            failure,
            type,
          );
        }
      }
    }
    this.rows++;
    return null;
  }

  finish(
    format: ImportFormat,
    context: FinishContext,
    meta: { bytes: number; encoding?: TextEncodingName },
    warnings: ImportWarning[],
  ): ImportResult {
    const cleaned = cleanHeaders(this.keys);
    warnings.push(...cleaned.warnings);
    const columns: Column[] = [];
    for (let j = 0; j < this.keys.length; j++) {
      const builder = this.byKey.get(this.keys[j] as string) as ColumnBuilder;
      builder.padTo(this.rows);
      const finished = finishColumn(cleaned.names[j] as string, builder, context);
      if (!finished.ok) return { ok: false, error: finished.error };
      columns.push(finished.column);
      warnings.push(...finished.warnings);
    }
    warnings.push(...unknownOverrideWarnings(this.options.types, [...cleaned.names, ...this.keys]));
    return {
      ok: true,
      table: new Table(columns),
      warnings,
      meta: { format, ...meta, rows: this.rows, columns: columns.length },
    };
  }

  /** Adds a whole column (columnar JSON); `values` must have `rows` items. */
  addColumn(
    key: string,
    values: readonly unknown[],
    fieldOf: (row: number) => string,
  ): ImportError | null {
    if (values.length * (this.keys.length + 1) > this.limits.maxCells) {
      return {
        code: 'too-large',
        message: `The table would have more than ${this.limits.maxCells.toLocaleString('en-US')} cells.`,
        field: key,
      };
    }
    const builder = this.builderFor(key);
    if (!(builder instanceof ColumnBuilder)) return builder;
    for (let row = 0; row < values.length; row++) {
      if (!builder.pushValue(values[row])) {
        const type = builder.target === 'integer' ? 'integer' : 'number';
        const failure = builder.failure ?? { row, text: String(values[row]) };
        return mismatchError({ lineOf: () => undefined, fieldOf }, key, failure, type);
      }
    }
    return null;
  }
}

const fieldName = (key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;

/** A path such as `columns.price` or `price`: no leading dot at the root. */
const joinPath = (base: string, key: string) => {
  const tail = fieldName(key);
  return base === '' && tail.startsWith('.') ? tail.slice(1) : `${base}${tail}`;
};

/**
 * Parses JSON holding a table: an array of row objects (or of value arrays), `{"data": [...]}`
 * (with `"columns": [names]` for arrays, as pandas writes `orient="split"`), or columns as
 * `{"columns": {"name": [values]}}` or `{"name": [values], …}`.
 */
export function parseJson(input: Uint8Array | string, options: JsonOptions = {}): ImportResult {
  const invalid = checkImportOptions(options);
  if (invalid) return { ok: false, error: invalid };
  const limits = resolveLimits({ maxBytes: DEFAULT_JSON_MAX_BYTES, ...options.limits });
  if (isAborted(options.signal)) return { ok: false, error: cancelledError() };
  const decoded = decodeAll(input, options, limits);
  if (!decoded.ok) return decoded;
  const { text } = decoded;
  if (text.trim() === '')
    return { ok: false, error: { code: 'empty', message: 'The file is empty.', line: 1 } };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: syntaxError(text, error) };
  }
  const collector = new RowCollector(options, limits);
  const meta = { bytes: input.length, ...(decoded.encoding ? { encoding: decoded.encoding } : {}) };
  const warnings = [...decoded.warnings];
  const shapeError = (message: string, field?: string): ImportResult => ({
    ok: false,
    error: { code: 'invalid-json', message, ...(field === undefined ? {} : { field }) },
  });

  let rows: readonly unknown[] | null = null;
  let names: readonly unknown[] | null = null;
  let prefix = '';
  if (Array.isArray(root)) rows = root;
  else if (isRecord(root)) {
    if (Object.hasOwn(root, 'data') && Array.isArray(root.data)) {
      rows = root.data;
      prefix = 'data';
      if (Object.hasOwn(root, 'columns') && Array.isArray(root.columns)) names = root.columns;
    } else {
      const columns =
        Object.hasOwn(root, 'columns') && isRecord(root.columns) ? root.columns : root;
      const base = columns === root ? '' : 'columns';
      const keys = Object.keys(columns);
      if (keys.length === 0 || !keys.every((key) => Array.isArray(columns[key]))) {
        return shapeError(
          'Expected a table: an array of rows, {"data": [rows]}, or {"columns": {"name": [values]}}.',
        );
      }
      const length = (columns[keys[0] as string] as unknown[]).length;
      for (const key of keys) {
        const values = columns[key] as unknown[];
        const path = joinPath(base, key);
        if (values.length !== length) {
          return shapeError(
            `${path} has ${values.length} values, but ${joinPath(base, keys[0] as string)} has ${length}.`,
            path,
          );
        }
        const error = collector.addColumn(key, values, (row) => `${path}[${row}]`);
        if (error) return { ok: false, error };
      }
      collector.rows = length;
      const context: FinishContext = {
        lineOf: () => undefined,
        fieldOf: (row, column) => `${joinPath(base, column)}[${row}]`,
        ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
      };
      return collector.finish('json', context, meta, warnings);
    }
  } else return shapeError('Expected a table: an array of rows or an object of columns.');

  const header = names
    ? cleanHeaders(names.map((name, i) => (typeof name === 'string' ? name : `column_${i + 1}`)))
        .names
    : null;
  for (let i = 0; i < rows.length; i++) {
    if (i % 65_536 === 0 && isAborted(options.signal))
      return { ok: false, error: cancelledError() };
    const row = rows[i];
    if (header && Array.isArray(row) && row.length !== header.length) {
      return shapeError(
        `${prefix}[${i}] has ${row.length} values, but there are ${header.length} columns.`,
        `${prefix}[${i}]`,
      );
    }
    const fieldOf = (key: string) => `${prefix}[${i}]${key === '' ? '' : fieldName(key)}`;
    const error = collector.add(row, fieldOf, header);
    if (error) return { ok: false, error };
  }
  const context: FinishContext = {
    lineOf: () => undefined,
    fieldOf: (row, column) => `${prefix}[${row}]${fieldName(column)}`,
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
  if (rows.length === 0)
    return { ok: false, error: { code: 'empty', message: 'The table has no rows.' } };
  return collector.finish('json', context, meta, warnings);
}

/** Parses JSON Lines: one JSON object (or array of values) per line; blank lines are skipped. */
export function parseJsonLines(
  input: Uint8Array | string,
  options: JsonOptions = {},
): ImportResult {
  const invalid = checkImportOptions(options);
  if (invalid) return { ok: false, error: invalid };
  const limits = resolveLimits(options.limits);
  if (isAborted(options.signal)) return { ok: false, error: cancelledError() };
  const decoded = decodeAll(input, options, limits);
  if (!decoded.ok) return decoded;
  const { text } = decoded;
  const collector = new RowCollector(options, limits);
  let rowLines = new Int32Array(1024);
  let line = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    if (end - start > limits.maxLineChars) {
      return {
        ok: false,
        error: {
          code: 'line-too-long',
          message: `Line ${line} is longer than ${Math.round(limits.maxLineChars / 1024 ** 2)} MB.`,
          line,
        },
      };
    }
    const source = text.slice(start, end).trim();
    start = end + 1;
    if (source === '') continue;
    if (line % 65_536 === 0 && isAborted(options.signal))
      return { ok: false, error: cancelledError() };
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      return { ok: false, error: syntaxError(source, error, line) };
    }
    if (collector.rows === rowLines.length) {
      const grown = new Int32Array(rowLines.length * 2);
      grown.set(rowLines);
      rowLines = grown;
    }
    rowLines[collector.rows] = line;
    const atLine = line;
    const error = collector.add(value, () => `line ${atLine}`);
    if (error) return { ok: false, error: { ...error, line: atLine } };
  }
  if (collector.rows === 0)
    return { ok: false, error: { code: 'empty', message: 'The file has no rows.', line: 1 } };
  const lines = rowLines;
  const context: FinishContext = {
    lineOf: (row) => lines[row],
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
  const meta = { bytes: input.length, ...(decoded.encoding ? { encoding: decoded.encoding } : {}) };
  return collector.finish('jsonl', context, meta, [...decoded.warnings]);
}
