import { TrainingError } from '../errors/training-error';

/**
 * `weekday` steps over Monday to Friday (business days: markets, offices, most shops' books);
 * `step` is a plain numeric index (1, 2, 3 …) with no calendar behind it.
 */
export type FrequencyUnit =
  'second' | 'minute' | 'hour' | 'day' | 'weekday' | 'week' | 'month' | 'quarter' | 'year' | 'step';

/** A regular spacing: `every` units between consecutive observations (15 minutes, 1 month). */
export interface Frequency {
  readonly unit: FrequencyUnit;
  readonly every: number;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export const FIXED_UNIT_MS: Readonly<Partial<Record<FrequencyUnit, number>>> = {
  second: SECOND_MS,
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
  week: WEEK_MS,
};

export const MONTHS_PER_UNIT: Readonly<Partial<Record<FrequencyUnit, number>>> = {
  month: 1,
  quarter: 3,
  year: 12,
};

const ADJECTIVES: Record<FrequencyUnit, string> = {
  second: 'secondly',
  minute: 'minutely',
  hour: 'hourly',
  day: 'daily',
  weekday: 'weekday',
  week: 'weekly',
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
  step: 'steps',
};

/** "monthly", "hourly", or "15 minutes", "2 weeks", "3 steps" for multiples. */
export function frequencyName(frequency: Frequency): string {
  if (frequency.every === 1) return ADJECTIVES[frequency.unit];
  // A spacing measured from the data (0.1 steps) is named as written, not to the last bit.
  return `${Number(frequency.every.toPrecision(6))} ${frequency.unit}s`;
}

const ALIASES: Record<string, FrequencyUnit> = {
  s: 'second',
  sec: 'second',
  second: 'second',
  secondly: 'second',
  min: 'minute',
  t: 'minute',
  minute: 'minute',
  minutely: 'minute',
  h: 'hour',
  hr: 'hour',
  hour: 'hour',
  hourly: 'hour',
  d: 'day',
  day: 'day',
  daily: 'day',
  b: 'weekday',
  bday: 'weekday',
  businessday: 'weekday',
  weekday: 'weekday',
  workday: 'weekday',
  w: 'week',
  week: 'week',
  weekly: 'week',
  m: 'month',
  mo: 'month',
  month: 'month',
  monthly: 'month',
  q: 'quarter',
  quarter: 'quarter',
  quarterly: 'quarter',
  y: 'year',
  a: 'year',
  year: 'year',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
  step: 'step',
  steps: 'step',
};

/**
 * Reads "daily", "monthly", "15min", "15 minutes", "2w", "quarterly", "weekdays", "business
 * days", "step" and the like.
 */
export function parseFrequency(text: string): Frequency {
  const joined = text.replace(/([a-z])[\s_-]+(?=[a-z])/gi, '$1');
  const match = /^\s*(\d+(?:\.\d+)?)?\s*-?\s*([a-z]+?)s?\s*$/i.exec(joined);
  const unit = match ? (ALIASES[match[2]!.toLowerCase()] ?? ALIASES[`${match[2]}s`]) : undefined;
  const every = match?.[1] ? Number(match[1]) : 1;
  if (!match || !unit || !(every > 0)) {
    throw new TrainingError(
      'invalid-params',
      `Unknown frequency “${text}”. Use secondly, minutely, hourly, daily, weekday, weekly, monthly, quarterly, yearly, steps, or a multiple such as “15 minutes”.`,
      'frequency',
    );
  }
  if (unit !== 'step' && unit !== 'second' && !Number.isInteger(every)) {
    throw new TrainingError(
      'invalid-params',
      `A ${unit} frequency needs a whole number of ${unit}s, got “${text}”.`,
      'frequency',
    );
  }
  return { unit, every };
}

/** Milliseconds since midnight (UTC) of a timestamp, before 1970 too. */
export const timeOfDay = (ms: number): number => ((ms % DAY_MS) + DAY_MS) % DAY_MS;

/** The day of the week of a UTC timestamp: 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday). */
export const dayOfWeek = (ms: number): number => (((Math.floor(ms / DAY_MS) + 3) % 7) + 7) % 7;

/** Months since 0000-01 of a UTC timestamp, and its day of month and time of day. */
export function monthParts(ms: number): { month: number; day: number; timeOfDay: number } {
  const date = new Date(ms);
  return {
    month: date.getUTCFullYear() * 12 + date.getUTCMonth(),
    day: date.getUTCDate(),
    timeOfDay: timeOfDay(ms),
  };
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonthIndex(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  return month === 1 && isLeapYear(year) ? 29 : MONTH_DAYS[month]!;
}

/** The UTC timestamp of a day within a month index, clamping the day to the month's length. */
export function monthIndexToMs(monthIndex: number, day: number | 'end', timeOfDay = 0): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const last = daysInMonthIndex(monthIndex);
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not move years 0–99 into the twentieth century.
  date.setUTCFullYear(year, month, day === 'end' ? last : Math.min(day, last));
  return date.getTime() + timeOfDay;
}

/** The typical seasonal periods of a frequency, most important first (12 for monthly data). */
export function calendarPeriods(frequency: Frequency): number[] {
  const { unit, every } = frequency;
  const candidates: Record<FrequencyUnit, number[]> = {
    second: [60, 3600],
    minute: [60, 1440, 10080],
    hour: [24, 168],
    day: [7, 365.25],
    weekday: [5, 260.9],
    week: [52.18],
    month: [12],
    quarter: [4],
    year: [],
    step: [],
  };
  const periods: number[] = [];
  for (const raw of candidates[unit]) {
    const period = Math.round(raw / every);
    if (period >= 2 && Math.abs(raw / every - period) <= 0.3 && !periods.includes(period)) {
      periods.push(period);
    }
  }
  return periods;
}

/**
 * Business days: the position of day `day` (days since the epoch) among the weekdays counted from
 * 1970-01-05, a Monday. A Saturday or Sunday lies half a step past the Friday before, so it falls
 * between two weekdays, on no step of a weekday grid.
 */
export function weekdayPosition(day: number): number {
  // 1970-01-01 was a Thursday: shift so that weeks start on Monday.
  const monday = day - 4;
  const week = Math.floor(monday / 7);
  const weekday = monday - 7 * week;
  return 5 * week + (weekday < 5 ? weekday : 4.5);
}

/** The day (days since the epoch) of a whole weekday position. */
export function weekdayAt(position: number): number {
  const week = Math.floor(position / 5);
  return 4 + 7 * week + (position - 5 * week);
}

/** Whether a UTC timestamp falls on a Saturday or Sunday. */
export const isWeekend = (ms: number): boolean => dayOfWeek(ms) >= 5;
