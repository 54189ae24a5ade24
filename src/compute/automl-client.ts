import { proxy } from 'comlink';
import type { AutoMLApi, AutoMLCommand, AutoMLProgress, AutoMLRequest } from './automl-api';
import { workerEndpoint } from './endpoint';
import type { JobEvent } from './events';
import { createPool, type Pool } from './pool';

export interface AutoMLSession {
  /** Resolves when the session ends: closed, cancelled or failed before its first model. */
  readonly done: Promise<void>;
  send(command: AutoMLCommand): void;
  /** Stops at once and drops the session's state; nothing more is reported. */
  cancel(): void;
}

export interface AutoMLClient {
  start(request: AutoMLRequest, onProgress: (progress: AutoMLProgress) => void): AutoMLSession;
  close(): void;
}

/** A search session holds its worker for as long as it is open (up to a day). */
const SESSION_TIMEOUT_MS = 24 * 60 * 60_000;

export function createAutoMLClient(pool: Pool<AutoMLApi>): AutoMLClient {
  return {
    start(request, onProgress) {
      const controller = new AbortController();
      let api: { command(jobId: string, command: AutoMLCommand): unknown } | null = null;
      let id: string | null = null;
      const early: AutoMLCommand[] = [];
      const events = proxy((event: JobEvent<AutoMLProgress>) => {
        if (event.type === 'progress' && !controller.signal.aborted) onProgress(event.progress);
      });
      const done = pool
        .run(
          async (worker, jobId) => {
            api = worker;
            id = jobId;
            for (const command of early.splice(0)) void worker.command(jobId, command);
            await worker.session(jobId, request, events);
          },
          { signal: controller.signal, timeoutMs: SESSION_TIMEOUT_MS },
        )
        .catch((error: unknown) => {
          if (!controller.signal.aborted) throw error;
        });
      return {
        done,
        send(command) {
          if (api && id) void Promise.resolve(api.command(id, command)).catch(() => undefined);
          else early.push(command);
        },
        cancel: () => controller.abort(),
      };
    },
    close: () => pool.close(),
  };
}

function spawnAutoMLWorker() {
  const worker = new Worker(new URL('../../workers/automl.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-automl',
  });
  return workerEndpoint(worker);
}

let shared: AutoMLClient | undefined;

/** The page's AutoML worker, created on first use. */
export function getAutoMLClient(): AutoMLClient {
  shared ??= createAutoMLClient(
    createPool<AutoMLApi>({ spawn: spawnAutoMLWorker, size: 1, idleTimeoutMs: 60_000 }),
  );
  return shared;
}
