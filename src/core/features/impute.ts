import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import type { Column, NumberColumn, StringColumn } from '../table';
import { numberInput, stringInput, transformToMatrix } from './dense';
import { JsonFields } from './json';
import { observedCategories } from './categories';
import { meanAndVariance, modeSorted, quantileSorted, sortedFinite } from './stats';
import type { FittedColumnStep, FittedTransformer, TransformerJSON } from './types';

export type NumericImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';
export type CategoryImputeStrategy = 'most_frequent' | 'constant';

/** `'auto'` adds the indicator only when the training column had missing values (scikit-learn). */
export type IndicatorOption = boolean | 'auto';

export interface NumericImputerOptions {
  readonly strategy?: NumericImputeStrategy;
  /** The value used by the `constant` strategy; 0 by default. */
  readonly fillValue?: number;
  readonly indicator?: IndicatorOption;
}

export interface CategoryImputerOptions {
  readonly strategy?: CategoryImputeStrategy;
  /** The category used by the `constant` strategy, and when there is nothing to take a mode of. */
  readonly fillValue?: string;
  readonly indicator?: IndicatorOption;
}

export const MISSING_CATEGORY = '(missing)';
export const indicatorName = (column: string) => `${column}_missing`;

const NUMERIC_STRATEGIES: readonly NumericImputeStrategy[] = [
  'mean',
  'median',
  'most_frequent',
  'constant',
];
const CATEGORY_STRATEGIES: readonly CategoryImputeStrategy[] = ['most_frequent', 'constant'];

export const wantsIndicator = (option: IndicatorOption | undefined, missing: number) =>
  option === 'auto' ? missing > 0 : option === true;

/** Writes 1 where a value is missing (NaN or infinite for numbers, no category for strings). */
export function writeMissingIndicator(
  input: Column,
  out: Float32Array,
  stride: number,
  offset: number,
) {
  if ('values' in input) {
    const values = input.values;
    for (let i = 0, at = offset; i < values.length; i++, at += stride) {
      if (!Number.isFinite(values[i] as number)) out[at] = 1;
    }
  } else {
    const codes = input.codes;
    for (let i = 0, at = offset; i < codes.length; i++, at += stride) {
      if ((codes[i] as number) < 0) out[at] = 1;
    }
  }
}

/**
 * Replaces missing numbers (NaN, and ±Infinity, which no statistic can use) with a value learned
 * from the training column. A training column without any value fills with 0 where scikit-learn
 * would drop it, so the output width never depends on the data.
 */
export class FittedNumericImputer implements FittedTransformer, FittedColumnStep<NumberColumn> {
  readonly kind = 'numeric-imputer';
  readonly outputNames: readonly string[];

  constructor(
    readonly column: string,
    readonly strategy: NumericImputeStrategy,
    readonly fillValue: number,
    readonly indicator: boolean,
  ) {
    this.outputNames = indicator ? [column, indicatorName(column)] : [column];
  }

  fill(values: Float64Array): Float64Array {
    const out = new Float64Array(values.length);
    const fill = this.fillValue;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      out[i] = Number.isFinite(value) ? value : fill;
    }
    return out;
  }

  apply(input: NumberColumn): NumberColumn {
    return { ...input, values: this.fill(numberInput(input, 'Imputation').values) };
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const values = numberInput(input, 'Imputation').values;
    const fill = this.fillValue;
    for (let i = 0, at = offset; i < values.length; i++, at += stride) {
      const value = values[i] as number;
      out[at] = Number.isFinite(value) ? value : fill;
    }
    if (this.indicator) writeMissingIndicator(input, out, stride, offset + 1);
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input);
  }

  toJSON(): TransformerJSON {
    return {
      kind: this.kind,
      format: 1,
      column: this.column,
      strategy: this.strategy,
      fillValue: this.fillValue,
      indicator: this.indicator,
    };
  }

  static fromJSON(json: unknown): FittedNumericImputer {
    const fields = JsonFields.transformer(json, 'numeric-imputer', 1);
    return new FittedNumericImputer(
      fields.string('column'),
      fields.oneOf('strategy', NUMERIC_STRATEGIES),
      fields.number('fillValue'),
      fields.boolean('indicator'),
    );
  }
}

export function fitNumericImputer(
  input: Column,
  options: NumericImputerOptions = {},
): FittedNumericImputer {
  const column = numberInput(input, 'Imputation');
  const strategy = options.strategy ?? 'mean';
  if (!NUMERIC_STRATEGIES.includes(strategy)) {
    throw new TrainingError(
      'invalid-params',
      `Unknown imputation strategy “${strategy}”.`,
      column.name,
    );
  }
  const sorted = sortedFinite(column.values);
  const missing = column.values.length - sorted.length;
  let fill: number;
  if (strategy === 'constant') {
    fill = options.fillValue ?? 0;
    if (!Number.isFinite(fill)) {
      throw new TrainingError(
        'invalid-params',
        'The fill value must be a finite number.',
        column.name,
      );
    }
  } else if (strategy === 'mean') fill = meanAndVariance(sorted).mean;
  else if (strategy === 'median') fill = quantileSorted(sorted, 0.5);
  else fill = modeSorted(sorted);
  return new FittedNumericImputer(
    column.name,
    strategy,
    Number.isFinite(fill) ? fill : 0,
    wantsIndicator(options.indicator, missing),
  );
}

/** Replaces missing categories with the most frequent training category or a fixed one. */
export class FittedCategoryImputer implements FittedColumnStep<StringColumn> {
  readonly kind = 'category-imputer';

  constructor(
    readonly column: string,
    readonly strategy: CategoryImputeStrategy,
    readonly fillValue: string,
    readonly indicator: boolean,
  ) {}

  apply(input: StringColumn): StringColumn {
    const column = stringInput(input, 'Imputation');
    const codes = column.codes;
    let firstMissing = codes.indexOf(-1);
    if (firstMissing < 0) return column;
    let dictionary = column.dictionary;
    let fillCode = dictionary.indexOf(this.fillValue);
    if (fillCode < 0) {
      fillCode = dictionary.length;
      dictionary = [...dictionary, this.fillValue];
    }
    const filled = codes.slice();
    for (; firstMissing < filled.length; firstMissing++) {
      if ((filled[firstMissing] as number) < 0) filled[firstMissing] = fillCode;
    }
    return { ...column, codes: filled, dictionary };
  }

  toJSON(): TransformerJSON {
    return {
      kind: this.kind,
      format: 1,
      column: this.column,
      strategy: this.strategy,
      fillValue: this.fillValue,
      indicator: this.indicator,
    };
  }

  static fromJSON(json: unknown): FittedCategoryImputer {
    const fields = JsonFields.transformer(json, 'category-imputer', 1);
    return new FittedCategoryImputer(
      fields.string('column'),
      fields.oneOf('strategy', CATEGORY_STRATEGIES),
      fields.string('fillValue'),
      fields.boolean('indicator'),
    );
  }
}

export function fitCategoryImputer(
  input: Column,
  options: CategoryImputerOptions = {},
): FittedCategoryImputer {
  const column = stringInput(input, 'Imputation');
  const strategy = options.strategy ?? 'most_frequent';
  if (!CATEGORY_STRATEGIES.includes(strategy)) {
    throw new TrainingError(
      'invalid-params',
      `Unknown imputation strategy “${strategy}”.`,
      column.name,
    );
  }
  const { categories, counts, missing } = observedCategories(column);
  let fill = options.fillValue ?? MISSING_CATEGORY;
  if (strategy === 'most_frequent' && categories.length > 0) {
    let best = 0;
    // Categories are sorted, so keeping the first maximum picks the smallest on ties.
    for (let i = 1; i < counts.length; i++)
      if ((counts[i] as number) > (counts[best] as number)) best = i;
    fill = categories[best] as string;
  }
  return new FittedCategoryImputer(
    column.name,
    strategy,
    fill,
    wantsIndicator(options.indicator, missing),
  );
}
