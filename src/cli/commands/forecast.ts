import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { initTfjs } from '../../core/backend/tfjs';
import { setupMessage } from '../../core/forecast/ui-setup';
import {
  ACCURACY_METRICS,
  AGGREGATE_METHODS,
  FILL_METHODS,
  forecastTable,
  forecasterNames,
  lagRidgeNeedsTfjs,
  parseFrequency,
  sameForecasts,
  saveForecast,
  scoreTest,
  stoppedBecause,
  type Accuracy,
  type AccuracyMetric,
  type AggregateMethod,
  type FillMethod,
  type ForecastEvent,
  type LeaderboardEntry,
  type SeriesResult,
  type TableForecast,
  type TestScore,
} from '../../core/forecast';
import { TrainingError } from '../../core/errors/training-error';
import { CliError } from '../errors';
import { parseSeed, readScoringTable, readTable, typesOf, type Output } from '../io';
import { parseDictionaryDates } from '../../core/data/datetime-text';
import type { DateOrder } from '../../core/data';
import { regularDateOrder } from '../../core/forecast/series';
import { isNumberColumn, type Table } from '../../core/table';

export const FORECAST_USAGE =
  'bunsen forecast TRAIN.csv --time COL --target COL --horizon H [--series COL] [--budget SECONDS] ' +
  '[--seed N] [--test TEST.csv] [--out DIR] [--json] [--frequency F] [--period P] ' +
  '[--fill interpolate|ffill|zero] [--aggregate sum|mean] [--level PCT] [--trials N] ' +
  '[--metric mase|smape|rmse|mae] [--models LIST] [--folds N] [--step N] ' +
  '[--features COLS --future FUTURE.csv] [--date-order dmy|mdy]';

export const FORECAST_HELP = `${FORECAST_USAGE}

Forecasts H steps after the training data, choosing among naive, seasonal naive, drift, mean,
theta, linear trend, ETS, ARIMA, STL and regression learners on lags by rolling-origin backtesting (MASE by
default), and averaging the best few unless the best one alone backtests more than 10% better.

--time reads dates and date-times (2015-01-31, 31/01/2015, 2015-01-31T09:00Z), months (2015-01,
Jan 2015, 2015M01, 201501), quarters (2015 Q1), ISO weeks (2015-W05), YYYYMMDD numbers, Unix
seconds in a column named like a time, a spreadsheet's serial dates (43831 is 2020-01-01) in a
column named like a date, R's decimal years (1949.0833), years, or plain steps.
Rows with neither a time nor a target value (a sheet's blank last lines) are left out.

  --frequency   hourly, daily, weekday (Monday to Friday), weekly, monthly, quarterly, yearly,
                "15 minutes"…; detected if left out
  --period      seasonal period in steps (12 for monthly data); detected if left out
  --fill        how steps without a row are filled (default interpolate; zero with --aggregate sum)
  --aggregate   combine several rows on one step; without it they are an error
  --level       the interval lo/hi in the JSON (default 80); the CSV has 80 and 95 as well
  --budget      seconds for the whole search (default 30), shared among the series
  --trials      at most this many candidate models per series
  --folds       rolling-origin backtest cut-offs (default 8)
  --step        steps between cut-offs (default a quarter of the horizon)
  --models      comma-separated families to try, e.g. ets,theta,stl (naive, snaive, drift,
                mean, theta, trend, ets, arima, stl, lagreg; and croston, Croston's method for
                demand that is often zero, tried only when named here)
  --features    comma-separated numeric columns known in advance (price, promotion, holiday);
                regression with ARIMA errors and lag regression use them
  --future      rows for the forecast steps with those columns (default: the --test file)
  --date-order  how dates such as 1/2/2015 read (dmy or mdy); by default the order that makes
                the times regular, when only one does

With --json the last line of stdout is one JSON object:
  {"horizon", "frequency", "period", "best": {"model", "label", "params", "backtest": {"mase",
  "smape", "rmse", "mae"}}, "leaderboard": [{"model", "label", "params", "backtest", "fit_s"}],
  "forecast": [{"time", "value", "lo", "hi"}], "notes": [TEXT], "test": {"mase", "smape",
  "rmse", "mae"}}
"notes" holds what the command also prints as "Note: …" (steps filled or combined, rows outside
the series, forecasts kept at 0 or above).
A blend of the best model with a benchmark it did not clearly beat on the backtest (naive or
seasonal naive), and a mean of the best few models that scored within 10% of the best one,
also have "why": the search chose it although its backtest score is worse.
"best" also has "intervals": {"level", "backtest_coverage", "widened_by"} when the backtest holds
enough values: the share of them inside the best model's own intervals at the first level, and
the factor its intervals were widened by (1 unless that share fell short of the level).
With --series, every forecast item also has "series"; "best", "leaderboard" and "period" describe
the first series, "series": {ID: {"period", "best", "leaderboard", "test"}} holds every series'
own, and "test" is the mean over the series.
--out DIR writes DIR/forecast.json (the fitted models, to forecast again) and DIR/forecast.csv.
With --features, forecast.json names them, and a model that reads them forecasts again only from
a table of their values at the new forecast steps.`;

const DEFAULT_BUDGET = 30;
const DATE_ORDERS: readonly DateOrder[] = ['dmy', 'mdy'];
const ORDER_NAMES: Record<DateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year' };

/**
 * The date order for a time column whose numeric dates could be read either way (`1/2/2015`):
 * the one that makes the times regular, said on stderr; an error when both orders do. Undefined
 * when the column is not such dates.
 */
function ambiguousDateOrder(
  file: string,
  table: Table,
  time: string,
  io: Output,
): DateOrder | undefined {
  if (!table.has(time)) return undefined;
  const column = table.column(time);
  if (isNumberColumn(column)) return undefined;
  const parsed = parseDictionaryDates(column.dictionary);
  if (parsed.kind !== 'ambiguous') return undefined;
  const order = regularDateOrder(column.dictionary);
  if (!order) {
    throw new CliError(
      `${file}: the dates in “${time}” (e.g. “${parsed.example}”) could be day/month or month/day, and both make a regular series; choose one with --date-order dmy or --date-order mdy.`,
      1,
    );
  }
  const other = order === 'dmy' ? 'mdy' : 'dmy';
  io.err(
    `Dates in “${time}” such as “${parsed.example}” read as ${ORDER_NAMES[order]}: that order makes the times regular, ${ORDER_NAMES[other]} would not (--date-order ${other} reads them that way).\n`,
  );
  return order;
}

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`${flag} must be a whole number ≥ 1, got “${text}”.`);
  }
  return value;
}

function choice<T extends string>(
  text: string | undefined,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (!allowed.includes(text as T)) {
    throw new CliError(`${flag} must be one of ${allowed.join(', ')}, got “${text}”.`);
  }
  return text as T;
}

const rounded = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(6)) : null);

const scoresJSON = (scores: Accuracy) => ({
  mase: rounded(scores.mase),
  smape: rounded(scores.smape),
  rmse: rounded(scores.rmse),
  mae: rounded(scores.mae),
});

const entryJSON = (entry: LeaderboardEntry) => ({
  model: entry.model,
  label: entry.label,
  params: entry.params,
  backtest: scoresJSON(entry.backtest),
  fit_s: Number(entry.fit_s.toFixed(3)),
  ...(entry.why ? { why: entry.why } : {}),
});

function bestJSON(series: SeriesResult) {
  const calibration = series.intervals;
  return {
    ...entryJSON(series.best),
    fitted_label: series.model.label,
    // How the model's own intervals did on the backtest, and how much they were widened.
    ...(calibration
      ? {
          intervals: {
            level: calibration.level,
            backtest_coverage: rounded(calibration.coverage),
            widened_by: rounded(calibration.factor),
          },
        }
      : {}),
  };
}

function intervalAt(series: SeriesResult, level: number) {
  const interval = series.forecast.intervals.find((candidate) => candidate.level === level);
  return interval ?? series.forecast.intervals[0]!;
}

function forecastRows(result: TableForecast, level: number) {
  return result.series.flatMap((series) => {
    const interval = intervalAt(series, level);
    return Array.from(series.futureTimes, (time, i) => ({
      ...(series.id !== null ? { series: series.id } : {}),
      time: result.axis.format(time),
      value: rounded(series.forecast.mean[i]!),
      lo: rounded(interval.lo[i]!),
      hi: rounded(interval.hi[i]!),
    }));
  });
}

function csvOf(result: TableForecast, multi: boolean): string {
  const levels = result.series[0]!.forecast.intervals.map((interval) => interval.level);
  const fields = [
    ...(multi ? ['series'] : []),
    'time',
    'forecast',
    ...levels.flatMap((level) => [`lo${level}`, `hi${level}`]),
  ];
  const data = result.series.flatMap((series) =>
    Array.from(series.futureTimes, (time, i) => [
      ...(multi ? [series.id] : []),
      result.axis.format(time),
      series.forecast.mean[i],
      ...series.forecast.intervals.flatMap((interval) => [interval.lo[i], interval.hi[i]]),
    ]),
  );
  return `${Papa.unparse({ fields, data }, { newline: '\n' })}\n`;
}

function progress(io: Output, multi: boolean) {
  /** Each series' candidates so far, to say which one forecasts as an earlier one does. */
  const finished = new Map<string | null, LeaderboardEntry[]>();
  /** The reasons said so far, so that the best model's is said once. */
  const said = new Set<string>();
  return (event: ForecastEvent) => {
    const prefix = multi && event.series !== null ? `[${event.series}] ` : '';
    switch (event.type) {
      case 'series-started':
        io.err(
          `${prefix}${event.length} values, seasonal period ${event.period}, ${event.candidates} candidate models, ${event.folds.length} backtest fold${event.folds.length === 1 ? '' : 's'}.\n`,
        );
        break;
      case 'candidate-finished': {
        const { entry } = event;
        const earlier = finished.get(event.series) ?? [];
        const twin = earlier.find((other) => sameForecasts(other, entry));
        finished.set(event.series, [...earlier, entry]);
        io.err(
          `${prefix}  ${String(entry.trial).padStart(2)}. ${entry.label.padEnd(48)} MASE ${entry.backtest.mase.toFixed(3)}  sMAPE ${entry.backtest.smape.toFixed(2)}  (${entry.fit_s.toFixed(2)} s)${twin ? `  same forecasts as #${twin.trial}` : ''}\n`,
        );
        break;
      }
      case 'candidate-failed':
        io.err(
          `${prefix}  ${String(event.trial).padStart(2)}. ${event.model} failed: ${event.reason}\n`,
        );
        break;
      case 'candidate-stopped':
        io.err(
          `${prefix}  ${String(event.trial).padStart(2)}. ${event.model} stopped: ${stoppedBecause(event)} (--budget gives it more).\n`,
        );
        break;
      case 'ensemble':
        io.err(
          `${prefix}  ${event.blend ? 'Blend with the benchmark' : 'Ensemble'} of ${event.entry.members?.length} models: MASE ${event.entry.backtest.mase.toFixed(3)}${event.kept ? ' (chosen)' : ''}.\n`,
        );
        if (event.entry.why) {
          io.err(`${prefix}    ${event.entry.why}\n`);
          said.add(event.entry.why);
        }
        break;
      case 'series-finished':
        io.err(
          `${prefix}Best: ${event.best.label} (backtest MASE ${event.best.backtest.mase.toFixed(3)})${event.stopped === 'budget' ? '; the budget cut the search short' : ''}.\n`,
        );
        if (event.best.why && !said.has(event.best.why)) io.err(`${prefix}    ${event.best.why}\n`);
        break;
      default:
        break;
    }
  };
}

export async function forecast(argv: string[], io: Output, now: () => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      time: { type: 'string' },
      target: { type: 'string' },
      horizon: { type: 'string' },
      series: { type: 'string' },
      budget: { type: 'string' },
      seed: { type: 'string' },
      test: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      frequency: { type: 'string' },
      period: { type: 'string' },
      fill: { type: 'string' },
      aggregate: { type: 'string' },
      level: { type: 'string' },
      trials: { type: 'string' },
      metric: { type: 'string' },
      models: { type: 'string' },
      folds: { type: 'string' },
      step: { type: 'string' },
      features: { type: 'string' },
      future: { type: 'string' },
      'date-order': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(`${FORECAST_HELP}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length || !values.time || !values.target || values.horizon === undefined) {
    throw new CliError(`Usage: ${FORECAST_USAGE}`);
  }
  const horizon = Number(values.horizon);
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new CliError(`--horizon must be a whole number ≥ 1, got “${values.horizon}”.`);
  }
  const budget = values.budget === undefined ? DEFAULT_BUDGET : Number(values.budget);
  if (!(budget > 0))
    throw new CliError(`--budget must be a number of seconds > 0, got “${values.budget}”.`);
  const seed = parseSeed(values.seed);
  const period = positiveInteger(values.period, '--period');
  const trials = positiveInteger(values.trials, '--trials');
  const folds = positiveInteger(values.folds, '--folds');
  const step = positiveInteger(values.step, '--step');
  const fill = choice<FillMethod>(values.fill, '--fill', FILL_METHODS);
  const aggregate = choice<AggregateMethod>(values.aggregate, '--aggregate', AGGREGATE_METHODS);
  const metric = choice<AccuracyMetric>(values.metric, '--metric', ACCURACY_METRICS);
  const level = values.level === undefined ? 80 : Number(values.level);
  if (!(level > 0 && level < 100)) {
    throw new CliError(`--level must be a percentage between 0 and 100, got “${values.level}”.`);
  }
  const levels = [...new Set([80, 95, level])].sort((a, b) => a - b);
  let frequency;
  try {
    frequency = values.frequency === undefined ? undefined : parseFrequency(values.frequency);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const families = values.models
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = families?.filter((name) => !forecasterNames().includes(name));
  if (unknown?.length) {
    throw new CliError(
      `--models: unknown model${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Choose from ${forecasterNames().join(', ')}.`,
    );
  }
  const seriesColumns = values.series ? [values.series] : undefined;
  const features = values.features
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const futureFile = values.future ?? (features?.length ? values.test : undefined);
  if (features?.length && !futureFile) {
    throw new CliError(
      `--features needs the values of ${features.join(', ')} for the forecast steps: give --future FUTURE.csv (or --test).`,
    );
  }

  const chosenOrder = choice<DateOrder>(values['date-order'], '--date-order', DATE_ORDERS);
  let table = await readTable(file, chosenOrder ? { dateOrder: chosenOrder } : {});
  const dateOrder = chosenOrder ?? ambiguousDateOrder(file, table, values.time, io);
  if (dateOrder && !chosenOrder) table = await readTable(file, { dateOrder });
  const read = dateOrder ? { dateOrder } : {};
  for (const name of [values.time, values.target, ...(seriesColumns ?? []), ...(features ?? [])]) {
    if (!table.has(name)) {
      throw new CliError(`${file} has no column “${name}”. Columns: ${table.names.join(', ')}.`, 1);
    }
  }
  const types = typesOf(table);
  const warn = (text: string) => io.err(text);
  const testTable = values.test
    ? await readScoringTable(values.test, types, warn, read)
    : undefined;
  const futureTable =
    futureFile === undefined
      ? undefined
      : futureFile === values.test
        ? testTable
        : await readScoringTable(futureFile, types, warn, read);
  if (
    (!families || families.includes('lagreg')) &&
    lagRidgeNeedsTfjs(table.rowCount, features?.length)
  ) {
    // Ridge regression on the lags of a long series trains with TensorFlow.js; pick its fastest
    // backend up front. Shorter series are solved exactly, and tfjs is never loaded.
    await initTfjs();
  }

  const started = now();
  const multi = seriesColumns !== undefined;
  let result: TableForecast;
  try {
    result = await forecastTable(table, {
      time: values.time,
      target: values.target,
      ...(seriesColumns ? { series: seriesColumns } : {}),
      ...(frequency ? { frequency } : {}),
      ...(fill ? { fill } : {}),
      ...(aggregate ? { aggregate } : {}),
      horizon,
      ...(period !== undefined ? { period } : {}),
      now,
      budgetSeconds: budget,
      seed,
      ...(trials !== undefined ? { maxTrials: trials } : {}),
      ...(folds !== undefined ? { folds } : {}),
      ...(step !== undefined ? { step } : {}),
      ...(metric ? { metric } : {}),
      ...(families ? { families } : {}),
      ...(features?.length ? { features, future: futureTable } : {}),
      levels,
      onEvent: progress(io, multi),
    });
  } catch (error) {
    if (error instanceof TrainingError) {
      const message = setupMessage(error, table, {
        time: values.time,
        target: values.target,
        ...(seriesColumns ? { series: seriesColumns } : {}),
      });
      throw new CliError(`${file}: ${message}`, 1);
    }
    throw error;
  }
  for (const warning of result.warnings) io.err(`Note: ${warning}\n`);
  const seconds = (now() - started) / 1000;
  io.err(`Searched in ${seconds.toFixed(1)} s.\n`);

  let test: TestScore | undefined;
  if (testTable) {
    try {
      test = scoreTest(result, testTable, {
        time: values.time,
        target: values.target,
        ...(seriesColumns ? { series: seriesColumns } : {}),
        ...(aggregate ? { aggregate } : {}),
      });
    } catch (error) {
      if (error instanceof TrainingError) throw new CliError(`${values.test}: ${error.message}`, 1);
      throw error;
    }
    if (test.unmatchedRows) {
      io.err(
        `Note: ${test.unmatchedRows} test rows fall outside the ${horizon} forecast steps and were not scored.\n`,
      );
    }
  }

  if (values.out) {
    await mkdir(values.out, { recursive: true });
    const saved = saveForecast(
      result,
      {
        time: values.time,
        target: values.target,
        ...(seriesColumns ? { series: seriesColumns } : {}),
      },
      horizon,
    );
    await writeFile(join(values.out, 'forecast.json'), JSON.stringify(saved));
    await writeFile(join(values.out, 'forecast.csv'), csvOf(result, multi));
    io.err(`Wrote ${join(values.out, 'forecast.json')} and forecast.csv.\n`);
  }

  const first = result.series[0]!;
  const summary = {
    horizon,
    frequency: result.axis.name,
    period: first.period,
    best: bestJSON(first),
    leaderboard: first.leaderboard.map(entryJSON),
    forecast: forecastRows(result, level),
    notes: [...result.warnings],
    ...(test ? { test: scoresJSON(test.accuracy) } : {}),
    ...(multi
      ? {
          series: Object.fromEntries(
            result.series.map((series) => [
              series.id,
              {
                period: series.period,
                best: bestJSON(series),
                leaderboard: series.leaderboard.map(entryJSON),
                ...(test
                  ? {
                      test: (() => {
                        const score = test.series.find((entry) => entry.series === series.id);
                        return score ? scoresJSON(score.accuracy) : null;
                      })(),
                    }
                  : {}),
              },
            ]),
          ),
        }
      : {}),
    fit_s: Number(seconds.toFixed(3)),
  };
  if (values.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    for (const series of result.series) {
      const interval = intervalAt(series, level);
      io.out(
        `${series.id !== null ? `${series.id}: ` : ''}${series.model.label} — backtest MASE ${series.best.backtest.mase.toFixed(3)}, sMAPE ${series.best.backtest.smape.toFixed(2)}\n`,
      );
      const calibration = series.intervals;
      if (calibration && calibration.factor > 1) {
        io.out(
          `  Its own ${calibration.level}% intervals held ${Math.round(100 * calibration.coverage)}% of the ${calibration.points} backtest values; the intervals below are widened ${calibration.factor.toFixed(2)}×.\n`,
        );
      }
      io.out(`  ${'time'.padEnd(22)} ${'forecast'.padStart(12)}   ${level}% interval\n`);
      series.futureTimes.forEach((time, i) => {
        io.out(
          `  ${String(result.axis.format(time)).padEnd(22)} ${series.forecast.mean[i]!.toPrecision(6).padStart(12)}   [${interval.lo[i]!.toPrecision(6)}, ${interval.hi[i]!.toPrecision(6)}]\n`,
        );
      });
    }
    if (test) {
      io.out(
        `Test: MASE ${test.accuracy.mase.toFixed(4)}, sMAPE ${test.accuracy.smape.toFixed(3)}, RMSE ${test.accuracy.rmse.toPrecision(5)}\n`,
      );
    }
  }
  return 0;
}
