import type {
  DatasetProfile,
  EncodingOption,
  ImportError,
  ImportFormat,
  ImportMeta,
  ImportWarning,
} from '../core/data';
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

/** The data worker, as the page sees it through comlink. */
export interface DataApi extends Cancellable {
  importFile(
    jobId: string,
    request: DataImportRequest,
    events: JobEventSink<DataImportProgress>,
  ): Promise<DataImportOutcome>;
  cancel(jobId: string): void;
}
