import { TrainingError } from '../errors/training-error';
import type { FittedForecaster, ForecasterJSON, ForecastResult } from './types';

/**
 * The equally weighted mean of several models' forecasts. Its interval bounds are the means of
 * the members' bounds (quantile averaging), which keeps them ordered and is well calibrated when
 * the members are (Lichtendahl, Grushka-Cockayne & Winkler 2013).
 */
export class EnsembleForecast implements FittedForecaster {
  readonly model = 'ensemble';
  readonly fitted: Float64Array;

  constructor(readonly members: readonly FittedForecaster[]) {
    if (!members.length) {
      throw new TrainingError(
        'invalid-params',
        'An ensemble needs at least one member.',
        'members',
      );
    }
    const n = Math.max(...members.map((member) => member.fitted.length));
    this.fitted = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let sum = 0;
      for (const member of members) sum += member.fitted[t] ?? NaN;
      this.fitted[t] = sum / members.length;
    }
  }

  get label() {
    return `Mean of ${this.members.map((member) => member.label).join(' · ')}`;
  }

  get params() {
    return {
      members: this.members.map((member) => ({ model: member.model, params: member.params })),
    };
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    return averageResults(
      this.members.map((member) => member.forecast(h, levels, futureRegressors)),
    );
  }

  toJSON(): ForecasterJSON {
    return { model: 'ensemble', members: this.members.map((member) => member.toJSON()) };
  }
}

export function averageResults(results: readonly ForecastResult[]): ForecastResult {
  const first = results[0]!;
  const h = first.mean.length;
  const average = (pick: (result: ForecastResult) => Float64Array) => {
    const out = new Float64Array(h);
    for (const result of results) {
      const values = pick(result);
      for (let i = 0; i < h; i++) out[i] = out[i]! + values[i]! / results.length;
    }
    return out;
  };
  return {
    mean: average((result) => result.mean),
    intervals: first.intervals.map(({ level }, k) => ({
      level,
      lo: average((result) => result.intervals[k]!.lo),
      hi: average((result) => result.intervals[k]!.hi),
    })),
  };
}
