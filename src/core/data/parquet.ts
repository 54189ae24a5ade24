import {
  parquetMetadata,
  parquetRead,
  parquetSchema,
  type ColumnData,
  type FileMetaData,
  type SchemaTree,
} from 'hyparquet';
import { Table, type Column, type LogicalType } from '../table';
import { ColumnBuilder } from './column-builder';
import { formatDatetime } from './datetime-text';
import { finishColumn, type FinishContext } from './finish-column';
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
  type ImportError,
  type ImportOptions,
  type ImportResult,
  type ImportWarning,
} from './types';

export type ParquetOptions = ImportOptions;

/** How a Parquet column maps to a column here; `null` for kinds with no table form (raw bytes). */
type SourceKind = 'numeric' | 'integer' | 'boolean' | 'datetime' | 'string' | 'nested' | null;

function sourceKind(tree: SchemaTree): SourceKind {
  if (tree.children.length > 0) return 'nested';
  const { type, converted_type: converted, logical_type: logical } = tree.element;
  if (tree.element.repetition_type === 'REPEATED') return 'nested';
  const logicalType = logical?.type;
  if (
    converted === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    logicalType === 'DATE' ||
    logicalType === 'TIMESTAMP' ||
    type === 'INT96'
  ) {
    return 'datetime';
  }
  if (converted === 'DECIMAL' || logicalType === 'DECIMAL' || logicalType === 'FLOAT16')
    return 'numeric';
  if (converted === 'JSON' || logicalType === 'JSON') return 'nested';
  switch (type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return converted === 'TIME_MILLIS' || converted === 'TIME_MICROS' || logicalType === 'TIME'
        ? 'numeric'
        : 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'numeric';
    case 'BYTE_ARRAY':
      return 'string';
    default:
      return logicalType === 'UUID' ? 'string' : null;
  }
}

const toMillis = (value: unknown) =>
  value === undefined || value === null ? undefined : Number(value);

/** Timestamps arrive as plain epoch milliseconds rather than Date objects. */
const PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => toMillis(millis),
  timestampFromMicroseconds: (micros: bigint) =>
    micros === undefined || micros === null ? undefined : Number(micros) / 1000,
  timestampFromNanoseconds: (nanos: bigint) =>
    nanos === undefined || nanos === null ? undefined : Number(nanos) / 1e6,
  dateFromDays: (days: number) =>
    days === undefined || days === null ? undefined : Number(days) * 86_400_000,
};

const MAX_SAFE = 2 ** 53;

interface Pending {
  readonly name: string;
  readonly kind: Exclude<SourceKind, null>;
  readonly chunks: ColumnData[];
}

/**
 * Reads a Parquet file with hyparquet. The file's own types are kept (integers, floats,
 * booleans, dates and timestamps, strings as categorical or text); nested and JSON columns become
 * JSON text, and raw binary columns are skipped with a warning. Overrides convert any column.
 */
export async function parseParquet(
  input: ArrayBuffer | Uint8Array,
  options: ParquetOptions = {},
): Promise<ImportResult> {
  const invalid = checkImportOptions(options);
  if (invalid) return { ok: false, error: invalid };
  const limits = resolveLimits(options.limits);
  const buffer =
    input instanceof Uint8Array
      ? (input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength) as ArrayBuffer)
      : input;
  if (buffer.byteLength > limits.maxBytes) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `The file is larger than the limit of ${limits.maxBytes} bytes.`,
      },
    };
  }
  const head = new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength));
  if (buffer.byteLength < 12 || String.fromCharCode(...head) !== 'PAR1') {
    return {
      ok: false,
      error: {
        code: 'invalid-parquet',
        message: 'This is not a Parquet file (it does not start with “PAR1”).',
      },
    };
  }
  let metadata: FileMetaData;
  let schema: SchemaTree;
  try {
    metadata = parquetMetadata(buffer, { parsers: PARSERS });
    schema = parquetSchema(metadata);
  } catch (error) {
    return { ok: false, error: parquetError(error) };
  }
  const rows = Number(metadata.num_rows);
  const fields = schema.children;
  const warnings: ImportWarning[] = [];
  if (fields.length > limits.maxColumns) {
    return {
      ok: false,
      error: {
        code: 'too-many-columns',
        message: `The file has ${fields.length} columns; the limit is ${limits.maxColumns}.`,
      },
    };
  }
  if (!(rows >= 0) || rows * Math.max(1, fields.length) > limits.maxCells) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `The table would have more than ${limits.maxCells.toLocaleString('en-US')} cells (${rows} rows × ${fields.length} columns).`,
      },
    };
  }
  const cleaned = cleanHeaders(fields.map((field) => field.element.name));
  warnings.push(...cleaned.warnings);
  const pending: Pending[] = [];
  const bySource = new Map<string, Pending>();
  const skipped: string[] = [];
  fields.forEach((field, i) => {
    const kind = sourceKind(field);
    const name = cleaned.names[i] as string;
    if (kind === null) skipped.push(name);
    else {
      const entry: Pending = { name, kind, chunks: [] };
      pending.push(entry);
      bySource.set(field.element.name, entry);
    }
  });
  if (skipped.length > 0) {
    warnings.push({
      code: 'skipped-columns',
      message: `Columns of raw bytes were skipped: ${skipped.join(', ')}.`,
    });
  }
  if (isAborted(options.signal)) return { ok: false, error: cancelledError() };
  let cancelled = false;
  try {
    await parquetRead({
      file: buffer,
      metadata,
      parsers: PARSERS,
      columns: [...bySource.keys()],
      onChunk: (chunk) => {
        if (isAborted(options.signal)) cancelled = true;
        if (!cancelled) bySource.get(chunk.columnName)?.chunks.push(chunk);
      },
    });
  } catch (error) {
    return { ok: false, error: parquetError(error) };
  }
  if (cancelled || isAborted(options.signal)) return { ok: false, error: cancelledError() };

  const missing = new MissingTokens(options.missing ?? []);
  const context: FinishContext = {
    lineOf: () => undefined,
    fieldOf: (row, column) => `${column}[${row}]`,
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
  const columns: Column[] = [];
  for (const entry of pending) {
    entry.chunks.sort((a, b) => a.rowStart - b.rowStart);
    const override = overrideFor(options.types, entry.name);
    const built = buildColumn(entry, rows, override, missing, context, warnings);
    if ('code' in built) return { ok: false, error: built };
    columns.push(built);
  }
  warnings.push(...unknownOverrideWarnings(options.types, cleaned.names));
  return {
    ok: true,
    table: new Table(columns),
    warnings,
    meta: { format: 'parquet', bytes: buffer.byteLength, rows, columns: columns.length },
  };
}

function parquetError(error: unknown): ImportError {
  const reason = error instanceof Error ? error.message : String(error);
  return { code: 'invalid-parquet', message: `The Parquet file cannot be read: ${reason}.` };
}

function buildColumn(
  entry: Pending,
  rows: number,
  override: LogicalType | undefined,
  missing: MissingTokens,
  context: FinishContext,
  warnings: ImportWarning[],
): Column | ImportError {
  const { name, kind } = entry;
  const numeric =
    kind === 'numeric' || kind === 'integer' || kind === 'boolean' || kind === 'datetime';
  if (numeric && (override === undefined || override === kind)) {
    const values = new Float64Array(rows).fill(NaN);
    let lossy = -1;
    for (const chunk of entry.chunks) {
      const data = chunk.columnData as ArrayLike<unknown>;
      const end = Math.min(rows, chunk.rowStart + data.length);
      for (let row = chunk.rowStart; row < end; row++) {
        const value = data[row - chunk.rowStart];
        if (value === undefined || value === null) continue;
        const number = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (typeof value === 'bigint' && (value > MAX_SAFE || value < -MAX_SAFE) && lossy < 0)
          lossy = row;
        values[row] = number;
      }
    }
    if (lossy >= 0) {
      warnings.push({
        code: 'precision-loss',
        message: `Column “${name}” has integers too large to store exactly (row ${lossy + 1}).`,
        column: name,
      });
    }
    return { name, type: kind, values };
  }
  const builder = new ColumnBuilder(override ?? 'string', missing);
  let row = 0;
  for (const chunk of entry.chunks) {
    const data = chunk.columnData as ArrayLike<unknown>;
    builder.padTo(chunk.rowStart);
    for (let i = 0; i < data.length && row < rows; i++, row = builder.length) {
      const value = data[i];
      const ok =
        kind === 'datetime' && typeof value === 'number'
          ? builder.pushText(formatDatetime(value))
          : builder.pushValue(value);
      if (!ok) {
        const failure = builder.failure ?? { row: builder.length - 1, text: String(value) };
        const type = override === 'integer' ? 'integer' : 'number';
        return {
          code: 'type-mismatch',
          message: `Column “${name}”, row ${failure.row + 1}: “${failure.text}” is not ${type === 'integer' ? 'an integer' : 'a number'}.`,
          column: name,
          field: `${name}[${failure.row}]`,
        };
      }
    }
  }
  builder.padTo(rows);
  const finished = finishColumn(name, builder, context);
  if (!finished.ok) return finished.error;
  warnings.push(...finished.warnings);
  return finished.column;
}
