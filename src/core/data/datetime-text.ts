import type { DateOrder } from './types';

const DAY_MS = 86_400_000;

/** The layout of the last successful `parseIsoDatetime`, read right after the call. */
export const lastDatetime = { layout: 0 };

// Layout bits: which separators, parts, fraction digits and zone a text had, so that a value can
// be written back exactly as it was read (see `renderIsoDatetime`).
const SLASH = 1;
const YEAR_MONTH = 2;
const TIME_SHIFT = 2; // 0: date only, 1: HH:MM, 2: HH:MM:SS
const T_SEPARATOR = 16;
const FRACTION_SHIFT = 5; // 0–9 digits
const ZONE_SHIFT = 9; // 0: none, 1: Z, 2: ±HH:MM, 3: ±HHMM, 4: ±HH
const OFFSET_SHIFT = 12; // offset minutes + 1440
/**
 * 10^(digits − 3), by a fraction's number of digits: the divisor that turns it into milliseconds.
 * Computed once, as `**` with an exponent other than 2 costs a call to pow for every cell.
 */
const FRACTION_SCALE = Array.from({ length: 10 }, (_, digits) => 10 ** (digits - 3));

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const daysInMonth = (year: number, month: number) =>
  month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] as number);

function twoDigits(bytes: Uint8Array, at: number): number {
  const a = (bytes[at] as number) - 48;
  const b = (bytes[at + 1] as number) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Reads ISO 8601 dates and date-times: `YYYY-MM-DD` (or `YYYY/MM/DD`), `YYYY-MM`, then optionally
 * `T` or a space, `HH:MM`, `:SS`, a fraction of up to 9 digits, and `Z` or an offset (`±HH:MM`,
 * `±HHMM`, `±HH`). Returns milliseconds since the epoch, UTC (a text without a zone is read as
 * UTC), or NaN.
 */
export function parseIsoDatetime(text: string): number {
  return parseIsoRange(text, 0, text.length);
}

const TABLE_FROM_YEAR = 1900;
const TABLE_YEARS = 256;
/** `daysFromCivil(year, month, 1)` for the years most dates fall in, filled on first use. */
let monthStarts: Int32Array | null = null;

function daysBeforeMonth(year: number, month: number): number {
  const at = (year - TABLE_FROM_YEAR) * 12 + month - 1;
  if (at < 0 || at >= TABLE_YEARS * 12) return daysFromCivil(year, month, 1);
  if (monthStarts === null) {
    monthStarts = new Int32Array(TABLE_YEARS * 12);
    for (let k = 0; k < monthStarts.length; k++) {
      monthStarts[k] = daysFromCivil(TABLE_FROM_YEAR + Math.floor(k / 12), (k % 12) + 1, 1);
    }
  }
  return monthStarts[at] as number;
}

const MAX_ISO_LENGTH = 40;
const isoScratch = new Uint8Array(MAX_ISO_LENGTH);

/**
 * `parseIsoDatetime` of `text.slice(start, end)`, without making the slice. Every character of
 * an ISO datetime is ASCII, so other characters are read as a byte that matches none.
 */
export function parseIsoRange(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 7 || n > MAX_ISO_LENGTH) return NaN;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(start + i);
    isoScratch[i] = code < 128 ? code : 255;
  }
  return parseIsoBytes(isoScratch, 0, n);
}

/** `parseIsoDatetime` of the bytes `bytes[start, end)`; it reads no byte outside them. */
export function parseIsoBytes(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 7 || n > MAX_ISO_LENGTH) return NaN;
  const century = twoDigits(bytes, start);
  const yy = twoDigits(bytes, start + 2);
  if (century < 0 || yy < 0) return NaN;
  const year = century * 100 + yy;
  const separator = bytes[start + 4] as number;
  if (separator !== 45 && separator !== 47) return NaN;
  const month = twoDigits(bytes, start + 5);
  if (month < 1 || month > 12) return NaN;
  let layout = separator === 47 ? SLASH : 0;
  if (n === 7) {
    if (separator !== 45) return NaN;
    lastDatetime.layout = YEAR_MONTH;
    return daysFromCivil(year, month, 1) * DAY_MS;
  }
  if (n < 10 || bytes[start + 7] !== separator) return NaN;
  const day = twoDigits(bytes, start + 8);
  if (day < 1 || day > daysInMonth(year, month)) return NaN;
  let ms = (daysBeforeMonth(year, month) + day - 1) * DAY_MS;
  if (n === 10) {
    lastDatetime.layout = layout;
    return ms;
  }
  if (n < 16) return NaN;
  const between = bytes[start + 10] as number;
  if (between === 84) layout |= T_SEPARATOR;
  else if (between !== 32) return NaN;
  const hour = twoDigits(bytes, start + 11);
  const minute = twoDigits(bytes, start + 14);
  if (hour < 0 || hour > 23 || bytes[start + 13] !== 58 || minute < 0 || minute > 59) {
    return NaN;
  }
  ms += hour * 3_600_000 + minute * 60_000;
  let i = start + 16;
  let time = 1;
  let fractionDigits = 0;
  if (i < end && bytes[i] === 58) {
    if (start + 19 > end) return NaN;
    const second = twoDigits(bytes, start + 17);
    if (second < 0 || second > 59) return NaN;
    ms += second * 1000;
    time = 2;
    i = start + 19;
    if (i < end && bytes[i] === 46) {
      i++;
      let fraction = 0;
      while (i < end && fractionDigits < 10) {
        const d = (bytes[i] as number) - 48;
        if (d < 0 || d > 9) break;
        fraction = fraction * 10 + d;
        fractionDigits++;
        i++;
      }
      if (fractionDigits === 0 || fractionDigits > 9) return NaN;
      ms += fraction / (FRACTION_SCALE[fractionDigits] as number);
    }
  }
  layout |= (time << TIME_SHIFT) | (fractionDigits << FRACTION_SHIFT);
  if (i < end) {
    const zone = bytes[i] as number;
    if (zone === 90) {
      if (i + 1 !== end) return NaN;
      layout |= 1 << ZONE_SHIFT;
    } else if (zone === 43 || zone === 45) {
      if (i + 3 > end) return NaN;
      const offsetHours = twoDigits(bytes, i + 1);
      if (offsetHours < 0 || offsetHours > 18) return NaN;
      let offsetMinutes = 0;
      let kind: number;
      if (i + 3 === end) kind = 4;
      else if (i + 6 === end && bytes[i + 3] === 58) {
        kind = 2;
        offsetMinutes = twoDigits(bytes, i + 4);
      } else if (i + 5 === end) {
        kind = 3;
        offsetMinutes = twoDigits(bytes, i + 3);
      } else return NaN;
      if (offsetMinutes < 0 || offsetMinutes > 59) return NaN;
      const offset = (zone === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
      ms -= offset * 60_000;
      layout |= (kind << ZONE_SHIFT) | ((offset + 1440) << OFFSET_SHIFT);
    } else return NaN;
  }
  lastDatetime.layout = layout;
  return ms;
}

/** Whether `renderIsoDatetime` gives back the exact text for values read with this layout. */
export const isRenderableLayout = (layout: number) => ((layout >> FRACTION_SHIFT) & 15) <= 3;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Writes a value in the layout it was read with; the inverse of `parseIsoDatetime`. */
export function renderIsoDatetime(ms: number, layout: number): string {
  const zone = (layout >> ZONE_SHIFT) & 7;
  const offset = zone >= 2 ? (layout >> OFFSET_SHIFT) - 1440 : 0;
  const date = new Date(ms + offset * 60_000);
  const separator = layout & SLASH ? '/' : '-';
  let text = `${pad(date.getUTCFullYear(), 4)}${separator}${pad(date.getUTCMonth() + 1, 2)}`;
  if (layout & YEAR_MONTH) return text;
  text += `${separator}${pad(date.getUTCDate(), 2)}`;
  const time = (layout >> TIME_SHIFT) & 3;
  if (time === 0) return text;
  text += `${layout & T_SEPARATOR ? 'T' : ' '}${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}`;
  if (time === 2) {
    text += `:${pad(date.getUTCSeconds(), 2)}`;
    const fractionDigits = (layout >> FRACTION_SHIFT) & 15;
    if (fractionDigits > 0) {
      const millis = pad(date.getUTCMilliseconds(), 3);
      text += `.${millis.slice(0, fractionDigits)}`;
    }
  }
  if (zone === 1) return `${text}Z`;
  if (zone >= 2) {
    const sign = offset < 0 ? '-' : '+';
    const hours = pad(Math.floor(Math.abs(offset) / 60), 2);
    const minutes = pad(Math.abs(offset) % 60, 2);
    text +=
      zone === 2
        ? `${sign}${hours}:${minutes}`
        : zone === 3
          ? `${sign}${hours}${minutes}`
          : `${sign}${hours}`;
  }
  return text;
}

/** A value rendered for people: ISO 8601 in UTC, without the parts that are zero. */
export function formatDatetime(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

const MONTHS = new Map<string, number>();
[
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
].forEach((name, i) => {
  MONTHS.set(name, i + 1);
  MONTHS.set(name.slice(0, 3), i + 1);
});
MONTHS.set('sept', 9);

const TIME = String.raw`(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*(?:([AaPp])\.?[Mm]\.?)?)?`;
const NUMERIC_DATE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);
const LOOSE_YMD = new RegExp(String.raw`^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})${TIME}$`);
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})${TIME}$`);
const MONTH_NAME_DAY = new RegExp(
  String.raw`^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})${TIME}$`,
);

interface DateParts {
  year: number;
  month: number;
  day: number;
  ms: number;
}

function timeOfDay(match: RegExpExecArray, at: number): number {
  if (match[at] === undefined) return 0;
  let hour = Number(match[at]);
  const minute = Number(match[at + 1]);
  const second = match[at + 2] === undefined ? 0 : Number(match[at + 2]);
  const fraction = match[at + 3];
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  const meridiem = match[at + 4]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  return hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}

function toEpoch(parts: DateParts): number {
  const { year, month, day, ms } = parts;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  return daysFromCivil(year, month, day) * DAY_MS + ms;
}

type Family = (text: string, order: DateOrder) => number;

// Periods named by their first day: quarters, months and ISO weeks as tables of official
// statistics, spreadsheets and R write them.
const QUARTER_FIRST = /^(\d{4})\s*[-/ ]?\s*Q([1-4])$/i;
const QUARTER_LAST = /^Q([1-4])\s*[-/ ]?\s*(\d{4})$/i;
const MONTH_NAME_YEAR = /^([A-Za-z]{3,9})\.?[ -](\d{4})$/;
const YEAR_MONTH_NAME = /^(\d{4})[ -]([A-Za-z]{3,9})$/;
/** A spreadsheet's mmm-yy: Jan-20, Jan '20 (not "Jan 20", which reads as a day). */
const MONTH_NAME_SHORT_YEAR = /^([A-Za-z]{3,9})\.?(?:-|\s*')(\d{2})$/;
/** 2024/03, 2024.03, 2024-3, and statistical offices' 2024M03 or 2024m3 (Eurostat, IMF, Stata). */
const YEAR_NUMBERED_MONTH = /^(\d{4})(?:[/.-]|\s*M)(\d{1,2})$/i;
/** 03/2024, 3-2024, 03.2024. */
const NUMBERED_MONTH_YEAR = /^(\d{1,2})[/.-](\d{4})$/;
/** ISO 8601 weeks: 2024-W05, 2024W05, 2024-W05-1 (the week's Monday, or the day given). */
const ISO_WEEK = /^(\d{4})-?W(\d{2})(?:-?([1-7]))?$/i;

/**
 * Years a period may name: codes such as 1234-5 are not months, and a whole column has to read as
 * periods before it is taken for one.
 */
const periodYear = (year: number) => year >= 1600 && year < 2400;

const monthStart = (year: number, month: number) =>
  periodYear(year) && month >= 1 && month <= 12 ? daysFromCivil(year, month, 1) * DAY_MS : NaN;

/** The day of the week of `days` since 1970-01-01 (a Thursday), 0 for Monday to 6 for Sunday. */
const weekday = (days: number) => (((days + 3) % 7) + 7) % 7;
const THURSDAY = 3;

/** Whether ISO year `year` has a week 53 (its 1 January or, in a leap year, 31 December is a Thursday). */
function isoWeeksIn(year: number): number {
  const thursday = (month: number, day: number) =>
    weekday(daysFromCivil(year, month, day)) === THURSDAY;
  return thursday(1, 1) || thursday(12, 31) ? 53 : 52;
}

const families: Record<string, Family> = {
  'ISO 8601': (text) => parseIsoDatetime(text),
  'year-month-day': (text) => {
    const m = LOOSE_YMD.exec(text);
    if (!m) return NaN;
    return toEpoch({ year: +m[1]!, month: +m[3]!, day: +m[4]!, ms: timeOfDay(m, 5) });
  },
  'day month-name year': (text) => {
    const m = DAY_MONTH_NAME.exec(text);
    const month = m && MONTHS.get(m[2]!.toLowerCase());
    if (!m || !month) return NaN;
    return toEpoch({ year: +m[3]!, month, day: +m[1]!, ms: timeOfDay(m, 4) });
  },
  'month-name day, year': (text) => {
    const m = MONTH_NAME_DAY.exec(text);
    const month = m && MONTHS.get(m[1]!.toLowerCase());
    if (!m || !month) return NaN;
    return toEpoch({ year: +m[3]!, month, day: +m[2]!, ms: timeOfDay(m, 4) });
  },
  quarter: (text) => {
    let m = QUARTER_FIRST.exec(text);
    if (m) return monthStart(+m[1]!, (+m[2]! - 1) * 3 + 1);
    m = QUARTER_LAST.exec(text);
    return m ? monthStart(+m[2]!, (+m[1]! - 1) * 3 + 1) : NaN;
  },
  'month-name year': (text) => {
    let m = MONTH_NAME_YEAR.exec(text);
    if (m) return monthStart(+m[2]!, MONTHS.get(m[1]!.toLowerCase()) ?? 0);
    m = YEAR_MONTH_NAME.exec(text);
    if (m) return monthStart(+m[1]!, MONTHS.get(m[2]!.toLowerCase()) ?? 0);
    m = MONTH_NAME_SHORT_YEAR.exec(text);
    if (!m) return NaN;
    // Two-digit years as POSIX strptime reads them: 69–99 are the 1900s, 00–68 the 2000s.
    const short = +m[2]!;
    return monthStart(
      short >= 69 ? 1900 + short : 2000 + short,
      MONTHS.get(m[1]!.toLowerCase()) ?? 0,
    );
  },
  'year/month': (text) => {
    const m = YEAR_NUMBERED_MONTH.exec(text);
    return m ? monthStart(+m[1]!, +m[2]!) : NaN;
  },
  'month/year': (text) => {
    const m = NUMBERED_MONTH_YEAR.exec(text);
    return m ? monthStart(+m[2]!, +m[1]!) : NaN;
  },
  'ISO week': (text) => {
    const m = ISO_WEEK.exec(text);
    if (!m) return NaN;
    const year = +m[1]!;
    const week = +m[2]!;
    if (!periodYear(year) || week < 1 || week > isoWeeksIn(year)) return NaN;
    // Week 1 holds 4 January; its Monday starts the ISO year.
    const january4 = daysFromCivil(year, 1, 4);
    const monday = january4 - weekday(january4);
    return (monday + (week - 1) * 7 + (+(m[3] ?? 1) - 1)) * DAY_MS;
  },
  'day/month/year': (text, order) => {
    const m = NUMERIC_DATE.exec(text);
    if (!m) return NaN;
    const [first, second] = [+m[1]!, +m[3]!];
    const [day, month] = order === 'dmy' ? [first, second] : [second, first];
    return toEpoch({ year: +m[4]!, month, day, ms: timeOfDay(m, 5) });
  },
};

export type DictionaryDates =
  | { readonly kind: 'dates'; readonly epochs: Float64Array; readonly format: string }
  | { readonly kind: 'ambiguous'; readonly example: string }
  | { readonly kind: 'none'; readonly failedAt: number };

/** Which of day/month comes first in all-numeric dates, judged from every value of a column. */
function numericDateOrder(values: readonly string[]): DateOrder | 'either' | 'ambiguous' | null {
  let dayFirst = false;
  let monthFirst = false;
  let differ = false;
  for (const value of values) {
    const m = NUMERIC_DATE.exec(value);
    if (!m) return null;
    const first = +m[1]!;
    const second = +m[3]!;
    if (first > 12) dayFirst = true;
    if (second > 12) monthFirst = true;
    if (first !== second) differ = true;
  }
  if (dayFirst && monthFirst) return null;
  if (dayFirst) return 'dmy';
  if (monthFirst) return 'mdy';
  return differ ? 'ambiguous' : 'either';
}

/**
 * Reads every value of a dictionary as a date in one format, trying ISO 8601 and the common
 * unambiguous formats. All-numeric dates (03/04/2024) take their day/month order from the values
 * that settle it (a first number above 12 means day first), else from `order`; with neither, the
 * column is reported as ambiguous rather than guessed.
 */
export function parseDictionaryDates(
  values: readonly string[],
  order?: DateOrder,
): DictionaryDates {
  let failedAt = 0;
  for (const [format, parse] of Object.entries(families)) {
    let dateOrder: DateOrder = 'dmy';
    if (format === 'day/month/year') {
      const found = numericDateOrder(values);
      if (found === null) continue;
      if (found === 'ambiguous' && !order) return { kind: 'ambiguous', example: values[0] ?? '' };
      dateOrder = found === 'dmy' || found === 'mdy' ? found : (order ?? 'dmy');
    }
    const epochs = new Float64Array(values.length);
    let i = 0;
    for (; i < values.length; i++) {
      const epoch = parse((values[i] as string).trim(), dateOrder);
      if (Number.isNaN(epoch)) break;
      epochs[i] = epoch;
    }
    if (i === values.length) {
      const name =
        format === 'day/month/year' ? (dateOrder === 'dmy' ? format : 'month/day/year') : format;
      return { kind: 'dates', epochs, format: name };
    }
    failedAt = Math.max(failedAt, i);
  }
  return { kind: 'none', failedAt };
}
