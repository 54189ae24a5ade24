import { describe, expect, it } from 'vitest';
import { planValidation } from '../../../../src/core/automl/validation';
import type { Target } from '../../../../src/core/learners/types';

const classes = (rows: number): Target => ({
  task: 'classification',
  classes: ['a', 'b'],
  y: Int32Array.from({ length: rows }, (_, i) => i % 2),
});

const values = (rows: number): Target => ({
  task: 'regression',
  y: Float64Array.from({ length: rows }, (_, i) => i),
});

const plan = (target: Target, cols: number, budgetSeconds: number) =>
  planValidation({ option: 'auto', target, cols, budgetSeconds, seed: 0 }).description;

describe('the automatic validation scheme', () => {
  it('cross-validates a small table even on a budget of seconds', () => {
    // 426 rows × 30 columns, the breast cancer training split: 10 folds, not an 86-row holdout.
    const small = plan(classes(426), 30, 3.58);
    expect(small.kind).toBe('cv');
    expect(small.folds).toBe(10);
    expect(small.validationRows).toBe(426);
    const regression = plan(values(2_250), 10, 5);
    expect(regression.kind).toBe('cv');
    expect(regression.folds).toBe(5);
  });

  it('says when the smallest class allows fewer folds than asked', () => {
    const target: Target = {
      task: 'classification',
      classes: ['a', 'b', 'c'],
      y: Int32Array.from({ length: 60 }, (_, i) => (i < 3 ? 2 : i % 2)),
    };
    const limited = plan(target, 4, 10);
    expect(limited).toMatchObject({ kind: 'cv', folds: 3 });
    expect(limited.reason).toBe(
      '3-fold stratified cross-validation, repeated 3 times on new shuffles, not 10 folds (under 1,000 rows, so 10 folds keep each validation score steady, and 3 shuffles keep one lucky split from picking the model): the smallest class has only 3 rows, and every fold needs one.',
    );
  });

  it('repeats the folds of a small table on new shuffles when the budget allows', () => {
    const target = classes(200);
    const repeated = planValidation({
      option: 'auto',
      target,
      cols: 8,
      budgetSeconds: 30,
      seed: 4,
    });
    expect(repeated.description).toMatchObject({ kind: 'cv', folds: 10, repeats: 3 });
    expect(repeated.repeats).toBe(3);
    expect(repeated.folds).toHaveLength(30);
    expect(repeated.y).toHaveLength(600);
    // Each repeat validates every row once, and the repeats shuffle differently.
    const tests = [0, 1, 2].map((r) =>
      repeated.folds.slice(10 * r, 10 * r + 10).flatMap((fold) => Array.from(fold.test)),
    );
    for (const rows of tests)
      expect([...rows].sort((a, b) => a - b)).toEqual([...Array(200).keys()]);
    expect(tests[1]).not.toEqual(tests[0]);
    expect(tests[2]).not.toEqual(tests[1]);
    // A budget of seconds, or a thousand rows and more, gets one run of the folds.
    expect(plan(target, 8, 5)).toMatchObject({ folds: 10, repeats: 1 });
    expect(plan(classes(1_500), 8, 60)).toMatchObject({ kind: 'cv', folds: 5, repeats: 1 });
    // The user may ask for repeats, and is told when the number makes no sense.
    const asked = planValidation({
      option: { kind: 'cv', folds: 5, repeats: 2 },
      target,
      cols: 8,
      budgetSeconds: 5,
      seed: 4,
    });
    expect(asked.folds).toHaveLength(10);
    expect(asked.description.reason).toContain('repeated 2 times');
    expect(() =>
      planValidation({
        option: { kind: 'cv', folds: 5, repeats: 0 },
        target,
        cols: 8,
        budgetSeconds: 5,
        seed: 4,
      }),
    ).toThrow(/repeats must be a whole number/);
  });

  it('holds out rows once the table is too large for the budget, and says so in round seconds', () => {
    const larger = plan(classes(5_000), 20, 9.87);
    expect(larger.kind).toBe('holdout');
    expect(larger.validationRows).toBe(1_000);
    expect(larger.reason).toContain('5,000 rows × 20 columns');
    expect(larger.reason).toContain('in 9.9 s');
    // The same table with an hour cross-validates, five times.
    expect(plan(classes(5_000), 20, 3_600)).toMatchObject({ kind: 'cv', folds: 5 });
    // From 20,000 rows a tenth is held out.
    expect(plan(values(20_000), 20, 60)).toMatchObject({ kind: 'holdout', validationRows: 2_000 });
  });
});
