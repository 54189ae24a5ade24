import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  GPU_LEARNERS,
  slotExecutor,
  stoppedOutcome,
  type TrialExecutor,
  type TrialExecutorFactory,
  type TrialOutcome,
  type TrialSlot,
  type TrialSpec,
  type TrialWorkload,
} from '../core/automl';
import { CliError } from './errors';

export type ThreadRequest =
  | { kind: 'load'; workload: TrialWorkload }
  | { kind: 'run'; spec: TrialSpec }
  | { kind: 'cancel'; id: number };

export type ThreadReply =
  | { kind: 'ready' }
  | { kind: 'loaded' }
  | { kind: 'outcome'; id: number; outcome: TrialOutcome }
  | { kind: 'failed'; id: number; message: string };

/** The most trials the command line runs at once, whatever the machine. */
const MAX_CONCURRENCY = 4;
/** How long a cancelled trial may take to stop before its thread is replaced. */
const CANCEL_GRACE_MS = 2000;

/**
 * Trials at once: `BUNSEN_AUTOML_CONCURRENCY` when set, otherwise one per core but one, up to 4
 * (this thread runs trials too, and coordinates).
 */
export function trialConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BUNSEN_AUTOML_CONCURRENCY;
  if (text !== undefined && text !== '') {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
      throw new CliError(
        `BUNSEN_AUTOML_CONCURRENCY must be a whole number from 1 to ${MAX_CONCURRENCY}, got “${text}”.`,
      );
    }
    return value;
  }
  return Math.max(1, Math.min(availableParallelism() - 1, MAX_CONCURRENCY));
}

/**
 * The thread's entry is TypeScript: the thread registers tsx's loader first, as bin/bunsen.mjs
 * does for the main thread.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.loader)
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

function loaderUrl(): string {
  return import.meta.resolve('tsx/esm/api');
}

interface Call {
  resolve(outcome: TrialOutcome): void;
  reject(error: unknown): void;
}

/** One worker thread running one trial at a time; replaced when it dies or will not stop. */
class ThreadSlot implements TrialSlot {
  readonly cpuOnly = true;
  private worker!: Worker;
  private started!: Promise<void>;
  private loaded: Promise<void> | null = null;
  private workload: TrialWorkload | null = null;
  private readonly calls = new Map<number, Call>();
  private closed = false;

  constructor() {
    this.spawn();
  }

  get ready(): Promise<void> {
    return this.load();
  }

  private spawn() {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        loader: loaderUrl(),
        entry: new URL('./trial-thread.ts', import.meta.url).href,
      },
    });
    this.worker = worker;
    this.loaded = null;
    let signalStart: () => void = () => {};
    let failStart: (error: unknown) => void = () => {};
    this.started = new Promise<void>((resolve, reject) => {
      signalStart = resolve;
      failStart = reject;
    });
    // Until the first trial waits on it, a failed start must not count as unhandled.
    this.started.catch(() => undefined);
    worker.on('message', (reply: ThreadReply) => {
      if (reply.kind === 'ready') signalStart();
      else if (reply.kind === 'outcome' || reply.kind === 'failed') {
        const call = this.calls.get(reply.id);
        this.calls.delete(reply.id);
        if (reply.kind === 'outcome') call?.resolve(reply.outcome);
        else call?.reject(new Error(reply.message));
      }
    });
    const died = (message: string) => {
      if (this.worker !== worker) return;
      failStart(new Error(message));
      for (const call of this.calls.values()) call.reject(new Error(message));
      this.calls.clear();
      if (!this.closed) this.spawn();
    };
    worker.on('error', (error) => died(`A trial thread failed: ${error.message}`));
    worker.on('exit', (code) => died(`A trial thread stopped (exit code ${code}).`));
  }

  setWorkload(workload: TrialWorkload) {
    this.workload = workload;
  }

  private load(): Promise<void> {
    const workload = this.workload;
    if (!workload) return Promise.reject(new Error('No search has given the threads data.'));
    this.loaded ??= this.started.then(
      () =>
        new Promise<void>((resolve) => {
          const onLoaded = (reply: ThreadReply) => {
            if (reply.kind !== 'loaded') return;
            this.worker.off('message', onLoaded);
            resolve();
          };
          this.worker.on('message', onLoaded);
          this.post({ kind: 'load', workload });
        }),
    );
    return this.loaded;
  }

  private post(request: ThreadRequest) {
    this.worker.postMessage(request);
  }

  async run(spec: TrialSpec, signal: AbortSignal): Promise<TrialOutcome> {
    await this.load();
    if (signal.aborted) return stoppedOutcome();
    const worker = this.worker;
    return new Promise<TrialOutcome>((resolve, reject) => {
      let grace: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.post({ kind: 'cancel', id: spec.id });
        // A fit that does not check its signal could run on: replace the thread instead.
        grace = setTimeout(() => {
          if (this.calls.has(spec.id) && this.worker === worker) void worker.terminate();
        }, CANCEL_GRACE_MS);
      };
      const settle = () => {
        clearTimeout(grace);
        signal.removeEventListener('abort', onAbort);
      };
      this.calls.set(spec.id, {
        resolve: (outcome) => {
          settle();
          resolve(outcome);
        },
        reject: (error) => {
          settle();
          if (signal.aborted) resolve(stoppedOutcome());
          else reject(error);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.post({ kind: 'run', spec });
    });
  }

  async close() {
    this.closed = true;
    await this.worker.terminate();
  }
}

export interface TrialThreads {
  /** Trials at once: this thread and the worker threads. */
  readonly concurrency: number;
  /** For `runAutoML`'s `trials`: runs on this thread and on the worker threads. */
  readonly trials: TrialExecutorFactory;
  close(): Promise<void>;
}

/**
 * Worker threads for AutoML trials, started at once so that they load while the data is read
 * and checked. This thread is one of the `concurrency` slots: it runs trials from the first
 * moment, while the threads are still starting. Its tfjs trials wait for `tfjsReady` (the
 * backend this thread's tfjs starts on), so that the backend starts beside the first trials.
 */
export function trialThreads(concurrency: number, tfjsReady: Promise<unknown>): TrialThreads {
  const threads = Array.from({ length: Math.max(0, concurrency - 1) }, () => new ThreadSlot());
  return {
    concurrency,
    trials: (workload, local) => {
      const here: TrialExecutor = {
        concurrency: 1,
        run: async (spec, signal) => {
          if (GPU_LEARNERS.has(spec.learner)) await tfjsReady;
          return local.run(spec, signal);
        },
      };
      if (!threads.length) return here;
      for (const thread of threads) thread.setWorkload(workload);
      return slotExecutor([here, ...threads]);
    },
    close: async () => {
      await Promise.all(threads.map((thread) => thread.close()));
    },
  };
}
