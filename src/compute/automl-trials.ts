import { transfer, wrap, type Remote } from 'comlink';
import {
  executeTrial,
  slotExecutor,
  stoppedOutcome,
  trialContextOf,
  type TrialExecutor,
  type TrialExecutorFactory,
  type TrialOutcome,
  type TrialSlot,
  type TrialSpec,
  type TrialWorkload,
} from '../core/automl';
import type { TrialContext } from '../core/automl/trial';
import type { WorkerEndpoint } from './endpoint';
import type { Cancellable } from './pool';

/** A trial worker, as the AutoML worker sees it: the data once, then trials. */
export interface TrialWorkerApi extends Cancellable {
  load(workload: TrialWorkload): void;
  run(spec: TrialSpec): Promise<TrialOutcome>;
  /** Stops trial `jobId` (the trial's id as a string). */
  cancel(jobId: string): void;
}

/** The most trials a page runs at once. */
export const MAX_TRIAL_CONCURRENCY = 4;
/** How long a cancelled trial may take to stop before its worker is replaced. */
const CANCEL_GRACE_MS = 2000;

/** One core is left for the page and the search; at most 4, at least 1. */
export function browserTrialConcurrency(cores: number | undefined): number {
  return Math.max(1, Math.min((cores ?? 2) - 1, MAX_TRIAL_CONCURRENCY));
}

/** The trial worker's implementation. */
export function createTrialWorkerService(
  now: () => number = () => performance.now(),
): TrialWorkerApi {
  let context: TrialContext | null = null;
  const running = new Map<string, AbortController>();
  return {
    load(workload) {
      context = trialContextOf(workload, now);
    },
    async run(spec) {
      if (!context) throw new Error('This trial worker has no data yet.');
      const jobId = String(spec.id);
      const abort = new AbortController();
      running.set(jobId, abort);
      try {
        const outcome = await executeTrial(context, spec, abort.signal);
        return outcome.predictions
          ? transfer(outcome, [outcome.predictions.buffer as ArrayBuffer])
          : outcome;
      } finally {
        running.delete(jobId);
      }
    },
    cancel(jobId) {
      running.get(jobId)?.abort();
    },
  };
}

/** One trial worker, running one trial at a time; replaced when it dies or will not stop. */
class WorkerSlot implements TrialSlot {
  readonly cpuOnly = true;
  private endpoint!: WorkerEndpoint;
  private api!: Remote<TrialWorkerApi>;
  private loaded: Promise<void> | null = null;
  private fail: (message: string) => void = () => {};
  private closed = false;

  constructor(
    private readonly spawnWorker: () => WorkerEndpoint,
    private readonly workload: TrialWorkload,
  ) {
    this.spawn();
  }

  get ready(): Promise<void> {
    return this.load();
  }

  private spawn() {
    const endpoint = this.spawnWorker();
    this.endpoint = endpoint;
    this.api = wrap<TrialWorkerApi>(endpoint.port);
    this.loaded = null;
    endpoint.onFailure((message) => {
      if (this.endpoint !== endpoint) return;
      this.fail(`A trial worker failed: ${message}`);
      this.replace();
    });
  }

  private replace() {
    this.endpoint.terminate();
    if (!this.closed) this.spawn();
  }

  private load(): Promise<void> {
    this.loaded ??= Promise.resolve(this.api.load(this.workload));
    return this.loaded;
  }

  async run(spec: TrialSpec, signal: AbortSignal): Promise<TrialOutcome> {
    await this.load();
    if (signal.aborted) return stoppedOutcome();
    const endpoint = this.endpoint;
    const api = this.api;
    return new Promise<TrialOutcome>((resolve, reject) => {
      let grace: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(grace);
        signal.removeEventListener('abort', onAbort);
        this.fail = () => {};
      };
      const onAbort = () => {
        void Promise.resolve(api.cancel(String(spec.id))).catch(() => undefined);
        // A fit that does not check its signal could run on: replace the worker instead.
        grace = setTimeout(() => {
          if (settled || this.endpoint !== endpoint) return;
          settle();
          this.replace();
          resolve(stoppedOutcome());
        }, CANCEL_GRACE_MS);
      };
      this.fail = (message) => {
        if (settled) return;
        settle();
        if (signal.aborted) resolve(stoppedOutcome());
        else reject(new Error(message));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      api.run(spec).then(
        (outcome) => {
          if (settled) return;
          settle();
          resolve(outcome);
        },
        (error: unknown) => {
          if (settled) return;
          settle();
          if (signal.aborted) resolve(stoppedOutcome());
          else reject(error);
        },
      );
    });
  }

  close() {
    this.closed = true;
    this.endpoint.terminate();
  }
}

export interface TrialWorkers {
  /** Trials at once: the AutoML worker itself and its trial workers. */
  readonly concurrency: number;
  readonly trials: TrialExecutorFactory;
  /** Terminates the trial workers. */
  close(): void;
}

/**
 * Runs a search's trials on `concurrency − 1` trial workers and on the AutoML worker itself,
 * which takes every tfjs trial: tfjs and its GPU context start there only, and one of those
 * trials runs at a time. Each worker receives the data once, when the search starts.
 */
export function workerTrials(spawn: () => WorkerEndpoint, concurrency: number): TrialWorkers {
  const slots: WorkerSlot[] = [];
  return {
    concurrency,
    trials: (workload, local: TrialExecutor) => {
      if (concurrency <= 1) return local;
      for (let i = 1; i < concurrency; i++) slots.push(new WorkerSlot(spawn, workload));
      return slotExecutor([local, ...slots]);
    },
    close: () => {
      for (const slot of slots.splice(0)) slot.close();
    },
  };
}
