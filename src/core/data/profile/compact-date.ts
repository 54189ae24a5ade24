import type { NumberColumn } from '../../table';
import { compactDateMs, compactDateUnit } from '../compact-date';
import { excelRange, excelSerialMs } from '../excel-date';
import type { NumberDateUnit } from '../prepare/steps';
import type { ColumnProfile, ProfileWarning } from './types';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Whole numbers that are all dates written as YYYYMMDD (20240131) or months as YYYYMM (202401):
 * say how to read them as dates, which the time plot and the models can then use. The column is
 * read again only when its minimum and maximum fall in such a range.
 */
export function compactDateWarning(
  column: NumberColumn,
  profile: ColumnProfile,
): ProfileWarning | null {
  const { min, max } = profile;
  if (profile.type !== 'integer' || min === null || max === null || min === max) return null;
  const inRange = (from: number, to: number) => min >= from && max <= to;
  if (!inRange(10_000_101, 29_991_231) && !inRange(180_001, 219_912)) return null;
  const unit = compactDateUnit(column.values);
  if (unit === null) return null;
  const read = compactDateMs(unit);
  const [layout, span] =
    unit === 'yyyymmdd'
      ? ['dates written as YYYYMMDD', `${day(read(min))} to ${day(read(max))}`]
      : [
          'months written as YYYYMM',
          `${day(read(min)).slice(0, 7)} to ${day(read(max)).slice(0, 7)}`,
        ];
  return {
    code: 'compact-date',
    message: `Column “${profile.name}” looks like ${layout} (${span}): to use them as dates, change its type to datetime with numbers as ${unit.toUpperCase()} (Prepare › Change type).`,
    column: profile.name,
    // The digits of the layout: 8 for YYYYMMDD, 6 for YYYYMM.
    value: unit.length,
  };
}

/**
 * Numbers in a column named like a date that are all days of 1950–2099 counted as a spreadsheet
 * counts them (43831 is 2020-01-01): say how to read them as dates. Fractions are times of day.
 */
export function excelDateWarning(profile: ColumnProfile): ProfileWarning | null {
  const { min, max } = profile;
  if (profile.type !== 'integer' && profile.type !== 'numeric') return null;
  if (min === null || max === null || !excelRange(profile.name, min, max)) return null;
  const when = (serial: number) => {
    const text = new Date(excelSerialMs(serial)).toISOString();
    return profile.type === 'integer' ? text.slice(0, 10) : text.slice(0, 16).replace('T', ' ');
  };
  return {
    code: 'excel-date',
    message: `Column “${profile.name}” looks like dates as a spreadsheet stores them, days since 1899-12-30 (${when(min)} to ${when(max)}): to use them as dates, change its type to datetime with numbers as spreadsheet days (Prepare › Change type).`,
    column: profile.name,
  };
}

/**
 * The Prepare › Change type unit a warning about dates stored as numbers suggests: Unix seconds or
 * milliseconds, YYYYMMDD or YYYYMM, spreadsheet days; null for any other warning.
 */
export function suggestedDateUnit(warning: ProfileWarning): NumberDateUnit | null {
  if (warning.code === 'unix-time') return warning.value === 1 ? 'epoch-ms' : 'epoch-s';
  if (warning.code === 'compact-date') return warning.value === 8 ? 'yyyymmdd' : 'yyyymm';
  if (warning.code === 'excel-date') return 'excel';
  return null;
}
