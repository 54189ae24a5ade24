import type { Matrix } from '../learners/types';
import type { Column } from '../table';

export type TransformerKind =
  | 'numeric-imputer'
  | 'category-imputer'
  | 'scaler'
  | 'one-hot'
  | 'ordinal'
  | 'frequency'
  | 'target'
  | 'datetime'
  | 'hashing'
  | 'tfidf'
  | 'image';

/** Plain JSON (numbers, strings, arrays, objects, null) that rebuilds a transformer exactly. */
export interface TransformerJSON {
  readonly kind: TransformerKind;
  readonly format: number;
  readonly column: string;
  readonly [field: string]: unknown;
}

/**
 * A step fitted on one training column that turns any column of the same kind into numbers:
 * unseen categories, missing values and new rows are always handled, never thrown on.
 */
export interface FittedTransformer {
  readonly kind: TransformerKind;
  /** The column it was fitted on. */
  readonly column: string;
  readonly outputNames: readonly string[];
  /**
   * Writes this step's outputs for every row of `input` into the row-major `out`, which is
   * `stride` columns wide, starting at column `offset`.
   *
   * Invariant: `out` holds zeros where this step writes (a freshly allocated array), so sparse
   * steps (one-hot, text) write only their non-zero entries.
   */
  write(input: Column, out: Float32Array, stride: number, offset: number): void;
  /** The outputs as a `rows × outputNames.length` matrix. */
  transform(input: Column): Matrix;
  toJSON(): TransformerJSON;
}

/** A fitted step that rewrites a column (filling missing values) before an encoder reads it. */
export interface FittedColumnStep<C extends Column> {
  readonly kind: TransformerKind;
  readonly column: string;
  /** Whether a missing-value indicator accompanies the filled column. */
  readonly indicator: boolean;
  apply(input: C): C;
  toJSON(): TransformerJSON;
}
