import { isNumberColumn, type Column, type LogicalType } from '../../core/table';

const compact = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (value !== 0 && (Math.abs(value) >= 1e9 || Math.abs(value) < 1e-4)) {
    return value.toExponential(3);
  }
  return compact.format(value);
}

/**
 * Labels for an axis's ticks, short enough for the axis's margin: large values in compact
 * notation ("125K", "1.25M"), tiny ones in exponent notation ("1.05e-7"), with as many
 * significant digits as the ticks need to read exactly (they are round numbers); others as data
 * values are shown.
 */
export function formatTicks(ticks: readonly number[]): string[] {
  const finite = ticks.filter((tick) => Number.isFinite(tick));
  const largest = Math.max(0, ...finite.map((tick) => Math.abs(tick)));
  const tiny = largest > 0 && largest < 1e-3;
  if (largest < 1e5 && !tiny) return ticks.map(formatNumber);
  let digits = 1;
  const exact = (tick: number) =>
    Math.abs(Number(tick.toPrecision(digits)) - tick) <= 1e-9 * Math.abs(tick);
  while (digits < 15 && !finite.every(exact)) digits++;
  if (tiny) {
    return ticks.map((value) =>
      value === 0 ? '0' : value.toExponential(digits - 1).replace(/\.?0+e/, 'e'),
    );
  }
  const compactTicks = new Intl.NumberFormat(undefined, {
    notation: 'compact',
    maximumSignificantDigits: digits,
  });
  return ticks.map((value) => compactTicks.format(value));
}

/** Each tick with its label (`formatTicks`), for an axis drawn tick by tick. */
export function tickTexts(ticks: readonly number[]): { tick: number; text: string }[] {
  const texts = formatTicks(ticks);
  return ticks.map((tick, i) => ({ tick, text: texts[i] as string }));
}

const score = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 4 });

/** An accuracy score or a duration in seconds, to four significant digits: 0.8112, 600.5. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-4) return value.toExponential(2);
  return score.format(value);
}

const DAY_MS = 86_400_000;

/** The ISO text of an instant, or null for a number no date can hold. */
const isoOf = (ms: number): string | null => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

const isoDate = (ms: number) => {
  const iso = isoOf(ms);
  if (iso === null) return String(ms);
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
};

/**
 * A figure of a datetime column that falls between its values (its mean, its quartiles), to the
 * precision the values have: to the day when they are all dates (the mean of weekly dates falls
 * at some hour of a day, which says no more than the date), else to the second. The exact
 * instant is `exactTime(ms)`.
 */
export function roundedTime(ms: number, dates: boolean): string {
  const step = dates ? DAY_MS : 1000;
  return isoDate(Math.round(ms / step) * step);
}

/**
 * An end of a small chart's time axis, where two full instants do not fit side by side: the date
 * alone when the axis spans a day or more, else the time of day ("2024-01-09", "07:30").
 */
export function axisTime(ms: number, span: number): string {
  const iso = isoOf(ms);
  if (iso === null) return String(ms);
  return span >= DAY_MS ? iso.slice(0, 10) : iso.slice(11, 16);
}

/** Whether a datetime column's values are all dates (midnights): its extremes and top values. */
export const holdsDates = (values: readonly (number | string | null)[]): boolean =>
  values.every((value) => typeof value !== 'number' || value % DAY_MS === 0);

/** The exact instant, for a title beside a rounded date. */
export const exactTime = (ms: number) => new Date(ms).toISOString();

/**
 * A span of time in milliseconds, in the largest unit that keeps it above 1, to four significant
 * digits as scores are ("421.9 days"): a spread of dates needs no more.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return '—';
  const units: [number, string][] = [
    [DAY_MS, 'days'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([size]) => Math.abs(ms) >= size) ?? [1, 'ms'];
  return `${formatScore(ms / size)} ${unit}`;
}

/** A value of a number column as the user reads it: booleans as true/false, dates as ISO. */
export function formatValue(type: LogicalType, value: number | string): string {
  if (typeof value === 'string') return value;
  if (type === 'boolean') return value ? 'true' : 'false';
  if (type === 'datetime') return isoDate(value);
  if (type === 'integer') return String(value);
  return formatNumber(value);
}

/** The text of one cell; missing cells are empty. */
export function cellText(column: Column, row: number): string {
  if (isNumberColumn(column)) {
    const value = column.values[row] as number;
    return Number.isNaN(value) ? '' : formatValue(column.type, value);
  }
  const code = column.codes[row] as number;
  return code < 0 ? '' : (column.dictionary[code] as string);
}

export const formatCount = (count: number) => count.toLocaleString();
