import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import type { Column } from '../table';
import { categoryIndex, lookupCodes, observedCategories } from './categories';
import { stringInput, transformToMatrix } from './dense';
import { JsonFields, numberToJSON } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

export interface OrdinalOptions {
  /** The categories in code order (low, medium, high); sorted training categories otherwise. */
  readonly categories?: readonly string[];
  /** The code of a category outside `categories`: -1 by default, or NaN. */
  readonly unknownValue?: number;
  /** The code of a missing value; `unknownValue` by default. */
  readonly missingValue?: number;
}

/** Each category becomes its position in the category list (scikit-learn's OrdinalEncoder). */
export class FittedOrdinal implements FittedTransformer {
  readonly kind = 'ordinal';
  readonly outputNames: readonly string[];
  private readonly index: Map<string, number>;

  constructor(
    readonly column: string,
    readonly categories: readonly string[],
    readonly unknownValue: number,
    readonly missingValue: number,
  ) {
    this.outputNames = [column];
    this.index = categoryIndex(categories);
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'Ordinal encoding');
    const lookup = lookupCodes(column, this.index);
    const valueOf = new Float32Array(lookup.length);
    for (let code = 0; code < lookup.length; code++) {
      const position = lookup[code] as number;
      valueOf[code] = position < 0 ? this.unknownValue : position;
    }
    const codes = column.codes;
    const missing = this.missingValue;
    for (let i = 0, at = offset; i < codes.length; i++, at += stride) {
      const code = codes[i] as number;
      out[at] = code < 0 ? missing : (valueOf[code] as number);
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
      unknownValue: numberToJSON(this.unknownValue),
      missingValue: numberToJSON(this.missingValue),
    };
  }

  static fromJSON(json: unknown): FittedOrdinal {
    const fields = JsonFields.transformer(json, 'ordinal', 1);
    return new FittedOrdinal(
      fields.string('column'),
      fields.strings('categories'),
      fields.nullableNumber('unknownValue'),
      fields.nullableNumber('missingValue'),
    );
  }
}

export function fitOrdinal(input: Column, options: OrdinalOptions = {}): FittedOrdinal {
  const column = stringInput(input, 'Ordinal encoding');
  const categories = options.categories ?? observedCategories(column).categories;
  if (new Set(categories).size !== categories.length) {
    throw new TrainingError(
      'invalid-params',
      'The category order lists a category twice.',
      column.name,
    );
  }
  const unknownValue = options.unknownValue ?? -1;
  return new FittedOrdinal(
    column.name,
    [...categories],
    unknownValue,
    options.missingValue ?? unknownValue,
  );
}
