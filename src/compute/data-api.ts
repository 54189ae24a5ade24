import type {
  DatasetProfile,
  EncodingOption,
  ImportError,
  ImportFormat,
  ImportMeta,
  ImportWarning,
} from '../core/data';
import type { OutputRole, PrepareFailure, PrepareStep } from '../core/data/prepare';
import type { Column } from '../core/table';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';

/** What the user chose for an import; everything else is detected. */
export interface DataImportOptions {
  format?: ImportFormat | 'auto';
  /** One character, `\t`, or `auto`. */
  delimiter?: string;
  encoding?: EncodingOption;
  header?: boolean;
  /** Cells equal to one of these are missing. */
  missing?: string[];
}

export interface DataImportRequest {
  /** Transferred to the worker: the caller's buffer is emptied. */
  bytes: Uint8Array;
  fileName: string;
  options: DataImportOptions;
}

export type DataImportProgress =
  | { phase: 'parse'; bytes: number; totalBytes: number; rows: number }
  | { phase: 'profile'; done: number; total: number };

export type DataImportOutcome =
  | {
      ok: true;
      format: ImportFormat;
      /** The table's columns; their typed arrays are transferred back to the page. */
      columns: Column[];
      rows: number;
      meta: ImportMeta;
      profile: DatasetProfile;
      warnings: ImportWarning[];
    }
  | { ok: false; error: ImportError };

export interface DataPrepareRequest {
  /** The input table's columns; copied to the worker, so the page keeps its own. */
  columns: Column[];
  step: PrepareStep;
  /** Other versions the step reads (the right side of a join), by version id. */
  inputs: { versionId: string; columns: Column[] }[];
}

export type DataPrepareProgress =
  | { phase: 'prepare' }
  | { phase: 'profile'; output: number; outputs: number; done: number; total: number };

export interface DataPrepareOutput {
  role: OutputRole;
  /** Transferred back to the page. */
  columns: Column[];
  rows: number;
  profile: DatasetProfile;
}

export type DataPrepareOutcome =
  { ok: true; outputs: DataPrepareOutput[] } | { ok: false; error: PrepareFailure };

/** The data worker, as the page sees it through comlink. */
export interface DataApi extends Cancellable {
  importFile(
    jobId: string,
    request: DataImportRequest,
    events: JobEventSink<DataImportProgress>,
  ): Promise<DataImportOutcome>;
  /** Runs one preparation step and profiles what it made. */
  prepare(
    jobId: string,
    request: DataPrepareRequest,
    events: JobEventSink<DataPrepareProgress>,
  ): Promise<DataPrepareOutcome>;
  cancel(jobId: string): void;
}
