import type { LogicalType } from '../../table';

export interface Histogram {
  /** `counts.length + 1` bin edges; every bin holds [edge, next edge), the last one also its end. */
  readonly edges: number[];
  readonly counts: number[];
}

export interface TopValue {
  /** The value: a number for number columns (1/0 for booleans, epoch ms for datetimes). */
  readonly value: string | number;
  readonly count: number;
}

export interface Quantiles {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

export interface LengthStats {
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: LogicalType;
  /** Present (non-missing) values. */
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
  /** False above `exactLimit` values, where `distinct` is a HyperLogLog estimate (±1%). */
  readonly distinctExact: boolean;
  /** For number columns (numeric, integer, boolean, datetime); null otherwise or when empty. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1), as pandas reports it. */
  readonly std: number | null;
  /** Linear interpolation between order statistics (numpy's default). */
  readonly quantiles: Quantiles | null;
  /** False above `exactLimit` values: quantiles and top values then come from a seeded sample. */
  readonly quantilesExact: boolean;
  readonly histogram: Histogram | null;
  /** The most frequent values, most frequent first (ties: smaller value, or first seen, first). */
  readonly top: TopValue[];
  /** Lengths of the present values of string columns, in UTF-16 code units. */
  readonly length: LengthStats | null;
}

export interface CorrelationMatrix {
  readonly columns: string[];
  /** Symmetric; null where undefined (a constant column, or no rows where both are present). */
  readonly matrix: (number | null)[][];
}

export interface Correlations {
  /** Rows the measures below were computed on: all, or a seeded sample above `correlationRows`. */
  readonly rows: number;
  readonly sampled: boolean;
  /** Pearson's r over numeric, integer and boolean columns, pairwise-complete rows. */
  readonly pearson: CorrelationMatrix;
  /** Bias-corrected Cramér's V (Bergsma 2013) over categorical and boolean columns. */
  readonly cramersV: CorrelationMatrix;
  /** Correlation ratio η of each numeric column (rows) by each categorical column (columns). */
  readonly correlationRatio: {
    readonly numeric: string[];
    readonly categorical: string[];
    readonly matrix: (number | null)[][];
  };
}

export type ProfileWarningCode =
  | 'constant'
  | 'high-cardinality'
  | 'missing'
  | 'duplicates'
  | 'id-like'
  | 'imbalance'
  | 'missing-code'
  | 'unix-time'
  | 'compact-date'
  | 'excel-date';

export interface ProfileWarning {
  readonly code: ProfileWarningCode;
  readonly message: string;
  readonly column?: string;
  /**
   * The figure behind the warning: a share, a count, a number of categories, for Unix times
   * the milliseconds per unit (1000 for seconds), the code that stands for missing (-999), or for
   * dates written as numbers the digits of their layout (8 for YYYYMMDD, 6 for YYYYMM).
   */
  readonly value?: number;
}

/** A dataset's profile: plain JSON (no NaN, no typed arrays), ready to store or send. */
export interface DatasetProfile {
  readonly rows: number;
  readonly columns: ColumnProfile[];
  readonly correlations: Correlations;
  /** Rows equal to an earlier row in every column. */
  readonly duplicateRows: number;
  readonly warnings: ProfileWarning[];
}

export interface ProfileOptions {
  /** A target column, checked for class imbalance. */
  readonly target?: string;
  /** Columns with more present values than this get sampled quantiles and estimated distinct counts. */
  readonly exactLimit?: number;
  readonly topValues?: number;
  readonly maxBins?: number;
  /** The first this many numeric (and categorical) columns enter the correlation matrices. */
  readonly maxCorrelationColumns?: number;
  /** Categorical columns with more categories than this are left out of associations. */
  readonly maxCategories?: number;
  /**
   * Correlations and associations of larger tables are computed on a seeded uniform sample of
   * this many rows (their sampling error, about 1/√rows, is far below what a heatmap shows): as
   * many as the Data view's heatmap measures a selection on, which shows these for all rows.
   */
  readonly correlationRows?: number;
  /** Seeds the sample taken above `exactLimit`. */
  readonly seed?: number;
  /** Column summaries to take over from the profile of a table the columns come from. */
  readonly reuse?: ProfileReuse;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
  /**
   * `profileTableAsync` only: the least time, in milliseconds, between two yields to the event
   * loop, each with a progress report (16 by default; 0 yields after every step). A table of
   * 10,000 columns has 10,000 steps: yielding and reporting after each cost seconds.
   */
  readonly yieldMs?: number;
}

/**
 * What a new table shares with one profiled before (with the same options): a column with the
 * same values, in the same order, of the same type (and with the same dictionary) has the same
 * summary. Correlations, duplicates and warnings are always measured again.
 */
export interface ProfileReuse {
  readonly profile: DatasetProfile;
  /** Per column of the new table: the name in `profile` of the column it equals, or null. */
  readonly columns: readonly (string | null)[];
}

export type ProfileSettings = Required<
  Pick<
    ProfileOptions,
    | 'exactLimit'
    | 'topValues'
    | 'maxBins'
    | 'maxCorrelationColumns'
    | 'maxCategories'
    | 'correlationRows'
    | 'seed'
  >
>;

export const DEFAULT_PROFILE_OPTIONS: ProfileSettings = {
  exactLimit: 4_000_000,
  topValues: 10,
  maxBins: 50,
  maxCorrelationColumns: 100,
  maxCategories: 100,
  correlationRows: 100_000,
  seed: 0,
};
