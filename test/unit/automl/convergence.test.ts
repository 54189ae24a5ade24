import { describe, expect, it } from 'vitest';
import { checkConvergence, patienceFor, scoreNoise } from '../../../src/core/automl/convergence';
import type { TrialRecord } from '../../../src/core/automl';
import type { EvaluationPlan } from '../../../src/core/automl/validation';
import { METRICS } from '../../../src/core/metrics/registry';

/** Trials 1, 2, 3… scored `scores` (null for a failed one), on accuracy. */
function trials(scores: readonly (number | null)[]): TrialRecord[] {
  return scores.map((score, index) => ({
    id: index + 1,
    learner: 'gbdt',
    params: {},
    source: 'local-search',
    rows: 100,
    fullFidelity: true,
    featurization: 'native-missing',
    status: score === null ? 'failed' : 'ok',
    score,
    foldScores: [],
    fitSeconds: 1,
    startedAt: index,
  }));
}

const lossOf = (record: TrialRecord) =>
  record.score === null ? Infinity : 1 - (record.score as number);

const check = (scores: readonly (number | null)[], noise: number, firstOfRun = 1) =>
  checkConvergence({
    records: trials(scores),
    firstOfRun,
    patience: 4,
    lossOf,
    noiseOf: () => noise,
  });

const holdout = (y: number[]): EvaluationPlan => ({
  description: {
    kind: 'holdout',
    folds: 1,
    repeats: 1,
    stratified: false,
    validationRows: y.length,
    reason: '',
  },
  folds: [{ train: new Int32Array(0), test: Int32Array.from(y.keys()) }],
  external: null,
  y: Float64Array.from(y),
  offsets: Int32Array.from([0, y.length]),
  requestedFolds: 1,
  repeats: 1,
});

describe('convergence of a search', () => {
  it('waits for `patience` results of the run before judging', () => {
    expect(check([0.8, 0.8, 0.8], 0.01).converged).toBe(false);
    expect(check([0.8, 0.8, 0.8, 0.8, 0.8], 0.01).converged).toBe(true);
    // A continued run judges only its own results.
    expect(check([0.8, 0.8, 0.8, 0.8, 0.8, 0.8], 0.01, 4).converged).toBe(false);
  });

  it('counts a gain within one standard error of the best as no gain', () => {
    const within = check([0.8, 0.81, 0.805, 0.809, 0.8], 0.02);
    expect(within.converged).toBe(true);
    expect(within.reason).toMatch(
      /gained only 0\.010 over the last 4 trials, within its standard error of 0\.020/,
    );
    expect(check([0.8, 0.81, 0.805, 0.809, 0.8], 0.005).converged).toBe(false);
  });

  it('adds up small gains, so that a steady climb is progress', () => {
    // Each step gains 0.006, under the noise of 0.01; four of them gain 0.024.
    expect(check([0.8, 0.806, 0.812, 0.818, 0.824], 0.01).converged).toBe(false);
    expect(
      check([0.8, 0.806, 0.812, 0.818, 0.824, 0.824, 0.824, 0.824, 0.824], 0.01).converged,
    ).toBe(true);
  });

  it('counts failed trials as results without a gain, and needs a score before the window', () => {
    expect(check([null, null, null, null, null], 0.01).converged).toBe(false);
    expect(check([0.7, null, null, null, null], 0.01).converged).toBe(true);
  });

  it('grows its patience with the learners searched', () => {
    expect(patienceFor(1)).toBe(10);
    expect(patienceFor(7)).toBe(14);
    expect(patienceFor(7, 5)).toBe(14);
    expect(patienceFor(7, 1)).toBe(28);
  });
});

describe('the noise of a score', () => {
  it('is the standard error of the fold scores under cross-validation', () => {
    const plan = holdout([0, 1]);
    // Deviations −0.1, 0, 0.1, 0 from the mean: variance 0.02 / 3, over √4 folds.
    const noise = scoreNoise(METRICS.accuracy, plan, 2, [0.8, 0.9, 1, 0.9], null);
    expect(noise).toBeCloseTo(Math.sqrt(0.02 / 3) / 2, 12);
  });

  it('counts repeated folds as the folds of one repeat: they validate the same rows again', () => {
    const plan = { ...holdout([0, 1]), repeats: 2 };
    // Eight fold scores from two repeats of four folds: √4, not √8, in the denominator.
    const scores = [0.8, 0.9, 1, 0.9, 0.8, 0.9, 1, 0.9];
    const spread = Math.sqrt(0.04 / 7);
    expect(scoreNoise(METRICS.accuracy, plan, 2, scores, null)).toBeCloseTo(spread / 2, 12);
    // One row's worth is one row of the table, not of the rows laid end to end.
    const rows = { ...holdout([0, 1, 0, 1]), repeats: 2 };
    expect(scoreNoise(METRICS.accuracy, rows, 2, [0.5], null)).toBe(0.5);
  });

  it('comes from the per-row losses on one holdout, on the metric’s scale', () => {
    const y = [0, 1, 0, 1, 0, 1, 0, 1];
    // Two of eight rows wrong: losses 0/1 with standard deviation √(2·0.75²+6·0.25²)/√7.
    const proba = Float64Array.from(
      y.flatMap((label, i) => (i < 2 ? [label, 1 - label] : [1 - label, label])),
    );
    const expected = Math.sqrt((2 * 0.75 ** 2 + 6 * 0.25 ** 2) / 7) / Math.sqrt(8);
    expect(scoreNoise(METRICS.accuracy, holdout(y), 2, [0.75], proba)).toBeCloseTo(expected, 12);

    const values = [1, 2, 3, 4];
    const predictions = Float64Array.from([1.5, 2, 3, 4]);
    // Squared errors 0.25, 0, 0, 0: their standard error, over the variance of y (R² scale).
    const squares = [0.25, 0, 0, 0];
    const mean = 0.0625;
    const sd = Math.sqrt(squares.reduce((sum, v) => sum + (v - mean) ** 2, 0) / 3);
    const variance = values.reduce((sum, v) => sum + (v - 2.5) ** 2, 0) / 3;
    expect(scoreNoise(METRICS.r2, holdout(values), 0, [0.9], predictions)).toBeCloseTo(
      sd / 2 / variance,
      12,
    );
  });

  it('is one row’s worth without predictions or for a metric that is not a mean over rows', () => {
    expect(scoreNoise(METRICS.accuracy, holdout([0, 1, 0, 1]), 2, [0.5], null)).toBe(0.25);
    const proba = Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]);
    expect(scoreNoise(METRICS.f1_macro, holdout([0, 1, 0, 1]), 2, [0.5], proba)).toBe(0.25);
  });
});
