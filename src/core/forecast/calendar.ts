import { DAY_MS, dayOfWeek, timeOfDay } from './frequency';
import type { TimeAxis } from './time-axis';

/**
 * Calendar features known in advance for any future step: the position within the day, week
 * and year as sine/cosine pairs, chosen by the data's frequency (hour of day and day of week for
 * hourly data, day of week and of year for daily data, month of year for monthly data…).
 * Holiday-free by design: they need nothing but the timestamp.
 */
export interface CalendarFeatures {
  readonly names: readonly string[];
  /** Row-major `times × names`. */
  readonly x: Float64Array;
}

const TAU = 2 * Math.PI;
const YEAR_DAYS = 365.2425;

type Cycle = { name: string; phase: (ms: number) => number };

const hourOfDay: Cycle = {
  name: 'hour_of_day',
  phase: (ms) => (timeOfDay(ms) / DAY_MS) * TAU,
};
// Counting from Monday puts the weekend at the end of the cycle.
const weekCycle: Cycle = {
  name: 'day_of_week',
  phase: (ms) => (dayOfWeek(ms) / 7) * TAU,
};
const dayOfYear: Cycle = {
  name: 'day_of_year',
  phase: (ms) => ((Math.floor(ms / DAY_MS) % YEAR_DAYS) / YEAR_DAYS) * TAU,
};
const monthOfYear: Cycle = {
  name: 'month_of_year',
  phase: (ms) => (new Date(ms).getUTCMonth() / 12) * TAU,
};

function cyclesFor(axis: TimeAxis): Cycle[] {
  if (axis.kind !== 'datetime') return [];
  switch (axis.frequency.unit) {
    case 'second':
    case 'minute':
    case 'hour':
      return [hourOfDay, weekCycle];
    case 'day':
      return axis.frequency.every === 1 ? [weekCycle, dayOfYear] : [dayOfYear];
    case 'weekday':
      return [weekCycle, dayOfYear];
    case 'week':
      return [dayOfYear];
    case 'month':
      return axis.frequency.every < 12 ? [monthOfYear] : [];
    default:
      return [];
  }
}

export function calendarFeatures(axis: TimeAxis, times: ArrayLike<number>): CalendarFeatures {
  const cycles = cyclesFor(axis);
  const names = cycles.flatMap((cycle) => [`${cycle.name}_sin`, `${cycle.name}_cos`]);
  const x = new Float64Array(times.length * names.length);
  for (let i = 0; i < times.length; i++) {
    cycles.forEach((cycle, c) => {
      const phase = cycle.phase(times[i]!);
      x[i * names.length + 2 * c] = Math.sin(phase);
      x[i * names.length + 2 * c + 1] = Math.cos(phase);
    });
  }
  return { names, x };
}
