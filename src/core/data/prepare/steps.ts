import type { CompactDateUnit } from '../compact-date';
import type { LogicalType } from '../../table';
import type { DateOrder } from '../types';

/** Types a column can be changed to (images are only ever imported). */
export type TargetType = Exclude<LogicalType, 'image'>;
export const TARGET_TYPES: readonly TargetType[] = [
  'numeric',
  'integer',
  'categorical',
  'boolean',
  'datetime',
  'text',
];

/** How numbers become dates: epoch milliseconds or seconds, or whole years (1 January). */
export type NumberDateUnit = 'epoch-ms' | 'epoch-s' | 'year' | CompactDateUnit | 'excel';

export type MissingStrategy = 'drop' | 'mean' | 'median' | 'mode' | 'constant';
export type SplitMethod = 'random' | 'stratified' | 'time' | 'group';

/**
 * One preparation step: plain JSON, so it can be stored with the version it made (lineage) and
 * replayed by the command line or a pipeline.
 */
export type PrepareStep =
  | { readonly kind: 'select'; readonly columns: readonly string[] }
  | { readonly kind: 'drop'; readonly columns: readonly string[] }
  | { readonly kind: 'rename'; readonly renames: readonly { from: string; to: string }[] }
  | {
      readonly kind: 'change-type';
      readonly changes: readonly { column: string; type: TargetType }[];
      /** Cell texts that mean “missing” in the changed columns (text, or numbers such as -999). */
      readonly missing?: readonly string[];
      readonly dateOrder?: DateOrder;
      readonly dateUnit?: NumberDateUnit;
    }
  /** Keeps the rows where an expression is true. */
  | { readonly kind: 'filter'; readonly condition: string }
  | {
      readonly kind: 'clean-missing';
      readonly columns: readonly string[];
      readonly strategy: MissingStrategy;
      /** The fill value for `constant`: a number, text, `true`/`false` or a date. */
      readonly value?: string | number;
      /** Adds a true/false column `<name>_missing` per column before filling. */
      readonly indicator?: boolean;
    }
  /** Drops rows equal to an earlier row (in the given columns, or all), keeping the first. */
  | { readonly kind: 'dedupe'; readonly columns?: readonly string[] }
  | { readonly kind: 'derive'; readonly name: string; readonly expression: string }
  | {
      readonly kind: 'bin';
      readonly column: string;
      readonly method: 'equal-width' | 'quantile';
      readonly bins: number;
      /** The new column; by default `<column>_bin`. */
      readonly name?: string;
    }
  | {
      readonly kind: 'normalize';
      readonly columns: readonly string[];
      readonly method: 'z-score' | 'min-max';
    }
  | {
      readonly kind: 'join';
      /** The other dataset version, and how to name it in descriptions. */
      readonly right: { readonly versionId: string; readonly label: string };
      readonly leftOn: readonly string[];
      readonly rightOn: readonly string[];
      readonly how: 'inner' | 'left';
      /** Added to right-hand column names that are already taken; default `_right`. */
      readonly suffix?: string;
    }
  /** `size` rows, or that fraction of them when below 1, without replacement. */
  | { readonly kind: 'sample'; readonly size: number; readonly seed: number }
  | {
      readonly kind: 'split';
      readonly method: SplitMethod;
      /** Fraction (0…1) or count of test rows; for `group`, the fraction of groups. */
      readonly testSize: number;
      readonly seed: number;
      /** The class column (stratified), time column (time) or group column (group). */
      readonly column?: string;
    };

export type PrepareStepKind = PrepareStep['kind'];

export const STEP_TITLES: Record<PrepareStepKind, string> = {
  select: 'Select columns',
  drop: 'Drop columns',
  rename: 'Rename columns',
  'change-type': 'Change type',
  filter: 'Filter rows',
  'clean-missing': 'Clean missing values',
  dedupe: 'Remove duplicate rows',
  derive: 'Derive a column',
  bin: 'Bin a column',
  normalize: 'Normalize',
  join: 'Join another dataset',
  sample: 'Sample rows',
  split: 'Split train/test',
};

const names = (columns: readonly string[]) => columns.map((name) => `“${name}”`).join(', ');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const size = (value: number, what: string) =>
  value > 0 && value < 1 ? `${Math.round(value * 1000) / 10}% of ${what}` : `${value} ${what}`;

/** A one-line description of a step, as the version timeline shows it. */
export function describeStep(step: PrepareStep): string {
  switch (step.kind) {
    case 'select':
      return `Kept ${plural(step.columns.length, 'column')}: ${names(step.columns)}`;
    case 'drop':
      return `Dropped ${names(step.columns)}`;
    case 'rename':
      return `Renamed ${step.renames.map(({ from, to }) => `“${from}” → “${to}”`).join(', ')}`;
    case 'change-type': {
      const changes = step.changes.map(({ column, type }) => `“${column}” to ${type}`).join(', ');
      const missing = step.missing?.length
        ? `; missing: ${step.missing.map((token) => (token === '' ? '(empty)' : token)).join(' ')}`
        : '';
      return `Changed ${changes}${missing}`;
    }
    case 'filter':
      return `Kept rows where ${step.condition}`;
    case 'clean-missing': {
      const columns = names(step.columns);
      if (step.strategy === 'drop') return `Dropped rows with missing ${columns}`;
      const how =
        step.strategy === 'constant' ? `“${String(step.value ?? '')}”` : `the ${step.strategy}`;
      return `Filled missing ${columns} with ${how}${step.indicator ? ', with indicator columns' : ''}`;
    }
    case 'dedupe':
      return step.columns?.length
        ? `Removed rows that repeat ${names(step.columns)}`
        : 'Removed duplicate rows';
    case 'derive':
      return `Derived “${step.name}” = ${step.expression}`;
    case 'bin':
      return `Binned “${step.column}” into ${step.bins} ${step.method === 'quantile' ? 'quantile' : 'equal-width'} bins`;
    case 'normalize':
      return `Normalized ${names(step.columns)} (${step.method})`;
    case 'join':
      return `${step.how === 'inner' ? 'Inner' : 'Left'} join with ${step.right.label} on ${step.leftOn
        .map((left, i) =>
          left === step.rightOn[i] ? `“${left}”` : `“${left}” = “${step.rightOn[i]}”`,
        )
        .join(', ')}`;
    case 'sample':
      return `Sampled ${size(step.size, 'rows')} (seed ${step.seed})`;
    case 'split': {
      const by =
        step.method === 'random'
          ? 'at random'
          : step.method === 'stratified'
            ? `stratified by “${step.column}”`
            : step.method === 'time'
              ? `by time (“${step.column}”)`
              : `by group (“${step.column}”)`;
      return `Split ${size(step.testSize, step.method === 'group' ? 'groups' : 'rows')} for test, ${by}, seed ${step.seed}`;
    }
  }
}
