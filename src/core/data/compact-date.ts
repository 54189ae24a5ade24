import { daysFromCivil, daysInMonth } from './datetime-text';

const DAY_MS = 86_400_000;

/** Dates written as whole numbers: 20240131 (YYYYMMDD) or 202401 (YYYYMM, the month's first day). */
export type CompactDateUnit = 'yyyymmdd' | 'yyyymm';

/** 20240131 → that day in ms since 1970 (UTC), or NaN when the number is not a valid YYYYMMDD. */
export function yyyymmddMs(value: number): number {
  if (!Number.isInteger(value) || value < 10_000_101 || value > 29_991_231) return NaN;
  const year = Math.floor(value / 10_000);
  const month = Math.floor((value % 10_000) / 100);
  const day = value % 100;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day) * DAY_MS;
}

/**
 * 202401 → 1 January 2024 in ms since 1970 (UTC), or NaN. Years 1800–2199 only: a plain count
 * rarely runs through such six-digit numbers with every last two digits a month.
 */
export function yyyymmMs(value: number): number {
  if (!Number.isInteger(value) || value < 180_001 || value > 219_912) return NaN;
  const month = value % 100;
  if (month < 1 || month > 12) return NaN;
  return daysFromCivil(Math.floor(value / 100), month, 1) * DAY_MS;
}

export const compactDateMs = (unit: CompactDateUnit) =>
  unit === 'yyyymmdd' ? yyyymmddMs : yyyymmMs;

/**
 * The compact layout every value (missing ones aside) is written in, trying YYYYMMDD then YYYYMM;
 * null when there are fewer than two values or some value is neither.
 */
export function compactDateUnit(values: ArrayLike<number>): CompactDateUnit | null {
  for (const unit of ['yyyymmdd', 'yyyymm'] as const) {
    const read = compactDateMs(unit);
    let present = 0;
    let all = true;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (Number.isNaN(value)) continue;
      if (Number.isNaN(read(value))) {
        all = false;
        break;
      }
      present++;
    }
    if (all && present > 1) return unit;
  }
  return null;
}
