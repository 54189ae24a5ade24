import { describe, expect, it } from 'vitest';
import { planFolds } from '../../../../src/core/forecast/backtest';
import {
  clearlyBetter,
  overlapVarianceFactor,
  unbeatenBenchmarks,
} from '../../../../src/core/forecast/benchmarks';
import { multiplicativeGrowth } from '../../../../src/core/forecast/growth';
import { searchForecast } from '../../../../src/core/forecast/search';
import { randomNormal, seededRandom } from '../../../../src/core/random';

describe('the standard error of overlapping folds', () => {
  it('is the usual one for folds that share no test step', () => {
    const apart = planFolds(200, { horizon: 12, folds: 8, step: 12, minTrain: 20 });
    expect(overlapVarianceFactor(apart)).toBeCloseTo(1 / 8, 12);
  });

  it('counts eight folds a quarter horizon apart as about 1.6 independent ones', () => {
    const folds = planFolds(100, { horizon: 12, folds: 8, step: 3, minTrain: 20 });
    // Shared steps 12, 9, 6, 3 between folds 0…3 apart: S = 324/144, T = 96/144.
    expect(overlapVarianceFactor(folds)).toBeCloseTo((7 * 324) / (8 * (8 * 96 - 324)), 12);
    expect(1 / overlapVarianceFactor(folds)).toBeCloseTo(1.566, 3);
  });

  it('is unbounded for folds that test the same steps, or for a single fold', () => {
    const same = [
      { origin: 50, horizon: 12 },
      { origin: 50, horizon: 12 },
    ];
    expect(overlapVarianceFactor(same)).toBe(Infinity);
    expect(overlapVarianceFactor([{ origin: 50, horizon: 12 }])).toBe(Infinity);
  });

  it('refuses a win that folds a quarter horizon apart only seem to establish', () => {
    const benchmark = [1, 1, 1, 1, 1, 1, 1, 1];
    // Mean difference −0.1 with a fold-wise standard deviation of 0.151: more than one standard
    // error if the eight folds counted as 2.75 independent ones, less than one once their shared
    // test steps are allowed for.
    const model = [0.7, 1.05, 0.75, 1.05, 0.8, 1.05, 0.8, 1.0];
    const quarter = planFolds(100, { horizon: 12, folds: 8, step: 3, minTrain: 20 });
    const apart = planFolds(200, { horizon: 12, folds: 8, step: 12, minTrain: 20 });
    const spread = Math.sqrt(
      model.reduce((sum, value) => sum + (value - 1 + 0.1) ** 2, 0) / (model.length - 1),
    );
    expect(-0.1 + spread / Math.sqrt(2.75)).toBeLessThan(0);
    expect(clearlyBetter(model, benchmark, quarter)).toBe(false);
    expect(clearlyBetter(model, benchmark, apart)).toBe(true);
  });
});

describe('the benchmarks a choice is blended with', () => {
  const drift = { trial: 2 };
  const naive = { trial: 1 };
  const beats = (beaten: readonly { trial: number }[]) => (benchmark: { trial: number }) =>
    beaten.includes(benchmark);

  it('are every benchmark the choice does not clearly beat, in order', () => {
    const theta = { trial: 5 };
    expect(unbeatenBenchmarks(theta, [drift, naive], beats([]))).toEqual([drift, naive]);
    expect(unbeatenBenchmarks(theta, [drift, naive], beats([drift]))).toEqual([naive]);
    expect(unbeatenBenchmarks(theta, [drift, naive], beats([drift, naive]))).toEqual([]);
  });

  it('leave out the benchmarks a blend already holds', () => {
    const blend = { trial: 7, members: [5, 2] };
    expect(unbeatenBenchmarks(blend, [drift, naive], beats([]))).toEqual([naive]);
  });

  it('hold a benchmark chosen outright only to the simpler ones after it', () => {
    expect(unbeatenBenchmarks(drift, [drift, naive], beats([]))).toEqual([naive]);
    expect(unbeatenBenchmarks(naive, [drift, naive], beats([]))).toEqual([]);
  });
});

describe('a series that seems to grow by a rate', () => {
  async function search(y: Float64Array) {
    let clock = 0;
    return searchForecast(y, {
      horizon: 12,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'drift', 'theta'],
      ensemble: 0,
    });
  }

  it('blends in naive when the folds do not show the growth beats no change', async () => {
    // A random walk without drift that passes the whole-history growth test by chance: drift is
    // a benchmark then, but no model's backtest clearly beats naive, so naive joins the blend.
    const random = seededRandom(180);
    let level = 100;
    const y = Float64Array.from({ length: 120 }, () => (level += 2 * randomNormal(random)));
    expect(multiplicativeGrowth(y)).toBe(true);
    const result = await search(y);
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    const drift = result.leaderboard.find(
      (entry) => entry.model === 'drift' && entry.params.lambda === undefined,
    )!;
    expect(result.best.model).toBe('ensemble');
    expect(result.best.members).toContain(naive.trial);
    expect(result.best.members).toContain(drift.trial);
    expect(result.model.label).toContain('Naive');
  });

  it('keeps naive out when the folds show compound growth beating no change', async () => {
    const random = seededRandom(3);
    const y = Float64Array.from(
      { length: 80 },
      (_, t) => 100 * 1.03 ** t * Math.exp(0.02 * randomNormal(random)),
    );
    expect(multiplicativeGrowth(y)).toBe(true);
    const result = await search(y);
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    expect(result.best.trial).not.toBe(naive.trial);
    expect(result.best.members ?? []).not.toContain(naive.trial);
  });

  it('keeps naive out when the folds cannot reach the horizon to weigh the growth', async () => {
    // 26 years to forecast 24: the folds test 14 steps at most, so the growth test over the whole
    // history is the only evidence, and drift alone hedges the choice.
    const random = seededRandom(4);
    const y = Float64Array.from(
      { length: 26 },
      (_, t) => 100 * 1.03 ** t * Math.exp(0.05 * randomNormal(random)),
    );
    expect(multiplicativeGrowth(y)).toBe(true);
    let clock = 0;
    const result = await searchForecast(y, {
      horizon: 24,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'drift', 'theta', 'trend'],
      ensemble: 0,
    });
    expect(result.folds[0]!.horizon).toBeLessThan(24);
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    const drift = result.leaderboard.find(
      (entry) => entry.model === 'drift' && entry.params.lambda === undefined,
    )!;
    expect(result.best.members ?? [result.best.trial]).toContain(drift.trial);
    expect(result.best.members ?? [result.best.trial]).not.toContain(naive.trial);
  });
});
