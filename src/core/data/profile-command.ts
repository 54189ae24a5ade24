import { parseCsv } from './csv/importer';
import { formatDatetime } from './datetime-text';
import { parseJson, parseJsonLines } from './json';
import { parseParquet } from './parquet';
import { profileTable } from './profile/profile';
import type { ColumnProfile, ProfileWarningCode } from './profile/types';
import type {
  EncodingOption,
  ImportError,
  ImportFormat,
  ImportResult,
  ImportWarningCode,
} from './types';
import type { LogicalType } from '../table';

export interface ProfileCommandOptions {
  /** CSV delimiter: one character, `\t` for tab, or `auto` (the default). */
  readonly delimiter?: string;
  readonly encoding?: EncodingOption;
  /** By default from the file name's extension, else from the content. */
  readonly format?: ImportFormat | 'auto';
  readonly fileName?: string;
  /** A target column, checked for class imbalance. */
  readonly target?: string;
  /** Cells equal to one of these are missing (empty cells always are); a default list if left out. */
  readonly missing?: readonly string[];
}

export interface ProfileReportColumn {
  readonly name: string;
  readonly type: LogicalType;
  readonly missing: number;
  readonly distinct: number;
  /** Numbers for number columns; ISO 8601 text for datetimes (whose `std` is null). */
  readonly mean: number | string | null;
  readonly std: number | null;
  readonly min: number | string | null;
  readonly max: number | string | null;
}

export interface ProfileReportWarning {
  readonly code: ImportWarningCode | ProfileWarningCode;
  readonly message: string;
  readonly column?: string;
  readonly line?: number;
}

/** The `profile` command's JSON: plain data, one object. */
export interface ProfileReport {
  readonly rows: number;
  readonly columns: ProfileReportColumn[];
  readonly warnings: ProfileReportWarning[];
}

export type ProfileCommandResult =
  | { readonly ok: true; readonly report: ProfileReport }
  | { readonly ok: false; readonly error: ImportError };

const EXTENSIONS: Readonly<Record<string, ImportFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  tab: 'csv',
  txt: 'csv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  pq: 'parquet',
};

/** The format from a file name's extension, else from the first bytes. */
export function detectFormat(bytes: Uint8Array, fileName?: string): ImportFormat {
  const extension = fileName?.toLowerCase().split('.').pop();
  if (extension && Object.hasOwn(EXTENSIONS, extension))
    return EXTENSIONS[extension] as ImportFormat;
  if (bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31)
    return 'parquet';
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\ufeff/, '');
  const start = head.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    const lines = head.split('\n').filter((line) => line.trim() !== '');
    return lines.length > 1 && lines.slice(0, 2).every((line) => line.trimStart().startsWith('{'))
      ? 'jsonl'
      : 'json';
  }
  return 'csv';
}

function reportColumn(column: ColumnProfile): ProfileReportColumn {
  const base = {
    name: column.name,
    type: column.type,
    missing: column.missing,
    distinct: column.distinct,
  };
  if (column.type === 'datetime') {
    const iso = (value: number | null) => (value === null ? null : formatDatetime(value));
    return {
      ...base,
      mean: iso(column.mean),
      std: null,
      min: iso(column.min),
      max: iso(column.max),
    };
  }
  return { ...base, mean: column.mean, std: column.std, min: column.min, max: column.max };
}

/**
 * The core of `bunsen profile FILE`: imports the bytes (CSV, JSON, JSON Lines or Parquet), profiles
 * the table and returns the report, or the import error that a command line prints before exiting
 * with a non-zero status.
 */
export async function profileCommand(
  bytes: Uint8Array,
  options: ProfileCommandOptions = {},
): Promise<ProfileCommandResult> {
  const format =
    options.format && options.format !== 'auto'
      ? options.format
      : detectFormat(bytes, options.fileName);
  const encoding = options.encoding ?? 'auto';
  const missing = options.missing ? { missing: options.missing } : {};
  const tabSeparated = /\.(tsv|tab)$/i.test(options.fileName ?? '');
  let imported: ImportResult;
  if (format === 'parquet') imported = await parseParquet(bytes, missing);
  else if (format === 'json') imported = parseJson(bytes, { encoding, ...missing });
  else if (format === 'jsonl') imported = parseJsonLines(bytes, { encoding, ...missing });
  else {
    const delimiter = options.delimiter ?? (tabSeparated ? '\t' : 'auto');
    imported = parseCsv(bytes, { encoding, delimiter, ...missing });
  }
  if (!imported.ok) return imported;
  const profile = profileTable(imported.table, options.target ? { target: options.target } : {});
  const warnings: ProfileReportWarning[] = [
    ...imported.warnings.map(({ code, message, column, line }) => ({
      code,
      message,
      ...(column === undefined ? {} : { column }),
      ...(line === undefined ? {} : { line }),
    })),
    ...profile.warnings.map(({ code, message, column }) => ({
      code,
      message,
      ...(column === undefined ? {} : { column }),
    })),
  ];
  return {
    ok: true,
    report: { rows: profile.rows, columns: profile.columns.map(reportColumn), warnings },
  };
}

const cell = (value: number | string | null) => {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3
    ? value.toExponential(3)
    : value.toPrecision(6);
};

/** The report as an aligned text table followed by the warnings, for people. */
export function formatProfileReport(report: ProfileReport): string {
  const header = ['column', 'type', 'missing', 'distinct', 'mean', 'std', 'min', 'max'];
  const rows = report.columns.map((column) => [
    column.name,
    column.type,
    String(column.missing),
    String(column.distinct),
    cell(column.mean),
    cell(column.std),
    cell(column.min),
    cell(column.max),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((text, i) =>
        i < 2 ? text.padEnd(widths[i] as number) : text.padStart(widths[i] as number),
      )
      .join('  ');
  const lines = [
    `${report.rows.toLocaleString('en-US')} rows × ${report.columns.length} columns`,
    '',
    line(header),
    ...rows.map(line),
  ];
  if (report.warnings.length > 0) {
    lines.push('', 'Warnings:', ...report.warnings.map((warning) => `  - ${warning.message}`));
  }
  return lines.join('\n');
}
