import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/sklearn/metrics-splits.json';
import {
  groupKFold,
  holdout,
  kFold,
  stratifiedHoldout,
  stratifiedKFold,
  timeSeriesSplit,
  type Split,
} from '../../../src/core/evaluation';
import { seededRandom } from '../../../src/core/random';

const plain = (splits: readonly Split[]) =>
  splits.map(({ train, test }) => ({ train: Array.from(train), test: Array.from(test) }));

function expectPartition(split: Split, rows: number) {
  const uses = new Int32Array(rows);
  for (const index of [...split.train, ...split.test]) uses[index] = (uses[index] as number) + 1;
  expect(
    uses.every((count) => count === 1),
    'every row on exactly one side',
  ).toBe(true);
  const increasing = (side: Int32Array) =>
    side.every((value, i) => i === 0 || value > (side[i - 1] as number));
  expect(increasing(split.train) && increasing(split.test), 'indices in increasing order').toBe(
    true,
  );
}

function expectFoldsCoverOnce(splits: readonly Split[], rows: number) {
  const tested = new Int32Array(rows);
  for (const split of splits) {
    expectPartition(split, rows);
    for (const index of split.test) tested[index] = (tested[index] as number) + 1;
  }
  expect(tested.every((count) => count === 1)).toBe(true);
}

function labels(seed: number, rows: number, shares: readonly number[]) {
  const rng = seededRandom(seed);
  return Int32Array.from({ length: rows }, () => {
    let u = rng();
    for (let c = 0; c < shares.length; c++) {
      u -= shares[c] as number;
      if (u < 0) return c;
    }
    return shares.length - 1;
  });
}

const countOf = (y: Int32Array, indices: Int32Array, c: number) =>
  indices.reduce((count, index) => count + (y[index] === c ? 1 : 0), 0);

describe('splitters reproduce scikit-learn where it is deterministic', () => {
  const y = Int32Array.from(fixture.y);

  it('KFold without shuffling', () => {
    expect(plain(kFold(fixture.n, { folds: 5 }))).toEqual(fixture.kfold);
  });

  it('StratifiedKFold without shuffling', () => {
    expect(plain(stratifiedKFold(y, ['0', '1', '2'], { folds: 4 }))).toEqual(fixture.stratified);
  });

  it('GroupKFold', () => {
    expect(plain(groupKFold(fixture.groups, { folds: 3 }))).toEqual(fixture.group_kfold);
  });

  it.each(fixture.time_series)('TimeSeriesSplit $options', ({ options, folds }) => {
    const o = options as Partial<Record<string, number>>;
    const splits = timeSeriesSplit(fixture.n, {
      splits: o.n_splits,
      gap: o.gap,
      maxTrainSize: o.max_train_size,
      testSize: o.test_size,
    });
    expect(plain(splits)).toEqual(folds);
  });
});

describe('holdout', () => {
  it('takes ⌈fraction × rows⌉ test rows, disjoint from training, the same for a seed', () => {
    const [split] = holdout(101, { testSize: 0.25, rng: seededRandom(1) });
    expect(split.test).toHaveLength(26);
    expect(split.train).toHaveLength(75);
    expectPartition(split, 101);
    expect(plain(holdout(101, { testSize: 0.25, rng: seededRandom(1) }))).toEqual(plain([split]));
    expect(plain(holdout(101, { testSize: 0.25, rng: seededRandom(2) }))).not.toEqual(
      plain([split]),
    );
    expect(holdout(50, { testSize: 7, rng: seededRandom(1) })[0].test).toHaveLength(7);
  });

  it('keeps class proportions when stratified, every class on both sides', () => {
    const shares = [0.6, 0.3, 0.07, 0.03];
    const y = labels(4, 1000, shares);
    const totals = shares.map((_, c) => y.filter((label) => label === c).length);
    for (let seed = 0; seed < 20; seed++) {
      const [split] = stratifiedHoldout(y, ['a', 'b', 'c', 'd'], {
        testSize: 0.2,
        rng: seededRandom(seed),
      });
      expectPartition(split, 1000);
      expect(split.test).toHaveLength(200);
      for (let c = 0; c < 4; c++) {
        const inTest = countOf(y, split.test, c);
        expect(Math.abs(inTest - (totals[c] as number) * 0.2), `class ${c}`).toBeLessThanOrEqual(1);
      }
    }
    const tiny = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const [split] = stratifiedHoldout(tiny, ['a', 'b'], { testSize: 0.2, rng: seededRandom(3) });
    expect(countOf(tiny, split.test, 1)).toBe(1);
    expect(countOf(tiny, split.train, 1)).toBe(1);
  });

  it('refuses sizes and classes it cannot honour', () => {
    expect(() => holdout(10, { testSize: 1.5, rng: seededRandom(1) })).toThrow(/testSize/);
    expect(() => holdout(10, { testSize: 10, rng: seededRandom(1) })).toThrow(/no training rows/);
    expect(() =>
      stratifiedHoldout(Int32Array.from([0, 0, 0, 1]), ['cat', 'dog'], { rng: seededRandom(1) }),
    ).toThrow('at least 2 rows of every class; class “dog” has 1');
  });
});

describe('k-fold splitters', () => {
  it('shuffles KFold by seed into near-equal folds', () => {
    const splits = kFold(23, { folds: 4, rng: seededRandom(9) });
    expectFoldsCoverOnce(splits, 23);
    expect(splits.map((split) => split.test.length)).toEqual([6, 6, 6, 5]);
    expect(plain(kFold(23, { folds: 4, rng: seededRandom(9) }))).toEqual(plain(splits));
    expect(plain(splits)).not.toEqual(plain(kFold(23, { folds: 4 })));
  });

  it('balances every class across stratified folds', () => {
    const y = labels(11, 503, [0.5, 0.3, 0.15, 0.05]);
    for (const rng of [undefined, seededRandom(5)]) {
      const splits = stratifiedKFold(y, ['a', 'b', 'c', 'd'], { folds: 5, rng });
      expectFoldsCoverOnce(splits, 503);
      const sizes = splits.map((split) => split.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (let c = 0; c < 4; c++) {
        const perFold = splits.map((split) => countOf(y, split.test, c));
        expect(Math.max(...perFold) - Math.min(...perFold), `class ${c}`).toBeLessThanOrEqual(1);
      }
    }
    const a = plain(stratifiedKFold(y, ['a', 'b', 'c', 'd'], { rng: seededRandom(5) }));
    expect(plain(stratifiedKFold(y, ['a', 'b', 'c', 'd'], { rng: seededRandom(5) }))).toEqual(a);
    expect(plain(stratifiedKFold(y, ['a', 'b', 'c', 'd'], { rng: seededRandom(6) }))).not.toEqual(
      a,
    );
  });

  it('says which class is too small to stratify', () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(() => stratifiedKFold(y, ['yes', 'x'], { folds: 5 })).toThrow(
      'Stratified 5-fold needs at least 5 rows of every class; class “x” has 2.',
    );
    expect(() => stratifiedKFold(y, ['yes', 'x', 'unused'], { folds: 2 })).not.toThrow();
    expect(() => stratifiedKFold(Int32Array.from([0, 3]), ['a', 'b'], { folds: 2 })).toThrow(
      /y\[1\] = 3/,
    );
  });

  it('never splits a group and keeps group folds balanced', () => {
    const rng = seededRandom(21);
    const groups = Array.from({ length: 400 }, () => `patient-${Math.floor(rng() ** 2 * 60)}`);
    const splits = groupKFold(groups, { folds: 5 });
    expectFoldsCoverOnce(splits, 400);
    for (const split of splits) {
      const testGroups = new Set(Array.from(split.test, (index) => groups[index]));
      expect(split.train.some((index) => testGroups.has(groups[index] as string))).toBe(false);
    }
    const sizes = splits.map((split) => split.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(40);
    expect(() => groupKFold([1, 1, 2, 2], { folds: 3 })).toThrow(
      '3-fold cross-validation needs at least 3 groups; there are 2.',
    );
  });

  it('refuses impossible fold counts', () => {
    expect(() => kFold(4, { folds: 5 })).toThrow(
      '5-fold cross-validation needs at least 5 rows; there are 4.',
    );
    expect(() => kFold(10, { folds: 1 })).toThrow(/at least 2/);
    expect(() => kFold(10, { folds: 2.5 })).toThrow(/whole number/);
  });
});

describe('time-series splits', () => {
  it('always trains on the past, with the gap and window asked for', () => {
    const splits = timeSeriesSplit(100, { splits: 4, gap: 3, maxTrainSize: 30 });
    expect(splits).toHaveLength(4);
    let lastTestEnd = -1;
    for (const { train, test } of splits) {
      expect(train.length).toBeLessThanOrEqual(30);
      expect((test[0] as number) - (train[train.length - 1] as number)).toBe(4);
      expect(test[0]).toBeGreaterThan(lastTestEnd);
      lastTestEnd = test[test.length - 1] as number;
    }
    expect(lastTestEnd).toBe(99);
  });

  it('refuses splits that leave nothing to train on', () => {
    expect(() => timeSeriesSplit(5, { splits: 5 })).toThrow(/at least 6 rows/);
    expect(() => timeSeriesSplit(20, { splits: 4, testSize: 5 })).toThrow(/leave no training rows/);
    expect(() => timeSeriesSplit(20, { splits: 2, gap: -1 })).toThrow(/gap/);
  });
});
