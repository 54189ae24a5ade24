import { describe, expect, it } from 'vitest';
import { accuracy, maseScale } from '../../../../src/core/forecast/accuracy';
import { lagreg } from '../../../../src/core/forecast/lagreg';
import { naive } from '../../../../src/core/forecast/baselines';
import { seasonalSeries } from './helpers';

const y = seasonalSeries(120, 5);
const train = y.slice(0, 108);
const test = y.slice(108);

describe('regression on lags', () => {
  it.each([
    ['gbdt', 'recursive'],
    ['forest', 'direct'],
  ])(
    '%s (%s) beats the naive method on a seasonal trend and reloads exactly',
    async (learner, strategy) => {
      const fitted = await lagreg.fit(
        train,
        { period: 12, seed: 3 },
        { learner, strategy, horizon: 12 },
      );
      const result = fitted.forecast(12);
      const scale = maseScale(train, 12);
      const ours = accuracy(test, result.mean, scale).mase;
      const baseline = accuracy(
        test,
        (await naive.fit(train, { period: 12 })).forecast(12).mean,
        scale,
      ).mase;
      expect(ours).toBeLessThan(baseline);
      const [i80, i95] = result.intervals;
      for (let i = 0; i < 12; i++) {
        expect(i80!.hi[i]! - i80!.lo[i]!).toBeGreaterThan(0);
        expect(i95!.hi[i]! - i95!.lo[i]!).toBeGreaterThan(i80!.hi[i]! - i80!.lo[i]!);
      }
      const restored = lagreg.restore!(JSON.parse(JSON.stringify(fitted.toJSON())));
      expect(restored.forecast(12)).toEqual(result);
      expect(fitted.fitted.length).toBe(train.length);
    },
  );

  it('uses known-in-advance regressors and needs their future values', async () => {
    const n = 100;
    const x = Float64Array.from({ length: n + 6 }, (_, t) => (t % 5 === 0 ? 1 : 0));
    const series = Float64Array.from({ length: n }, (_, t) => 10 + 8 * x[t]!);
    const fitted = await lagreg.fit(
      series,
      { period: 1, regressors: { columns: 1, x: x.slice(0, n) } },
      { learner: 'gbdt', strategy: 'direct', horizon: 6 },
    );
    const result = fitted.forecast(6, [80], x.slice(n));
    for (let i = 0; i < 6; i++) expect(result.mean[i]).toBeCloseTo(10 + 8 * x[n + i]!, 0);
    expect(() => fitted.forecast(6)).toThrow(/future rows/);
    expect(() => fitted.forecast(7, [80], x.slice(n))).toThrow(/trained for 6 steps/);
  });

  it.each(['linear', 'gbdt'])(
    '%s stays within the series when flat stretches meet a spike',
    async (learner) => {
      // A level that holds still but for one spike: lag features divided by a flat window's own
      // change made the spike a jump of 200,000 units, and the recursive forecast ran to 1e24.
      const flat = Float64Array.from({ length: 200 }, (_, t) => (t === 77 ? 1000 : 5));
      const fitted = await lagreg.fit(
        flat,
        { period: 7, seed: 1 },
        { learner, strategy: 'recursive', horizon: 12 },
      );
      const { mean, intervals } = fitted.forecast(12);
      for (const value of mean) {
        expect(value).toBeGreaterThanOrEqual(-1000);
        expect(value).toBeLessThanOrEqual(2000);
      }
      for (const { lo, hi } of intervals) {
        for (let i = 0; i < 12; i++) expect(hi[i]! - lo[i]!).toBeLessThan(1e5);
      }
      const restored = lagreg.restore!(JSON.parse(JSON.stringify(fitted.toJSON())));
      expect(restored.forecast(12)).toEqual(fitted.forecast(12));
    },
  );

  it('rejects unknown learners and strategies', async () => {
    await expect(lagreg.fit(y, { period: 12 }, { learner: 'svm', horizon: 3 })).rejects.toThrow(
      /not “svm”/,
    );
    await expect(lagreg.fit(y, { period: 12 }, { strategy: 'both', horizon: 3 })).rejects.toThrow(
      /recursive or direct/,
    );
  });
});
