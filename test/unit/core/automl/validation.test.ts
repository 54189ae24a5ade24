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
      '3-fold stratified cross-validation, not 10 (under 1,000 rows, so 10 folds keep each validation score steady): the smallest class has only 3 rows, and every fold needs one.',
    );
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
