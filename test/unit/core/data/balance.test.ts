import { describe, expect, it } from 'vitest';
import { classBalance, imbalanceWarning } from '../../../../src/core/data/profile/balance';
import { numberColumn, stringColumn } from '../../../../src/core/table';

describe('class balance of a chosen target', () => {
  it('counts every class, the most frequent first, leaving missing rows out', () => {
    const column = stringColumn('churn', ['no', 'yes', 'no', null, 'no', 'maybe', 'no', 'yes']);
    const balance = classBalance(column);
    expect(balance).toEqual({
      ok: true,
      classes: [
        { value: 'no', count: 4 },
        { value: 'yes', count: 2 },
        { value: 'maybe', count: 1 },
      ],
      count: 7,
      missing: 1,
    });
  });

  it('reads booleans as true and false, and integers as their values', () => {
    const flags = classBalance(numberColumn('ok', [1, 0, 1, null, 1], 'boolean'));
    expect(flags.ok && flags.classes).toEqual([
      { value: 'true', count: 3 },
      { value: 'false', count: 1 },
    ]);
    const grades = classBalance(numberColumn('grade', [3, 1, 3, 2, 3], 'integer'));
    expect(grades.ok && grades.classes.map((entry) => entry.value)).toEqual([3, 1, 2]);
  });

  it('says why a column cannot be a class target', () => {
    const reason = (balance: ReturnType<typeof classBalance>) => !balance.ok && balance.reason;
    expect(reason(classBalance(numberColumn('price', [1.5, 2.5], 'numeric')))).toMatch(
      /“price” is numeric/,
    );
    expect(reason(classBalance(stringColumn('kind', ['a', 'a', null])))).toMatch(/single value/);
    const ids = numberColumn(
      'id',
      Array.from({ length: 60 }, (_, i) => i),
      'integer',
    );
    expect(reason(classBalance(ids))).toMatch(/more than 50 distinct values/);
  });

  it('warns when the rarest class is under a tenth of the rows with a class', () => {
    const rare = Array.from({ length: 100 }, (_, i) => (i < 4 ? 'fraud' : 'ok'));
    const balance = classBalance(stringColumn('label', rare));
    if (!balance.ok) throw new Error(balance.reason);
    expect(imbalanceWarning('label', balance.classes, balance.count)).toMatchObject({
      code: 'imbalance',
      column: 'label',
      value: 0.04,
      message: expect.stringContaining('Class “fraud” of target “label” is only 4% of rows'),
    });
    const even = classBalance(stringColumn('label', ['a', 'b', 'a', 'b']));
    if (!even.ok) throw new Error(even.reason);
    expect(imbalanceWarning('label', even.classes, even.count)).toBeNull();
  });
});
