import { compactDateMs, compactDateUnit } from '../data/compact-date';
import { parseDictionaryDates } from '../data/datetime-text';
import type { DateOrder } from '../data/types';
import { unixScale, unixUnit, type UnixUnit } from '../data/unix-time';
import { excelSerialMs, isExcelDates } from '../data/excel-date';
import { TrainingError } from '../errors/training-error';
import { isMissing, isNumberColumn, valueAt, type Column, type Table } from '../table';
import {
  DAY_MS,
  daysInMonthIndex,
  FIXED_UNIT_MS,
  frequencyName,
  monthIndexToMs,
  monthParts,
  MONTHS_PER_UNIT,
  WEEK_MS,
  isWeekend,
  timeOfDay,
  weekdayPosition,
  type Frequency,
} from './frequency';
import { TimeAxis, type TimeKind } from './time-axis';

/** How the steps with no observation are filled. */
export type FillMethod = 'interpolate' | 'ffill' | 'zero';
/** How several rows that fall on one step are combined. */
export type AggregateMethod = 'sum' | 'mean';

export const FILL_METHODS: readonly FillMethod[] = ['interpolate', 'ffill', 'zero'];
export const AGGREGATE_METHODS: readonly AggregateMethod[] = ['sum', 'mean'];

export interface SeriesOptions {
  readonly time: string;
  readonly target: string;
  /** Columns whose values name the series, for many series in one table. */
  readonly series?: readonly string[];
  /** Detected from the times when left out. */
  readonly frequency?: Frequency;
  /** Defaults to linear interpolation. */
  readonly fill?: FillMethod;
  /**
   * Combine rows that fall on the same step. Without it such rows are an error, and the times
   * must lie on a regular grid; with it, times are bucketed into calendar steps (days, months…).
   */
  readonly aggregate?: AggregateMethod;
  /**
   * Whether the times are local midnights written in UTC, read as the dates they start (see
   * `localMidnights`): detected when left out. Other tables of the same data (future rows, test
   * rows) are read as the training table was.
   */
  readonly localMidnights?: boolean;
}

/** Two rows of one series on one step, with no aggregation chosen. */
export class SharedStepError extends TrainingError {
  constructor(message: string, where: string) {
    super('invalid-input', message, where);
  }
}

export interface RegularSeries {
  /** The series' name from the series columns ("north / retail"), or null for a single series. */
  readonly id: string | null;
  /** The grid step of the first value. */
  readonly start: number;
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Table rows the series was built from. */
  readonly rows: number;
  /** Steps that had no observation and were filled. */
  readonly filled: number;
  /** Steps that combined several rows. */
  readonly aggregated: number;
}

export interface SeriesSet {
  readonly axis: TimeAxis;
  readonly series: readonly RegularSeries[];
  readonly warnings: readonly string[];
  /** The times were local midnights written in UTC, read as the dates they start. */
  readonly localMidnights: boolean;
}

/**
 * 1949.0833 → February 1949: R's `time()` of a monthly or quarterly series, written as decimal
 * years (a twelfth apart, printed to 7 or 15 digits). NaN off a whole month or outside 1700–2199.
 */
function decimalYearMonth(value: number): number {
  if (!(value >= 1700 && value < 2200)) return NaN;
  const months = value * 12;
  const month = Math.round(months);
  return Math.abs(months - month) < 0.02 ? monthIndexToMs(month, 1) : NaN;
}

export interface TimesRead {
  readonly kind: TimeKind;
  readonly values: Float64Array;
  /** Set when whole numbers were read as Unix times. */
  readonly unix?: UnixUnit;
  /** Set when decimal years (1949.0833…) were read as months. */
  readonly decimalYears?: boolean;
  /** Set when numbers were read as a spreadsheet's serial dates (43831 is 2020-01-01). */
  readonly excel?: boolean;
}

/**
 * Whether two rows on one step at `time` (ms, local clock time read as UTC) may be the hour a
 * clock repeats when daylight saving time ends: steps of an hour or less, early on a Sunday in
 * March, April, October or November (the months in which the common rules end it, north and
 * south of the equator).
 */
function clockChange(frequency: Frequency, time: number): boolean {
  const fine =
    frequency.unit === 'second' ||
    frequency.unit === 'minute' ||
    (frequency.unit === 'hour' && frequency.every === 1);
  if (!fine) return false;
  const date = new Date(time);
  return (
    date.getUTCDay() === 0 && date.getUTCHours() < 4 && [2, 3, 9, 10].includes(date.getUTCMonth())
  );
}

/**
 * Reads a time column: dates and date-times (already typed by the importer, or text in ISO,
 * common date layouts, quarters "1990 Q1", months "Jan 1990", "1990/01" or "1990M01", ISO weeks
 * "2024-W05"), compact YYYYMMDD and YYYYMM numbers, Unix seconds or milliseconds (in a column
 * named like a time), spreadsheet serial dates (in a column named like a date), years and plain
 * step numbers. Fails naming the first row that cannot be read, or that has no time unless
 * `skip` allows it (such rows read as NaN).
 */
export function readTimes(column: Column, skip?: (row: number) => boolean): TimesRead {
  const n = isNumberColumn(column) ? column.values.length : column.codes.length;
  for (let row = 0; row < n; row++) {
    if (!isMissing(column, row) || skip?.(row)) continue;
    throw new TrainingError(
      'invalid-input',
      `Row ${row + 1} has no time in “${column.name}”.`,
      `${row + 1}:${column.name}`,
    );
  }
  if (isNumberColumn(column)) {
    if (column.type === 'datetime') return { kind: 'datetime', values: column.values };
    if (column.type === 'boolean') {
      throw new TrainingError(
        'invalid-input',
        `“${column.name}” holds true/false values, not times.`,
        column.name,
      );
    }
    const compact = compactDateUnit(column.values);
    if (compact) return { kind: 'datetime', values: column.values.map(compactDateMs(compact)) };
    const present = column.values.filter((value) => !Number.isNaN(value));
    if (
      present.some((value) => !Number.isInteger(value)) &&
      present.every((value) => Number.isFinite(decimalYearMonth(value)))
    ) {
      return { kind: 'datetime', values: column.values.map(decimalYearMonth), decimalYears: true };
    }
    const unit = unixUnit(column.name, present);
    if (unit !== null) {
      const scale = unixScale(unit);
      return {
        kind: 'datetime',
        values: scale === 1 ? column.values : column.values.map((value) => value * scale),
        unix: unit,
      };
    }
    if (isExcelDates(column.name, present)) {
      return {
        kind: 'datetime',
        values: column.values.map((value) => (Number.isNaN(value) ? NaN : excelSerialMs(value))),
        excel: true,
      };
    }
    return { kind: 'number', values: column.values };
  }
  const dictionary = column.dictionary;
  const parsed = parseDictionaryDates(dictionary);
  if (parsed.kind === 'ambiguous') {
    throw new TrainingError(
      'invalid-input',
      `The dates in “${column.name}” (e.g. “${parsed.example}”) could be day/month or month/day; choose the order (Prepare › Change type to datetime in the lab, --date-order in the command line), or write them as YYYY-MM-DD.`,
      column.name,
    );
  }
  if (parsed.kind === 'none') {
    const failed = dictionary.findIndex(
      (text) => parseDictionaryDates([text], 'dmy').kind !== 'dates',
    );
    if (failed < 0) {
      throw new TrainingError(
        'invalid-input',
        `The times in “${column.name}” mix formats (e.g. “${dictionary[0]}” and “${dictionary[parsed.failedAt]}”); write them in one.`,
        column.name,
      );
    }
    const row = column.codes.indexOf(failed);
    throw new TrainingError(
      'invalid-input',
      `Row ${row + 1} of “${column.name}” is “${dictionary[failed]}”, which is not a date, a date-time, a month, an ISO week, a quarter or a number.`,
      `${row + 1}:${column.name}`,
    );
  }
  const epochs = parsed.epochs;
  const values = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    const code = column.codes[row]!;
    values[row] = code < 0 ? NaN : epochs[code]!;
  }
  return { kind: 'datetime', values };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * The spacing of the times: the median gap between consecutive distinct times of each series,
 * named as the calendar unit it is a whole multiple of (hourly, daily, 2 weeks, monthly,
 * quarterly…). Monthly and coarser gaps are measured in calendar months, so that months of 28 to
 * 31 days count alike. Plain numbers are years when they look like years, else steps.
 */
export function detectFrequency(kind: TimeKind, groups: readonly Float64Array[]): Frequency {
  const gaps: number[] = [];
  const monthGaps: number[] = [];
  for (const times of groups) {
    const sorted = Float64Array.from(times).sort();
    for (let i = 1; i < sorted.length; i++) {
      const gap = sorted[i]! - sorted[i - 1]!;
      if (gap <= 0) continue;
      gaps.push(gap);
      if (kind === 'datetime') {
        monthGaps.push(monthParts(sorted[i]!).month - monthParts(sorted[i - 1]!).month);
      }
    }
  }
  if (!gaps.length) {
    throw new TrainingError(
      'invalid-input',
      'The series needs at least two distinct times to tell its frequency.',
      'time',
    );
  }
  const gap = median(gaps);
  if (kind === 'number') {
    const all = groups.flatMap((times) => Array.from(times));
    const years = all.every((value) => Number.isInteger(value) && value >= 1600 && value <= 2400);
    if (years && Number.isInteger(gap)) return { unit: 'year', every: gap };
    return { unit: 'step', every: gap };
  }
  if (gap >= 27 * DAY_MS) {
    const months = Math.max(1, median(monthGaps));
    if (months % 12 === 0) return { unit: 'year', every: months / 12 };
    if (months % 3 === 0) return { unit: 'quarter', every: months / 3 };
    return { unit: 'month', every: months };
  }
  if (gap % WEEK_MS === 0) return { unit: 'week', every: gap / WEEK_MS };
  if (gap === DAY_MS && onWeekdays(groups)) return { unit: 'weekday', every: 1 };
  for (const unit of ['day', 'hour', 'minute', 'second'] as const) {
    const size = FIXED_UNIT_MS[unit]!;
    if (gap >= size && gap % size === 0) return { unit, every: gap / size };
  }
  return { unit: 'second', every: gap / 1000 };
}

/**
 * Daily times that keep to Monday–Friday: at least two weeks of them, at one time of day, none
 * on a weekend. Business data (markets, offices) then steps over weekdays, rather than filling
 * every weekend in.
 */
function onWeekdays(groups: readonly Float64Array[]): boolean {
  let count = 0;
  /** The time of day of the first time. */
  let first = NaN;
  for (const times of groups) {
    for (const time of times) {
      if (isWeekend(time)) return false;
      const clock = timeOfDay(time);
      if (Number.isNaN(first)) first = clock;
      else if (clock !== first) return false;
      count++;
    }
  }
  return count >= 10;
}

/** Local midnights written in UTC lie less than this far from their date's midnight, either way. */
const HALF_DAY = DAY_MS / 2;
/** Every time zone's offset from UTC is a whole number of quarter hours. */
const QUARTER_HOUR_MS = 900_000;
/** The most daylight saving time moves a zone's offset by (one hour nearly everywhere). */
const OFFSET_SPREAD_MS = 2 * 3_600_000;

/** The UTC midnight nearest `time`: the date a local midnight written in UTC starts. */
export const nearestMidnight = (time: number): number => Math.round(time / DAY_MS) * DAY_MS;

/**
 * Daily and coarser times written as the UTC instants of local midnights: 22:00 and 23:00 UTC for
 * Central Europe's summer and winter, 04:00 and 05:00 for New York's (what a tool that keeps time
 * zones writes, `2024-03-01T00:00:00+01:00`, or JavaScript's `toISOString()` of a local date).
 * Returns the dates they start, each time moved to the nearest UTC midnight, with the times of
 * day they were written at (ms after UTC midnight), or null when the times are not such.
 *
 * They are when each series steps a day or more and no two of its times fall on one date, and the
 * times take one or two times of day, whole quarter hours other than noon that lie at most two
 * hours apart (one zone's standard and summer offsets: London's are 00:00 and 23:00), and either
 * - take two: a zone's winter and summer offsets, whose days are 23 or 25 hours long at the
 *   changes and fit no grid of the times as written;
 * - step a month or more: Tokyo's months start on the last day of the month before, at 15:00 UTC;
 * - or take one, which makes weekends of weekdays: business days from Monday to Friday at
 *   midnight in Berlin are written Sunday to Thursday at 23:00 UTC.
 * Daily and weekly times at one hour of the day otherwise stand as they are (a daily reading at
 * 21:00 UTC).
 */
export function localMidnights(
  groups: readonly Float64Array[],
): { dates: Float64Array[]; clocks: number[] } | null {
  const clocks = new Set<number>();
  for (const times of groups) {
    for (const time of times) {
      const clock = timeOfDay(time);
      if (clock === HALF_DAY || clock % QUARTER_HOUR_MS !== 0) return null;
      clocks.add(clock < HALF_DAY ? clock : clock - DAY_MS);
      if (clocks.size > 2) return null;
    }
  }
  const [first = 0, second = first] = clocks;
  if ((first === 0 && second === 0) || Math.abs(first - second) > OFFSET_SPREAD_MS) return null;
  const dates = groups.map((times) => times.map(nearestMidnight));
  let monthly = true;
  for (const [index, times] of groups.entries()) {
    const sorted = Float64Array.from(new Set(times)).sort();
    if (new Set(dates[index]).size !== sorted.length) return null;
    const gaps = Array.from(sorted.subarray(1), (time, i) => time - sorted[i]!);
    const gap = gaps.length ? median(gaps) : Infinity;
    if (gap < DAY_MS - OFFSET_SPREAD_MS) return null;
    if (gap < 27 * DAY_MS) monthly = false;
  }
  if (clocks.size === 2 || monthly || (!onWeekdays(groups) && onWeekdays(dates))) {
    return { dates, clocks: [...clocks].map((clock) => (clock + DAY_MS) % DAY_MS) };
  }
  return null;
}

/**
 * How evenly `times` fill the grid of their detected frequency: distinct times over the steps
 * from the first to the last (1 for a regular series, near 0 for a few scattered times).
 */
export function gridFill(times: Float64Array): number {
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  if (distinct.length < 2) return 1;
  const frequency = detectFrequency('datetime', [Float64Array.from(distinct)]);
  const first = distinct[0]!;
  const last = distinct[distinct.length - 1]!;
  const months = MONTHS_PER_UNIT[frequency.unit];
  const weekdays = (time: number) => weekdayPosition(Math.floor(time / DAY_MS));
  const span = months
    ? (monthParts(last).month - monthParts(first).month) / (months * frequency.every)
    : frequency.unit === 'weekday'
      ? weekdays(last) - weekdays(first)
      : (last - first) /
        ((frequency.unit === 'week' ? 7 * 86_400_000 : (FIXED_UNIT_MS[frequency.unit] ?? 1000)) *
          frequency.every);
  return Math.min(1, distinct.length / (Math.floor(span) + 1));
}

/**
 * The order of day and month in numeric dates that could be either (`1/2/2015`): the one whose
 * times fall on a regular calendar grid (monthly dates read the other way scatter over days),
 * or null when both orders fill their grids alike.
 */
export function regularDateOrder(dictionary: readonly string[]): DateOrder | null {
  const fill = (order: DateOrder) => {
    const parsed = parseDictionaryDates(dictionary, order);
    return parsed.kind === 'dates' ? gridFill(parsed.epochs) : 0;
  };
  const dmy = fill('dmy');
  const mdy = fill('mdy');
  if (Math.abs(dmy - mdy) < 0.05) return null;
  return dmy > mdy ? 'dmy' : 'mdy';
}

/** The start of the calendar unit a time falls in: midnight, the hour, the month's first day… */
function floorToUnit(time: number, frequency: Frequency): number {
  const months = MONTHS_PER_UNIT[frequency.unit];
  if (months) {
    const month = monthParts(time).month;
    return monthIndexToMs(month - (((month % months) + months) % months), 1);
  }
  const size =
    frequency.unit === 'week' || frequency.unit === 'weekday'
      ? DAY_MS
      : (FIXED_UNIT_MS[frequency.unit] ?? 0);
  return size ? Math.floor(time / size) * size : time;
}

function buildAxis(
  kind: TimeKind,
  frequency: Frequency,
  times: Float64Array,
  bucketed: boolean,
): TimeAxis {
  let first = Infinity;
  for (const time of times) if (time < first) first = time;
  if (kind === 'number') return new TimeAxis(kind, frequency, first);
  if (bucketed) return new TimeAxis(kind, frequency, floorToUnit(first, frequency));
  if (!MONTHS_PER_UNIT[frequency.unit]) return new TimeAxis(kind, frequency, first);
  const anchor = monthParts(first);
  const monthEnds = times.every((time) => {
    const parts = monthParts(time);
    return parts.day === daysInMonthIndex(parts.month);
  });
  return new TimeAxis(
    kind,
    frequency,
    first,
    monthEnds && anchor.day >= 28 ? 'end' : anchor.day,
    anchor.timeOfDay,
  );
}

/** Each row's series, named by its values in the series columns joined with " / ". */
export function seriesKeys(
  table: Table,
  names: readonly string[],
): { ids: string[]; byRow: Int32Array } {
  const byRow = new Int32Array(table.rowCount);
  const ids: string[] = [];
  const index = new Map<string, number>();
  const columns = names.map((name) => table.column(name));
  for (let row = 0; row < table.rowCount; row++) {
    const key = columns
      .map((column) => {
        const value = valueAt(column, row);
        return value === null ? '(missing)' : String(value);
      })
      .join(' / ');
    let at = index.get(key);
    if (at === undefined) {
      at = ids.length;
      index.set(key, at);
      ids.push(key);
    }
    byRow[row] = at;
  }
  return { ids, byRow };
}

function fillGaps(values: Float64Array, method: FillMethod): void {
  const n = values.length;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(values[i]!)) {
      if (method === 'interpolate' && last >= 0 && i - last > 1) {
        const from = values[last]!;
        const step = (values[i]! - from) / (i - last);
        for (let j = last + 1; j < i; j++) values[j] = from + step * (j - last);
      }
      last = i;
    } else if (method === 'ffill') values[i] = values[i - 1]!;
    else if (method === 'zero') values[i] = 0;
  }
}

/** A spread of more steps than this many per row means the frequency is far too fine. */
const MAX_STEPS_PER_ROW = 50;

/**
 * Builds regularly spaced series from a table: reads the time column, detects (or takes) the
 * frequency, splits by the series columns, puts every row on its grid step — combining rows that
 * share a step when `aggregate` is given, failing otherwise — and fills the steps without data.
 * Missing targets count as missing steps. Each series spans its first to its last observed value.
 */
export function buildSeries(table: Table, options: SeriesOptions): SeriesSet {
  for (const name of [options.time, options.target, ...(options.series ?? [])]) {
    if (!table.has(name)) {
      throw new TrainingError(
        'invalid-input',
        `There is no column “${name}”. Columns: ${table.names.join(', ')}.`,
        name,
      );
    }
  }
  const targetColumn = table.column(options.target);
  if (!isNumberColumn(targetColumn) || targetColumn.type === 'datetime') {
    const example = targetColumn.name;
    throw new TrainingError(
      'invalid-input',
      `The target “${example}” must hold numbers to forecast.`,
      options.target,
    );
  }
  const target = targetColumn.values;
  // A row with neither a time nor a value (a spreadsheet's trailing ",,") says nothing: left out.
  const read = readTimes(table.column(options.time), (row) => Number.isNaN(target[row]!));
  const { kind, unix, decimalYears, excel } = read;
  let times = read.values;
  const keys = options.series?.length
    ? seriesKeys(table, options.series)
    : { ids: [''], byRow: new Int32Array(table.rowCount) };
  const rowsOf: number[][] = keys.ids.map(() => []);
  let blank = 0;
  for (let row = 0; row < table.rowCount; row++) {
    if (Number.isNaN(times[row]!)) blank++;
    else rowsOf[keys.byRow[row]!]!.push(row);
  }
  const ids = keys.ids.filter((_, group) => rowsOf[group]!.length > 0);
  const groups = rowsOf.filter((rows) => rows.length > 0);
  let groupTimes: Float64Array[] = groups.map((rows) =>
    Float64Array.from(rows, (row) => times[row]!),
  );
  // Found here, the times of day are said below; a table read as another one was (future rows,
  // test rows) says nothing.
  const found =
    kind === 'datetime' && options.localMidnights === undefined ? localMidnights(groupTimes) : null;
  const midnights =
    kind === 'datetime' && options.localMidnights
      ? groupTimes.map((group) => group.map(nearestMidnight))
      : found?.dates;
  if (midnights) {
    groupTimes = midnights;
    times = Float64Array.from(times);
    groups.forEach((rows, group) =>
      rows.forEach((row, i) => {
        times[row] = midnights[group]![i]!;
      }),
    );
  }

  const bucketed = options.aggregate !== undefined;
  const frequency = options.frequency ?? detectFrequency(kind, groupTimes);
  if (kind === 'number' && frequency.unit !== 'step' && frequency.unit !== 'year') {
    throw new TrainingError(
      'invalid-params',
      `“${options.time}” holds plain numbers, so its frequency can only be steps or years, not ${frequencyName(frequency)}.`,
      'frequency',
    );
  }
  const axis = buildAxis(
    kind,
    frequency,
    blank ? times.filter((time) => !Number.isNaN(time)) : times,
    bucketed,
  );
  const warnings: string[] = [];
  if (unix) {
    warnings.push(`“${options.time}” holds Unix ${unix}: read as UTC date-times.`);
  }
  if (excel) {
    warnings.push(
      `“${options.time}” holds dates as a spreadsheet stores them, days since 1899-12-30 (43831 is 2020-01-01): read as dates.`,
    );
  }
  if (found) {
    const at = found.clocks
      .sort((a, b) => a - b)
      .map((ms) => new Date(ms).toISOString().slice(11, 16));
    const several = at.length > 1;
    warnings.push(
      `“${options.time}” holds local midnights written in UTC (at ${several ? `${at.slice(0, -1).join(', ')} and ${at[at.length - 1]!}` : at[0]!} UTC, as a time zone's offset${several ? ' and daylight saving time' : ''} ${several ? 'leave' : 'leaves'} them): read as the dates they start.`,
    );
  }
  if (decimalYears) {
    warnings.push(
      `“${options.time}” holds decimal years, as R's time() writes them (1949.0833 is February 1949): read as months.`,
    );
  }
  const series: RegularSeries[] = [];
  const where = (id: string) => (options.series?.length ? ` of series “${id}”` : '');
  const empty: string[] = [];
  if (blank) {
    warnings.push(
      `${blank === 1 ? 'A row has' : `${blank.toLocaleString('en-US')} rows have`} neither a time nor a value of “${options.target}”, and ${blank === 1 ? 'was' : 'were'} left out.`,
    );
  }

  groups.forEach((rows, group) => {
    const id = ids[group]!;
    const slotOf = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      const position = axis.position(times[row]!);
      const slot = bucketed ? Math.floor(position + 1e-9) : Math.round(position);
      if (!bucketed && Math.abs(position - slot) > 0.1) {
        throw new TrainingError(
          'invalid-input',
          `Row ${row + 1}${where(id)}: the time ${String(axis.format(times[row]!))} in “${options.time}” is not on the ${axis.name} grid that starts at ${String(axis.format(axis.anchor))}. Choose another frequency, or aggregate (sum or mean) to bucket irregular times.`,
          `${row + 1}:${options.time}`,
        );
      }
      slotOf[i] = slot;
    });
    const order = rows.map((_, i) => i).sort((a, b) => slotOf[a]! - slotOf[b]! || a - b);
    let first = Infinity;
    let last = -Infinity;
    for (const i of order) {
      if (Number.isNaN(target[rows[i]!]!)) continue;
      first = Math.min(first, slotOf[i]!);
      last = Math.max(last, slotOf[i]!);
    }
    if (first === Infinity) {
      // One series of many without a value is left out (said); a table without any is refused.
      if (groups.length > 1) {
        empty.push(id);
        return;
      }
      throw new TrainingError(
        'invalid-input',
        `Every value of “${options.target}”${where(id)} is missing.`,
        options.target,
      );
    }
    const length = last - first + 1;
    if (length > MAX_STEPS_PER_ROW * rows.length + 100) {
      throw new TrainingError(
        'invalid-input',
        `At the ${axis.name} frequency${where(id)} the ${rows.length} rows spread over ${length} steps, so almost all would be filled in. Choose a coarser frequency or aggregate.`,
        options.time,
      );
    }
    const values = new Float64Array(length).fill(NaN);
    const counts = new Int32Array(length);
    const firstRow = new Int32Array(length).fill(-1);
    // Rows before the first or after the last value (their target missing) lie outside the series.
    let before = 0;
    let after = 0;
    for (const i of order) {
      const row = rows[i]!;
      const slot = slotOf[i]! - first;
      if (slot < 0 || slot >= length) {
        if (slot < 0) before++;
        else after++;
        continue;
      }
      if (firstRow[slot]! >= 0 && !bucketed) {
        throw new SharedStepError(
          `Rows ${firstRow[slot]! + 1} and ${row + 1}${where(id)} both fall on ${String(axis.format(axis.timeAt(slotOf[i]!)))} in “${options.time}” (${axis.name}).${kind === 'datetime' && clockChange(frequency, axis.timeAt(slotOf[i]!)) ? ' That is where clocks go back when daylight saving time ends, and local times repeat an hour: times written with their UTC offset (01:30+02:00, then 01:30+01:00) tell the two apart.' : ''} Remove the duplicates, or aggregate them by sum or mean (--aggregate in the command line, “Several rows on one step” in the lab).`,
          `${row + 1}:${options.time}`,
        );
      }
      if (firstRow[slot]! < 0) firstRow[slot] = row;
      const value = target[row]!;
      if (Number.isNaN(value)) continue;
      values[slot] = counts[slot] ? values[slot]! + value : value;
      counts[slot]! += 1;
    }
    let filled = 0;
    let aggregated = 0;
    for (let slot = 0; slot < length; slot++) {
      if (!counts[slot]) filled++;
      else if (counts[slot]! > 1) {
        aggregated++;
        if (options.aggregate === 'mean') values[slot] = values[slot]! / counts[slot]!;
      }
    }
    const fill = options.fill ?? (options.aggregate === 'sum' ? 'zero' : 'interpolate');
    if (filled) {
      fillGaps(values, fill);
      warnings.push(
        `${filled.toLocaleString('en-US')} of ${axis.steps(length)}${where(id)} had no value and ${filled === 1 ? 'was' : 'were'} filled (${fill}).`,
      );
    }
    if (aggregated) {
      warnings.push(
        `${axis.steps(aggregated)}${where(id)} combined several rows (${options.aggregate}).`,
      );
    }
    // Said, since the forecast then starts after the last value, not after the table's last row.
    const at = (slot: number) => String(axis.format(axis.timeAt(slot)));
    const rowsText = (count: number) =>
      count === 1 ? `The row` : `The ${count.toLocaleString('en-US')} rows`;
    const has = (count: number) => (count === 1 ? 'has' : 'have');
    if (before) {
      warnings.push(
        `${rowsText(before)}${where(id)} before ${at(first)} ${has(before)} no “${options.target}”: the series starts there.`,
      );
    }
    if (after) {
      warnings.push(
        `${rowsText(after)}${where(id)} after ${at(last)} ${has(after)} no “${options.target}”: the series ends there, and the forecast starts after it.`,
      );
    }
    const stepTimes = new Float64Array(length);
    for (let i = 0; i < length; i++) stepTimes[i] = axis.timeAt(first + i);
    series.push({
      id: options.series?.length ? id : null,
      start: first,
      times: stepTimes,
      values,
      rows: rows.length,
      filled,
      aggregated,
    });
  });
  if (empty.length === groups.length) {
    throw new TrainingError(
      'invalid-input',
      `Every value of “${options.target}” is missing, in every series.`,
      options.target,
    );
  }
  if (empty.length) {
    const named = empty.slice(0, 5).map((id) => `“${id}”`);
    const more = empty.length > 5 ? ` and ${empty.length - 5} more` : '';
    warnings.push(
      `${empty.length === 1 ? 'Series' : `${empty.length} series:`} ${named.join(', ')}${more} ${empty.length === 1 ? 'has' : 'have'} no value of “${options.target}”, so ${empty.length === 1 ? 'it is' : 'they are'} not forecast.`,
    );
  }
  return { axis, series, warnings, localMidnights: midnights !== undefined };
}
