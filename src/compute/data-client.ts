import { proxy, transfer } from 'comlink';
import type { PrepareStep } from '../core/data/prepare';
import type { Column } from '../core/table';
import type { AssociationMatrix } from '../core/data/associations';
import type { BoxGroup } from '../core/data/chart-data';
import type {
  DataApi,
  DataAssociationsRequest,
  DataBoxStatsRequest,
  DataFolderOutcome,
  DataFolderProgress,
  DataFolderRequest,
  DataImportOptions,
  DataImportOutcome,
  DataImportProgress,
  DataPrepareOutcome,
  DataPrepareProgress,
} from './data-api';
import { workerEndpoint } from './endpoint';
import { dispatchJobEvent, type JobEvent, type JobEventHandlers } from './events';
import { createPool, type Pool } from './pool';
import { rememberHash } from '../store/hash';

export interface DataImportJob extends JobEventHandlers<DataImportProgress> {
  /** A file the worker reads in slices, or bytes moved to the worker (the caller's are emptied). */
  bytes: Uint8Array | Blob;
  fileName: string;
  options?: DataImportOptions;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DataFolderJob
  extends JobEventHandlers<DataFolderProgress>, Omit<DataFolderRequest, 'files'> {
  /** The files are cloned by reference (Blobs), not read, on the page. */
  files: readonly DataFolderRequest['files'][number][];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DataPrepareJob extends JobEventHandlers<DataPrepareProgress> {
  /** Copied to the worker: the caller keeps its table. */
  columns: readonly Column[];
  step: PrepareStep;
  inputs?: { versionId: string; columns: readonly Column[] }[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DataAssociationsJob extends DataAssociationsRequest {
  signal?: AbortSignal;
}

export interface DataBoxStatsJob extends DataBoxStatsRequest {
  signal?: AbortSignal;
}

export interface DataClient {
  importFile(job: DataImportJob): Promise<DataImportOutcome>;
  importFolder(job: DataFolderJob): Promise<DataFolderOutcome>;
  prepare(job: DataPrepareJob): Promise<DataPrepareOutcome>;
  /** Copies the (sampled) columns to the worker and measures their associations there. */
  associations(job: DataAssociationsJob): Promise<AssociationMatrix>;
  /** Copies the two columns to the worker and summarises them there. */
  boxStats(job: DataBoxStatsJob): Promise<BoxGroup[]>;
  close(): void;
}

const IMPORT_TIMEOUT_MS = 30 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;
/** A chart's summary that takes longer than this has a stuck worker behind it. */
const CHART_TIMEOUT_MS = 5 * 60_000;

/** The worker hashed the columns it sent: storing them needs no second digest on this thread. */
function rememberColumnHashes(columns: readonly Column[], hashes: readonly string[]) {
  columns.forEach((column, index) => {
    const hash = hashes[index];
    const array = 'values' in column ? column.values : column.codes;
    if (hash) rememberHash(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), hash);
  });
}

/** A view of part of a larger buffer cannot be transferred alone, so it is copied first. */
const ownBuffer = (bytes: Uint8Array) =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

export function createDataClient(pool: Pool<DataApi>): DataClient {
  return {
    importFile(job) {
      const { fileName, options = {}, signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const bytes = job.bytes instanceof Uint8Array ? ownBuffer(job.bytes) : job.bytes;
      const moved = bytes instanceof Uint8Array ? [bytes.buffer as ArrayBuffer] : [];
      const events = proxy((event: JobEvent<DataImportProgress>) => dispatchJobEvent(job, event));
      return pool.run(
        async (api, jobId): Promise<DataImportOutcome> => {
          const outcome = (await api.importFile(
            jobId,
            transfer({ bytes, fileName, options }, moved),
            events,
          )) as DataImportOutcome;
          if (outcome.ok) rememberColumnHashes(outcome.columns, outcome.hashes);
          return outcome;
        },
        { signal, timeoutMs },
      );
    },
    importFolder(job) {
      const { signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const events = proxy((event: JobEvent<DataFolderProgress>) => dispatchJobEvent(job, event));
      const request: DataFolderRequest = {
        folderName: job.folderName,
        files: job.files.map(({ path, file }) => ({ path, file })),
        ...(job.kind ? { kind: job.kind } : {}),
        ...(job.encoding ? { encoding: job.encoding } : {}),
      };
      return pool.run(
        async (api, jobId): Promise<DataFolderOutcome> =>
          (await api.importFolder(jobId, request, events)) as DataFolderOutcome,
        { signal, timeoutMs },
      );
    },
    prepare(job) {
      const { signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const events = proxy((event: JobEvent<DataPrepareProgress>) => dispatchJobEvent(job, event));
      const request = {
        columns: [...job.columns],
        step: job.step,
        inputs: (job.inputs ?? []).map((input) => ({
          versionId: input.versionId,
          columns: [...input.columns],
        })),
      };
      return pool.run(
        async (api, jobId): Promise<DataPrepareOutcome> =>
          (await api.prepare(jobId, request, events)) as DataPrepareOutcome,
        { signal, timeoutMs },
      );
    },
    associations(job) {
      const { signal } = job;
      const request: DataAssociationsRequest = {
        columns: [...job.columns],
        ...(job.maxColumns === undefined ? {} : { maxColumns: job.maxColumns }),
        ...(job.maxCategories === undefined ? {} : { maxCategories: job.maxCategories }),
      };
      return pool.run(async (api, jobId) => api.associations(jobId, request), {
        signal,
        timeoutMs: CHART_TIMEOUT_MS,
      });
    },
    boxStats(job) {
      const { signal, ...request } = job;
      return pool.run(async (api, jobId) => api.boxStats(jobId, request), {
        signal,
        timeoutMs: CHART_TIMEOUT_MS,
      });
    },
    close: () => pool.close(),
  };
}

function spawnDataWorker() {
  const worker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-data',
  });
  return workerEndpoint(worker);
}

let shared: DataClient | undefined;

/** The page's data client: one worker, created on first use, so imports run one at a time. */
export function getDataClient(): DataClient {
  shared ??= createDataClient(
    createPool<DataApi>({ spawn: spawnDataWorker, size: 1, idleTimeoutMs: IDLE_TIMEOUT_MS }),
  );
  return shared;
}
