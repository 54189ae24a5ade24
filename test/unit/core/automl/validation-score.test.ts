import { describe, expect, it } from 'vitest';
import { scoreNoise } from '../../../../src/core/automl/convergence';
import { pooledMetric, validationScore } from '../../../../src/core/automl/metric';
import type { EvaluationPlan } from '../../../../src/core/automl/validation';
import { METRICS } from '../../../../src/core/metrics/registry';
import { seededRandom } from '../../../../src/core/random';

/** 54 rows in 10 folds of 5 or 6, as a 10-fold search lays out its validation rows. */
function plan(y: Float64Array | Int32Array): EvaluationPlan {
  const offsets = Int32Array.from({ length: 11 }, (_, f) => Math.round((f * y.length) / 10));
  return {
    description: {
      kind: 'cv',
      folds: 10,
      repeats: 1,
      stratified: false,
      validationRows: y.length,
      reason: '',
    },
    folds: [],
    external: null,
    y,
    offsets,
    requestedFolds: 10,
    repeats: 1,
  };
}

describe('the validation score of out-of-fold predictions', () => {
  const random = seededRandom(4);
  const y = Float64Array.from({ length: 54 }, () => 20 + 10 * random());
  // A model that explains part of the variance: the truth pulled halfway to the mean, plus noise.
  const predicted = Float64Array.from(y, (value) => (value + 25) / 2 + 3 * (random() - 0.5));
  const folds = plan(y);

  it('scores R² on all rows at once, not as a mean of tiny folds', () => {
    expect(pooledMetric(METRICS.r2, folds.offsets)).toBe(true);
    const pooled = validationScore(METRICS.r2, y, folds.offsets, predicted, 0);
    expect(pooled).toBeCloseTo(METRICS.r2.compute(y, predicted), 12);
    expect(pooled).toBeGreaterThan(0.3);
    // The mean of the ten 5-row fold scores is far lower, and far noisier.
    let mean = 0;
    for (let f = 0; f < 10; f++) {
      const from = folds.offsets[f] as number;
      const to = folds.offsets[f + 1] as number;
      mean += METRICS.r2.compute(y.subarray(from, to), predicted.subarray(from, to)) / 10;
    }
    expect(mean).toBeLessThan(pooled - 0.1);
    // Its noise is that of the rows, not the spread of those fold scores.
    const foldScores = Array.from({ length: 10 }, (_, f) => (f % 2 ? -2 : 1));
    const noise = scoreNoise(METRICS.r2, folds, 0, foldScores, predicted);
    expect(noise).toBeLessThan(0.2);
  });

  it('averages R² over folds of 20 rows or more', () => {
    const large = Float64Array.from({ length: 200 }, (_, i) => y[i % 54] as number);
    const guess = Float64Array.from({ length: 200 }, (_, i) => predicted[i % 54] as number);
    const ten = plan(large).offsets;
    expect(pooledMetric(METRICS.r2, ten)).toBe(false);
    let mean = 0;
    for (let f = 0; f < 10; f++) {
      const from = ten[f] as number;
      const to = ten[f + 1] as number;
      mean += METRICS.r2.compute(large.subarray(from, to), guess.subarray(from, to)) / 10;
    }
    expect(validationScore(METRICS.r2, large, ten, guess, 0)).toBeCloseTo(mean, 12);
  });

  it('averages the fold scores of the other metrics', () => {
    expect(pooledMetric(METRICS.rmse, folds.offsets)).toBe(false);
    let mean = 0;
    for (let f = 0; f < 10; f++) {
      const from = folds.offsets[f] as number;
      const to = folds.offsets[f + 1] as number;
      mean += METRICS.rmse.compute(y.subarray(from, to), predicted.subarray(from, to)) / 10;
    }
    expect(validationScore(METRICS.rmse, y, folds.offsets, predicted, 0)).toBeCloseTo(mean, 12);
  });
});
