import { proxy } from 'comlink';
import type {
  ExportApi,
  OnnxExportOutcome,
  OnnxExportProgress,
  OnnxExportRequest,
} from './export-api';
import { workerEndpoint } from './endpoint';
import { dispatchJobEvent, type JobEvent, type JobEventHandlers } from './events';
import { createPool, type Pool } from './pool';

export interface OnnxExportJob extends JobEventHandlers<OnnxExportProgress>, OnnxExportRequest {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExportClient {
  /**
   * Resolves with the ONNX bytes or with why the model has no ONNX form; rejects with a
   * JobError when cancelled, timed out, or when the worker dies.
   */
  exportOnnx(job: OnnxExportJob): Promise<OnnxExportOutcome>;
  close(): void;
}

const EXPORT_TIMEOUT_MS = 5 * 60_000;
const IDLE_TIMEOUT_MS = 30_000;

export function createExportClient(pool: Pool<ExportApi>): ExportClient {
  return {
    exportOnnx(job) {
      const { model, options, signal, timeoutMs = EXPORT_TIMEOUT_MS } = job;
      const events = proxy((event: JobEvent<OnnxExportProgress>) => dispatchJobEvent(job, event));
      return pool.run(
        async (api, jobId): Promise<OnnxExportOutcome> =>
          (await api.exportOnnx(
            jobId,
            { model, ...(options ? { options } : {}) },
            events,
          )) as OnnxExportOutcome,
        { signal, timeoutMs },
      );
    },
    close: () => pool.close(),
  };
}

function spawnExportWorker() {
  const worker = new Worker(new URL('../../workers/export.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-export',
  });
  return workerEndpoint(worker);
}

let shared: ExportClient | undefined;

/** The page's exporter: one worker, created on first use and ended when idle. */
export function getExportClient(): ExportClient {
  shared ??= createExportClient(
    createPool<ExportApi>({ spawn: spawnExportWorker, size: 1, idleTimeoutMs: IDLE_TIMEOUT_MS }),
  );
  return shared;
}
