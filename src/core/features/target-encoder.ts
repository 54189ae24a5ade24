import { TrainingError } from '../errors/training-error';
import type { Matrix, Target } from '../learners/types';
import type { Random } from '../random';
import { columnLength, type Column, type StringColumn } from '../table';
import { categoryIndex, lookupCodes, observedCategories } from './categories';
import { stringInput, transformToMatrix } from './dense';
import { kFoldAssignment, stratifiedFoldAssignment } from './folds';
import { JsonFields } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

export interface TargetEncoderOptions {
  /** The seeded source of the fold shuffle. */
  readonly rng: Random;
  /**
   * How far a category's mean is pulled toward the overall mean: `auto` (empirical Bayes, from
   * the within-category and overall variances) or a fixed weight in pseudo-rows.
   */
  readonly smooth?: 'auto' | number;
  /** Folds for the out-of-fold training encodings; 5 by default. */
  readonly folds?: number;
}

export interface TargetEncoderFit {
  readonly encoder: FittedTargetEncoder;
  /**
   * The encodings of the training rows, each computed from the other folds only, so no row
   * sees its own target: row-major `rows × outputs`. Train on these, not on `encoder.transform`
   * of the training column.
   */
  readonly outOfFold: Float64Array;
}

export const targetName = (column: string, label?: string) =>
  label === undefined ? `${column}_target` : `${column}_target=${label}`;

/**
 * Each category becomes a smoothed mean of the target: of the value for regression, of
 * "is class k" for classification (one output for two classes, one per class otherwise).
 * A missing value is a category of its own; a category unseen in training gets the overall mean.
 */
export class FittedTargetEncoder implements FittedTransformer {
  readonly kind = 'target';
  readonly outputNames: readonly string[];
  private readonly index: Map<string, number>;

  constructor(
    readonly column: string,
    readonly categories: readonly string[],
    /** Output labels: the class each output is the rate of; empty for regression. */
    readonly labels: readonly string[],
    /** Row-major `(categories + 1) × outputs`; the last row encodes a missing value. */
    readonly encodings: Float64Array,
    /** The overall target means, used for categories unseen in training. */
    readonly means: Float64Array,
    readonly smooth: 'auto' | number,
    readonly folds: number,
  ) {
    this.outputNames =
      labels.length === 0 ? [targetName(column)] : labels.map((label) => targetName(column, label));
    this.index = categoryIndex(categories);
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'Target encoding');
    const lookup = lookupCodes(column, this.index);
    const width = this.outputNames.length;
    const missingRow = this.categories.length;
    const { encodings, means } = this;
    const codes = column.codes;
    for (let i = 0, rowStart = offset; i < codes.length; i++, rowStart += stride) {
      const code = codes[i] as number;
      const category = code < 0 ? missingRow : (lookup[code] as number);
      if (category < 0) {
        for (let j = 0; j < width; j++) out[rowStart + j] = means[j] as number;
      } else {
        const from = category * width;
        for (let j = 0; j < width; j++) out[rowStart + j] = encodings[from + j] as number;
      }
    }
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input);
  }

  toJSON(): TransformerJSON {
    return {
      kind: this.kind,
      format: 1,
      column: this.column,
      categories: this.categories,
      labels: this.labels,
      encodings: Array.from(this.encodings),
      means: Array.from(this.means),
      smooth: this.smooth,
      folds: this.folds,
    };
  }

  static fromJSON(json: unknown): FittedTargetEncoder {
    const fields = JsonFields.transformer(json, 'target', 1);
    const categories = fields.strings('categories');
    const labels = fields.strings('labels');
    const width = Math.max(1, labels.length);
    const smooth = fields.raw('smooth') === 'auto' ? 'auto' : fields.number('smooth');
    return new FittedTargetEncoder(
      fields.string('column'),
      categories,
      labels,
      fields.numbers('encodings', (categories.length + 1) * width),
      fields.numbers('means', width),
      smooth,
      fields.integer('folds', 2),
    );
  }
}

/** The target as `rows × outputs` values: the value itself, or 0/1 per encoded class. */
function targetValues(
  target: Target,
  rows: number,
  column: string,
): { values: Float64Array; labels: string[] } {
  if (target.y.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `The target has ${target.y.length} rows but column “${column}” has ${rows}.`,
      column,
    );
  }
  if (target.task === 'regression') {
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(target.y[i] as number)) {
        throw new TrainingError(
          'non-finite',
          `The target is missing or infinite at row ${i + 1}.`,
          `row ${i + 1}`,
        );
      }
    }
    return { values: Float64Array.from(target.y), labels: [] };
  }
  const classCount = target.classes.length;
  const encoded = classCount <= 2 ? [Math.max(0, classCount - 1)] : target.classes.map((_, k) => k);
  const width = encoded.length;
  const values = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const label = target.y[i] as number;
    if (!(label >= 0 && label < classCount)) {
      throw new TrainingError(
        'invalid-input',
        `Row ${i + 1} has no valid class (${label}).`,
        `row ${i + 1}`,
      );
    }
    if (width === 1) values[i] = label === encoded[0] ? 1 : 0;
    else values[i * width + label] = 1;
  }
  return { values, labels: encoded.map((k) => target.classes[k] as string) };
}

function addTo(array: Float64Array, index: number, amount: number) {
  array[index] = (array[index] as number) + amount;
}

/** Per-category sums, sums of squares and counts of centered target values. */
interface CategoryStats {
  readonly sums: Float64Array;
  readonly squares: Float64Array;
  readonly counts: Float64Array;
}

const emptyStats = (categories: number, width: number): CategoryStats => ({
  sums: new Float64Array(categories * width),
  squares: new Float64Array(categories * width),
  counts: new Float64Array(categories),
});

/**
 * The encoding of one category from its statistics and those of all the rows it was fitted on,
 * as scikit-learn's TargetEncoder computes it (on centered values, which it is invariant to).
 */
function encode(
  sum: number,
  square: number,
  count: number,
  mean: number,
  variance: number,
  smooth: 'auto' | number,
): number {
  if (count === 0) return mean;
  if (smooth === 'auto') {
    const categoryMean = sum / count;
    const within = Math.max(0, square / count - categoryMean * categoryMean);
    const weight = (variance * count) / (variance * count + within);
    return Number.isNaN(weight) ? mean : weight * categoryMean + (1 - weight) * mean;
  }
  return count + smooth === 0 ? mean : (sum + smooth * mean) / (count + smooth);
}

/**
 * Fits scikit-learn 1.3's TargetEncoder: encodings from all rows for later use, and out-of-fold
 * encodings of the training rows from K folds (stratified for classification) shuffled by `rng`.
 */
export function fitTargetEncoder(
  input: Column,
  target: Target,
  options: TargetEncoderOptions,
): TargetEncoderFit {
  const column: StringColumn = stringInput(input, 'Target encoding');
  const rows = columnLength(column);
  const smooth = options.smooth ?? 'auto';
  if (smooth !== 'auto' && !(smooth >= 0 && Number.isFinite(smooth))) {
    throw new TrainingError(
      'invalid-params',
      `smooth must be "auto" or ≥ 0, got ${smooth}.`,
      column.name,
    );
  }
  const requestedFolds = options.folds ?? 5;
  if (!(Number.isInteger(requestedFolds) && requestedFolds >= 2)) {
    throw new TrainingError(
      'invalid-params',
      `folds must be a whole number ≥ 2, got ${requestedFolds}.`,
      column.name,
    );
  }
  const { values, labels } = targetValues(target, rows, column.name);
  const width = Math.max(1, labels.length);
  const { categories } = observedCategories(column);
  const slots = categories.length + 1;
  const lookup = lookupCodes(column, categoryIndex(categories));
  const slotOf = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const code = column.codes[i] as number;
    slotOf[i] = code < 0 ? categories.length : (lookup[code] as number);
  }

  const center = new Float64Array(width);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < width; j++) addTo(center, j, values[i * width + j] as number);
  for (let j = 0; j < width; j++) center[j] = rows > 0 ? (center[j] as number) / rows : 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < width; j++) addTo(values, i * width + j, -(center[j] as number));

  const all = emptyStats(slots, width);
  const totals = { sums: new Float64Array(width), squares: new Float64Array(width) };
  for (let i = 0; i < rows; i++) {
    const slot = slotOf[i] as number;
    addTo(all.counts, slot, 1);
    for (let j = 0; j < width; j++) {
      const value = values[i * width + j] as number;
      addTo(all.sums, slot * width + j, value);
      addTo(all.squares, slot * width + j, value * value);
      addTo(totals.sums, j, value);
      addTo(totals.squares, j, value * value);
    }
  }

  const encodings = new Float64Array(slots * width);
  for (let j = 0; j < width; j++) {
    const mean = rows > 0 ? (totals.sums[j] as number) / rows : 0;
    const variance = rows > 0 ? Math.max(0, (totals.squares[j] as number) / rows - mean * mean) : 0;
    for (let slot = 0; slot < slots; slot++) {
      const at = slot * width + j;
      encodings[at] =
        encode(
          all.sums[at] as number,
          all.squares[at] as number,
          all.counts[slot] as number,
          mean,
          variance,
          smooth,
        ) + (center[j] as number);
    }
  }

  const folds = Math.max(2, Math.min(requestedFolds, rows));
  const outOfFold = new Float64Array(rows * width);
  if (rows === 1) {
    outOfFold.set(center);
  } else if (rows > 1) {
    const foldOf =
      target.task === 'classification'
        ? stratifiedFoldAssignment(target.y, target.classes.length, folds, options.rng)
        : kFoldAssignment(rows, folds, options.rng);
    const held = emptyStats(slots, width);
    const heldTotals = new Float64Array(width * 2);
    const means = new Float64Array(width);
    const variances = new Float64Array(width);
    for (let fold = 0; fold < folds; fold++) {
      held.sums.fill(0);
      held.squares.fill(0);
      held.counts.fill(0);
      heldTotals.fill(0);
      let heldRows = 0;
      for (let i = 0; i < rows; i++) {
        if (foldOf[i] !== fold) continue;
        heldRows++;
        const slot = slotOf[i] as number;
        addTo(held.counts, slot, 1);
        for (let j = 0; j < width; j++) {
          const value = values[i * width + j] as number;
          addTo(held.sums, slot * width + j, value);
          addTo(held.squares, slot * width + j, value * value);
          addTo(heldTotals, j, value);
          addTo(heldTotals, width + j, value * value);
        }
      }
      const trainRows = rows - heldRows;
      for (let j = 0; j < width; j++) {
        const mean = ((totals.sums[j] as number) - (heldTotals[j] as number)) / trainRows;
        means[j] = mean;
        variances[j] =
          ((totals.squares[j] as number) - (heldTotals[width + j] as number)) / trainRows -
          mean * mean;
      }
      for (let i = 0; i < rows; i++) {
        if (foldOf[i] !== fold) continue;
        const slot = slotOf[i] as number;
        for (let j = 0; j < width; j++) {
          const at = slot * width + j;
          outOfFold[i * width + j] =
            encode(
              (all.sums[at] as number) - (held.sums[at] as number),
              (all.squares[at] as number) - (held.squares[at] as number),
              (all.counts[slot] as number) - (held.counts[slot] as number),
              means[j] as number,
              Math.max(0, variances[j] as number),
              smooth,
            ) + (center[j] as number);
        }
      }
    }
  }

  const encoder = new FittedTargetEncoder(
    column.name,
    categories,
    labels,
    encodings,
    center.slice(),
    smooth,
    folds,
  );
  return { encoder, outOfFold };
}
