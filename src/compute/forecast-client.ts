import { proxy } from 'comlink';
import { workerEndpoint } from './endpoint';
import type { JobEvent } from './events';
import type { ForecastApi, ForecastProgress, ForecastRequest } from './forecast-api';
import { createPool, type Pool } from './pool';

export interface ForecastJob {
  /** Resolves when the job ends: finished, failed (reported as progress) or cancelled. */
  readonly done: Promise<void>;
  /** Stops at once; nothing more is reported. */
  cancel(): void;
}

export interface ForecastClient {
  start(request: ForecastRequest, onProgress: (progress: ForecastProgress) => void): ForecastJob;
  close(): void;
}

/** Generous: the budget bounds the search, and this only catches a worker that hangs. */
const FORECAST_TIMEOUT_MS = 6 * 60 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;

export function createForecastClient(pool: Pool<ForecastApi>): ForecastClient {
  return {
    start(request, onProgress) {
      const controller = new AbortController();
      const events = proxy((event: JobEvent<ForecastProgress>) => {
        if (event.type === 'progress' && !controller.signal.aborted) onProgress(event.progress);
      });
      const done = pool
        .run((worker, jobId) => worker.forecast(jobId, request, events), {
          signal: controller.signal,
          timeoutMs: FORECAST_TIMEOUT_MS,
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) throw error;
        });
      return { done, cancel: () => controller.abort() };
    },
    close: () => pool.close(),
  };
}

function spawnForecastWorker() {
  const worker = new Worker(new URL('../../workers/forecast.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-forecast',
  });
  return workerEndpoint(worker);
}

let shared: ForecastClient | undefined;

/** The page's forecasting worker, created on first use. */
export function getForecastClient(): ForecastClient {
  shared ??= createForecastClient(
    createPool<ForecastApi>({
      spawn: spawnForecastWorker,
      size: 1,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    }),
  );
  return shared;
}
