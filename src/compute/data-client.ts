import { proxy, transfer } from 'comlink';
import type { PrepareStep } from '../core/data/prepare';
import type { Column } from '../core/table';
import type {
  DataApi,
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

export interface DataImportJob extends JobEventHandlers<DataImportProgress> {
  /** Moved to the worker: the caller's buffer is emptied. */
  bytes: Uint8Array;
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

export interface DataClient {
  importFile(job: DataImportJob): Promise<DataImportOutcome>;
  importFolder(job: DataFolderJob): Promise<DataFolderOutcome>;
  prepare(job: DataPrepareJob): Promise<DataPrepareOutcome>;
  close(): void;
}

const IMPORT_TIMEOUT_MS = 30 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;

/** A view of part of a larger buffer cannot be transferred alone, so it is copied first. */
const ownBuffer = (bytes: Uint8Array) =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

export function createDataClient(pool: Pool<DataApi>): DataClient {
  return {
    importFile(job) {
      const { fileName, options = {}, signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const bytes = ownBuffer(job.bytes);
      const events = proxy((event: JobEvent<DataImportProgress>) => dispatchJobEvent(job, event));
      return pool.run(
        async (api, jobId): Promise<DataImportOutcome> =>
          (await api.importFile(
            jobId,
            transfer({ bytes, fileName, options }, [bytes.buffer as ArrayBuffer]),
            events,
          )) as DataImportOutcome,
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
