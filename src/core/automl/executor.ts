import { TrainingError } from '../errors/training-error';
import type { LearnerName } from '../learners/types';
import { runTrial, trialControl, type TrialContext, type TrialOutcome } from './trial';
import type { Params } from './types';
import type { TrialWorkload } from './workload';

/**
 * Learners that train on tfjs, and so on the GPU when the device has one. Two of them at once
 * would only queue on the same device and double its memory, so the search runs one at a time.
 */
export const GPU_LEARNERS: ReadonlySet<LearnerName> = new Set<LearnerName>(['linear', 'mlp']);

/** One trial, as plain data: the executor already holds the data it is fitted and scored on. */
export interface TrialSpec {
  readonly id: number;
  readonly learner: LearnerName;
  readonly params: Params;
  /** Training rows of each fit. */
  readonly rows: number;
  /**
   * Milliseconds the trial may run before it stops as timed out; Infinity for no limit. A
   * duration, not a deadline, because a worker's clock does not share the search's origin.
   */
  readonly timeLimitMs: number;
}

/**
 * Runs trials for a search, up to `concurrency` at once (in workers, threads, or in this thread).
 * `run` resolves with the trial's outcome; once `signal` aborts, the outcome is ignored, so an
 * executor may resolve with whatever it has, or reject.
 */
export interface TrialExecutor {
  readonly concurrency: number;
  run(spec: TrialSpec, signal: AbortSignal): Promise<TrialOutcome>;
}

/**
 * Builds the executor of one search from its data. `local` runs trials in this thread on the
 * search's own features, so that an executor can use this thread as one of its slots.
 */
export type TrialExecutorFactory = (workload: TrialWorkload, local: TrialExecutor) => TrialExecutor;

/** Runs one trial here; the limit starts now, on this thread's clock. */
export async function executeTrial(
  context: TrialContext,
  spec: TrialSpec,
  signal: AbortSignal,
): Promise<TrialOutcome> {
  const deadline = Number.isFinite(spec.timeLimitMs) ? context.now() + spec.timeLimitMs : Infinity;
  const control = trialControl(deadline);
  const onAbort = () => control.interrupt('cancelled');
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await runTrial(context, spec.id, spec.learner, spec.params, spec.rows, control);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Trials in this thread. Above 1, trials interleave at their folds: useful in tests only. */
export function inProcessTrials(context: TrialContext, concurrency = 1): TrialExecutor {
  return { concurrency, run: (spec, signal) => executeTrial(context, spec, signal) };
}

/** An outcome for a trial stopped before it produced anything. */
export const stoppedOutcome = (error?: string): TrialOutcome => ({
  status: 'cancelled',
  score: null,
  foldScores: [],
  predictions: null,
  seconds: 0,
  foldSeconds: [],
  ...(error ? { error } : {}),
});

/** One place that runs one trial at a time: this thread, a worker, a thread. */
export interface TrialSlot {
  run(spec: TrialSpec, signal: AbortSignal): Promise<TrialOutcome>;
  /** Resolves once the slot can take trials (a worker has loaded the data); rejects if never. */
  readonly ready?: Promise<void>;
  /**
   * Takes no tfjs trials. Keeping them all on the slots that take them (this thread, where tfjs
   * has started) means one tfjs backend, one GPU context, and the same numbers on every run.
   */
  readonly cpuOnly?: boolean;
}

interface Waiting {
  readonly spec: TrialSpec;
  readonly signal: AbortSignal;
  resolve(outcome: TrialOutcome): void;
  reject(error: unknown): void;
}

/**
 * An executor over slots that each run one trial at a time: a trial goes to the first free slot
 * that is ready and takes it, or waits for one (a tfjs trial waiting does not hold back the CPU
 * trials behind it). A slot whose start fails is left out; the executor rejects trials only when
 * every slot has failed.
 */
export function slotExecutor(slots: readonly TrialSlot[]): TrialExecutor {
  if (slots.every((slot) => slot.cpuOnly)) {
    throw new TrainingError(
      'invalid-params',
      'A trial executor needs a slot that takes tfjs trials.',
    );
  }
  const free: TrialSlot[] = [];
  const queue: Waiting[] = [];
  let failed = 0;
  let lastFailure = '';

  const release = (slot: TrialSlot) => {
    free.push(slot);
    free.sort((a, b) => slots.indexOf(a) - slots.indexOf(b));
    pump();
  };

  const pump = () => {
    for (let i = 0; i < queue.length && free.length;) {
      const waiting = queue[i] as Waiting;
      if (waiting.signal.aborted) {
        queue.splice(i, 1);
        waiting.resolve(stoppedOutcome());
        continue;
      }
      const gpu = GPU_LEARNERS.has(waiting.spec.learner);
      const slot = free.find((candidate) => !gpu || !candidate.cpuOnly);
      if (!slot) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      free.splice(free.indexOf(slot), 1);
      slot
        .run(waiting.spec, waiting.signal)
        .then(waiting.resolve, waiting.reject)
        .finally(() => release(slot));
    }
    if (failed === slots.length) {
      for (const waiting of queue.splice(0)) {
        waiting.reject(
          new TrainingError('unsupported', `No trial worker could start: ${lastFailure}`),
        );
      }
    }
  };

  for (const slot of slots) {
    if (!slot.ready) {
      free.push(slot);
      continue;
    }
    slot.ready.then(
      () => release(slot),
      (error: unknown) => {
        failed++;
        lastFailure = error instanceof Error ? error.message : String(error);
        pump();
      },
    );
  }

  return {
    concurrency: slots.length,
    run: (spec, signal) =>
      new Promise<TrialOutcome>((resolve, reject) => {
        const waiting: Waiting = { spec, signal, resolve, reject };
        queue.push(waiting);
        signal.addEventListener(
          'abort',
          () => {
            const index = queue.indexOf(waiting);
            if (index < 0) return;
            queue.splice(index, 1);
            resolve(stoppedOutcome());
          },
          { once: true },
        );
        pump();
      }),
  };
}
