import type { NumberColumn } from '../../table';
import type { ColumnProfile, ProfileWarning } from './types';

/** Codes that surveys and exports write for “unknown” below a column's real values. */
const BELOW = new Set([-9, -99, -999, -9999, -99999, -999999]);
/** The same codes written above a column's real values. */
const ABOVE = new Set([99, 999, 9999, 99999, 999999]);

/**
 * A number that stands for “unknown”: the column's minimum is -9, -99, -999 … and every other
 * value is 0 or more; or its maximum is 99, 999, 9999 … in two rows or more, and every other value
 * is at most half of it. Only then is the column read again, to count the code and find the
 * nearest other value.
 */
export function missingCodeWarning(
  column: NumberColumn,
  profile: ColumnProfile,
): ProfileWarning | null {
  if (profile.type !== 'numeric' && profile.type !== 'integer') return null;
  const { min, max } = profile;
  if (min === null || max === null || min === max) return null;
  const below = BELOW.has(min);
  const code = below ? min : ABOVE.has(max) ? max : null;
  if (code === null) return null;
  let times = 0;
  // The other values' nearest edge: their minimum under a code below, their maximum over one above.
  let nearest = below ? Infinity : -Infinity;
  const values = column.values;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === code) times++;
    else if (value === value) nearest = below ? Math.min(nearest, value) : Math.max(nearest, value);
  }
  const apart = below ? nearest >= 0 : times >= 2 && nearest <= code / 2;
  if (!apart || !Number.isFinite(nearest)) return null;
  const rows = `${times.toLocaleString('en-US')} row${times === 1 ? '' : 's'}`;
  const others = below
    ? 'all its other values are 0 or more'
    : `its other values are at most ${nearest.toLocaleString('en-US')}`;
  return {
    code: 'missing-code',
    message: `Column “${profile.name}” holds ${code} in ${rows}, while ${others}: probably a code for a missing value. To read it as missing, change the column's type to ${profile.type} with ${code} among the values that count as missing (Prepare › Change type).`,
    column: profile.name,
    value: code,
  };
}
