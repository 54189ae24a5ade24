import { describe, expect, it } from 'vitest';
import { fitForecaster, restoreForecaster } from '../../../../src/core/forecast';
import {
  calibrateIntervals,
  calibrationNote,
  MAX_WIDENING,
  MIN_CALIBRATION_POINTS,
} from '../../../../src/core/forecast/calibrate';
import { searchForecast, type FoldForecast } from '../../../../src/core/forecast/search';
import {
  FlooredForecast,
  WidenedForecast,
  widenForecaster,
} from '../../../../src/core/forecast/transformed';
import { randomNormal, seededRandom } from '../../../../src/core/random';

/** One fold forecasting `mean` with intervals `mean ± halfWidth` from `origin`. */
function fold(origin: number, mean: number[], below: number, above = below): FoldForecast {
  return {
    origin,
    mean: Float64Array.from(mean),
    lo: Float64Array.from(mean, (value) => value - below),
    hi: Float64Array.from(mean, (value) => value + above),
  };
}

describe('calibrating intervals on the backtest', () => {
  it('leaves intervals that held their share of the values as they are', () => {
    // 20 values, 17 inside ±1 (85%), 3 just outside.
    const y = Float64Array.from({ length: 20 }, (_, t) => (t < 17 ? 0.5 : 1.5));
    const result = calibrateIntervals(y, [fold(0, new Array(20).fill(0), 1)], 80);
    expect(result).toEqual({ level: 80, points: 20, coverage: 0.85, factor: 1, needed: 1 });
  });

  it('widens intervals that held too few by the share of the half-width the values needed', () => {
    // Distances 0.07, 0.14, …, 1.4 half-widths: 14 of 20 inside; the 80% quantile is 1.134.
    const y = Float64Array.from({ length: 20 }, (_, t) => (t % 2 ? 1 : -1) * 0.07 * (t + 1));
    const result = calibrateIntervals(y, [fold(0, new Array(20).fill(0), 1)], 80)!;
    expect(result.coverage).toBe(0.7);
    expect(result.factor).toBeCloseTo(1.134, 10);
    expect(result.needed).toBe(result.factor);
    // Widened by that factor, 80% of the same values fall inside (16 of 20).
    const inside = [...y].filter((value) => Math.abs(value) <= result.factor).length;
    expect(inside).toBe(16);
  });

  it('measures each value against the bound on its own side', () => {
    // Intervals reach 1 below the forecast and 4 above: values 1.4 above are inside, 1.4 below not.
    const above = Float64Array.from({ length: 15 }, () => 1.4);
    expect(calibrateIntervals(above, [fold(0, new Array(15).fill(0), 1, 4)], 80)?.factor).toBe(1);
    const below = Float64Array.from({ length: 15 }, () => -1.4);
    const result = calibrateIntervals(below, [fold(0, new Array(15).fill(0), 1, 4)], 80)!;
    expect(result.coverage).toBe(0);
    expect(result.factor).toBeCloseTo(1.4, 12);
  });

  it('reads each fold from its own cut-off, and none past the series', () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => (t >= 20 ? 1.25 : 0));
    // Two folds of 10 steps at 10 and 20, and one reaching past the end (its last 5 steps).
    const folds = [
      fold(10, new Array(10).fill(0), 1),
      fold(20, new Array(10).fill(0), 1),
      fold(25, new Array(10).fill(0), 1),
    ];
    const result = calibrateIntervals(y, folds, 80)!;
    expect(result.points).toBe(25);
    expect(result.coverage).toBe(10 / 25);
    expect(result.factor).toBe(1.25);
  });

  it('says nothing from too few values, and widens at most MAX_WIDENING', () => {
    const few = MIN_CALIBRATION_POINTS - 1;
    const y = Float64Array.from({ length: few }, () => 100);
    expect(calibrateIntervals(y, [fold(0, new Array(few).fill(0), 1)], 80)).toBeNull();
    const many = Float64Array.from({ length: 20 }, () => 100);
    expect(calibrateIntervals(many, [fold(0, new Array(20).fill(0), 1)], 80)).toMatchObject({
      factor: MAX_WIDENING,
      needed: 100,
    });
    // Intervals of no width miss every value that is not the forecast itself.
    const flat = calibrateIntervals(many, [fold(0, new Array(20).fill(0), 0)], 80)!;
    expect(flat).toMatchObject({ factor: MAX_WIDENING, needed: null });
    const exact = calibrateIntervals(many, [fold(0, new Array(20).fill(100), 0)], 80)!;
    expect(exact).toMatchObject({ coverage: 1, factor: 1 });
  });
});

describe('the note on the calibration', () => {
  it('says how the intervals did, and how much wider they were made', () => {
    expect(calibrationNote({ level: 80, points: 96, coverage: 0.927, factor: 1, needed: 1 })).toBe(
      "The chosen model's own 80% intervals held 93% of the 96 backtest values.",
    );
    expect(
      calibrationNote({ level: 80, points: 40, coverage: 0.65, factor: 1.2345, needed: 1.2345 }),
    ).toBe(
      "The chosen model's own 80% intervals held 65% of the 40 backtest values; the forecast's intervals are widened 1.23× so that they would have held 80% (the dashed folds show them as the model gave them).",
    );
    expect(
      calibrationNote({ level: 80, points: 96, coverage: 0.32, factor: 1.5, needed: 3.456 }),
    ).toBe(
      "The chosen model's own 80% intervals held 32% of the 96 backtest values: to hold 80% they would have had to be 3.46× as wide. The forecast's intervals are widened 1.50×, the most a backtest of overlapping folds can vouch for (the dashed folds show them as the model gave them).",
    );
    expect(
      calibrationNote({ level: 80, points: 20, coverage: 0.1, factor: 1.5, needed: null }),
    ).toContain('they would have had to be far wider.');
  });
});

describe('a model with widened intervals', () => {
  it('keeps its point forecasts, widens each side apart, and saves and reloads', async () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => 50 + 10 * Math.sin(t / 3) + (t % 7));
    const inner = await fitForecaster('ets', y, { period: 1 }, { model: 'ANN', lambda: 0 });
    const model = widenForecaster(inner, 1.5);
    expect(model).toBeInstanceOf(WidenedForecast);
    expect(model.label).toBe(inner.label);
    expect(model.params).toEqual(inner.params);
    const own = inner.forecast(6, [80, 95]);
    const wide = model.forecast(6, [80, 95]);
    expect(wide.mean).toEqual(own.mean);
    for (const [k, band] of wide.intervals.entries()) {
      const base = own.intervals[k]!;
      for (let i = 0; i < 6; i++) {
        // A Box–Cox model's interval is wider above than below; each side grows by half.
        expect(own.mean[i]! - band.lo[i]!).toBeCloseTo(1.5 * (own.mean[i]! - base.lo[i]!), 9);
        expect(band.hi[i]! - own.mean[i]!).toBeCloseTo(1.5 * (base.hi[i]! - own.mean[i]!), 9);
      }
    }
    const restored = restoreForecaster(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.forecast(6, [80, 95])).toEqual(wide);
    expect(widenForecaster(inner, 1)).toBe(inner);
    expect(() =>
      restoreForecaster({ model: 'widened', factor: 0.5, inner: inner.toJSON() }),
    ).toThrow('The saved interval widening is not a number of at least 1.');
  });

  it('of a series that keeps to 0 is widened inside its floor', async () => {
    const random = seededRandom(3);
    const y = Float64Array.from({ length: 80 }, () =>
      random() < 0.4 ? 1 + Math.floor(random() * 5) : 0,
    );
    const floored = await fitForecaster('mean', y, { period: 1 });
    expect(floored).toBeInstanceOf(FlooredForecast);
    const model = widenForecaster(floored, 3);
    expect(model).toBeInstanceOf(FlooredForecast);
    expect((model as FlooredForecast).inner).toBeInstanceOf(WidenedForecast);
    const result = model.forecast(5, [80, 95]);
    expect(Math.min(...result.intervals.flatMap(({ lo }) => [...lo]))).toBe(0);
  });
});

describe('the search', () => {
  it('widens the chosen model’s intervals by what its backtest showed, and says by how much', async () => {
    // A random walk whose steps grow ten-fold in its last third: models fitted on the calm part
    // give intervals far too narrow for the folds.
    const random = seededRandom(11);
    let level = 100;
    const y = Float64Array.from({ length: 120 }, (_, t) => {
      level += randomNormal(random) * (t < 80 ? 1 : 10);
      return level;
    });
    const result = await searchForecast(y, {
      horizon: 6,
      period: 1,
      families: ['naive', 'mean'],
      now: () => 0,
      seed: 1,
    });
    const calibration = result.intervals!;
    expect(calibration.level).toBe(80);
    expect(calibration.coverage).toBeLessThan(0.8);
    expect(calibration.factor).toBeGreaterThan(1);
    expect(calibration.factor).toBeLessThanOrEqual(MAX_WIDENING);
    expect(result.model).toBeInstanceOf(WidenedForecast);
    const own = (result.model as WidenedForecast).inner.forecast(6, [80, 95]);
    const band = result.forecast.intervals[0]!;
    const width = (k: number) => band.hi[k]! - band.lo[k]!;
    const ownWidth = (k: number) => own.intervals[0]!.hi[k]! - own.intervals[0]!.lo[k]!;
    expect(width(0) / ownWidth(0)).toBeCloseTo(calibration.factor, 9);
  });

  it('leaves the intervals of a model whose backtest they fit', async () => {
    const random = seededRandom(12);
    let level = 100;
    const y = Float64Array.from({ length: 120 }, () => (level += randomNormal(random)));
    const result = await searchForecast(y, {
      horizon: 6,
      period: 1,
      families: ['naive'],
      now: () => 0,
      seed: 1,
    });
    expect(result.intervals?.factor).toBe(1);
    expect(result.model).not.toBeInstanceOf(WidenedForecast);
  });
});
