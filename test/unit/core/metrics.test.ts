import { describe, expect, it } from 'vitest';
import classification from '../../fixtures/sklearn/metrics-classification.json';
import regression from '../../fixtures/sklearn/metrics-regression.json';
import {
  accuracy,
  auc,
  averagePrecision,
  averageRanks,
  balancedAccuracy,
  calibrationCurve,
  classScores,
  cohenKappa,
  confusionMatrix,
  explainedVariance,
  f1Score,
  logLoss,
  matthewsCorrelation,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  precisionRecallCurve,
  precisionScore,
  probaColumn,
  r2Score,
  recallScore,
  rocAuc,
  rocAucOneVsRest,
  rocCurve,
  rootMeanSquaredError,
  spearman,
} from '../../../src/core/metrics';
import { argsort } from '../../../src/core/metrics/argsort';
import { seededRandom } from '../../../src/core/random';

const TOLERANCE = 1e-9;

function expectClose(actual: number, expected: number | null, label: string) {
  if (expected === null) {
    expect(actual, label).toBeNaN();
    return;
  }
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOLERANCE * scale,
  );
}

function expectExact(
  actual: ArrayLike<number>,
  expected: readonly (number | null)[],
  label: string,
) {
  expect(Array.from(actual), label).toEqual(expected.map((value) => value ?? NaN));
}

function expectAllClose(
  actual: ArrayLike<number>,
  expected: readonly (number | null)[],
  label: string,
) {
  expect(actual.length, `${label} length`).toBe(expected.length);
  expected.forEach((value, i) => expectClose(actual[i] as number, value, `${label}[${i}]`));
}

type Weighting = 'unweighted' | 'weighted';
const weightings: Weighting[] = ['unweighted', 'weighted'];

describe.each(classification.cases)(
  'classification metrics match scikit-learn: $name',
  (fixture) => {
    const yTrue = Int32Array.from(fixture.y_true);
    const yPred = Int32Array.from(fixture.y_pred);
    const proba = Float64Array.from(fixture.proba as number[]);
    const nClasses = fixture.n_classes;
    const rows = yTrue.length;

    describe.each(weightings)('%s', (weighting) => {
      const expected = fixture[weighting] as Record<string, unknown> & typeof fixture.unweighted;
      const sampleWeight =
        weighting === 'weighted' ? Float64Array.from(fixture.weights as number[]) : undefined;
      const options = { nClasses, sampleWeight };
      const scalar = (key: string) => expected[key] as number;

      it('scores labels', () => {
        expectClose(accuracy(yTrue, yPred, options), scalar('accuracy'), 'accuracy');
        expectClose(
          balancedAccuracy(yTrue, yPred, options),
          scalar('balanced_accuracy'),
          'balanced',
        );
        expectClose(matthewsCorrelation(yTrue, yPred, options), scalar('matthews'), 'matthews');
        expectClose(cohenKappa(yTrue, yPred, options), scalar('cohen_kappa'), 'kappa');
        for (const average of ['macro', 'weighted'] as const) {
          expectClose(
            precisionScore(yTrue, yPred, average, options),
            scalar(`precision_${average}`),
            `precision_${average}`,
          );
          expectClose(
            recallScore(yTrue, yPred, average, options),
            scalar(`recall_${average}`),
            `recall_${average}`,
          );
          expectClose(
            f1Score(yTrue, yPred, average, options),
            scalar(`f1_${average}`),
            `f1_${average}`,
          );
        }
      });

      it('counts the confusion matrix and per-class scores', () => {
        const matrix = confusionMatrix(yTrue, yPred, options);
        if (sampleWeight) expectAllClose(matrix, expected.confusion, 'confusion');
        else expect(Array.from(matrix)).toEqual(expected.confusion);
        const perClass = classScores(yTrue, yPred, options);
        for (const key of ['precision', 'recall', 'f1', 'support'] as const) {
          expectAllClose(perClass[key], expected.per_class[key], key);
        }
      });

      it('scores probabilities', () => {
        expectClose(logLoss(yTrue, proba, { sampleWeight }), scalar('log_loss'), 'log_loss');
        if ('roc_auc' in expected) {
          const positive = probaColumn(proba, rows, 1);
          expectClose(rocAuc(yTrue, positive, { sampleWeight }), scalar('roc_auc'), 'roc_auc');
          expectClose(
            averagePrecision(yTrue, positive, { sampleWeight }),
            scalar('average_precision'),
            'average_precision',
          );
        }
        for (const average of ['macro', 'weighted'] as const) {
          const key = `roc_auc_ovr_${average}`;
          if (key in expected) {
            expectClose(rocAucOneVsRest(yTrue, proba, average, { sampleWeight }), scalar(key), key);
          }
        }
      });

      it('draws the same curves', () => {
        for (const curve of expected.curves) {
          const scores = probaColumn(proba, rows, curve.class);
          const options = { positive: curve.class, sampleWeight };
          const roc = rocCurve(yTrue, scores, options);
          expectExact(roc.fpr, curve.roc.fpr, 'fpr');
          expectExact(roc.tpr, curve.roc.tpr, 'tpr');
          expectExact(roc.thresholds, curve.roc.thresholds, 'thresholds');
          const all = rocCurve(yTrue, scores, { ...options, dropIntermediate: false });
          expectExact(all.fpr, curve.roc_all.fpr, 'fpr (all)');
          expectExact(all.tpr, curve.roc_all.tpr, 'tpr (all)');
          expectExact(all.thresholds, curve.roc_all.thresholds, 'thresholds (all)');
          const pr = precisionRecallCurve(yTrue, scores, options);
          expectExact(pr.precision, curve.pr.precision, 'precision');
          expectExact(pr.recall, curve.pr.recall, 'recall');
          expectExact(pr.thresholds, curve.pr.thresholds, 'pr thresholds');
          expectClose(rocAuc(yTrue, scores, options), curve.auc, 'auc');
          expectClose(averagePrecision(yTrue, scores, options), curve.average_precision, 'ap');
          if ('calibration' in curve && curve.calibration) {
            const reliability = calibrationCurve(yTrue, scores, {
              positive: curve.class,
              nBins: 10,
            });
            expectAllClose(reliability.probTrue, curve.calibration.prob_true, 'prob_true');
            expectAllClose(reliability.probPred, curve.calibration.prob_pred, 'prob_pred');
          }
        }
      });
    });
  },
);

describe.each(regression.cases)('regression metrics match scikit-learn: $name', (fixture) => {
  const yTrue = Float64Array.from(fixture.y_true as number[]);
  const yPred = Float64Array.from(fixture.y_pred as number[]);

  it.each(weightings)('%s', (weighting) => {
    const expected = fixture[weighting] as Record<string, number | null>;
    const sampleWeight =
      weighting === 'weighted' ? Float64Array.from(fixture.weights as number[]) : undefined;
    const options = { sampleWeight };
    const value = (key: string) => expected[key] as number | null;
    expectClose(meanSquaredError(yTrue, yPred, options), value('mse'), 'mse');
    expectClose(rootMeanSquaredError(yTrue, yPred, options), value('rmse'), 'rmse');
    expectClose(meanAbsoluteError(yTrue, yPred, options), value('mae'), 'mae');
    expectClose(r2Score(yTrue, yPred, options), value('r2'), 'r2');
    expectClose(meanAbsolutePercentageError(yTrue, yPred, options), value('mape'), 'mape');
    expectClose(
      medianAbsoluteError(yTrue, yPred, options),
      value('median_absolute_error'),
      'median_absolute_error',
    );
    expectClose(
      explainedVariance(yTrue, yPred, options),
      value('explained_variance'),
      'explained_variance',
    );
    if (weighting === 'unweighted') expectClose(spearman(yTrue, yPred), value('spearman'), 'rho');
  });
});

describe('metric edge cases', () => {
  it('gives tied values their average rank', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4]);
  });

  it('integrates in either direction and refuses a non-monotonic x', () => {
    expect(auc([0, 0.5, 1], [0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(auc([1, 0.5, 0], [1, 1, 0])).toBeCloseTo(0.75, 12);
    expect(() => auc([0, 1, 0.5], [0, 1, 1])).toThrow(/neither increasing nor decreasing/);
  });

  it('is NaN when ROC AUC is undefined', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toBeNaN();
    expect(rocAucOneVsRest([0, 0], [0.7, 0.2, 0.1, 0.6, 0.3, 0.1])).toBeNaN();
  });

  it('names the row and field of bad input', () => {
    expect(() => accuracy([0, 1, 3], [0, 1, 1], { nClasses: 3 })).toThrow(/yTrue\[2\] = 3/);
    expect(() => accuracy([0, 1], [0, 1, 1])).toThrow(/yPred has 3 values but there are 2 rows/);
    expect(() => rocAuc([0, 1], [0.1, NaN])).toThrow(/scores\[1\] is NaN/);
    expect(() => meanSquaredError([1, 2], [1, 2], { sampleWeight: [1, -1] })).toThrow(
      /sampleWeight\[1\]/,
    );
    expect(() => logLoss([0, 1], [0.5, 0.5, 0.5])).toThrow(/rows × classes/);
    expect(() => calibrationCurve([0, 1], [0.5, 1.5])).toThrow(/outside \[0, 1\]/);
  });
});

describe('sorting helpers', () => {
  const referenceArgsort = (values: Float64Array, indices: Uint32Array) =>
    Array.from(indices).sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);

  it('argsorts large inputs stably by radix exactly as a comparison sort does', () => {
    const rng = seededRandom(12);
    const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 1e308];
    for (const rows of [100, 5000]) {
      const values = Float64Array.from({ length: rows }, (_, i) =>
        i % 7 === 0
          ? (specials[i % specials.length] as number)
          : Math.round((rng() - 0.5) * 200) / (i % 3 === 0 ? 1 : 8),
      );
      const all = Uint32Array.from(values.keys());
      expect(Array.from(argsort(values))).toEqual(referenceArgsort(values, all));
      const subset = all.filter((i) => i % 5 !== 0);
      expect(Array.from(argsort(values, subset))).toEqual(referenceArgsort(values, subset));
    }
  });

  it('takes the median in linear time without changing its value', () => {
    for (let seed = 0; seed < 30; seed++) {
      const rng = seededRandom(seed);
      const rows = 1 + Math.floor(rng() * 300);
      const truth = Float64Array.from({ length: rows }, () => Math.round(rng() * 20));
      const zeros = new Float64Array(rows);
      const sorted = Float64Array.from(truth).sort();
      const middle = rows >> 1;
      const expected =
        rows % 2
          ? sorted[middle]
          : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
      expect(medianAbsoluteError(truth, zeros), `seed ${seed}`).toBe(expected);
    }
  });
});
