import { TrainingError } from '../errors/training-error';
import {
  accuracy,
  balancedAccuracy,
  classScores,
  cohenKappa,
  confusionMatrix,
  f1Score,
  logLoss,
  matthewsCorrelation,
  precisionScore,
  recallScore,
} from './classification';
import {
  averagePrecision,
  calibrationCurve,
  precisionRecallCurve,
  probaColumn,
  rocAuc,
  rocAucOneVsRest,
  rocCurve,
} from './curves';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  residuals,
  spearman,
} from './regression';

/** A metric that is undefined for the data (e.g. ROC AUC with one class) is null. */
export type ReportValue = number | null;

export interface ClassReport {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface RocCurveJSON {
  readonly class: string;
  readonly auc: ReportValue;
  readonly fpr: number[];
  readonly tpr: number[];
  readonly thresholds: number[];
}

export interface PrecisionRecallCurveJSON {
  readonly class: string;
  readonly averagePrecision: ReportValue;
  readonly precision: number[];
  readonly recall: number[];
  readonly thresholds: number[];
}

export interface CalibrationCurveJSON {
  readonly class: string;
  readonly probTrue: number[];
  readonly probPred: number[];
  readonly counts: number[];
}

export interface ClassificationReport {
  readonly task: 'classification';
  readonly rows: number;
  readonly classes: readonly string[];
  /** accuracy, balanced_accuracy, precision/recall/f1 _macro and _weighted, matthews,
   * cohen_kappa; with probabilities also roc_auc, log_loss and (binary) average_precision or
   * (multiclass) roc_auc_macro. */
  readonly metrics: Readonly<Record<string, ReportValue>>;
  readonly perClass: readonly ClassReport[];
  /** rows are true classes, columns predicted ones. */
  readonly confusionMatrix: number[][];
  /** Binary: the positive class (index 1). Multiclass: each class against the rest. */
  readonly roc: readonly RocCurveJSON[];
  readonly precisionRecall: readonly PrecisionRecallCurveJSON[];
  readonly calibration: readonly CalibrationCurveJSON[];
}

export interface ResidualSummary {
  readonly mean: number;
  readonly std: number;
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
}

export interface RegressionReport {
  readonly task: 'regression';
  readonly rows: number;
  /** rmse, mse, mae, r2, mape, median_absolute_error, explained_variance, spearman. */
  readonly metrics: Readonly<Record<string, ReportValue>>;
  readonly residuals: ResidualSummary;
  /** Evenly spaced rows (at most `maxPoints`) for a predicted-versus-actual plot. */
  readonly sample: {
    readonly rows: number[];
    readonly actual: number[];
    readonly predicted: number[];
  };
}

export interface ReportOptions {
  readonly sampleWeight?: ArrayLike<number>;
  /** Curves and samples longer than this are thinned evenly for display (ends kept). */
  readonly maxPoints?: number;
  readonly calibrationBins?: number;
}

const valueOrNull = (value: number): ReportValue => (Number.isFinite(value) ? value : null);

/** At most `limit` evenly spaced indices of `0..length-1`, always keeping both ends. */
function evenIndices(length: number, limit: number): number[] {
  if (length <= limit) return Array.from({ length }, (_, i) => i);
  const indices: number[] = [];
  for (let k = 0; k < limit; k++) indices.push(Math.round((k * (length - 1)) / (limit - 1)));
  return indices;
}

const thin = (values: Float64Array, indices: readonly number[]) =>
  indices.map((index) => values[index] as number);

export function evaluateClassification(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  proba: ArrayLike<number> | null | undefined,
  classes: readonly string[],
  options: ReportOptions = {},
): ClassificationReport {
  const rows = yTrue.length;
  const nClasses = classes.length;
  if (nClasses < 2) {
    throw new TrainingError('single-class', 'A classification report needs at least 2 classes.');
  }
  const maxPoints = Math.max(2, options.maxPoints ?? 500);
  const labelOptions = { nClasses, sampleWeight: options.sampleWeight };
  const weights = { sampleWeight: options.sampleWeight };
  const metrics: Record<string, ReportValue> = {
    accuracy: valueOrNull(accuracy(yTrue, yPred, labelOptions)),
    balanced_accuracy: valueOrNull(balancedAccuracy(yTrue, yPred, labelOptions)),
  };
  for (const average of ['macro', 'weighted'] as const) {
    metrics[`precision_${average}`] = precisionScore(yTrue, yPred, average, labelOptions);
    metrics[`recall_${average}`] = recallScore(yTrue, yPred, average, labelOptions);
    metrics[`f1_${average}`] = f1Score(yTrue, yPred, average, labelOptions);
  }
  metrics.matthews = valueOrNull(matthewsCorrelation(yTrue, yPred, labelOptions));
  metrics.cohen_kappa = valueOrNull(cohenKappa(yTrue, yPred, labelOptions));

  const scores = classScores(yTrue, yPred, labelOptions);
  const perClass = classes.map((name, c) => ({
    class: name,
    precision: scores.precision[c] as number,
    recall: scores.recall[c] as number,
    f1: scores.f1[c] as number,
    support: scores.support[c] as number,
  }));
  const matrix = confusionMatrix(yTrue, yPred, labelOptions);
  const confusion = classes.map((_, r) =>
    Array.from(matrix.subarray(r * nClasses, (r + 1) * nClasses)),
  );

  const roc: RocCurveJSON[] = [];
  const precisionRecall: PrecisionRecallCurveJSON[] = [];
  const calibration: CalibrationCurveJSON[] = [];
  if (proba) {
    if (proba.length !== rows * nClasses) {
      throw new TrainingError(
        'invalid-input',
        `Expected ${rows} × ${nClasses} probabilities, got ${proba.length} values.`,
        'proba',
      );
    }
    metrics.log_loss = valueOrNull(logLoss(yTrue, proba, weights));
    if (nClasses === 2) {
      const positive = probaColumn(proba, rows, 1);
      metrics.roc_auc = valueOrNull(rocAuc(yTrue, positive, weights));
      metrics.average_precision = valueOrNull(averagePrecision(yTrue, positive, weights));
    } else {
      metrics.roc_auc = valueOrNull(rocAucOneVsRest(yTrue, proba, 'weighted', weights));
      metrics.roc_auc_macro = valueOrNull(rocAucOneVsRest(yTrue, proba, 'macro', weights));
    }
    const curveClasses = nClasses === 2 ? [1] : classes.map((_, c) => c);
    for (const c of curveClasses) {
      let positives = 0;
      for (let i = 0; i < rows; i++) if (yTrue[i] === c) positives++;
      if (positives === 0 || positives === rows) continue;
      const name = classes[c] as string;
      const column = probaColumn(proba, rows, c);
      const curveOptions = { positive: c, sampleWeight: options.sampleWeight };
      const rocPoints = rocCurve(yTrue, column, curveOptions);
      const rocKeep = evenIndices(rocPoints.fpr.length, maxPoints);
      roc.push({
        class: name,
        auc: valueOrNull(rocAuc(yTrue, column, curveOptions)),
        fpr: thin(rocPoints.fpr, rocKeep),
        tpr: thin(rocPoints.tpr, rocKeep),
        thresholds: thin(rocPoints.thresholds, rocKeep),
      });
      const pr = precisionRecallCurve(yTrue, column, curveOptions);
      const prKeep = evenIndices(pr.thresholds.length, maxPoints);
      precisionRecall.push({
        class: name,
        averagePrecision: valueOrNull(averagePrecision(yTrue, column, curveOptions)),
        precision: [...thin(pr.precision, prKeep), 1],
        recall: [...thin(pr.recall, prKeep), 0],
        thresholds: thin(pr.thresholds, prKeep),
      });
      const reliability = calibrationCurve(yTrue, column, {
        positive: c,
        nBins: options.calibrationBins ?? 10,
      });
      calibration.push({
        class: name,
        probTrue: Array.from(reliability.probTrue),
        probPred: Array.from(reliability.probPred),
        counts: Array.from(reliability.counts),
      });
    }
  }
  return {
    task: 'classification',
    rows,
    classes: [...classes],
    metrics,
    perClass,
    confusionMatrix: confusion,
    roc,
    precisionRecall,
    calibration,
  };
}

function summariseResiduals(errors: Float64Array, bins: number): ResidualSummary {
  const rows = errors.length;
  let mean = 0;
  for (let i = 0; i < rows; i++) mean += errors[i] as number;
  mean /= rows;
  let squares = 0;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < rows; i++) {
    const value = errors[i] as number;
    squares += (value - mean) * (value - mean);
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (low === high) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? high : low + k * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < rows; i++) {
    const bin = Math.min(bins - 1, Math.floor(((errors[i] as number) - low) / width));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { mean, std: Math.sqrt(squares / rows), histogram: { edges, counts } };
}

export function evaluateRegression(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ReportOptions & { readonly histogramBins?: number } = {},
): RegressionReport {
  const weights = { sampleWeight: options.sampleWeight };
  const metrics: Record<string, ReportValue> = {
    rmse: valueOrNull(Math.sqrt(meanSquaredError(yTrue, yPred, weights))),
    mse: valueOrNull(meanSquaredError(yTrue, yPred, weights)),
    mae: valueOrNull(meanAbsoluteError(yTrue, yPred, weights)),
    r2: valueOrNull(r2Score(yTrue, yPred, weights)),
    mape: valueOrNull(meanAbsolutePercentageError(yTrue, yPred, weights)),
    median_absolute_error: valueOrNull(medianAbsoluteError(yTrue, yPred, weights)),
    explained_variance: valueOrNull(explainedVariance(yTrue, yPred, weights)),
    spearman: valueOrNull(spearman(yTrue, yPred)),
  };
  const keep = evenIndices(yTrue.length, Math.max(2, options.maxPoints ?? 2000));
  return {
    task: 'regression',
    rows: yTrue.length,
    metrics,
    residuals: summariseResiduals(residuals(yTrue, yPred), options.histogramBins ?? 30),
    sample: {
      rows: keep,
      actual: keep.map((row) => yTrue[row] as number),
      predicted: keep.map((row) => yPred[row] as number),
    },
  };
}
