import { TrainingError } from '../errors/training-error';
import { isNumberColumn, type Column } from '../table';
import type { Target, Task } from '../learners/types';

const MAX_CLASSES_FROM_NUMBERS = 10;

/**
 * Classification for text, booleans and whole numbers with at most 10 distinct values (class
 * codes); regression otherwise. Whole numbers that look like counts or amounts rather than codes
 * are regression: values with gaps between them where one is seen only once (0 to 9 cases and
 * one 17), or so spread out that most whole numbers between them never occur (0, 1, 2, 3, 7, 12
 * affairs a year).
 */
export function detectTask(column: Column): Task {
  if (!isNumberColumn(column)) return 'classification';
  if (column.type === 'boolean') return 'classification';
  const counts = new Map<number, number>();
  for (const value of column.values) {
    if (Number.isNaN(value)) continue;
    if (!Number.isInteger(value)) return 'regression';
    counts.set(value, (counts.get(value) ?? 0) + 1);
    if (counts.size > MAX_CLASSES_FROM_NUMBERS) return 'regression';
  }
  if (counts.size < 2) return 'regression';
  const values = [...counts.keys()];
  const span = Math.max(...values) - Math.min(...values) + 1;
  const consecutive = span === values.length;
  const single = [...counts.values()].some((count) => count === 1);
  const sparse = span > 2 * values.length;
  return counts.size > 2 && !consecutive && (single || sparse) ? 'regression' : 'classification';
}

/**
 * A row's class: the text, the number, or for a boolean column (read from true/false, yes/no,
 * y/n) “true” or “false”, so that predictions name the answer rather than 1 or 0.
 */
const labelOf = (column: Column, row: number): string | null => {
  if (isNumberColumn(column)) {
    const value = column.values[row] as number;
    if (Number.isNaN(value)) return null;
    if (column.type === 'boolean') return value === 0 ? 'false' : 'true';
    return String(value);
  }
  const code = column.codes[row] as number;
  return code < 0 ? null : (column.dictionary[code] as string);
};

const compareLabels = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a < b ? -1 : a > b ? 1 : 0;
};

const BOOLEAN_ALIASES = new Map([
  ['true', '1'],
  ['false', '0'],
  ['1', 'true'],
  ['0', 'false'],
]);

/** Rows with a target value; training ignores rows whose target is missing. */
export function labelledRows(column: Column): Int32Array {
  const rows: number[] = [];
  const length = isNumberColumn(column) ? column.values.length : column.codes.length;
  for (let row = 0; row < length; row++) if (labelOf(column, row) !== null) rows.push(row);
  return Int32Array.from(rows);
}

/**
 * Builds the learner's target from a column with no missing values. Classes are sorted (numbers
 * numerically, text in code-point order) so that class indices do not depend on row order.
 */
export function buildTarget(column: Column, task: Task, classes?: readonly string[]): Target {
  const length = isNumberColumn(column) ? column.values.length : column.codes.length;
  if (task === 'regression') {
    if (!isNumberColumn(column)) {
      throw new TrainingError(
        'invalid-input',
        `Regression needs a numeric target, but “${column.name}” holds text.`,
        column.name,
      );
    }
    for (let row = 0; row < length; row++) {
      if (!Number.isFinite(column.values[row])) {
        throw new TrainingError(
          'non-finite',
          `The target “${column.name}” is not a finite number in row ${row + 1}.`,
          `${column.name}:${row + 1}`,
        );
      }
    }
    return { task, y: Float64Array.from(column.values) };
  }
  const labels = Array.from({ length }, (_, row) => labelOf(column, row) as string);
  const known = classes ?? [...new Set(labels)].sort(compareLabels);
  const index = new Map(known.map((label, i) => [label, i]));
  // A boolean class is “true” or “false”, and was 1 or 0 in models saved before: either reads
  // the other, as does a 0/1 number column scored by a model trained on a boolean one.
  const alias = isNumberColumn(column) ? BOOLEAN_ALIASES : undefined;
  const y = new Int32Array(length);
  for (let row = 0; row < length; row++) {
    const label = labels[row] as string;
    const code = index.get(label) ?? (alias?.has(label) ? index.get(alias.get(label)!) : undefined);
    if (code === undefined) {
      throw new TrainingError(
        'invalid-input',
        `Row ${row + 1} has the class “${labels[row]}”, which the model does not know.`,
        `${column.name}:${row + 1}`,
      );
    }
    y[row] = code;
  }
  if (!classes && known.length < 2) {
    throw new TrainingError(
      'single-class',
      `The target “${column.name}” has only one class (“${known[0] ?? ''}”): a classifier needs at least two.`,
      column.name,
    );
  }
  return { task, classes: known, y };
}

/** sklearn's class_weight='balanced': n_samples / (n_classes * count(class)). */
export function balancedWeights(target: Target): Float64Array | undefined {
  if (target.task !== 'classification') return undefined;
  const counts = new Float64Array(target.classes.length);
  for (const label of target.y) counts[label] = (counts[label] as number) + 1;
  const weights = new Float64Array(target.y.length);
  const scale = target.y.length / target.classes.length;
  for (let row = 0; row < target.y.length; row++) {
    weights[row] = scale / (counts[target.y[row] as number] as number);
  }
  return weights;
}
