import { TrainingError } from '../../errors/training-error';
import type { Random } from '../../random';
import { takeRows } from '../matrix';
import { assertColumns, assertFiniteFeatures, shuffle } from '../tf-training';
import type { FitContext, Matrix, Target } from '../types';

/** Rows ready for tfjs: features, the training target and per-row weights (mean 1). */
export interface RowSet {
  readonly rows: number;
  readonly x: Float32Array;
  /** Row-major `rows × outputs`: one-hot classes, or the standardised target. */
  readonly y: Float32Array;
  /** Class indices (classification), for accuracy. */
  readonly labels?: Int32Array;
  readonly weights: Float32Array;
}

export interface PreparedData {
  readonly outputs: number;
  readonly targetMean: number;
  readonly targetScale: number;
  readonly train: RowSet;
  readonly validation?: RowSet;
}

/**
 * Holds out about `fraction` of the rows, per class for classification (stratified, as
 * scikit-learn does for its classifiers) so that rare classes are represented on both sides.
 */
export function validationSplit(
  target: Target,
  fraction: number,
  rng: Random,
): { train: Int32Array; validation: Int32Array } {
  const n = target.y.length;
  const groups: number[][] = [];
  if (target.task === 'classification') {
    for (let c = 0; c < target.classes.length; c++) groups.push([]);
    for (let i = 0; i < n; i++) groups[target.y[i] as number]?.push(i);
  } else {
    groups.push(Array.from({ length: n }, (_, i) => i));
  }
  const held: number[] = [];
  const kept: number[] = [];
  for (const group of groups) {
    const rows = shuffle(Int32Array.from(group), rng);
    const count = Math.min(Math.round(rows.length * fraction), rows.length - 1);
    for (let i = 0; i < rows.length; i++) (i < count ? held : kept).push(rows[i] as number);
  }
  held.sort((a, b) => a - b);
  kept.sort((a, b) => a - b);
  return { train: Int32Array.from(kept), validation: Int32Array.from(held) };
}

function rowSet(
  x: Matrix,
  target: Target,
  rows: Int32Array | undefined,
  weights: Float64Array,
  outputs: number,
  targetMean: number,
  targetScale: number,
): RowSet {
  const count = rows ? rows.length : x.rows;
  const index = (i: number) => (rows ? (rows[i] as number) : i);
  const features = rows ? takeRows(x, rows).data : x.data;
  const y = new Float32Array(count * outputs);
  const rowWeights = new Float32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) total += weights[index(i)] as number;
  const mean = total / count;
  for (let i = 0; i < count; i++) {
    rowWeights[i] = mean > 0 ? (weights[index(i)] as number) / mean : 1;
  }
  if (target.task === 'classification') {
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const label = target.y[index(i)] as number;
      labels[i] = label;
      y[i * outputs + label] = 1;
    }
    return { rows: count, x: features, y, labels, weights: rowWeights };
  }
  for (let i = 0; i < count; i++) {
    y[i] = ((target.y[index(i)] as number) - targetMean) / targetScale;
  }
  return { rows: count, x: features, y, weights: rowWeights };
}

/** A caller's validation set, checked against the training data and weighted like it. */
function callerValidation(
  x: Matrix,
  target: Target,
  validation: NonNullable<FitContext['validation']>,
  classFactor: Float64Array | undefined,
): { x: Matrix; target: Target; weights: Float64Array } {
  assertColumns(validation.x, x.cols);
  assertFiniteFeatures(validation.x, 'A neural network');
  const other = validation.target;
  const sameKind =
    other.task === target.task &&
    (other.task === 'regression' ||
      (target.task === 'classification' && other.classes.length === target.classes.length));
  if (!sameKind || other.y.length !== validation.x.rows) {
    throw new TrainingError(
      'invalid-input',
      'The validation set must have the same task, classes and row count as its features.',
      'validation',
    );
  }
  const weights = new Float64Array(other.y.length).fill(1);
  if (other.task === 'classification' && classFactor) {
    for (let i = 0; i < weights.length; i++) {
      const label = other.y[i] as number;
      if (!(label >= 0 && label < classFactor.length)) {
        throw new TrainingError(
          'invalid-input',
          `Validation row ${i} has no valid class.`,
          'validation',
        );
      }
      weights[i] = classFactor[label] as number;
    }
  }
  if (other.task === 'regression' && !other.y.every(Number.isFinite)) {
    throw new TrainingError(
      'invalid-input',
      'The validation target has missing values.',
      'validation',
    );
  }
  return { x: validation.x, target: other, weights };
}

export function prepareData(
  x: Matrix,
  target: Target,
  weights: Float64Array,
  classFactor: Float64Array | undefined,
  holdOut: number | undefined,
  context: FitContext,
): PreparedData {
  const given =
    context.validation && context.validation.x.rows > 0 ? context.validation : undefined;
  let trainRows: Int32Array | undefined;
  let heldRows: Int32Array | undefined;
  if (!given && holdOut !== undefined) {
    const split = validationSplit(target, holdOut, context.rng);
    if (split.validation.length > 0) {
      trainRows = split.train;
      heldRows = split.validation;
    }
  }
  const outputs = target.task === 'classification' ? target.classes.length : 1;
  let targetMean = 0;
  let targetScale = 1;
  if (target.task === 'regression') {
    const rows = trainRows ?? Int32Array.from({ length: x.rows }, (_, i) => i);
    for (const i of rows) targetMean += target.y[i] as number;
    targetMean /= rows.length;
    let spread = 0;
    for (const i of rows) spread += ((target.y[i] as number) - targetMean) ** 2;
    const std = Math.sqrt(spread / rows.length);
    targetScale = std > 0 ? std : 1;
  }
  const train = rowSet(x, target, trainRows, weights, outputs, targetMean, targetScale);
  let validation: RowSet | undefined;
  if (given) {
    const checked = callerValidation(x, target, given, classFactor);
    validation = rowSet(
      checked.x,
      checked.target,
      undefined,
      checked.weights,
      outputs,
      targetMean,
      targetScale,
    );
  } else if (heldRows) {
    validation = rowSet(x, target, heldRows, weights, outputs, targetMean, targetScale);
  }
  return { outputs, targetMean, targetScale, train, ...(validation ? { validation } : {}) };
}
