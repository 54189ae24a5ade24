import type {
  DatasetProfile,
  DateOrder,
  EncodingOption,
  ImportError,
  ImportFormat,
  ImportMeta,
  ImportWarning,
} from '../core/data';
import type { AssociationMatrix } from '../core/data/associations';
import type { BoxGroup, GroupedValues } from '../core/data/chart-data';
import type { FolderKind, SkippedFile } from '../core/data/folder';
import type { OutputRole, PrepareFailure, PrepareStep } from '../core/data/prepare';
import type { Column } from '../core/table';
import type { DatasetRecord, DatasetVersionRecord } from '../store/datasets';
import type { StoreErrorKind } from '../store/errors';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';
import type { PreparedColumn } from './shared-columns';

/** What the user chose for an import; everything else is detected. */
export interface DataImportOptions {
  format?: ImportFormat | 'auto';
  /** One character, `\t`, or `auto`. */
  delimiter?: string;
  encoding?: EncodingOption;
  header?: boolean;
  /** Cells equal to one of these are missing. */
  missing?: string[];
  /** How numeric dates that could be either (`01/02/2024`) are read; detected when left out. */
  dateOrder?: DateOrder;
}

export interface DataImportRequest {
  /**
   * The file itself (a Blob is cloned by reference: the worker reads it as a stream, so the page
   * never holds its contents), or bytes already in memory, transferred: the caller's buffer is
   * emptied.
   */
  bytes: Uint8Array | Blob;
  fileName: string;
  options: DataImportOptions;
  /**
   * Store the table as a new dataset here, in the worker, instead of leaving that to the page:
   * structured-cloning a large table's columns into IndexedDB blocks the thread that does it.
   */
  save?: DataImportSave;
}

/** Where and under which name the worker stores an imported table. */
export interface DataImportSave {
  /** The workspace database the page has open. */
  dbName: string;
  workspaceId: string;
  /** The new dataset's name. */
  name: string;
}

export type DataImportProgress =
  | { phase: 'parse'; bytes: number; totalBytes: number; rows: number }
  | { phase: 'profile'; done: number; total: number }
  | { phase: 'store'; bytes: number };

/** The worker could not store the imported table (no space, a stale schema, a bad name …). */
export interface DataStoreFailure {
  kind: StoreErrorKind;
  message: string;
  where?: string;
}

export type DataImportOutcome =
  | {
      ok: true;
      format: ImportFormat;
      /** The table's columns; their typed arrays are transferred back to the page. */
      columns: Column[];
      /**
       * The sha-256 (hex) of each column's values or codes, computed here so the page can store
       * the columns without digesting them again.
       */
      hashes: string[];
      rows: number;
      meta: ImportMeta;
      profile: DatasetProfile;
      warnings: ImportWarning[];
      /** The dataset and version the worker stored, when the request asked it to (`save`). */
      stored?: { dataset: DatasetRecord; version: DatasetVersionRecord };
    }
  | { ok: false; error: ImportError }
  /** Only for a request with `save`: the table was read but storing it failed; nothing is stored. */
  | { ok: false; storeFailure: DataStoreFailure };

export interface DataPrepareRequest {
  /** The input table's columns; copied to the worker, so the page keeps its own. */
  columns: Column[];
  step: PrepareStep;
  /** Other versions the step reads (the right side of a join), by version id. */
  inputs: { versionId: string; columns: Column[] }[];
  /** The input's profile: the summaries of the columns the step leaves are taken from it. */
  profile?: DatasetProfile;
}

export type DataPrepareProgress =
  | { phase: 'prepare' }
  | { phase: 'profile'; output: number; outputs: number; done: number; total: number };

export interface DataPrepareOutput {
  role: OutputRole;
  /**
   * New columns transferred back to the page; a column whose arrays are the request's comes
   * back as a reference to them (`resolveColumns` puts the page's own arrays back).
   */
  columns: PreparedColumn[];
  /** The sha-256 of each new column's values or codes (null for references), digested here. */
  hashes: (string | null)[];
  rows: number;
  profile: DatasetProfile;
}

export type DataPrepareOutcome =
  { ok: true; outputs: DataPrepareOutput[] } | { ok: false; error: PrepareFailure };

/** One file of a folder: its path below the folder (with `/`) and its contents, read lazily. */
export interface DataFolderFile {
  path: string;
  file: Blob;
}

export interface DataFolderRequest {
  /** The imported folder's name, for messages. */
  folderName: string;
  /** Blobs are cloned by reference: the worker reads each file itself. */
  files: DataFolderFile[];
  /** Which kind of file to import; by default the kind the folder holds more of. */
  kind?: FolderKind;
  encoding?: EncodingOption;
  /**
   * Store the folder as a new dataset here, in the worker: structured-cloning its images into
   * IndexedDB blocks the thread that does it. The images are then not sent back.
   */
  save?: DataImportSave;
}

export type DataFolderProgress =
  | { phase: 'read'; done: number; total: number; bytes: number; totalBytes: number }
  | { phase: 'profile'; done: number; total: number }
  | { phase: 'store'; bytes: number };

export type DataFolderOutcome =
  | {
      ok: true;
      kind: FolderKind;
      /** Transferred back to the page. */
      columns: Column[];
      rows: number;
      profile: DatasetProfile;
      /**
       * Each distinct image once (content hash, bytes, MIME type); transferred back. Empty when
       * the worker stored the folder (`stored`): the page needs them only to store them.
       */
      images: { hash: string; bytes: Uint8Array; type: string }[];
      skipped: SkippedFile[];
      counts: { images: number; texts: number };
      labels: string[];
      warnings: ImportWarning[];
      /** The dataset and version the worker stored, when the request asked it to (`save`). */
      stored?: { dataset: DatasetRecord; version: DatasetVersionRecord };
    }
  | { ok: false; error: ImportError }
  /** Only for a request with `save`: the folder was read but storing it failed; nothing is stored. */
  | { ok: false; storeFailure: DataStoreFailure };

export interface DataAssociationsRequest {
  /**
   * The rows to measure, already sampled by the page (a few columns of at most `maxRows` rows):
   * copying every row of a large table to the worker would cost more than measuring it.
   */
  columns: Column[];
  /** At most this many columns, in order. */
  maxColumns?: number;
  /** Categorical columns with more categories than this are left out. */
  maxCategories?: number;
}

export interface DataBoxStatsRequest {
  /**
   * A number column's values split by group on the page (a pass over the rows, no copy of the
   * columns); the buckets are moved to the worker, which sorts them: sorting a million values is
   * what would keep the page busy.
   */
  grouped: GroupedValues;
  maxOutliers?: number;
}

/** The data worker, as the page sees it through comlink. */
export interface DataApi extends Cancellable {
  importFile(
    jobId: string,
    request: DataImportRequest,
    events: JobEventSink<DataImportProgress>,
  ): Promise<DataImportOutcome>;
  /** Reads a folder of images or text files into a table (labels from sub-folders) and profiles it. */
  importFolder(
    jobId: string,
    request: DataFolderRequest,
    events: JobEventSink<DataFolderProgress>,
  ): Promise<DataFolderOutcome>;
  /** Runs one preparation step and profiles what it made. */
  prepare(
    jobId: string,
    request: DataPrepareRequest,
    events: JobEventSink<DataPrepareProgress>,
  ): Promise<DataPrepareOutcome>;
  /** Pairwise associations of a table's columns, for the heatmap. */
  associations(jobId: string, request: DataAssociationsRequest): Promise<AssociationMatrix>;
  /** Box-plot summaries of a number column by the categories of another. */
  boxStats(jobId: string, request: DataBoxStatsRequest): Promise<BoxGroup[]>;
  cancel(jobId: string): void;
}
