import { TrainingError, yieldToEventLoop } from '../errors/training-error';
import { LEARNERS } from '../learners/registry';
import type { Estimator, LearnerName, Matrix } from '../learners/types';
import type { MetricSpec } from '../metrics/registry';
import { seededRandom } from '../random';
import { featurizationOf, type FeatureStore } from './features';
import { scorePredictions, validationScore } from './metric';
import { deriveSeed } from './seeds';
import type { Params, TrialStatus } from './types';
import type { EvaluationPlan } from './validation';

export interface TrialContext {
  readonly store: FeatureStore;
  readonly plan: EvaluationPlan;
  readonly metric: MetricSpec;
  /** 0 for regression. */
  readonly classes: number;
  readonly seed: number;
  readonly now: () => number;
}

/** Why a running trial was stopped from outside. */
export type Interruption = 'timeout' | 'paused' | 'cancelled';

export interface TrialControl {
  readonly signal: AbortSignal;
  /** Milliseconds on the search clock by which the trial must end. */
  readonly deadline: number;
  /** Stops the trial; the reason says what to make of it. */
  interrupt(reason: Interruption): void;
  readonly interruption: () => Interruption | null;
}

/** A control whose `interrupt` aborts the trial's signal, remembering the first reason. */
export function trialControl(deadline: number): TrialControl {
  const abort = new AbortController();
  let interruption: Interruption | null = null;
  return {
    signal: abort.signal,
    deadline,
    interrupt: (reason) => {
      if (interruption) return;
      interruption = reason;
      abort.abort();
    },
    interruption: () => interruption,
  };
}

export interface TrialOutcome {
  readonly status: TrialStatus | 'paused' | 'cancelled';
  readonly score: number | null;
  readonly foldScores: number[];
  /** Validation predictions laid out like the plan's `y` (probabilities `× classes` when classifying). */
  readonly predictions: Float64Array | null;
  readonly seconds: number;
  /** Wall seconds of each fold's fit and prediction, featurizing excluded. */
  readonly foldSeconds: number[];
  readonly error?: string;
}

/** Class probabilities, or a one-hot of the predicted class for learners without them. */
export function predictRows(estimator: Estimator, x: Matrix, classes: number): Float64Array {
  if (classes === 0) return estimator.predict(x);
  if (estimator.predictProba) return estimator.predictProba(x);
  const labels = estimator.predict(x);
  const proba = new Float64Array(labels.length * classes);
  labels.forEach((label, i) => (proba[i * classes + label] = 1));
  return proba;
}

/**
 * Whether the folds left would end past the deadline at the pace of the latest fold. The first
 * fold pays one-off costs (featurizing, compiling kernels), so the pace is judged from the second.
 */
function wouldOverrun(
  foldSeconds: readonly number[],
  folds: number,
  now: number,
  deadline: number,
) {
  if (foldSeconds.length < 2) return false;
  const latest = foldSeconds[foldSeconds.length - 1] as number;
  return now + latest * 1000 * (folds - foldSeconds.length) > deadline;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Fits `params` on every fold's training rows (sampled down to `rows` at low fidelity) and scores
 * the fold's validation rows. Stops early, as `timeout`, when the deadline passes during a fit or
 * when the folds done so far say the rest would overrun it.
 */
export async function runTrial(
  context: TrialContext,
  trialId: number,
  learner: LearnerName,
  params: Params,
  rows: number,
  control: TrialControl,
): Promise<TrialOutcome> {
  const { store, plan, metric, classes, now } = context;
  const started = now();
  const width = Math.max(1, classes);
  const predictions = new Float64Array(plan.y.length * width);
  const foldScores: number[] = [];
  const foldSeconds: number[] = [];
  const spec = featurizationOf(learner);
  const folds = plan.folds.length;
  const elapsed = () => (now() - started) / 1000;
  const checkTime = () => {
    if (!control.signal.aborted && now() > control.deadline) control.interrupt('timeout');
  };
  const stopped = (error?: string): TrialOutcome => ({
    status: control.interruption() ?? 'failed',
    score: null,
    foldScores,
    predictions: null,
    seconds: elapsed(),
    foldSeconds,
    ...(error ? { error } : {}),
  });
  try {
    for (let fold = 0; fold < folds; fold++) {
      const data = await store.fold(fold, spec, rows, control.signal);
      checkTime();
      const fitStarted = now();
      const estimator = await LEARNERS[learner].fit(
        data.x,
        data.target,
        params as Record<string, unknown>,
        {
          rng: seededRandom(deriveSeed(context.seed, 'trial', trialId, fold)),
          signal: control.signal,
          sampleWeight: data.sampleWeight,
          onProgress: checkTime,
        },
      );
      const predicted = predictRows(estimator, data.test, classes);
      const from = plan.offsets[fold] as number;
      const to = plan.offsets[fold + 1] as number;
      predictions.set(predicted, from * width);
      const score = scorePredictions(metric, plan.y.subarray(from, to), predicted, classes);
      foldScores.push(score);
      const seconds = (now() - fitStarted) / 1000;
      foldSeconds.push(seconds);
      if (fold + 1 < folds && wouldOverrun(foldSeconds, folds, now(), control.deadline)) {
        control.interrupt('timeout');
        return stopped(`the remaining ${folds - fold - 1} folds would overrun the time left`);
      }
      await yieldToEventLoop();
      if (control.signal.aborted) return stopped();
    }
  } catch (error) {
    if (error instanceof TrainingError && error.kind === 'cancelled' && control.interruption()) {
      return stopped(
        control.interruption() === 'timeout' ? 'stopped at its time limit' : undefined,
      );
    }
    return { ...stopped(message(error)), status: 'failed' };
  }
  // Pooled metrics (R², Spearman) are scored on every validation row at once; the fold scores
  // are kept for the spread.
  const score = validationScore(metric, plan.y, plan.offsets, predictions, classes);
  if (!Number.isFinite(score)) {
    return { ...stopped(`${metric.name} is undefined for these predictions`), status: 'failed' };
  }
  return { status: 'ok', score, foldScores, predictions, seconds: elapsed(), foldSeconds };
}
