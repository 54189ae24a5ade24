import { columnLength, isNumberColumn, type Column } from '../../table';
import type { ColumnProfile, ProfileWarning } from './types';

/** At most this many classes make a column a class target (more is a regression or an ID). */
export const MAX_TARGET_CLASSES = 50;

/** A minority class below this share of the rows is worth a warning. */
export const IMBALANCE_SHARE = 0.1;

export interface ClassCount {
  readonly value: string | number;
  readonly count: number;
}

export type ClassBalance =
  | {
      readonly ok: true;
      /** Every class, the most frequent first (ties in order of first appearance). */
      readonly classes: readonly ClassCount[];
      /** Rows with a class (missing ones left out). */
      readonly count: number;
      readonly missing: number;
    }
  | { readonly ok: false; readonly reason: string };

const TARGET_TYPES: ReadonlySet<string> = new Set(['categorical', 'boolean', 'integer']);

/** Whether a profiled column can be a class target: 2 to 50 classes, counted exactly. */
export function isClassTarget(
  profile: Pick<ColumnProfile, 'type' | 'distinct' | 'distinctExact'>,
): boolean {
  return (
    TARGET_TYPES.has(profile.type) &&
    profile.distinctExact &&
    profile.distinct >= 2 &&
    profile.distinct <= MAX_TARGET_CLASSES
  );
}

/**
 * The classes of a column taken as a classification target and how many rows each has, or why it
 * cannot be one: not categorical, boolean or integer, fewer than 2 or more than 50 classes.
 */
export function classBalance(column: Column): ClassBalance {
  if (!TARGET_TYPES.has(column.type)) {
    return {
      ok: false,
      reason: `“${column.name}” is ${column.type}: a class target is categorical, boolean or integer.`,
    };
  }
  const counts = new Map<string | number, number>();
  let missing = 0;
  const limit = MAX_TARGET_CLASSES;
  const tooMany = () => ({
    ok: false as const,
    reason: `“${column.name}” has more than ${limit} distinct values: too many for classes.`,
  });
  if (isNumberColumn(column)) {
    for (const value of column.values) {
      if (value !== value) {
        missing++;
        continue;
      }
      const key = column.type === 'boolean' ? (value === 0 ? 'false' : 'true') : value;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (counts.size > limit) return tooMany();
    }
  } else {
    const byCode = new Float64Array(column.dictionary.length);
    for (const code of column.codes) {
      if (code < 0) missing++;
      else byCode[code] = (byCode[code] as number) + 1;
    }
    for (let code = 0; code < byCode.length; code++) {
      const count = byCode[code] as number;
      if (count === 0) continue;
      counts.set(column.dictionary[code] as string, count);
      if (counts.size > limit) return tooMany();
    }
  }
  if (counts.size < 2) {
    return {
      ok: false,
      reason: `“${column.name}” has ${counts.size === 0 ? 'no values' : 'a single value'}: a class target needs two classes or more.`,
    };
  }
  const classes = [...counts].map(([value, count]) => ({ value, count }));
  classes.sort((a, b) => b.count - a.count);
  return { ok: true, classes, count: columnLength(column) - missing, missing };
}

/** A share of rows as a percentage: whole above 10%, else to one decimal (two under 1%). */
export const formatShare = (share: number) => {
  const value = 100 * share;
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(value < 1 ? 2 : 1))}%`;
};

/** The warning for a target whose rarest class is under 10% of the rows with a class. */
export function imbalanceWarning(
  name: string,
  classes: readonly ClassCount[],
  count: number,
): ProfileWarning | null {
  const minority = classes.at(-1);
  if (!minority || classes.length < 2 || count === 0) return null;
  const share = minority.count / count;
  if (share >= IMBALANCE_SHARE) return null;
  return {
    code: 'imbalance',
    message: `Class “${String(minority.value)}” of target “${name}” is only ${formatShare(share)} of rows: use a stratified split, and class weights or a metric such as balanced accuracy.`,
    column: name,
    value: share,
  };
}
