import type { Matrix } from '../learners/types';
import { columnLength, type Column } from '../table';
import { categoryIndex, lookupCodes, observedCategories } from './categories';
import { stringInput, transformToMatrix } from './dense';
import { JsonFields } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

export const frequencyName = (column: string) => `${column}_frequency`;

/**
 * Each category becomes the fraction of training rows that had it; a missing value becomes the
 * fraction of training rows that were missing, and an unseen category 0.
 */
export class FittedFrequency implements FittedTransformer {
  readonly kind = 'frequency';
  readonly outputNames: readonly string[];
  private readonly index: Map<string, number>;

  constructor(
    readonly column: string,
    readonly categories: readonly string[],
    readonly frequencies: Float64Array,
    readonly missingFrequency: number,
  ) {
    this.outputNames = [frequencyName(column)];
    this.index = categoryIndex(categories);
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'Frequency encoding');
    const lookup = lookupCodes(column, this.index);
    const valueOf = new Float32Array(lookup.length);
    for (let code = 0; code < lookup.length; code++) {
      const position = lookup[code] as number;
      valueOf[code] = position < 0 ? 0 : (this.frequencies[position] as number);
    }
    const codes = column.codes;
    const missing = this.missingFrequency;
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
      frequencies: Array.from(this.frequencies),
      missingFrequency: this.missingFrequency,
    };
  }

  static fromJSON(json: unknown): FittedFrequency {
    const fields = JsonFields.transformer(json, 'frequency', 1);
    const categories = fields.strings('categories');
    return new FittedFrequency(
      fields.string('column'),
      categories,
      fields.numbers('frequencies', categories.length),
      fields.number('missingFrequency'),
    );
  }
}

export function fitFrequency(input: Column): FittedFrequency {
  const column = stringInput(input, 'Frequency encoding');
  const { categories, counts, missing } = observedCategories(column);
  const rows = Math.max(1, columnLength(column));
  const frequencies = counts.map((count) => count / rows);
  return new FittedFrequency(column.name, categories, frequencies, missing / rows);
}
