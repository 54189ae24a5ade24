import { describe, expect, it } from 'vitest';
import { DEFAULT_MISSING, parseCsv } from '../../../../src/core/data';
import { valueAt, type Column } from '../../../../src/core/table';
import {
  formatMissingList,
  isDefaultMissing,
  parseMissingList,
} from '../../../../src/core/data/missing';

describe('missing-value lists typed by a person', () => {
  it('splits on commas, trims, and drops blanks and repeats', () => {
    expect(parseMissingList(' NA, -999 ,, ?, NA,.')).toEqual(['NA', '-999', '?', '.']);
    expect(parseMissingList('')).toEqual([]);
    expect(parseMissingList(' , ')).toEqual([]);
  });

  it('writes the default list without the empty cell, and reads it back as the default', () => {
    const text = formatMissingList();
    expect(text).toBe('NA, N/A, n/a, #N/A, NaN, nan, null, NULL, None, ?, -');
    expect(parseMissingList(text)).toEqual(DEFAULT_MISSING.filter((token) => token !== ''));
    expect(isDefaultMissing(parseMissingList(text))).toBe(true);
    expect(isDefaultMissing([...DEFAULT_MISSING].reverse())).toBe(true);
    expect(isDefaultMissing(parseMissingList(`${text}, -999`))).toBe(false);
    expect(isDefaultMissing(['NA'])).toBe(false);
    expect(isDefaultMissing([])).toBe(false);
  });

  it('a parsed list replaces the default one in an import', () => {
    const csv = 'code,score\nNA,-999\nFR,1.5\n,-999\n';
    const read = (missing?: string[]) => {
      const result = parseCsv(csv, missing ? { missing } : {});
      if (!result.ok) throw new Error(result.error.message);
      return result.table;
    };
    const values = (column: Column | undefined) =>
      Array.from({ length: 3 }, (_, row) => valueAt(column as Column, row));
    const standard = read();
    expect(values(standard.columns[0])).toEqual([null, 'FR', null]);
    expect(values(standard.columns[1])).toEqual([-999, 1.5, -999]);
    const chosen = read(parseMissingList('-999'));
    expect(values(chosen.columns[0])).toEqual(['NA', 'FR', null]);
    expect(values(chosen.columns[1])).toEqual([null, 1.5, null]);
    expect(chosen.columns[1]?.type).toBe('numeric');
  });
});
