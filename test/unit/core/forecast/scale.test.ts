import { describe, expect, it } from 'vitest';
import { fitForecaster, restoreForecaster } from '../../../../src/core/forecast';
import { searchForecast } from '../../../../src/core/forecast/search';
import {
  FlooredForecast,
  scaleFactor,
  ScaledForecast,
} from '../../../../src/core/forecast/transformed';
import { randomNormal, seededRandom } from '../../../../src/core/random';

/** Eight years of months near 120: a season, a slow trend and noise. */
function months(seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from(
    { length: 96 },
    (_, t) => 110 + 0.1 * t + 12 * Math.sin((2 * Math.PI * t) / 12) + 2 * randomNormal(random),
  );
}

describe('series of values far from ordinary size', () => {
  it('are scaled by a power of two into the ordinary range, others not at all', () => {
    expect(scaleFactor([3, 120, 4000])).toBe(1);
    expect(scaleFactor([1, 2 ** 20])).toBe(1);
    expect(scaleFactor([0, 0, 0])).toBe(1);
    expect(scaleFactor([1e-9, 2e-9])).toBe(2 ** 36);
    expect(scaleFactor([-3e12, 1e12])).toBe(2 ** -34);
    for (const y of [
      [1e-9, 2e-9],
      [0.5, 0.25],
      [-3e12, 1e12],
    ]) {
      const largest = Math.max(...y.map((value) => Math.abs(value * scaleFactor(y))));
      expect(largest).toBeGreaterThanOrEqual(64);
      expect(largest).toBeLessThan(256);
    }
  });

  it('are forecast as the same series of ordinary size, scaled: the same models, the same digits', async () => {
    const y = months(4);
    // 2^-30 times values near 120: about 1e-7. Without the scaling, seasonal ETS and ARIMA fail
    // to fit such a series and every forecast compares as equal to seasonal naive.
    const tiny = y.map((value) => value * 2 ** -30);
    const options = {
      horizon: 12,
      period: 12,
      families: ['snaive', 'naive', 'theta', 'trend', 'ets'],
      seed: 3,
      now: () => 0,
    };
    const [ordinary, small] = await Promise.all([
      searchForecast(y, options),
      searchForecast(tiny, options),
    ]);
    expect(small.leaderboard.map((entry) => entry.label)).toEqual(
      ordinary.leaderboard.map((entry) => entry.label),
    );
    expect(small.leaderboard.map((entry) => entry.backtest.mase)).toEqual(
      ordinary.leaderboard.map((entry) => entry.backtest.mase),
    );
    expect(small.best.label).toBe(ordinary.best.label);
    expect(small.best.label).not.toBe('Seasonal naive [12]');
    expect(Array.from(small.forecast.mean)).toEqual(
      Array.from(ordinary.forecast.mean, (value) => value * 2 ** -30),
    );
    expect(Array.from(small.forecast.intervals[0]!.lo)).toEqual(
      Array.from(ordinary.forecast.intervals[0]!.lo, (value) => value * 2 ** -30),
    );
  });

  it('fit on the scaled values with Box-Cox too, and save and reload with their factor', async () => {
    const huge = months(5).map((value) => value * 1e10);
    const model = await fitForecaster('ets', huge, { period: 12 }, { lambda: 'auto' });
    expect(model).toBeInstanceOf(ScaledForecast);
    const json = model.toJSON();
    expect(json).toMatchObject({ model: 'scaled', factor: scaleFactor(huge) });
    const result = model.forecast(12, [80]);
    expect(Math.min(...result.mean)).toBeGreaterThan(9e11);
    expect(model.fitted.length).toBe(huge.length);
    expect(Math.abs(model.fitted[50]! - huge[50]!)).toBeLessThan(0.1 * huge[50]!);
    const restored = restoreForecaster(JSON.parse(JSON.stringify(json)));
    expect(restored.forecast(12, [80])).toEqual(result);
    expect(restored.label).toBe(model.label);
    expect(() => restoreForecaster({ ...json, factor: 3 })).toThrow(
      'The saved scale factor is not a power of two.',
    );
  });

  it('keep a floor of 0 outside the scaling', async () => {
    const random = seededRandom(8);
    const rates = Float64Array.from({ length: 60 }, () => (random() < 0.4 ? 0 : 1e-6 * random()));
    const model = await fitForecaster('ets', rates, { period: 12 }, { model: 'ANN' });
    expect(model).toBeInstanceOf(FlooredForecast);
    expect((model as FlooredForecast).inner).toBeInstanceOf(ScaledForecast);
    const result = model.forecast(6, [80]);
    expect(Math.min(...result.intervals[0]!.lo)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.intervals[0]!.hi)).toBeLessThan(1e-5);
  });
});
