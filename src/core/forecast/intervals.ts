import { TrainingError } from '../errors/training-error';
import { normalMultiplier } from './stats';
import type { ForecasterJSON, ForecastResult } from './types';

export const DEFAULT_LEVELS: readonly number[] = [80, 95];

export function checkHorizon(h: number): void {
  if (!Number.isInteger(h) || h < 1) {
    throw new TrainingError(
      'invalid-params',
      `The horizon must be a whole number ≥ 1, got ${h}.`,
      'horizon',
    );
  }
}

export function checkLevels(levels: readonly number[]): void {
  for (const level of levels) {
    if (!(level > 0 && level < 100)) {
      throw new TrainingError(
        'invalid-params',
        `Interval levels are percentages between 0 and 100, got ${level}.`,
        'level',
      );
    }
  }
}

/** Intervals mean ± z·se under normal errors, one per level. */
export function normalIntervals(
  mean: Float64Array,
  se: Float64Array,
  levels: readonly number[],
): ForecastResult {
  checkLevels(levels);
  return {
    mean,
    intervals: levels.map((level) => {
      const z = normalMultiplier(level);
      const lo = new Float64Array(mean.length);
      const hi = new Float64Array(mean.length);
      for (let i = 0; i < mean.length; i++) {
        lo[i] = mean[i]! - z * se[i]!;
        hi[i] = mean[i]! + z * se[i]!;
      }
      return { level, lo, hi };
    }),
  };
}

/** Applies a monotone increasing map to the point forecasts and every interval bound. */
export function mapResult(result: ForecastResult, map: (value: number) => number): ForecastResult {
  return {
    mean: result.mean.map(map),
    intervals: result.intervals.map(({ level, lo, hi }) => ({
      level,
      lo: lo.map(map),
      hi: hi.map(map),
    })),
  };
}

/** Reads a saved array of numbers, failing with the field's name when it is not one. */
export function numbersField(json: ForecasterJSON, field: string): Float64Array {
  const value = json[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' || item === null)) {
    throw new TrainingError(
      'invalid-input',
      `The saved ${json.model} model lacks the numbers “${field}”.`,
      field,
    );
  }
  return Float64Array.from(value as (number | null)[], (item) => (item === null ? NaN : item));
}

export function numberField(json: ForecasterJSON, field: string): number {
  const value = json[field];
  if (typeof value !== 'number' && value !== null) {
    throw new TrainingError(
      'invalid-input',
      `The saved ${json.model} model lacks the number “${field}”.`,
      field,
    );
  }
  return value === null ? NaN : value;
}

/** Plain numbers for JSON (NaN and infinities become null, which JSON can hold). */
export const toNumbers = (values: ArrayLike<number>) =>
  Array.from(values, (value) => (Number.isFinite(value) ? value : null));
