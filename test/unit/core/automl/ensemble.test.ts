import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../../../src/core/automl';
import {
  chooseEnsemble,
  clearlyBetter,
  selectEnsemble,
} from '../../../../src/core/automl/ensemble';
import type { EvaluationPlan } from '../../../../src/core/automl/validation';
import { METRICS } from '../../../../src/core/metrics/registry';

/** Two folds over `y`, as the search lays out validation rows. */
function planFor(y: number[]): EvaluationPlan {
  const half = y.length >> 1;
  const rows = (from: number, to: number) =>
    Int32Array.from({ length: to - from }, (_, i) => from + i);
  return {
    description: {
      kind: 'cv',
      folds: 2,
      repeats: 1,
      stratified: true,
      validationRows: y.length,
      reason: '',
    },
    folds: [
      { train: rows(half, y.length), test: rows(0, half) },
      { train: rows(0, half), test: rows(half, y.length) },
    ],
    external: null,
    y: Int32Array.from(y),
    offsets: Int32Array.from([0, half, y.length]),
    requestedFolds: 2,
    repeats: 1,
  };
}

/** Binary probabilities: `right` on the true class where `correct(i)`, else `wrong`. */
function model(y: number[], correct: (i: number) => boolean, right = 0.9, wrong = 0.4) {
  const proba = new Float64Array(y.length * 2);
  y.forEach((label, i) => {
    const p = correct(i) ? right : wrong;
    proba[i * 2 + label] = p;
    proba[i * 2 + 1 - label] = 1 - p;
  });
  return proba;
}

const y = Array.from({ length: 40 }, (_, i) => i % 2);

describe('greedy ensemble selection', () => {
  it('combines models that are right on different rows, beating each of them', () => {
    const plan = planFor(y);
    const firstHalf = model(y, (i) => i % 4 < 2);
    const secondHalf = model(y, (i) => i % 4 >= 2);
    const selection = selectEnsemble(
      [
        { trial: 1, predictions: firstHalf, refitSeconds: 1 },
        { trial: 2, predictions: secondHalf, refitSeconds: 1 },
      ],
      METRICS.accuracy,
      plan,
      2,
    );
    expect(selection?.score).toBe(1);
    expect([...(selection?.counts.keys() ?? [])].sort()).toEqual([1, 2]);
  });

  it('keeps the best model alone when mixing in others does not help', () => {
    const plan = planFor(y);
    const strong = model(y, () => true);
    const weak = model(y, (i) => i % 3 === 0, 0.55, 0.2);
    const selection = selectEnsemble(
      [
        { trial: 1, predictions: strong, refitSeconds: 1 },
        { trial: 2, predictions: weak, refitSeconds: 1 },
      ],
      METRICS.log_loss,
      plan,
      2,
    );
    expect([...(selection?.counts.keys() ?? [])]).toEqual([1]);
    expect(selection?.score).toBeCloseTo(-Math.log(0.9), 12);
  });

  it('leaves out members whose refit would not fit in the time left', () => {
    const plan = planFor(y);
    const selection = selectEnsemble(
      [
        { trial: 1, predictions: model(y, (i) => i % 4 < 2), refitSeconds: 1 },
        { trial: 2, predictions: model(y, (i) => i % 4 >= 2), refitSeconds: 50 },
      ],
      METRICS.accuracy,
      plan,
      2,
      { refitAllowance: 10 },
    );
    expect([...(selection?.counts.keys() ?? [])]).toEqual([1]);
    expect(selection?.score).toBe(0.5);
  });

  it('averages values for regression', () => {
    const target = [1, 2, 3, 4, 5, 6, 7, 8];
    const plan = { ...planFor(target), y: Float64Array.from(target) };
    const high = Float64Array.from(target, (value) => value + 1);
    const low = Float64Array.from(target, (value) => value - 1);
    const selection = selectEnsemble(
      [
        { trial: 1, predictions: high, refitSeconds: 0 },
        { trial: 2, predictions: low, refitSeconds: 0 },
      ],
      METRICS.rmse,
      plan,
      0,
    );
    expect(selection?.score).toBe(0);
    expect(selection?.counts.get(1)).toBe(selection?.counts.get(2));
  });

  it('is kept only when it beats the best single trial', () => {
    const plan = planFor(y);
    const record = (id: number, score: number): TrialRecord => ({
      id,
      learner: id === 1 ? 'gbdt' : 'knn',
      params: {},
      source: 'initial',
      rows: y.length / 2,
      fullFidelity: true,
      featurization: 'imputed',
      status: 'ok',
      score,
      foldScores: [score, score],
      fitSeconds: 1,
      startedAt: 0,
    });
    const complementary = [
      { record: record(1, 0.5), predictions: model(y, (i) => i % 4 < 2), refitSeconds: 1 },
      { record: record(2, 0.5), predictions: model(y, (i) => i % 4 >= 2), refitSeconds: 1 },
    ];
    const kept = chooseEnsemble(
      complementary[0]!.record,
      complementary,
      METRICS.accuracy,
      plan,
      2,
      Infinity,
    );
    expect(kept).toMatchObject({ kept: true, score: 1, bestSingleScore: 0.5 });
    expect(kept?.members.map((member) => member.weight)).toEqual([0.5, 0.5]);

    const dominated = [
      { record: record(1, 1), predictions: model(y, () => true), refitSeconds: 1 },
      { record: record(2, 0.5), predictions: model(y, (i) => i % 2 === 0), refitSeconds: 1 },
    ];
    const rejected = chooseEnsemble(
      dominated[0]!.record,
      dominated,
      METRICS.accuracy,
      plan,
      2,
      Infinity,
    );
    expect(rejected?.kept).toBe(false);
    expect(rejected?.reason).toMatch(/kept only one model/);
  });

  it('needs a gain beyond the noise of the validation rows', () => {
    const plan = planFor(y);
    const single = model(y, (i) => i > 5);
    const sixMoreRight = model(y, () => true);
    const fourRightOneWrong = model(y, (i) => i > 1 && i !== 9);
    // Six rows more right and none worse: a clear gain.
    expect(clearlyBetter(METRICS.accuracy, plan, 2, single, sixMoreRight, 6 / y.length)).toBe(true);
    // Four more right, one more wrong: a gain of three rows, within the noise of 40.
    expect(clearlyBetter(METRICS.accuracy, plan, 2, single, fourRightOneWrong, 3 / y.length)).toBe(
      false,
    );
    expect(clearlyBetter(METRICS.accuracy, plan, 2, single, sixMoreRight, 0)).toBe(false);
  });
});
