import type { LogicalType, Table } from '../table';

export type ImportFormat = 'csv' | 'json' | 'jsonl' | 'parquet';

export type ImportErrorCode =
  | 'binary'
  | 'encoding'
  | 'empty'
  | 'malformed-quotes'
  | 'ragged-row'
  | 'line-too-long'
  | 'too-large'
  | 'too-many-columns'
  | 'type-mismatch'
  | 'invalid-json'
  | 'invalid-parquet'
  | 'invalid-options'
  /** The bytes could not be fetched or read (network, CORS, a file that went away). */
  | 'unreadable'
  | 'cancelled';

/** What is wrong with an input, and where. */
export interface ImportError {
  readonly code: ImportErrorCode;
  readonly message: string;
  /** 1-based line of the file where the offending record starts (the header is line 1). */
  readonly line?: number;
  /** The column's name, after header clean-up. */
  readonly column?: string;
  /** A path into structured input, e.g. `[12].price` in JSON or a Parquet column path. */
  readonly field?: string;
}

export type ImportWarningCode =
  | 'renamed-headers'
  | 'ragged-rows'
  | 'mixed-types'
  | 'formatted-numbers'
  | 'all-missing'
  | 'leading-zeros'
  | 'precision-loss'
  | 'reformatted-values'
  | 'encoding-fallback'
  | 'replacement-characters'
  | 'unknown-override'
  | 'ambiguous-dates'
  | 'nested-values'
  | 'skipped-columns';

export interface ImportWarning {
  readonly code: ImportWarningCode;
  readonly message: string;
  readonly column?: string;
  readonly line?: number;
}

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface ImportMeta {
  readonly format: ImportFormat;
  readonly bytes: number;
  readonly rows: number;
  readonly columns: number;
  readonly encoding?: TextEncodingName;
  readonly delimiter?: string;
  readonly decimal?: '.' | ',';
  readonly header?: boolean;
}

export type ImportResult =
  | {
      readonly ok: true;
      readonly table: Table;
      readonly warnings: readonly ImportWarning[];
      readonly meta: ImportMeta;
    }
  | { readonly ok: false; readonly error: ImportError };

export interface ImportLimits {
  /** Bytes of input. */
  readonly maxBytes: number;
  readonly maxColumns: number;
  /** Rows × columns: every cell costs 4–8 bytes of typed array. */
  readonly maxCells: number;
  /** Characters in one record (a line, or several when a quoted field spans lines). */
  readonly maxLineChars: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxColumns: 20_000,
  maxCells: 60_000_000,
  maxLineChars: 10 * 1024 * 1024,
};

/** JSON is parsed whole, into objects ten times its size, so it gets a smaller byte cap. */
export const DEFAULT_JSON_MAX_BYTES = 256 * 1024 * 1024;

export type EncodingOption = 'auto' | 'utf-8' | 'latin1';

/** Per-column type overrides, by column name (after header clean-up). */
export type TypeOverrides =
  ReadonlyMap<string, LogicalType> | Readonly<Record<string, LogicalType | undefined>>;

export type DateOrder = 'dmy' | 'mdy';

export interface TypeOptions {
  readonly types?: TypeOverrides;
  /** Cells equal to one of these (after trimming spaces) are missing. Empty cells always are. */
  readonly missing?: readonly string[];
  /** How to read all-numeric dates such as 03/04/2024 when the column alone cannot tell. */
  readonly dateOrder?: DateOrder;
}

export interface ImportOptions extends TypeOptions {
  readonly encoding?: EncodingOption;
  readonly limits?: Partial<ImportLimits>;
  readonly signal?: AbortSignal;
}

export const DEFAULT_MISSING: readonly string[] = [
  '',
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
  '?',
  '-',
];

export const cancelledError = (): ImportError => ({
  code: 'cancelled',
  message: 'The import was cancelled.',
});
