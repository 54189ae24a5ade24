import { TrainingError } from '../errors/training-error';
import { columnLength, isMissing, isNumberColumn, type Column, type Table } from '../table';
import { frequencyName, type Frequency } from './frequency';
import { detectSeasonality, type Seasonality } from './seasonality';
import { buildSeries, readTimes, SharedStepError, type SeriesOptions } from './series';

/** Columns a forecast can be set up with, read from the table's types and contents. */
export interface ForecastColumns {
  /** Columns whose values read as times, best guess first. */
  readonly times: readonly string[];
  /** Number columns that can be forecast (not the times). */
  readonly targets: readonly string[];
  /** Text and whole-number columns with few distinct values, which can name series. */
  readonly seriesIds: readonly string[];
}

const TIME_NAME = /^(date|time|timestamp|datetime|day|month|week|year|quarter|period|ds)$/i;
const TIME_WORD =
  /(date|time|month|year|day|week|quarter|period|epoch|unix|stamp|(?:^|[_\s.-])ts(?:$|[_\s.-]))/i;

function readsAsTimes(column: Column): boolean {
  if (isNumberColumn(column) && column.type !== 'datetime' && !TIME_WORD.test(column.name)) {
    return false;
  }
  // A few rows without a time (a spreadsheet's blank last lines) do not make it something else.
  let present = 0;
  for (let row = 0; row < columnLength(column) && present < 2; row++) {
    if (!isMissing(column, row)) present++;
  }
  if (present < 2) return false;
  try {
    return readTimes(column, () => true).kind === 'datetime' || TIME_WORD.test(column.name);
  } catch {
    return false;
  }
}

/**
 * Whether the values, none missing, take between 2 and `most` distinct values, and are not just
 * 0 and 1 (a flag, such as a promotion, rather than a name).
 */
function fewDistinct(values: Float64Array, most: number): boolean {
  const seen = new Set<number>();
  for (const value of values) {
    if (Number.isNaN(value)) return false;
    seen.add(value);
    if (seen.size > most) return false;
  }
  return seen.size >= 3 || (seen.size === 2 && !(seen.has(0) && seen.has(1)));
}

/**
 * The most series a column may split a table into and still be offered as series IDs. A shop's
 * 1,500 products, a week each for 60 weeks, forecast in 20 s (22 s in the lab, most of them
 * left with the benchmarks only by so short a budget); more wants a larger budget.
 */
export const MOST_SERIES = 2000;

/**
 * The columns of a table that fit each role of a forecast: time columns (date-typed, date text,
 * or numbers named like a time), numeric targets, and text columns that could split the table
 * into series: up to `MOST_SERIES`, of 8 rows each on average at least (a column with a value
 * per row or two names rows, not series).
 */
export function forecastColumns(table: Table): ForecastColumns {
  const times = table.columns
    .filter(readsAsTimes)
    .map((column) => column.name)
    .sort((a, b) => Number(!TIME_NAME.test(a)) - Number(!TIME_NAME.test(b)));
  const targets = table.columns
    .filter(
      (column) =>
        isNumberColumn(column) &&
        (column.type === 'numeric' || column.type === 'integer') &&
        !times.includes(column.name),
    )
    .map((column) => column.name);
  const most = Math.max(2, Math.min(MOST_SERIES, table.rowCount / 8));
  const seriesIds = table.columns
    .filter((column) => {
      if (times.includes(column.name)) return false;
      if (!isNumberColumn(column)) {
        return column.dictionary.length >= 2 && column.dictionary.length <= most;
      }
      // Whole-number codes (store 1, 2, 3…) name series as well as text does.
      return column.type === 'integer' && fewDistinct(column.values, most);
    })
    .map((column) => column.name);
  return { times, targets, seriesIds };
}

/** What a forecast set-up defaults to: the likeliest time column and the first target after it. */
export function defaultForecastSetup(table: Table): { time: string; target: string } | null {
  const { times, targets } = forecastColumns(table);
  const time = times[0];
  if (!time) return null;
  const after = targets.find((name) => table.names.indexOf(name) > table.names.indexOf(time));
  const target = after ?? targets[0];
  return target ? { time, target } : null;
}

/** What the data say about a set-up before searching: grid, gaps and the seasonal period. */
export interface SetupInspection {
  readonly frequency: Frequency;
  readonly frequencyName: string;
  readonly series: number;
  /** Values in the shortest and the longest series, on the grid. */
  readonly shortest: number;
  readonly longest: number;
  /**
   * Values in the median series (the lower middle one): the default horizon is sized on it, so
   * one new product of three months does not cut the forecast of a hundred older ones to a month.
   */
  readonly typical: number;
  /** Steps filled in, over every series. */
  readonly filled: number;
  /** Steps that combined several rows, over every series. */
  readonly aggregated: number;
  /** Seasonality of the longest series (the period each series uses is detected per series). */
  readonly seasonality: Seasonality;
  readonly warnings: readonly string[];
}

export type InspectionResult =
  | { readonly ok: true; readonly inspection: SetupInspection }
  | { readonly ok: false; readonly message: string; readonly where?: string };

/**
 * The message of a set-up that failed. When rows share a step and no series columns were chosen,
 * it names the columns that could tell several series apart: a table of stores or products read
 * as one series is the usual cause.
 */
export function setupMessage(error: TrainingError, table: Table, options: SeriesOptions): string {
  if (!(error instanceof SharedStepError) || options.series?.length) return error.message;
  const candidates = forecastColumns(table).seriesIds.filter(
    (name) => name !== options.time && name !== options.target,
  );
  if (!candidates.length) return error.message;
  const named = candidates.slice(0, 3).map((name) => `“${name}”`);
  const more = candidates.length > 3 ? ` and ${candidates.length - 3} more` : '';
  return `${error.message} If the table holds several series, choose the column that tells them apart (${named.join(', ')}${more}): Series ID columns in the lab, --series in the command line.`;
}

/**
 * Builds the regular series as the search will, and reports the detected frequency and season,
 * so that the set-up form can show them (and the user override them) before anything runs.
 * Never throws for bad data or settings: the reason comes back instead.
 */
export function inspectSetup(table: Table, options: SeriesOptions): InspectionResult {
  try {
    const { axis, series, warnings } = buildSeries(table, options);
    let longest = series[0]!;
    let shortest = series[0]!.values.length;
    let filled = 0;
    let aggregated = 0;
    for (const entry of series) {
      if (entry.values.length > longest.values.length) longest = entry;
      shortest = Math.min(shortest, entry.values.length);
      filled += entry.filled;
      aggregated += entry.aggregated;
    }
    return {
      ok: true,
      inspection: {
        frequency: axis.frequency,
        frequencyName: frequencyName(axis.frequency),
        series: series.length,
        shortest,
        longest: longest.values.length,
        typical: series.map((entry) => entry.values.length).sort((a, b) => a - b)[
          Math.floor((series.length - 1) / 2)
        ]!,
        filled,
        aggregated,
        seasonality: detectSeasonality(longest.values, axis.frequency),
        warnings,
      },
    };
  } catch (error) {
    if (error instanceof TrainingError) {
      return {
        ok: false,
        message: setupMessage(error, table, options),
        ...(error.where === undefined ? {} : { where: error.where }),
      };
    }
    throw error;
  }
}

/**
 * A horizon that suits the frequency (a year of months, two years of quarters, two weeks of days
 * or of weekdays, a day of hours…), never more than a quarter of the series so that backtests
 * have room.
 */
export function defaultHorizon(frequency: Frequency, length: number): number {
  const byUnit: Record<Frequency['unit'], number> = {
    second: 60,
    minute: 60,
    hour: 24,
    day: 14,
    weekday: 10,
    week: 13,
    month: 12,
    quarter: 8,
    year: 5,
    step: 10,
  };
  const natural = Math.max(1, Math.round(byUnit[frequency.unit] / frequency.every));
  return Math.max(1, Math.min(natural, Math.floor(length / 4)));
}
