import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import { columnLength, type Column } from '../table';
import { categoryIndex, lookupCodes, observedCategories } from './categories';
import { stringInput, transformToMatrix, type SizeAdvice } from './dense';
import { JsonFields } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

export type UnknownCategoryHandling = 'zeros' | 'other';

export interface OneHotOptions {
  /** At most this many output columns, "other" included (scikit-learn's max_categories). */
  readonly maxCategories?: number;
  /** Rarer categories go to "other": a row count when ≥ 1, a fraction of rows below 1. */
  readonly minFrequency?: number;
  /**
   * What a category unseen in training (or a missing value) becomes: all zeros, or the "other"
   * column when there is one (scikit-learn's `infrequent_if_exist`). Default `other`.
   */
  readonly handleUnknown?: UnknownCategoryHandling;
}

export const fewerCategories: SizeAdvice = (room) => `Lower maxCategories (${room} would fit).`;

export const OTHER_CATEGORY = '(other)';
export const oneHotName = (column: string, category: string) => `${column}=${category}`;

/**
 * scikit-learn's `_identify_infrequent`: below `minFrequency` is infrequent, then, when more
 * columns remain than `maxCategories` allows, only the `maxCategories − 1` most frequent stay
 * (a stable sort on counts, so among equal counts the later categories stay).
 */
function infrequentMask(
  counts: Float64Array,
  rows: number,
  minFrequency: number | undefined,
  maxCategories: number | undefined,
): Uint8Array {
  const infrequent = new Uint8Array(counts.length);
  if (minFrequency !== undefined) {
    const threshold = minFrequency < 1 ? minFrequency * rows : minFrequency;
    for (let i = 0; i < counts.length; i++)
      if ((counts[i] as number) < threshold) infrequent[i] = 1;
  }
  let remaining = counts.length + 1;
  for (let i = 0; i < counts.length; i++) remaining -= infrequent[i] as number;
  if (maxCategories !== undefined && maxCategories < remaining) {
    const keep = maxCategories - 1;
    const order = Array.from(counts.keys()).sort(
      (a, b) => (counts[a] as number) - (counts[b] as number) || a - b,
    );
    for (let i = 0; i < order.length - keep; i++) infrequent[order[i] as number] = 1;
  }
  return infrequent;
}

export class FittedOneHot implements FittedTransformer {
  readonly kind = 'one-hot';
  readonly outputNames: readonly string[];
  private readonly slots: Map<string, number>;
  private readonly unknownSlot: number;

  constructor(
    readonly column: string,
    /** Categories with their own column, in output order. */
    readonly frequent: readonly string[],
    /** Categories that share the "other" column. */
    readonly infrequent: readonly string[],
    readonly handleUnknown: UnknownCategoryHandling,
  ) {
    const hasOther = infrequent.length > 0;
    this.outputNames = frequent.map((category) => oneHotName(column, category));
    if (hasOther) this.outputNames = [...this.outputNames, oneHotName(column, OTHER_CATEGORY)];
    this.slots = categoryIndex(frequent);
    for (const category of infrequent) this.slots.set(category, frequent.length);
    this.unknownSlot = handleUnknown === 'other' && hasOther ? frequent.length : -1;
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'One-hot encoding');
    const slotOf = lookupCodes(column, this.slots);
    const unknown = this.unknownSlot;
    for (let code = 0; code < slotOf.length; code++)
      if (slotOf[code] === -1) slotOf[code] = unknown;
    const codes = column.codes;
    for (let i = 0, rowStart = offset; i < codes.length; i++, rowStart += stride) {
      const code = codes[i] as number;
      const slot = code < 0 ? unknown : (slotOf[code] as number);
      if (slot >= 0) out[rowStart + slot] = 1;
    }
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input, fewerCategories);
  }

  toJSON(): TransformerJSON {
    const { kind, column, frequent, infrequent, handleUnknown } = this;
    return { kind, format: 1, column, frequent, infrequent, handleUnknown };
  }

  static fromJSON(json: unknown): FittedOneHot {
    const fields = JsonFields.transformer(json, 'one-hot', 1);
    return new FittedOneHot(
      fields.string('column'),
      fields.strings('frequent'),
      fields.strings('infrequent'),
      fields.oneOf('handleUnknown', ['zeros', 'other']),
    );
  }
}

/** scikit-learn's OneHotEncoder with sorted categories, max_categories and min_frequency. */
export function fitOneHot(input: Column, options: OneHotOptions = {}): FittedOneHot {
  const column = stringInput(input, 'One-hot encoding');
  const { maxCategories, minFrequency } = options;
  if (maxCategories !== undefined && !(Number.isInteger(maxCategories) && maxCategories >= 1)) {
    throw new TrainingError(
      'invalid-params',
      `maxCategories must be a whole number ≥ 1, got ${maxCategories}.`,
      column.name,
    );
  }
  if (minFrequency !== undefined && !(minFrequency > 0 && Number.isFinite(minFrequency))) {
    throw new TrainingError(
      'invalid-params',
      `minFrequency must be a positive count or fraction, got ${minFrequency}.`,
      column.name,
    );
  }
  const { categories, counts } = observedCategories(column);
  const infrequent = infrequentMask(counts, columnLength(column), minFrequency, maxCategories);
  return new FittedOneHot(
    column.name,
    categories.filter((_, index) => !infrequent[index]),
    categories.filter((_, index) => infrequent[index]),
    options.handleUnknown ?? 'other',
  );
}
