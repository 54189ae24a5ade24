import { describe, expect, it } from 'vitest';
import classification from '../../fixtures/sklearn/metrics-classification.json';
import regression from '../../fixtures/sklearn/metrics-regression.json';
import {
  evaluateClassification,
  evaluateRegression,
  getMetric,
  isBetter,
  METRIC_NAMES,
  METRICS,
  metricsFor,
} from '../../../src/core/metrics';

const [binary, multiclass, missingClass] = classification.cases as unknown as {
  y_true: number[];
  y_pred: number[];
  proba: number[];
  n_classes: number;
  unweighted: Record<string, number>;
}[];

describe('metric registry', () => {
  it('names the CLI metrics with their direction and input', () => {
    expect(METRIC_NAMES).toEqual([
      'accuracy',
      'balanced_accuracy',
      'f1_macro',
      'f1_weighted',
      'precision_macro',
      'recall_macro',
      'roc_auc',
      'log_loss',
      'rmse',
      'mae',
      'r2',
      'mape',
      'spearman',
    ]);
    for (const name of METRIC_NAMES) expect(METRICS[name].name).toBe(name);
    expect(metricsFor('regression').map((metric) => metric.name)).toEqual([
      'rmse',
      'mae',
      'r2',
      'mape',
      'spearman',
    ]);
    expect(METRICS.log_loss).toMatchObject({ greaterIsBetter: false, needsProba: true });
    expect(METRICS.roc_auc).toMatchObject({ greaterIsBetter: true, needsProba: true });
    expect(METRICS.r2.greaterIsBetter).toBe(true);
    expect(METRICS.spearman.supportsWeights).toBe(false);
    expect(() => getMetric('auc')).toThrow(/Unknown metric “auc”; choose one of accuracy/);
  });

  it('computes the same values as scikit-learn through the registry', () => {
    for (const fixture of [binary, multiclass]) {
      if (!fixture) throw new Error('missing fixture');
      const y = Int32Array.from(fixture.y_true);
      const pred = Int32Array.from(fixture.y_pred);
      const proba = Float64Array.from(fixture.proba);
      const expected = fixture.unweighted;
      for (const name of ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted'] as const) {
        expect(METRICS[name].compute(y, pred)).toBeCloseTo(expected[name] as number, 12);
      }
      expect(METRICS.precision_macro.compute(y, pred)).toBeCloseTo(
        expected.precision_macro as number,
        12,
      );
      expect(METRICS.recall_macro.compute(y, pred)).toBeCloseTo(
        expected.recall_macro as number,
        12,
      );
      expect(METRICS.log_loss.compute(y, proba)).toBeCloseTo(expected.log_loss as number, 12);
      const auc = expected.roc_auc ?? expected.roc_auc_ovr_weighted;
      expect(METRICS.roc_auc.compute(y, proba)).toBeCloseTo(auc as number, 12);
    }
    const fixture = regression.cases[0];
    if (!fixture) throw new Error('missing fixture');
    const yTrue = Float64Array.from(fixture.y_true as number[]);
    const yPred = Float64Array.from(fixture.y_pred as number[]);
    for (const name of ['rmse', 'mae', 'r2', 'mape', 'spearman'] as const) {
      expect(METRICS[name].compute(yTrue, yPred)).toBeCloseTo(
        fixture.unweighted[name] as number,
        12,
      );
    }
  });

  it('compares scores in the metric’s direction', () => {
    expect(isBetter(METRICS.accuracy, 0.9, 0.8)).toBe(true);
    expect(isBetter(METRICS.rmse, 0.9, 0.8)).toBe(false);
    expect(isBetter(METRICS.rmse, 0.8, NaN)).toBe(true);
    expect(isBetter(METRICS.rmse, NaN, 0.8)).toBe(false);
  });
});

describe('reports', () => {
  it('gathers every classification metric, the confusion matrix and curves as plain JSON', () => {
    if (!multiclass) throw new Error('missing fixture');
    const classes = ['ant', 'bee', 'cat', 'dog'];
    const report = evaluateClassification(
      Int32Array.from(multiclass.y_true),
      Int32Array.from(multiclass.y_pred),
      Float64Array.from(multiclass.proba),
      classes,
    );
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.metrics.accuracy).toBeCloseTo(multiclass.unweighted.accuracy as number, 12);
    expect(report.metrics.roc_auc).toBeCloseTo(
      multiclass.unweighted.roc_auc_ovr_weighted as number,
      12,
    );
    expect(report.metrics.roc_auc_macro).toBeCloseTo(
      multiclass.unweighted.roc_auc_ovr_macro as number,
      12,
    );
    expect(report.confusionMatrix.flat()).toEqual(multiclass.unweighted.confusion);
    expect(report.perClass.map((row) => row.class)).toEqual(classes);
    expect(report.perClass[3]).toMatchObject({ precision: 0, f1: 0 });
    expect(report.roc.map((curve) => curve.class)).toEqual(classes);
    expect(report.calibration).toHaveLength(4);
  });

  it('reports binary curves for the positive class and thins long ones', () => {
    if (!binary) throw new Error('missing fixture');
    const report = evaluateClassification(
      Int32Array.from(binary.y_true),
      Int32Array.from(binary.y_pred),
      Float64Array.from(binary.proba),
      ['no', 'yes'],
      { maxPoints: 10 },
    );
    expect(report.roc.map((curve) => curve.class)).toEqual(['yes']);
    const roc = report.roc[0];
    expect(roc?.fpr).toHaveLength(10);
    expect(roc?.fpr[0]).toBe(0);
    expect(roc?.fpr[9]).toBe(1);
    expect(roc?.auc).toBeCloseTo(binary.unweighted.roc_auc as number, 12);
    expect(report.precisionRecall[0]?.precision).toHaveLength(11);
    expect(report.metrics.average_precision).toBeCloseTo(
      binary.unweighted.average_precision as number,
      12,
    );
  });

  it('reports label metrics alone without probabilities, and null for undefined ones', () => {
    if (!missingClass) throw new Error('missing fixture');
    const report = evaluateClassification(
      Int32Array.from(missingClass.y_true),
      Int32Array.from(missingClass.y_pred),
      null,
      ['a', 'b', 'c'],
    );
    expect(report.metrics.log_loss).toBeUndefined();
    expect(report.roc).toEqual([]);
    const oneClass = evaluateClassification([1, 1], [1, 0], [0.2, 0.8, 0.6, 0.4], ['a', 'b']);
    expect(oneClass.metrics.roc_auc).toBeNull();
    expect(JSON.stringify(oneClass)).not.toContain('NaN');
  });

  it('summarises regression residuals with a sample to plot', () => {
    const fixture = regression.cases[1];
    if (!fixture) throw new Error('missing fixture');
    const yTrue = Float64Array.from(fixture.y_true as number[]);
    const yPred = Float64Array.from(fixture.y_pred as number[]);
    const report = evaluateRegression(yTrue, yPred, { maxPoints: 10, histogramBins: 8 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    for (const [name, value] of Object.entries(fixture.unweighted)) {
      const expected = value as number;
      const error = Math.abs((report.metrics[name] as number) - expected);
      expect(error, name).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    }
    expect(report.residuals.histogram.counts.reduce((sum, count) => sum + count, 0)).toBe(
      yTrue.length,
    );
    expect(report.residuals.histogram.edges).toHaveLength(9);
    expect(report.sample.rows).toHaveLength(10);
    expect(report.sample.rows[0]).toBe(0);
    expect(report.sample.rows[9]).toBe(yTrue.length - 1);
    const constant = evaluateRegression([1, 2, 3], [2, 2, 2]);
    expect(constant.metrics.spearman).toBeNull();
  });
});
