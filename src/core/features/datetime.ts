import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import type { Column } from '../table';
import { numberInput, transformToMatrix } from './dense';
import { JsonFields } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

export const DATETIME_PARTS = [
  'year',
  'month',
  'day',
  'dayOfWeek',
  'dayOfYear',
  'isWeekend',
  'hour',
  'minute',
  'month_sin',
  'month_cos',
  'dayOfWeek_sin',
  'dayOfWeek_cos',
  'hour_sin',
  'hour_cos',
] as const;

export type DatetimePart = (typeof DATETIME_PARTS)[number];

/** The finest unit the training timestamps use: whole days, whole hours, or finer. */
export type DatetimeResolution = 'day' | 'hour' | 'minute';

export interface DatetimeOptions {
  /** The parts to extract; chosen from the column's resolution when not given. */
  readonly parts?: readonly DatetimePart[];
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const TAU = 2 * Math.PI;
/** Days before the first of each month in a common year. */
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

const DATE_PARTS: readonly DatetimePart[] = [
  'year',
  'month',
  'day',
  'dayOfWeek',
  'dayOfYear',
  'isWeekend',
  'month_sin',
  'month_cos',
  'dayOfWeek_sin',
  'dayOfWeek_cos',
];
const HOUR_PARTS: readonly DatetimePart[] = [...DATE_PARTS, 'hour', 'hour_sin', 'hour_cos'];
const MINUTE_PARTS: readonly DatetimePart[] = [...HOUR_PARTS, 'minute'];

export const datetimePartName = (column: string, part: DatetimePart) => `${column}_${part}`;

export function datetimeResolution(values: Float64Array): DatetimeResolution {
  let resolution: DatetimeResolution = 'day';
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) continue;
    if (value % HOUR_MS !== 0) return 'minute';
    if (value % DAY_MS !== 0) resolution = 'hour';
  }
  return resolution;
}

export function partsForResolution(resolution: DatetimeResolution): readonly DatetimePart[] {
  return resolution === 'day' ? DATE_PARTS : resolution === 'hour' ? HOUR_PARTS : MINUTE_PARTS;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Writes every part of a UTC timestamp into `parts` in DATETIME_PARTS order. Uses Howard
 * Hinnant's days-to-civil algorithm, exact over the whole proleptic Gregorian calendar and free
 * of Date allocations.
 */
function explode(ms: number, parts: Float64Array) {
  const days = Math.floor(ms / DAY_MS);
  const msOfDay = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfMarchYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfMarchYear + 2) / 153);
  const day = dayOfMarchYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const dayOfYear =
    (DAYS_BEFORE_MONTH[month - 1] as number) + day + (month > 2 && isLeapYear(year) ? 1 : 0);
  const dayOfWeek = (((days + 3) % 7) + 7) % 7;
  const hour = Math.floor(msOfDay / HOUR_MS);
  const minute = Math.floor((msOfDay % HOUR_MS) / MINUTE_MS);
  parts[0] = year;
  parts[1] = month;
  parts[2] = day;
  parts[3] = dayOfWeek;
  parts[4] = dayOfYear;
  parts[5] = dayOfWeek >= 5 ? 1 : 0;
  parts[6] = hour;
  parts[7] = minute;
  parts[8] = Math.sin((TAU * (month - 1)) / 12);
  parts[9] = Math.cos((TAU * (month - 1)) / 12);
  parts[10] = Math.sin((TAU * dayOfWeek) / 7);
  parts[11] = Math.cos((TAU * dayOfWeek) / 7);
  parts[12] = Math.sin((TAU * hour) / 24);
  parts[13] = Math.cos((TAU * hour) / 24);
}

/**
 * Calendar parts of a UTC timestamp column (months and days from 1, Monday = day 0 of the week)
 * with sine/cosine pairs so that December sits next to January. Missing timestamps give NaN.
 */
export class FittedDatetime implements FittedTransformer {
  readonly kind = 'datetime';
  readonly outputNames: readonly string[];
  private readonly sources: Int32Array;

  constructor(
    readonly column: string,
    readonly resolution: DatetimeResolution,
    readonly parts: readonly DatetimePart[],
  ) {
    this.outputNames = parts.map((part) => datetimePartName(column, part));
    this.sources = Int32Array.from(parts, (part) => DATETIME_PARTS.indexOf(part));
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const values = numberInput(input, 'Date parts').values;
    const all = new Float64Array(DATETIME_PARTS.length);
    const sources = this.sources;
    for (let i = 0, rowStart = offset; i < values.length; i++, rowStart += stride) {
      const ms = values[i] as number;
      if (Number.isFinite(ms)) {
        explode(ms, all);
        for (let j = 0; j < sources.length; j++)
          out[rowStart + j] = all[sources[j] as number] as number;
      } else {
        for (let j = 0; j < sources.length; j++) out[rowStart + j] = NaN;
      }
    }
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input);
  }

  toJSON(): TransformerJSON {
    const { kind, column, resolution, parts } = this;
    return { kind, format: 1, column, resolution, parts };
  }

  static fromJSON(json: unknown): FittedDatetime {
    const fields = JsonFields.transformer(json, 'datetime', 1);
    const parts = fields.strings('parts');
    if (!parts.every((part) => (DATETIME_PARTS as readonly string[]).includes(part))) {
      fields.fail('parts', 'a list of date parts');
    }
    return new FittedDatetime(
      fields.string('column'),
      fields.oneOf('resolution', ['day', 'hour', 'minute']),
      parts as DatetimePart[],
    );
  }
}

export function fitDatetime(input: Column, options: DatetimeOptions = {}): FittedDatetime {
  const column = numberInput(input, 'Date parts');
  const resolution = datetimeResolution(column.values);
  const parts = options.parts ?? partsForResolution(resolution);
  const unknown = parts.find((part) => !DATETIME_PARTS.includes(part));
  if (unknown !== undefined || parts.length === 0) {
    throw new TrainingError(
      'invalid-params',
      unknown === undefined
        ? 'Choose at least one date part.'
        : `Unknown date part “${unknown}”; choose from ${DATETIME_PARTS.join(', ')}.`,
      column.name,
    );
  }
  return new FittedDatetime(column.name, resolution, [...parts]);
}
