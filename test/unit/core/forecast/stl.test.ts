import { describe, expect, it } from 'vitest';
import { FORECASTERS } from '../../../../src/core/forecast/registry';
import { loessTrend, stl } from '../../../../src/core/forecast/stl';
import statsmodels from './fixtures/statsmodels-stl.json';
import { maxRelativeError, R_SERIES, type Bands } from './helpers';

interface StatsmodelsCase {
  name: string;
  period: number;
  robust: boolean;
  seasonal_window: number;
  trend_window: number;
  low_pass_window: number;
  inner: number;
  outer: number;
  y: number[];
  seasonal: number[];
  trend: number[];
  weights: number[];
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe('STL against statsmodels', () => {
  it.each(
    (statsmodels.cases as StatsmodelsCase[]).map(
      (c) => [`${c.name}${c.robust ? ' robust' : ''}`, c] as const,
    ),
  )('%s', (_name, c) => {
    const y = Float64Array.from(c.y);
    const result = stl(y, {
      period: c.period,
      seasonalWindow: c.seasonal_window,
      seasonalDegree: 1,
      trendWindow: c.trend_window,
      lowPassWindow: c.low_pass_window,
      seasonalJump: 1,
      trendJump: 1,
      lowPassJump: 1,
      robust: c.robust,
      inner: c.inner,
      outer: c.outer,
    });
    expect(maxAbs(result.seasonal, c.seasonal)).toBeLessThan(1e-8);
    expect(maxAbs(result.trend, c.trend)).toBeLessThan(1e-8);
    expect(maxAbs(result.weights, c.weights)).toBeLessThan(1e-8);
    for (let t = 0; t < y.length; t++) {
      expect(result.seasonal[t]! + result.trend[t]! + result.remainder[t]!).toBeCloseTo(y[t]!, 9);
    }
  });

  it('downweights the planted outliers when robust', () => {
    const c = (statsmodels.cases as StatsmodelsCase[]).find(
      (entry) => entry.name === 'synthetic-weekly' && entry.robust,
    )!;
    const result = stl(Float64Array.from(c.y), { period: 7, seasonalWindow: 11, robust: true });
    for (const outlier of [20, 75, 120]) expect(result.weights[outlier]).toBeLessThan(0.2);
  });
});

describe('STL against R', () => {
  const seasonal = R_SERIES.filter((series) => series.stl);

  it.each(seasonal.map((series) => [series.name, series] as const))(
    "%s matches stl(x, s.window = 11) with R's defaults for the rest",
    (_name, series) => {
      const expected = series.stl as { seasonal: number[]; trend: number[] };
      const result = stl(Float64Array.from(series.x), {
        period: series.period,
        seasonalWindow: 11,
      });
      expect(maxRelativeError(result.seasonal, expected.seasonal)).toBeLessThan(1e-9);
      expect(maxRelativeError(result.trend, expected.trend)).toBeLessThan(1e-9);
    },
  );

  it.each(seasonal.map((series) => [series.name, series] as const))(
    '%s: STL + naive matches stlf(method = "naive")',
    async (_name, series) => {
      const fitted = await FORECASTERS.stl!.fit(
        Float64Array.from(series.x),
        { period: series.period },
        { method: 'naive' },
      );
      const expected = series.stlf_naive as Bands;
      const result = fitted.forecast(series.h);
      expect(maxRelativeError(result.mean, expected.mean)).toBeLessThan(1e-9);
      expect(maxRelativeError(result.intervals[0]!.lo, expected.lo80)).toBeLessThan(1e-9);
      expect(maxRelativeError(result.intervals[1]!.hi, expected.hi95)).toBeLessThan(1e-9);
      const restored = FORECASTERS.stl!.restore!(JSON.parse(JSON.stringify(fitted.toJSON())));
      expect(restored.forecast(series.h).mean).toEqual(result.mean);
    },
  );

  it('makes the seasonal component exactly periodic with s.window = "periodic"', () => {
    const series = R_SERIES.find((entry) => entry.name === 'nottem')!;
    const result = stl(Float64Array.from(series.x), { period: 12, seasonalWindow: 'periodic' });
    for (let t = 12; t < result.seasonal.length; t++) {
      expect(result.seasonal[t]).toBeCloseTo(result.seasonal[t - 12]!, 12);
    }
  });
});

describe('STL input checks and the loess trend', () => {
  it('needs two full cycles and finite values', () => {
    expect(() => stl(new Float64Array(24), { period: 12 })).toThrow(/more than two full cycles/);
    const y = Float64Array.from({ length: 40 }, (_, t) => t);
    y[5] = NaN;
    expect(() => stl(y, { period: 4 })).toThrow(/step 6/);
    expect(() => stl(y, { period: 1 })).toThrow(/at least 2/);
  });

  it('reproduces a straight line exactly', () => {
    const line = Float64Array.from({ length: 50 }, (_, t) => 3 + 2 * t);
    expect(maxAbs(loessTrend(line), line)).toBeLessThan(1e-9);
  });
});
