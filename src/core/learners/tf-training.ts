/**
 * Checks and bookkeeping shared by the learners that train on tfjs. Nothing here imports tfjs at
 * run time, so the fitted models (which import it for their input checks) stay tfjs-free.
 */
import { TrainingError } from '../errors/training-error';
import { randomInt, type Random } from '../random';
import type { Matrix, Target } from './types';

/** Rejects NaN and ±Infinity, naming the first column (and row) that holds one. */
export function assertFiniteFeatures(x: Matrix, learnerLabel: string): void {
  const { rows, cols, data } = x;
  if (data.length !== rows * cols) {
    throw new TrainingError(
      'invalid-input',
      `The feature matrix says ${rows}×${cols} but holds ${data.length} values.`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    const value = data[i] as number;
    if (value - value !== 0) {
      const row = Math.floor(i / cols);
      const column = i - row * cols;
      const what = Number.isNaN(value) ? 'a missing value (NaN)' : 'an infinite value';
      throw new TrainingError(
        'invalid-input',
        `Column ${column} has ${what} in row ${row}: ${learnerLabel} does not handle missing or ` +
          'infinite values, so impute or drop them first.',
        `column ${column}`,
      );
    }
  }
}

export function assertColumns(x: Matrix, expected: number): void {
  if (x.cols !== expected) {
    throw new TrainingError(
      'invalid-input',
      `The model was trained on ${expected} features but got ${x.cols}.`,
    );
  }
}

/** Checks that the target fits the matrix and, for classification, returns rows per class. */
export function assertTarget(x: Matrix, target: Target): Int32Array | undefined {
  if (x.rows === 0) throw new TrainingError('invalid-input', 'There are no rows to train on.');
  if (x.cols === 0) throw new TrainingError('invalid-input', 'There are no features to train on.');
  if (target.y.length !== x.rows) {
    throw new TrainingError(
      'invalid-input',
      `The target has ${target.y.length} values but the features have ${x.rows} rows.`,
    );
  }
  if (target.task === 'regression') {
    const index = target.y.findIndex((value) => !Number.isFinite(value));
    if (index >= 0) {
      throw new TrainingError(
        'invalid-input',
        `The target is missing or infinite in row ${index}; drop those rows first.`,
        'target',
      );
    }
    return undefined;
  }
  const counts = new Int32Array(target.classes.length);
  for (let i = 0; i < target.y.length; i++) {
    const label = target.y[i] as number;
    if (!(label >= 0 && label < counts.length)) {
      throw new TrainingError(
        'invalid-input',
        `Row ${i} has class index ${label}, but there are ${counts.length} classes.`,
        'target',
      );
    }
    counts[label] = (counts[label] as number) + 1;
  }
  const present = counts.filter((count) => count > 0).length;
  if (present < 2) {
    const only = target.classes[counts.findIndex((count) => count > 0)] ?? '';
    throw new TrainingError(
      'single-class',
      `Every training row has the class "${only}": a classifier needs at least two classes.`,
      'target',
    );
  }
  return counts;
}

export type ClassWeight = 'none' | 'balanced';

/**
 * Per-row weights: the caller's sample weights times, for 'balanced', n / (classes × rows of the
 * row's class), as in scikit-learn (classes counts only those present).
 */
export function rowWeights(
  target: Target,
  counts: Int32Array | undefined,
  classWeight: ClassWeight,
  sampleWeight: Float64Array | undefined,
): Float64Array {
  const n = target.y.length;
  const weights = new Float64Array(n).fill(1);
  if (sampleWeight) {
    if (sampleWeight.length !== n) {
      throw new TrainingError(
        'invalid-input',
        `There are ${sampleWeight.length} sample weights for ${n} rows.`,
        'sample weights',
      );
    }
    for (let i = 0; i < n; i++) {
      const weight = sampleWeight[i] as number;
      if (!(weight >= 0 && Number.isFinite(weight))) {
        throw new TrainingError(
          'invalid-input',
          `Sample weight ${weight} in row ${i} is not a finite non-negative number.`,
          'sample weights',
        );
      }
      weights[i] = weight;
    }
  }
  if (classWeight === 'balanced' && target.task === 'classification' && counts) {
    const present = counts.filter((count) => count > 0).length;
    for (let i = 0; i < n; i++) {
      const count = counts[target.y[i] as number] as number;
      weights[i] = (weights[i] as number) * (n / (present * count));
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i] as number;
  if (!(total > 0)) {
    throw new TrainingError('invalid-input', 'Every sample weight is zero.', 'sample weights');
  }
  return weights;
}

/** Reads `params` against the learner's defaults, rejecting unknown names and wrong types. */
export class ParamReader<P extends object> {
  constructor(
    private readonly given: Partial<P>,
    private readonly defaults: P,
  ) {
    for (const name of Object.keys(given)) {
      if (!(name in defaults)) {
        throw new TrainingError('invalid-params', `There is no parameter named "${name}".`, name);
      }
    }
  }

  private value<K extends keyof P & string>(name: K): unknown {
    const value = this.given[name];
    return value === undefined ? this.defaults[name] : value;
  }

  /** A number satisfying `valid`, described by `rule` in the error message. */
  number<K extends keyof P & string>(
    name: K,
    rule: string,
    valid: (value: number) => boolean,
  ): number {
    const value = this.value(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
      throw invalidParam(name, rule, value);
    }
    return value;
  }

  integer<K extends keyof P & string>(name: K, min: number, max = Infinity): number {
    const rule =
      max === Infinity ? `a whole number ≥ ${min}` : `a whole number in [${min}, ${max}]`;
    return this.number(name, rule, (v) => Number.isInteger(v) && v >= min && v <= max);
  }

  positive<K extends keyof P & string>(name: K): number {
    return this.number(name, 'a number > 0', (v) => v > 0);
  }

  boolean<K extends keyof P & string>(name: K): boolean {
    const value = this.value(name);
    if (typeof value !== 'boolean') throw invalidParam(name, 'true or false', value);
    return value;
  }

  choice<K extends keyof P & string, C extends string>(name: K, choices: readonly C[]): C {
    const value = this.value(name);
    if (!choices.includes(value as C)) {
      throw invalidParam(name, `one of ${choices.join(', ')}`, value);
    }
    return value as C;
  }

  raw<K extends keyof P & string>(name: K): unknown {
    return this.value(name);
  }
}

export function invalidParam(name: string, rule: string, value: unknown): TrainingError {
  return new TrainingError(
    'invalid-params',
    `${name} must be ${rule}, got ${JSON.stringify(value) ?? String(value)}.`,
    name,
  );
}

/** A 31-bit seed for tfjs's seeded ops, drawn from the learner's generator. */
export const tfSeed = (rng: Random): number => randomInt(rng, 0x7fffffff);

/** Shuffles in place (Fisher–Yates) with the learner's generator. */
export function shuffle(values: Int32Array, rng: Random): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const swap = values[i] as number;
    values[i] = values[j] as number;
    values[j] = swap;
  }
  return values;
}

/** Reads a list of finite numbers from JSON into a typed array, or says what is wrong. */
export function numbersFromJSON<T extends Float32Array | Float64Array>(
  value: unknown,
  field: string,
  make: (length: number) => T,
  expectedLength?: number,
): T {
  if (!Array.isArray(value) || (expectedLength !== undefined && value.length !== expectedLength)) {
    const wanted = expectedLength === undefined ? '' : ` of length ${expectedLength}`;
    throw new TrainingError(
      'invalid-input',
      `The saved model needs "${field}" as a list${wanted}.`,
    );
  }
  const out = make(value.length);
  for (let i = 0; i < value.length; i++) {
    const number = value[i];
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw new TrainingError('invalid-input', `The saved model has a bad number in "${field}".`);
    }
    out[i] = number;
  }
  return out;
}

export function jsonField(json: object, field: string): unknown {
  return (json as Record<string, unknown>)[field];
}
