import { proxy, transfer } from 'comlink';
import type { DatasetProfile } from '../core/data';
import type { PrepareStep } from '../core/data/prepare';
import type { Column, NumberColumn } from '../core/table';
import type { AssociationMatrix } from '../core/data/associations';
import { groupValuesInSteps, type BoxGroup } from '../core/data/chart-data';
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
  DataImportSave,
  DataPrepareOutcome,
  DataPrepareProgress,
} from './data-api';
import { workerEndpoint } from './endpoint';
import { dispatchJobEvent, type JobEvent, type JobEventHandlers } from './events';
import { createPool, type Pool } from './pool';
import { yieldToEventLoop } from '../core/errors/training-error';
import { columnBuffers, copyColumn, rememberColumnHashes } from './shared-columns';

export interface DataImportJob extends JobEventHandlers<DataImportProgress> {
  /** A file the worker reads as a stream, or bytes moved to it (the caller's are emptied). */
  bytes: Uint8Array | Blob;
  fileName: string;
  options?: DataImportOptions;
  /** Have the worker store the table as a new dataset (see DataImportRequest.save). */
  save?: DataImportSave;
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
  /** The input's profile, whose summaries of the columns the step leaves are reused. */
  profile?: DatasetProfile;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DataAssociationsJob extends DataAssociationsRequest {
  signal?: AbortSignal;
  /**
   * Move the columns' arrays to the worker instead of copying them, for columns made for this
   * job alone (a sample): the caller's arrays are emptied.
   */
  moveColumns?: boolean;
}

export interface DataBoxStatsJob {
  values: NumberColumn;
  groups: Column;
  /** The rows to summarise (a selection); all rows when absent. */
  rows?: Int32Array;
  maxGroups?: number;
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
  /** Whether an import or a preparation is running. */
  busy(): boolean;
  /** Resolves once no import or preparation is running. */
  whenIdle(): Promise<void>;
  /** When (`performance.now()`) the last import or preparation ended; null before any. */
  endedAt(): number | null;
  close(): void;
}

const IMPORT_TIMEOUT_MS = 30 * 60_000;
/**
 * The charts' worker is retired after this long without a job. Charts ask in bursts (a dataset
 * shown, an option changed, a brush dragged), which reuse one worker; between bursts it would
 * hold what it was sent and made (some 60 MB after a million-row box plot and association matrix)
 * for nothing, and starting a new one costs less than a chart's own work on such a table.
 */
const CHARTS_IDLE_TIMEOUT_MS = 3000;
/** Rows the page splits by group per task for a box plot (a few milliseconds each). */
const GROUP_ROWS_PER_TASK = 250_000;
/** A chart's summary that takes longer than this has a stuck worker behind it. */
const CHART_TIMEOUT_MS = 5 * 60_000;

/** A view of part of a larger buffer cannot be transferred alone, so it is copied first. */
const ownBuffer = (bytes: Uint8Array) =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

/**
 * Imports and preparation run on `pool`; the charts' summaries on `charts` (the same pool unless
 * given), so that the two can be sized and retired apart.
 */
export function createDataClient(pool: Pool<DataApi>, charts: Pool<DataApi> = pool): DataClient {
  let running = 0;
  let waiting: (() => void)[] = [];
  let lastEnded: number | null = null;
  /** Counts `job` among the imports and preparations running until it settles. */
  const tracked = <T>(job: Promise<T>): Promise<T> => {
    running++;
    const settled = () => {
      running--;
      lastEnded = performance.now();
      if (running > 0) return;
      const woken = waiting;
      waiting = [];
      woken.forEach((wake) => wake());
    };
    job.then(settled, settled);
    return job;
  };
  return {
    busy: () => running > 0,
    whenIdle: () =>
      running === 0 ? Promise.resolve() : new Promise<void>((wake) => waiting.push(wake)),
    endedAt: () => lastEnded,
    importFile(job) {
      const { fileName, options = {}, save, signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const bytes = job.bytes instanceof Uint8Array ? ownBuffer(job.bytes) : job.bytes;
      const moved = bytes instanceof Uint8Array ? [bytes.buffer as ArrayBuffer] : [];
      const events = proxy((event: JobEvent<DataImportProgress>) => dispatchJobEvent(job, event));
      return tracked(
        pool.run(
          async (api, jobId): Promise<DataImportOutcome> => {
            const outcome = (await api.importFile(
              jobId,
              transfer({ bytes, fileName, options, ...(save ? { save } : {}) }, moved),
              events,
            )) as DataImportOutcome;
            // Columns the worker stored are never stored again from here.
            if (outcome.ok && !outcome.stored)
              rememberColumnHashes(outcome.columns, outcome.hashes);
            return outcome;
          },
          { signal, timeoutMs },
        ),
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
        ...(job.save ? { save: job.save } : {}),
      };
      return tracked(
        pool.run(
          async (api, jobId): Promise<DataFolderOutcome> =>
            (await api.importFolder(jobId, request, events)) as DataFolderOutcome,
          { signal, timeoutMs },
        ),
      );
    },
    prepare(job) {
      const { signal, timeoutMs = IMPORT_TIMEOUT_MS } = job;
      const events = proxy((event: JobEvent<DataPrepareProgress>) => dispatchJobEvent(job, event));
      return tracked(
        pool.run(
          async (api, jobId): Promise<DataPrepareOutcome> => {
            // Copies moved to the worker, made once it has one free: posting the page's arrays
            // would serialise them on the way, a second copy of the table at once.
            const columns = job.columns.map(copyColumn);
            const inputs = (job.inputs ?? []).map((input) => ({
              versionId: input.versionId,
              columns: input.columns.map(copyColumn),
            }));
            const request = {
              columns,
              step: job.step,
              inputs,
              ...(job.profile ? { profile: job.profile } : {}),
            };
            const moved = columnBuffers([...columns, ...inputs.flatMap((input) => input.columns)]);
            return (await api.prepare(
              jobId,
              transfer(request, moved),
              events,
            )) as DataPrepareOutcome;
          },
          { signal, timeoutMs },
        ),
      );
    },
    associations(job) {
      const { signal } = job;
      const request: DataAssociationsRequest = {
        columns: [...job.columns],
        ...(job.maxColumns === undefined ? {} : { maxColumns: job.maxColumns }),
        ...(job.maxCategories === undefined ? {} : { maxCategories: job.maxCategories }),
      };
      const moved = job.moveColumns ? columnBuffers(request.columns) : [];
      return charts.run(async (api, jobId) => api.associations(jobId, transfer(request, moved)), {
        signal,
        timeoutMs: CHART_TIMEOUT_MS,
      });
    },
    async boxStats(job) {
      const { signal } = job;
      // Split by group here, a quarter of a million rows per task; only the buckets cross, moved.
      const steps = groupValuesInSteps(
        job.values,
        job.groups,
        job.rows ?? null,
        job.maxGroups,
        GROUP_ROWS_PER_TASK,
      );
      let step = steps.next();
      while (!step.done) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
        step = steps.next();
      }
      const grouped = step.value;
      const request: DataBoxStatsRequest = { grouped };
      const moved = grouped.buckets.map((bucket) => bucket.buffer);
      return charts.run(async (api, jobId) => api.boxStats(jobId, transfer(request, moved)), {
        signal,
        timeoutMs: CHART_TIMEOUT_MS,
      });
    },
    close: () => {
      pool.close();
      if (charts !== pool) charts.close();
    },
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

/** Whether the page's data client has an import or preparation running (false before first use). */
export const dataJobsRunning = () => shared?.busy() ?? false;

/** Resolves once the page's data client runs no import or preparation. */
export const whenDataJobsDone = () => shared?.whenIdle() ?? Promise.resolve();

/** When the page's last import or preparation ended (`performance.now()`); null before any. */
export const dataJobsEndedAt = () => shared?.endedAt() ?? null;

/**
 * How long a cancelled import may take to wind down before its worker is ended. Parsing and
 * profiling stop within moments; a cancel that comes while the dataset is being written lets the
 * write finish and then removes the dataset again (two transactions), which ending the worker
 * part-way would turn into a dataset without a version.
 */
const IMPORT_CANCEL_GRACE_MS = 60_000;

/**
 * The page's data client, created on first use. Imports and preparation run one at a time in a
 * worker that is retired as soon as it is idle: parsing and profiling a large file leave it
 * holding garbage about half the file's size, which a worker left idle would keep until its
 * collector next ran. Charts have a worker of their own (see `CHARTS_IDLE_TIMEOUT_MS`).
 */
export function getDataClient(): DataClient {
  shared ??= createDataClient(
    createPool<DataApi>({
      spawn: spawnDataWorker,
      size: 1,
      idleTimeoutMs: 0,
      cancelGraceMs: IMPORT_CANCEL_GRACE_MS,
    }),
    createPool<DataApi>({ spawn: spawnDataWorker, size: 1, idleTimeoutMs: CHARTS_IDLE_TIMEOUT_MS }),
  );
  return shared;
}
