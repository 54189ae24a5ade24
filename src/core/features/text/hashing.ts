import { TrainingError } from '../../errors/training-error';
import type { Matrix } from '../../learners/types';
import { columnLength, type Column, type StringColumn } from '../../table';
import { codeCounts } from '../categories';
import {
  checkDenseSize,
  DEFAULT_MAX_BYTES,
  stringInput,
  transformToMatrix,
  type SizeAdvice,
} from '../dense';
import { JsonFields } from '../json';
import type { FittedTransformer, TransformerJSON } from '../types';
import {
  analyze,
  analyzerFromJSON,
  analyzerToJSON,
  resolveAnalyzer,
  type AnalyzerOptions,
  type ResolvedAnalyzer,
} from './analyze';
import { murmurhash3 } from './murmur';
import { SparseBuilder, writeSparseRows, type SparseVectors, type TextNorm } from './sparse';

export interface HashingOptions extends AnalyzerOptions {
  /** Output columns; terms share a column when their hashes collide. 4,096 by default. */
  readonly nFeatures?: number;
  /** Count a term −1 when its hash is negative, so collisions tend to cancel. Off by default. */
  readonly alternateSign?: boolean;
  /** Rescale each row to unit norm; `none` (plain counts) by default. */
  readonly norm?: TextNorm;
  /** The largest dense output allowed; 256 MB by default. */
  readonly maxBytes?: number;
}

export const DEFAULT_HASH_FEATURES = 4096;
/** More columns than this could only ever fit a few dozen rows under the memory cap. */
const MAX_HASH_FEATURES = 2 ** 20;
export const hashName = (column: string, index: number) => `${column}#${index}`;
const NORMS: readonly TextNorm[] = ['l2', 'l1', 'none'];

export const fewerHashFeatures: SizeAdvice = (room) =>
  `Use fewer hash features (nFeatures: ${2 ** Math.floor(Math.log2(room))} would fit).`;

/** scikit-learn's HashingVectorizer: term counts in `nFeatures` columns chosen by MurmurHash3. */
export class FittedHashing implements FittedTransformer {
  readonly kind = 'hashing';
  readonly outputNames: readonly string[];

  constructor(
    readonly column: string,
    readonly analyzer: ResolvedAnalyzer,
    readonly nFeatures: number,
    readonly alternateSign: boolean,
    readonly norm: TextNorm,
  ) {
    this.outputNames = Array.from({ length: nFeatures }, (_, index) => hashName(column, index));
  }

  /** The sparse vector of every dictionary entry that some row uses. */
  vectors(column: StringColumn): SparseVectors {
    const { counts } = codeCounts(column);
    const builder = new SparseBuilder(counts.length, this.nFeatures);
    const { nFeatures, alternateSign } = this;
    const addTerm = (term: string) => {
      const hash = murmurhash3(term);
      // |−2³¹| does not fit an int32; scikit-learn defines its index as below.
      const index =
        hash === -2147483648
          ? (2147483647 - (nFeatures - 1)) % nFeatures
          : Math.abs(hash) % nFeatures;
      builder.add(index, alternateSign && hash < 0 ? -1 : 1);
    };
    for (let code = 0; code < counts.length; code++) {
      if ((counts[code] as number) > 0)
        analyze(column.dictionary[code] as string, this.analyzer, addTerm);
      builder.finish(null, this.norm, false);
    }
    return builder.build();
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'Hashed word counts');
    writeSparseRows(column.codes, this.vectors(column), out, stride, offset);
  }

  transform(input: Column, maxBytes = DEFAULT_MAX_BYTES): Matrix {
    return transformToMatrix(this, input, fewerHashFeatures, maxBytes);
  }

  toJSON(): TransformerJSON {
    return {
      kind: this.kind,
      format: 1,
      column: this.column,
      ...analyzerToJSON(this.analyzer),
      nFeatures: this.nFeatures,
      alternateSign: this.alternateSign,
      norm: this.norm,
    };
  }

  static fromJSON(json: unknown): FittedHashing {
    const fields = JsonFields.transformer(json, 'hashing', 1);
    const column = fields.string('column');
    const nFeatures = fields.integer('nFeatures', 1);
    if (nFeatures > MAX_HASH_FEATURES) fields.fail('nFeatures', `at most ${MAX_HASH_FEATURES}`);
    return new FittedHashing(
      column,
      analyzerFromJSON(fields, column),
      nFeatures,
      fields.boolean('alternateSign'),
      fields.oneOf('norm', NORMS),
    );
  }
}

/** Hashing learns nothing from the data; fitting checks the options and the output size. */
export function fitHashing(input: Column, options: HashingOptions = {}): FittedHashing {
  const column = stringInput(input, 'Hashed word counts');
  const nFeatures = options.nFeatures ?? DEFAULT_HASH_FEATURES;
  const norm = options.norm ?? 'none';
  if (!(Number.isInteger(nFeatures) && nFeatures >= 1 && nFeatures <= MAX_HASH_FEATURES)) {
    throw new TrainingError(
      'invalid-params',
      `nFeatures must be a whole number in 1…2²⁰, got ${nFeatures}.`,
      column.name,
    );
  }
  if (!NORMS.includes(norm))
    throw new TrainingError('invalid-params', `Unknown norm “${norm}”.`, column.name);
  checkDenseSize(columnLength(column), nFeatures, column.name, fewerHashFeatures, options.maxBytes);
  return new FittedHashing(
    column.name,
    resolveAnalyzer(options, column.name),
    nFeatures,
    options.alternateSign ?? false,
    norm,
  );
}
