/**
 * Spreadsheet serial dates: days since 30 December 1899, as Excel, LibreOffice and Google Sheets
 * store dates (43831 is 1 January 2020; a fraction is the time of day, 43831.5 is noon). A sheet
 * saved or read with its date cells formatted as numbers leaves them so.
 */

const DAY_MS = 86_400_000;
/** 30 December 1899, day 0 of the serial dates, in days before 1970-01-01. */
const EPOCH_DAYS = 25_569;
/** 1 January 1950 and 1 January 2100 as serial dates: the range read as dates. */
const SERIAL_FROM = 18_264;
const SERIAL_TO = 73_051;

/** Words that name a column of dates. */
const DATE_WORDS = new Set(['date', 'dates', 'day', 'datetime']);

/**
 * Whether a column's name says it holds dates, word by word: `Date`, `order_date`, `orderDate`,
 * `DateTime`, `day`. A bare number does not say it is a date; the name must, and a word that
 * only contains one does not (`candidate_votes`, `holiday_sales`, `update_count`).
 */
function namesDates(name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/);
  return words.some((word) => DATE_WORDS.has(word));
}

/**
 * 43831 → 2020-01-01 in ms since 1970 (UTC); a fraction of a day is the time, to the second: a
 * sheet written with six decimals (45000.041667 for 01:00) is 0.03 s off the hour, which would put
 * hourly data off its grid.
 */
export const excelSerialMs = (serial: number) =>
  Math.round((serial - EPOCH_DAYS) * (DAY_MS / 1000)) * 1000;

/**
 * Whether numbers between `min` and `max` in a column called `name` read as serial dates: the
 * name says the column holds dates, and every value is a day of 1950–2099. Plain counts in such
 * a column (a `day` of 1 … 365) are not.
 */
export function excelRange(name: string, min: number, max: number): boolean {
  return namesDates(name) && min >= SERIAL_FROM && max < SERIAL_TO && min < max;
}

/** `excelRange` for a column's values (missing ones, NaN, aside). */
export function isExcelDates(name: string, values: ArrayLike<number>): boolean {
  if (!namesDates(name)) return false;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return excelRange(name, min, max);
}
