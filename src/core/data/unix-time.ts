/** Names of columns whose whole numbers may be Unix times: `timestamp`, `ts`, `epoch`, `created_unix`… */
const UNIX_NAME = /time|stamp|epoch|unix|date|(?:^|[_\s.-])ts(?:$|[_\s.-])/i;
/** 2000-01-01 and 2100-01-01 in Unix seconds. */
const UNIX_FROM = 946_684_800;
const UNIX_TO = 4_102_444_800;

export type UnixUnit = 'seconds' | 'milliseconds';

/**
 * Whether whole numbers between `min` and `max` in a column called `name` are Unix times, and in
 * which unit: seconds (or milliseconds) between 2000 and 2100, in a column whose name says it
 * holds times. Other numbers are not: an order number of ten digits is not a time.
 */
export function unixUnitOfRange(name: string, min: number, max: number): UnixUnit | null {
  if (!UNIX_NAME.test(name) || !(min <= max)) return null;
  if (min >= UNIX_FROM && max < UNIX_TO) return 'seconds';
  if (min >= UNIX_FROM * 1000 && max < UNIX_TO * 1000) return 'milliseconds';
  return null;
}

/** `unixUnitOfRange` for a column's values, every one of which must be a whole number. */
export function unixUnit(name: string, values: ArrayLike<number>): UnixUnit | null {
  if (!UNIX_NAME.test(name) || values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value)) return null;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return unixUnitOfRange(name, min, max);
}

/** Milliseconds in one unit. */
export const unixScale = (unit: UnixUnit) => (unit === 'seconds' ? 1000 : 1);
