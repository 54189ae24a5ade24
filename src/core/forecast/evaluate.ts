import { TrainingError } from '../errors/training-error';
import { isNumberColumn, type Table } from '../table';
import { accuracy, maseScale, meanAccuracy, type Accuracy } from './accuracy';
import type { TableForecast } from './forecast-table';
import { nearestMidnight, readTimes, seriesKeys, type AggregateMethod } from './series';

export interface SeriesTestScore {
  readonly series: string | null;
  /** Forecast steps that had an actual value in the test table. */
  readonly matched: number;
  readonly accuracy: Accuracy;
}

export interface TestScore {
  /** The mean of each measure over the series that had matching rows. */
  readonly accuracy: Accuracy;
  readonly series: readonly SeriesTestScore[];
  /** Test rows whose time falls outside the forecast steps (or whose series is unknown). */
  readonly unmatchedRows: number;
}

export interface TestOptions {
  readonly time: string;
  readonly target: string;
  readonly series?: readonly string[];
  readonly aggregate?: AggregateMethod;
}

/**
 * Scores the forecasts against a table of later actual values, matching rows by time (and
 * series) on the training grid. MASE is scaled by each series' training data, as Hyndman &
 * Koehler define it. Rows off the grid, or several rows on one step without an aggregation,
 * are errors naming the row.
 */
export function scoreTest(result: TableForecast, test: Table, options: TestOptions): TestScore {
  for (const name of [options.time, options.target, ...(options.series ?? [])]) {
    if (!test.has(name)) {
      throw new TrainingError(
        'invalid-input',
        `The test data have no column “${name}”. Columns: ${test.names.join(', ')}.`,
        name,
      );
    }
  }
  const target = test.column(options.target);
  if (!isNumberColumn(target) || target.type === 'datetime') {
    throw new TrainingError(
      'invalid-input',
      `The test target “${options.target}” must hold numbers.`,
      options.target,
    );
  }
  const { axis } = result;
  // Rows with neither a time nor a value (blank lines at a sheet's end) are passed over.
  const times = readTimes(test.column(options.time), (row) => Number.isNaN(target.values[row]!));
  if (times.kind !== axis.kind) {
    throw new TrainingError(
      'invalid-input',
      `The test times in “${options.time}” are ${times.kind === 'datetime' ? 'dates' : 'numbers'}, but the training times were ${axis.kind === 'datetime' ? 'dates' : 'numbers'}.`,
      options.time,
    );
  }
  const keys = options.series?.length ? seriesKeys(test, options.series) : null;
  const byId = new Map(result.series.map((series, index) => [series.id ?? '', index]));
  const sums = result.series.map((series) => new Float64Array(series.horizon));
  const counts = result.series.map((series) => new Int32Array(series.horizon));
  const firstRow = result.series.map((series) => new Int32Array(series.horizon).fill(-1));
  const bucketed = options.aggregate !== undefined;
  let unmatched = 0;
  for (let row = 0; row < test.rowCount; row++) {
    const value = target.values[row]!;
    if (Number.isNaN(times.values[row]!)) continue;
    const index = keys ? byId.get(keys.ids[keys.byRow[row]!]!) : 0;
    if (index === undefined) {
      unmatched++;
      continue;
    }
    const series = result.series[index]!;
    const time = result.localMidnights ? nearestMidnight(times.values[row]!) : times.values[row]!;
    const position = axis.position(time);
    const slot = bucketed ? Math.floor(position + 1e-9) : Math.round(position);
    if (!bucketed && Math.abs(position - slot) > 0.1) {
      throw new TrainingError(
        'invalid-input',
        `Test row ${row + 1}: the time ${String(axis.format(time))} is not on the ${axis.name} grid of the training data.`,
        `${row + 1}:${options.time}`,
      );
    }
    const step = slot - (series.data.start + series.data.values.length);
    if (step < 0 || step >= series.horizon) {
      unmatched++;
      continue;
    }
    if (firstRow[index]![step]! >= 0 && !bucketed) {
      throw new TrainingError(
        'invalid-input',
        `Test rows ${firstRow[index]![step]! + 1} and ${row + 1} fall on the same ${axis.stepName}; aggregate them (sum or mean).`,
        `${row + 1}:${options.time}`,
      );
    }
    if (firstRow[index]![step]! < 0) firstRow[index]![step] = row;
    if (Number.isNaN(value)) continue;
    sums[index]![step] = sums[index]![step]! + value;
    counts[index]![step]! += 1;
  }
  const scores: SeriesTestScore[] = [];
  result.series.forEach((series, index) => {
    const count = counts[index]!;
    const actual = sums[index]!.map((sum, step) =>
      count[step] ? (options.aggregate === 'mean' ? sum / count[step]! : sum) : NaN,
    );
    const matched = count.reduce((total, c) => total + (c ? 1 : 0), 0);
    if (!matched) return;
    scores.push({
      series: series.id,
      matched,
      accuracy: accuracy(
        actual,
        series.forecast.mean,
        maseScale(series.data.values, series.period),
      ),
    });
  });
  if (!scores.length) {
    throw new TrainingError(
      'invalid-input',
      `No test row falls on the ${result.series[0]?.horizon ?? 0} forecast steps after the training data.`,
      options.time,
    );
  }
  return {
    accuracy: meanAccuracy(scores.map((score) => score.accuracy)),
    series: scores,
    unmatchedRows: unmatched,
  };
}
