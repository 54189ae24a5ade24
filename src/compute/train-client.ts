import { proxy, transfer } from 'comlink';
import type { EnsembleJSON, ModelJSON, ModelSpec } from '../core/model';
import type { Table } from '../core/table';
import { workerEndpoint } from './endpoint';
import { dispatchJobEvent, type JobEvent, type JobEventHandlers } from './events';
import { createPool, type Pool } from './pool';
import { columnBuffers, copyColumn } from './shared-columns';
import type {
  ScoreOutcome,
  ScoreProgress,
  Validation,
  TrainApi,
  TrainOutcome,
  TrainProgress,
  TrainSource,
} from './train-api';

export interface TrainJob extends JobEventHandlers<TrainProgress> {
  /** A table, whose columns are copied to the worker so that it stays usable, or a stored
   * dataset version for the worker to read. */
  data: Table | { versionId: string };
  spec: ModelSpec;
  seed: number;
  validation: Validation;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Predicts a stored dataset version with a lab model, in the trainer worker. */
export interface ScoreJob extends JobEventHandlers<ScoreProgress> {
  model: ModelJSON | EnsembleJSON;
  versionId: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface TrainClient {
  train(job: TrainJob): Promise<TrainOutcome>;
  score(job: ScoreJob): Promise<ScoreOutcome>;
  close(): void;
}

const TRAIN_TIMEOUT_MS = 60 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;

/** Copies of the columns, whose buffers can be moved to the worker without emptying the table. */
function copySource(table: Table): { source: TrainSource; buffers: ArrayBuffer[] } {
  const columns = table.columns.map(copyColumn);
  return { source: { kind: 'columns', columns }, buffers: columnBuffers(columns) };
}

export function createTrainClient(pool: Pool<TrainApi>): TrainClient {
  return {
    train(job) {
      const { spec, seed, validation, signal, timeoutMs = TRAIN_TIMEOUT_MS } = job;
      const { source, buffers } =
        'versionId' in job.data
          ? { source: { kind: 'version', versionId: job.data.versionId } as const, buffers: [] }
          : copySource(job.data);
      const events = proxy((event: JobEvent<TrainProgress>) => dispatchJobEvent(job, event));
      return pool.run(
        async (api, jobId): Promise<TrainOutcome> =>
          (await api.train(
            jobId,
            transfer({ source, spec, seed, validation }, buffers),
            events,
          )) as TrainOutcome,
        { signal, timeoutMs },
      );
    },
    score(job) {
      const { model, versionId, signal, timeoutMs = TRAIN_TIMEOUT_MS } = job;
      const events = proxy((event: JobEvent<ScoreProgress>) => dispatchJobEvent(job, event));
      return pool.run(
        async (api, jobId): Promise<ScoreOutcome> =>
          (await api.score(
            jobId,
            { model, source: { kind: 'version', versionId } },
            events,
          )) as ScoreOutcome,
        { signal, timeoutMs },
      );
    },
    close: () => pool.close(),
  };
}

function spawnTrainWorker() {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-train',
  });
  return workerEndpoint(worker);
}

let shared: TrainClient | undefined;

/** The page's trainer: one worker, created on first use. */
export function getTrainClient(): TrainClient {
  shared ??= createTrainClient(
    createPool<TrainApi>({ spawn: spawnTrainWorker, size: 1, idleTimeoutMs: IDLE_TIMEOUT_MS }),
  );
  return shared;
}
