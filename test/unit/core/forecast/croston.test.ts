import { describe, expect, it } from 'vitest';
import { fitCroston, zeroShare } from '../../../../src/core/forecast/croston';
import { fitForecaster, restoreForecaster } from '../../../../src/core/forecast/registry';
import { candidateSpecs, searchForecast } from '../../../../src/core/forecast/search';

// Intermittent demand: 24 periods, demand in 7 of them.
const y = Float64Array.from([
  0, 0, 3, 0, 0, 0, 5, 0, 2, 0, 0, 4, 0, 0, 0, 0, 6, 0, 1, 0, 0, 3, 0, 0,
]);

describe("Croston's method", () => {
  it("forecasts as R's croston with the same smoothing weight", () => {
    // forecast::croston(y, h = 3, alpha = 0.1): 1.0401081215 each step; fitted values from the
    // first demand on: 1 (3 over 3 periods), then 1.0322580645 after the second.
    const model = fitCroston(y, 'classic', 0.1);
    expect(model.forecast(3).mean[0]).toBeCloseTo(1.0401081215, 9);
    expect(model.forecast(3).mean[2]).toBeCloseTo(1.0401081215, 9);
    expect(Number.isNaN(model.fitted[2]!)).toBe(true);
    expect(model.fitted[3]).toBeCloseTo(1, 12);
    expect(model.fitted[7]).toBeCloseTo(1.0322580645, 9);
    expect(model.fitted[23]).toBeCloseTo(1.0401081215, 9);
  });

  it('takes 1 − α/2 off for the Syntetos–Boylan approximation, and picks each α by its error', () => {
    const sba = fitCroston(y, 'sba', 0.1);
    expect(sba.forecast(1).mean[0]).toBeCloseTo(1.0401081215 * 0.95, 9);
    expect(sba.label).toBe('Croston (SBA)');
    const chosen = fitCroston(y);
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(chosen.params.alpha_size);
    expect([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]).toContain(chosen.params.alpha_interval);
  });

  it('gives flat intervals from the recent values that keep a period without demand possible', () => {
    const model = fitCroston(y);
    const { mean, intervals } = model.forecast(4, [80, 95]);
    for (const { lo, hi } of intervals) {
      expect(new Set(lo).size).toBe(1);
      expect(lo[0]).toBe(0);
      expect(hi[0]).toBeGreaterThan(mean[0]!);
    }
    expect(intervals[1]!.hi[0]).toBeGreaterThanOrEqual(intervals[0]!.hi[0]!);
  });

  it('is kept at 0 or above, saved and restored as it forecast', async () => {
    const fitted = await fitForecaster('croston', y, { period: 1 }, {});
    const first = fitted.forecast(5, [80]);
    expect(first.intervals[0]!.lo[0]).toBe(0);
    const restored = restoreForecaster(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(restored.forecast(5, [80])).toEqual(first);
  });

  it('refuses negative values, too few demands and a weight out of range', () => {
    expect(() => fitCroston(Float64Array.from([0, 2, -1, 0]))).toThrow(/never negative/);
    expect(() => fitCroston(Float64Array.from([0, 0, 3, 0]))).toThrow(/two periods with demand/);
    expect(() => fitCroston(y, 'sba', 1.5)).toThrow(/smoothing weight/);
  });

  it('says why it alone cannot forecast a series that is not intermittent', async () => {
    const steady = Float64Array.from({ length: 40 }, (_, t) => 10 + (t % 4));
    await expect(
      searchForecast(steady, { horizon: 4, period: 1, families: ['croston'], now: () => 0 }),
    ).rejects.toThrow(
      "Croston's method forecasts demand that is often zero, and the series is zero in only 0% of its steps (it needs 25% or more): choose other models too.",
    );
  });

  it('is a candidate for demand that is often zero, when asked for', () => {
    expect(zeroShare(y)).toBeCloseTo(17 / 24);
    const models = (intermittent: boolean, families?: string[]) =>
      candidateSpecs({
        period: 1,
        horizon: 4,
        positive: false,
        intermittent,
        ...(families ? { families } : {}),
      }).map(
        (spec) => `${spec.model}${spec.params.method ? `:${String(spec.params.method)}` : ''}`,
      );
    expect(models(true, ['croston', 'naive'])).toEqual(['naive', 'croston', 'croston:classic']);
    expect(models(false, ['croston', 'naive'])).toEqual(['naive']);
    expect(models(true).some((name) => name.startsWith('croston'))).toBe(false);
  });
});
