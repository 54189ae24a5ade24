import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Matrix } from '../../../../src/core/learners/types';

type Cell = number | null;
type Rows = Cell[][];

export interface FeaturesFixture {
  readonly imputation: {
    readonly train: Rows;
    readonly test: Rows;
    readonly cases: {
      readonly strategy: 'mean' | 'median' | 'most_frequent' | 'constant';
      readonly fillValue: number | null;
      readonly statistics: number[];
      readonly indicatorFeatures: number[];
      readonly train: Rows;
      readonly test: Rows;
    }[];
    readonly categories: (string | null)[];
    readonly categoryCases: {
      readonly strategy: 'most_frequent' | 'constant';
      readonly fillValue: string | null;
      readonly statistic: string;
      readonly train: string[];
    }[];
  };
  readonly scaling: {
    readonly train: Rows;
    readonly test: Rows;
    readonly cases: {
      readonly method: 'standard' | 'minmax' | 'robust';
      readonly options: { range?: [number, number]; quantileRange?: [number, number] };
      readonly train: Rows;
      readonly test: Rows;
    }[];
  };
  readonly categories: {
    readonly train: string[];
    readonly test: string[];
    readonly oneHot: {
      readonly options: { maxCategories?: number; minFrequency?: number };
      readonly infrequent: string[];
      readonly names: string[];
      readonly train: Rows;
      readonly test: Rows;
    }[];
    readonly ignoreUnknown: Rows;
    readonly ordinal: { unknownValue: number | null; categories: string[]; test: Cell[] }[];
  };
  readonly text: {
    readonly corpus: string[];
    readonly testCorpus: string[];
    readonly tfidf: {
      readonly options: Record<string, unknown>;
      readonly terms: string[];
      readonly idf: number[];
      readonly train: Rows;
      readonly test: Rows;
    }[];
    readonly hashing: { readonly options: Record<string, unknown>; readonly train: Rows }[];
    readonly murmur: { readonly text: string; readonly hash: number }[];
  };
  readonly datetime: Record<
    'ms' | 'year' | 'month' | 'day' | 'dayOfWeek' | 'dayOfYear' | 'hour' | 'minute',
    number[]
  >;
}

export const fixture: FeaturesFixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/sklearn/features.json', import.meta.url), 'utf8'),
);

export const nanFromNull = (value: Cell) => (value === null ? NaN : value);

/** Column `j` of fixture rows, null read as NaN. */
export const columnOf = (rows: Rows, j: number) => rows.map((row) => nanFromNull(row[j] ?? null));

/** Asserts that two lists of numbers agree within `tolerance`, NaN matching NaN. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-6,
  what = '',
) {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) {
      expect(a, `${what}[${i}]`).toBeNaN();
    } else if (Math.abs(a - e) > tolerance * Math.max(1, Math.abs(e))) {
      expect.fail(`${what}[${i}]: expected ${e}, got ${a} (tolerance ${tolerance})`);
    }
  }
}

/** A matrix column `j`. */
export const matrixColumn = (matrix: Matrix, j: number) =>
  Array.from({ length: matrix.rows }, (_, i) => matrix.data[i * matrix.cols + j] as number);

export const flatRows = (rows: Rows) => rows.flat().map(nanFromNull);
