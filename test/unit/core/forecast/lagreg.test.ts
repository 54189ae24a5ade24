import { describe, expect, it } from 'vitest';
import { accuracy, maseScale } from '../../../../src/core/forecast/accuracy';
import { lagreg } from '../../../../src/core/forecast/lagreg';
import { naive } from '../../../../src/core/forecast/baselines';
import { seededRandom } from '../../../../src/core/random';
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

  /** Monthly values about 100–140 with a season, a slow rise and noise. */
  function monthly(seed: number): Float64Array {
    const random = seededRandom(seed);
    return Float64Array.from({ length: 132 }, (_, t) => {
      const noise = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return 100 + 0.3 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + 3 * noise;
    });
  }

  /** The largest forecast, over 12 steps from each origin whose 12 lags hold values 100…102. */
  async function largest(series: Float64Array, learner: string): Promise<number> {
    let most = 0;
    for (const origin of [103, 106, 109, 112]) {
      const fitted = await lagreg.fit(
        series.slice(0, origin),
        { period: 12, seed: 1 },
        { learner, strategy: 'recursive', horizon: 12 },
      );
      most = Math.max(most, ...fitted.forecast(12).mean.map(Math.abs));
    }
    return most;
  }

  it.each(['linear', 'forest', 'gbdt'])(
    '%s forecasts past single spikes as if they were not there',
    async (learner) => {
      // Spikes of 300, 20 and 431 in a level of 100–140: learners taught the jump into a spike
      // and out of it forecast 1,000–15,000 from every origin whose lags held the 431.
      const series = monthly(2);
      series[30] = 300;
      series[60] = 20;
      series[101] = 431;
      expect(await largest(series, learner)).toBeLessThan(170);
    },
  );

  it.each(['linear', 'forest', 'gbdt'])(
    '%s never forecasts a change unlike every change it learned from',
    async (learner) => {
      // Three high values in a row are no spike to take out, but the forecasts stay within
      // reach of the values seen: unclipped, the forest reached 580,000 and ridge 3,400.
      const series = monthly(1);
      series[100] = 431;
      series[101] = 420;
      series[102] = 440;
      expect(await largest(series, learner)).toBeLessThan(1000);
      const fitted = await lagreg.fit(
        series.slice(0, 106),
        { period: 12, seed: 1 },
        { learner, strategy: 'direct', horizon: 6 },
      );
      const restored = lagreg.restore!(JSON.parse(JSON.stringify(fitted.toJSON())));
      expect(restored.forecast(6)).toEqual(fitted.forecast(6));
      expect(() => lagreg.restore!({ ...fitted.toJSON(), limits: [1, 2, 3] })).toThrow(
        /3 change limits for 6 models/,
      );
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
