import { describe, expect, it } from 'vitest';
import { profileTable } from '../../../../src/core/data';
import { numberColumn, Table } from '../../../../src/core/table';

const warningsOf = (...columns: Parameters<typeof numberColumn>[]) =>
  profileTable(new Table(columns.map((args) => numberColumn(...args)))).warnings.filter(
    (warning) => warning.code === 'missing-code',
  );

describe('numbers that stand for missing', () => {
  it('flags a negative code under values that are all 0 or more', () => {
    const [warning, ...rest] = warningsOf([
      'income',
      [52_000, -999, 61_000, -999, 0, null],
      'integer',
    ]);
    expect(rest).toEqual([]);
    expect(warning).toEqual({
      code: 'missing-code',
      column: 'income',
      value: -999,
      message:
        "Column “income” holds -999 in 2 rows, while all its other values are 0 or more: probably a code for a missing value. To read it as missing, change the column's type to integer with -999 among the values that count as missing (Prepare › Change type).",
    });
  });

  it('flags a code above, in two rows or more, at least twice every other value', () => {
    const [warning] = warningsOf(['age', [34, 999, 51, 999, 18, 47]]);
    expect(warning).toMatchObject({ column: 'age', value: 999 });
    expect(warning?.message).toContain('its other values are at most 51');
  });

  it('leaves real values alone', () => {
    expect(
      warningsOf(
        // A temperature that goes below zero: -9 is a value among others.
        ['celsius', [-9, -3, 4, 12]],
        // 999 once: an outlier, perhaps, not a code.
        ['visits', [3, 999, 5, 8]],
        // 99 next to 98: the top of a scale.
        ['score', [99, 98, 99, 70]],
        // Not a code at all.
        ['balance', [-1000, 20, 30, 40]],
      ),
    ).toEqual([]);
  });
});
