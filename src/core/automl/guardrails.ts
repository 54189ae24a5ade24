import type { Target } from '../learners/types';
import type { Random } from '../random';
import { isNumberColumn, type Column, type Table } from '../table';
import { MIN_LEAKAGE_ROWS, singleColumnScore } from './leakage';
import type { Guardrail } from './types';

/** Categorical columns with more categories than this are target-encoded, not one-hot encoded. */
export const MAX_ONE_HOT = 20;
/** A single column that alone scores at least this (balanced accuracy or R²) on unseen rows. */
export const LEAKAGE_SCORE = 0.99;
/** A categorical column whose values are this unique looks like an identifier. */
const ID_UNIQUENESS = 0.95;
const MIN_ID_ROWS = 20;
/** Classes whose smallest/largest size ratio is at most this are imbalanced (as AzureML). */
export const IMBALANCE_RATIO = 0.2;
/** Fewer rows than this in a class make its scores unreliable. */
const FEW_ROWS_PER_CLASS = 10;

export interface DroppedColumn {
  readonly column: string;
  readonly reason: string;
}

export interface ColumnReport {
  readonly guardrails: Guardrail[];
  readonly dropped: DroppedColumn[];
}

interface ColumnFacts {
  readonly present: number;
  readonly missing: number;
  readonly distinct: number;
  /** Whole numbers, all different, that fill a consecutive range or rise or fall row by row. */
  readonly sequence: boolean;
}

function numberFacts(values: Float64Array): ColumnFacts {
  const seen = new Set<number>();
  let missing = 0;
  let whole = true;
  let rising = true;
  let falling = true;
  let min = Infinity;
  let max = -Infinity;
  let previous = NaN;
  for (const value of values) {
    if (!Number.isFinite(value)) {
      missing++;
      continue;
    }
    seen.add(value);
    if (!Number.isInteger(value)) whole = false;
    if (value < min) min = value;
    if (value > max) max = value;
    if (!Number.isNaN(previous)) {
      if (value <= previous) rising = false;
      if (value >= previous) falling = false;
    }
    previous = value;
  }
  const present = values.length - missing;
  const distinct = seen.size;
  const allDifferent = present > 0 && distinct === present;
  const consecutive = max - min + 1 === distinct;
  return {
    present,
    missing,
    distinct,
    sequence: whole && allDifferent && (consecutive || rising || falling),
  };
}

function columnFacts(column: Column): ColumnFacts {
  if (isNumberColumn(column)) return numberFacts(column.values);
  const used = new Uint8Array(column.dictionary.length);
  let missing = 0;
  let distinct = 0;
  for (const code of column.codes) {
    if (code < 0) missing++;
    else if (!used[code]) {
      used[code] = 1;
      distinct++;
    }
  }
  return { present: column.codes.length - missing, missing, distinct, sequence: false };
}

const list = (names: readonly string[]) =>
  names.length <= 6
    ? names.map((name) => `“${name}”`).join(', ')
    : `${names
        .slice(0, 5)
        .map((name) => `“${name}”`)
        .join(', ')} and ${names.length - 5} more`;

const guardrail = (
  name: Guardrail['name'],
  columns: readonly string[],
  whenFound: () => Omit<Guardrail, 'name' | 'columns'>,
  passed: string,
): Guardrail =>
  columns.length ? { name, ...whenFound(), columns } : { name, status: 'passed', reason: passed };

function isIdLike(column: Column, facts: ColumnFacts): boolean {
  if (facts.present < MIN_ID_ROWS || facts.missing > 0) return false;
  if (column.type === 'categorical') return facts.distinct >= ID_UNIQUENESS * facts.present;
  return column.type === 'integer' || column.type === 'numeric' ? facts.sequence : false;
}

/**
 * Checks every candidate feature column: missing values, constant and ID-like columns (dropped),
 * high-cardinality categories (target-encoded), datetimes (split into calendar parts) and target
 * leakage (a column that alone predicts the target almost perfectly on unseen rows: an alert,
 * and dropped only when `leakage` is `drop`).
 */
export function checkColumns(
  table: Table,
  features: readonly string[],
  target: Target,
  missingTargetRows: number,
  rng: Random,
  leakage: 'keep' | 'drop' = 'keep',
): ColumnReport {
  const dropped: DroppedColumn[] = [];
  const constant: string[] = [];
  const idLike: string[] = [];
  const highCardinality: string[] = [];
  const withMissing: string[] = [];
  const datetimes: string[] = [];
  const candidates: string[] = [];
  for (const name of features) {
    const column = table.column(name);
    const facts = columnFacts(column);
    if (facts.distinct <= 1) {
      constant.push(name);
      dropped.push({
        column: name,
        reason: facts.distinct === 0 ? 'every value is missing' : 'it has a single value',
      });
      continue;
    }
    if (isIdLike(column, facts)) {
      idLike.push(name);
      dropped.push({ column: name, reason: 'it looks like an identifier' });
      continue;
    }
    if (column.type === 'categorical' && facts.distinct > MAX_ONE_HOT) highCardinality.push(name);
    if (column.type === 'datetime') datetimes.push(name);
    if (facts.missing > 0) withMissing.push(name);
    candidates.push(name);
  }

  const leaks: string[] = [];
  if (target.y.length >= MIN_LEAKAGE_ROWS && candidates.length > 1) {
    for (const name of candidates) {
      const score = singleColumnScore(table.column(name), target, rng);
      if (score >= LEAKAGE_SCORE) leaks.push(name);
    }
    // Never drop every feature: a task one column solves is then simply an easy task.
    if (leaks.length === candidates.length) leaks.length = 0;
  }
  const dropLeaks = leakage === 'drop';
  if (dropLeaks) {
    for (const name of leaks) {
      dropped.push({ column: name, reason: 'it alone predicts the target almost perfectly' });
    }
  }
  const leaking = new Set(dropLeaks ? leaks : []);
  const surviving = (names: string[]) => names.filter((name) => !leaking.has(name));
  const measure = target.task === 'classification' ? 'balanced accuracy' : 'R² or rank correlation';

  const guardrails: Guardrail[] = [
    missingTargetRows > 0
      ? {
          name: 'missing-target',
          status: 'fixed',
          reason: `${missingTargetRows} row${missingTargetRows === 1 ? '' : 's'} without a target value ${missingTargetRows === 1 ? 'was' : 'were'} left out.`,
        }
      : { name: 'missing-target', status: 'passed', reason: 'Every row has a target value.' },
    guardrail(
      'missing-values',
      surviving(withMissing),
      () => ({
        status: 'fixed',
        reason: `${list(surviving(withMissing))} ${surviving(withMissing).length === 1 ? 'has' : 'have'} missing values: gradient-boosted trees handle them natively; other learners get them filled (median or most frequent value) with a missing-value indicator.`,
      }),
      'No feature has missing values.',
    ),
    guardrail(
      'constant-columns',
      constant,
      () => ({
        status: 'fixed',
        reason: `${list(constant)} ${constant.length === 1 ? 'has' : 'have'} a single value (or none) and ${constant.length === 1 ? 'was' : 'were'} dropped.`,
      }),
      'No column is constant.',
    ),
    guardrail(
      'id-like-columns',
      idLike,
      () => ({
        status: 'fixed',
        reason: `${list(idLike)} ${idLike.length === 1 ? 'has' : 'have'} a different value in (nearly) every row, like an identifier, and ${idLike.length === 1 ? 'was' : 'were'} dropped: a model would only memorise ${idLike.length === 1 ? 'it' : 'them'}.`,
      }),
      'No column looks like an identifier.',
    ),
    guardrail(
      'high-cardinality',
      surviving(highCardinality),
      () => ({
        status: 'fixed',
        reason: `${list(surviving(highCardinality))} ${surviving(highCardinality).length === 1 ? 'has' : 'have'} more than ${MAX_ONE_HOT} categories: target-encoded out of fold instead of one-hot encoded.`,
      }),
      `No categorical column has more than ${MAX_ONE_HOT} categories.`,
    ),
    guardrail(
      'datetime-columns',
      surviving(datetimes),
      () => ({
        status: 'fixed',
        reason: `${list(surviving(datetimes))}: split into calendar parts (year, month, day, day of week and, for times, hour).`,
      }),
      'There are no date or time columns.',
    ),
    guardrail(
      'target-leakage',
      leaks,
      () => ({
        status: 'alert',
        reason: `${list(leaks)} alone ${leaks.length === 1 ? 'predicts' : 'predict'} the target almost perfectly (${measure} ≥ ${LEAKAGE_SCORE} on unseen rows), which usually means ${leaks.length === 1 ? 'it is' : 'they are'} known only after the fact. ${
          dropLeaks
            ? `Dropped, as asked. Check how ${leaks.length === 1 ? 'it was' : 'they were'} recorded.`
            : `Kept: if ${leaks.length === 1 ? 'it is' : 'they are'} not known when a prediction is made, leave ${leaks.length === 1 ? 'it' : 'them'} out, or the model will fail on new rows.`
        }`,
      }),
      target.y.length < MIN_LEAKAGE_ROWS
        ? `Too few rows (${target.y.length}) to check for leakage reliably.`
        : 'No single feature predicts the target almost perfectly.',
    ),
  ];
  return { guardrails, dropped };
}

export interface ClassCounts {
  readonly classes: readonly string[];
  readonly counts: Int32Array;
}

export function countClasses(target: Target): ClassCounts | null {
  if (target.task !== 'classification') return null;
  const counts = new Int32Array(target.classes.length);
  for (const label of target.y) counts[label] = (counts[label] as number) + 1;
  return { classes: target.classes, counts };
}

export function isImbalanced({ counts }: ClassCounts): boolean {
  const largest = Math.max(...counts);
  return Math.min(...counts) / largest <= IMBALANCE_RATIO;
}

/** Metrics that class weights serve: they count every class equally. */
const CLASS_EQUAL_METRICS = new Set(['balanced_accuracy', 'f1_macro', 'recall_macro']);

export function classImbalanceGuardrail(
  classCounts: ClassCounts,
  metric: string,
): { guardrail: Guardrail; classWeight: boolean } {
  const { classes, counts } = classCounts;
  let smallest = 0;
  let largest = 0;
  counts.forEach((count, c) => {
    if (count < (counts[smallest] as number)) smallest = c;
    if (count > (counts[largest] as number)) largest = c;
  });
  const ratio = (counts[smallest] as number) / (counts[largest] as number);
  const describe = `class “${classes[smallest]}” has ${counts[smallest]} rows against ${counts[largest]} of “${classes[largest]}”`;
  if (!isImbalanced(classCounts)) {
    return {
      guardrail: {
        name: 'class-imbalance',
        status: 'passed',
        reason: `The classes are balanced enough (smallest/largest = ${ratio.toFixed(2)}).`,
      },
      classWeight: false,
    };
  }
  if (CLASS_EQUAL_METRICS.has(metric)) {
    return {
      guardrail: {
        name: 'class-imbalance',
        status: 'fixed',
        reason: `Imbalanced: ${describe}. Rows are weighted inversely to their class's frequency (class_weight "balanced"; k-nearest neighbours cannot weigh rows), folds are stratified, and ${metric} counts every class equally.`,
      },
      classWeight: true,
    };
  }
  return {
    guardrail: {
      name: 'class-imbalance',
      status: 'alert',
      reason: `Imbalanced: ${describe}. Folds are stratified, but ${metric} is dominated by the common classes and class weights would distort it, so none are used; balanced_accuracy or f1_macro would rank models by how well they find every class.`,
    },
    classWeight: false,
  };
}

/** Classes with too few rows: rows of one-row classes are left out, small classes limit folds. */
export function rowsPerClassGuardrail(
  classCounts: ClassCounts,
  droppedClasses: readonly string[],
  folds: number,
  requestedFolds: number,
): Guardrail {
  const { classes, counts } = classCounts;
  const problems: string[] = [];
  if (droppedClasses.length) {
    problems.push(
      `${list(droppedClasses)} had a single row, which can be neither learned nor validated; ${droppedClasses.length === 1 ? 'its row was' : 'their rows were'} left out`,
    );
  }
  if (folds < requestedFolds) {
    problems.push(`the smallest class limits cross-validation to ${folds} folds`);
  }
  const few = classes.filter((_, c) => (counts[c] as number) < FEW_ROWS_PER_CLASS);
  if (few.length) {
    problems.push(
      `${list(few)} ${few.length === 1 ? 'has' : 'have'} fewer than ${FEW_ROWS_PER_CLASS} rows, so ${few.length === 1 ? 'its' : 'their'} scores are unreliable`,
    );
  }
  if (!problems.length) {
    return {
      name: 'rows-per-class',
      status: 'passed',
      reason: `Every class has at least ${FEW_ROWS_PER_CLASS} rows.`,
    };
  }
  const text = problems.join('; ');
  return {
    name: 'rows-per-class',
    status: 'alert',
    reason: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`,
  };
}
