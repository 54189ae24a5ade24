import { describe, expect, it } from 'vitest';
import { drift, meanForecaster, naive, snaive } from '../../../../src/core/forecast/baselines';
import { fitSes } from '../../../../src/core/forecast/ses';
import { fitTheta, theta } from '../../../../src/core/forecast/theta';
import { fitTrend, trend } from '../../../../src/core/forecast/trend';
import { decompose } from '../../../../src/core/forecast/decompose';
import type { Forecaster, ForecastResult } from '../../../../src/core/forecast/types';
import { maxRelativeError, R_SERIES, type Bands } from './helpers';

function expectBands(result: ForecastResult, expected: Bands, tolerance: number) {
  expect(maxRelativeError(result.mean, expected.mean)).toBeLessThan(tolerance);
  expect(result.intervals.map((interval) => interval.level)).toEqual([80, 95]);
  expect(maxRelativeError(result.intervals[0]!.lo, expected.lo80)).toBeLessThan(tolerance);
  expect(maxRelativeError(result.intervals[0]!.hi, expected.hi80)).toBeLessThan(tolerance);
  expect(maxRelativeError(result.intervals[1]!.lo, expected.lo95)).toBeLessThan(tolerance);
  expect(maxRelativeError(result.intervals[1]!.hi, expected.hi95)).toBeLessThan(tolerance);
}

const BASELINES: [string, Forecaster][] = [
  ['naive', naive],
  ['snaive', snaive],
  ['drift', drift],
  ['mean', meanForecaster],
];

describe.each(R_SERIES.map((series) => [series.name, series] as const))(
  'benchmark methods on %s against R forecast',
  (_name, series) => {
    const y = Float64Array.from(series.x);

    it.each(BASELINES)('%s matches point forecasts and intervals', async (method, forecaster) => {
      const fitted = await forecaster.fit(y, { period: series.period });
      expectBands(fitted.forecast(series.h), series[method] as Bands, 1e-9);
    });

    it('theta matches thetaf', () => {
      const fitted = fitTheta(y, series.period);
      // R's ses() stops its Nelder–Mead search near, not at, the least-squares optimum.
      expectBands(fitted.forecast(series.h), series.theta as Bands, 5e-4);
      const expected = series.theta as Bands & { alpha: number; drift: number };
      expect(fitted.params.alpha).toBeCloseTo(expected.alpha, 3);
      expect(fitted.params.drift).toBeCloseTo(expected.drift, 3);
    });

    it('a linear trend matches tslm(y ~ trend), and with seasons tslm(y ~ trend + season)', () => {
      expectBands(
        fitTrend(y, series.period, false).forecast(series.h),
        series.trend as Bands,
        1e-9,
      );
      if (series.trend_season) {
        const seasonal = fitTrend(y, series.period).forecast(series.h);
        expectBands(seasonal, series.trend_season as Bands, 1e-9);
      }
    });

    it('simple exponential smoothing matches ses()', () => {
      const fit = fitSes(y);
      const expected = series.ses as Bands & { alpha: number };
      expect(fit.alpha).toBeCloseTo(expected.alpha, 3);
      expect(
        maxRelativeError(new Float64Array(series.h).fill(fit.level), expected.mean),
      ).toBeLessThan(5e-4);
    });
  },
);

describe('classical decomposition', () => {
  it('matches decompose(type = "multiplicative")', () => {
    for (const series of R_SERIES.filter((entry) => entry.decompose)) {
      const result = decompose(Float64Array.from(series.x), series.period, 'multiplicative');
      const expected = (series.decompose as { figure: number[] }).figure;
      expect(maxRelativeError(result.figure, expected)).toBeLessThan(1e-12);
    }
  });
});

describe('saved benchmark models', () => {
  it.each([
    ...BASELINES,
    ['theta', theta] as [string, Forecaster],
    ['trend', trend] as [string, Forecaster],
  ])('%s forecasts the same after a JSON round trip', async (_name, forecaster) => {
    const series = R_SERIES[0]!;
    const fitted = await forecaster.fit(Float64Array.from(series.x), { period: series.period });
    const restored = forecaster.restore!(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(restored.forecast(7).mean).toEqual(fitted.forecast(7).mean);
    expect(restored.forecast(7).intervals).toEqual(fitted.forecast(7).intervals);
  });

  it('rejects series too short for the method', () => {
    expect(() => snaive.fit(new Float64Array([1, 2, 3]), { period: 12 })).toThrow(/at least 13/);
    expect(() => naive.fit(new Float64Array([1]), { period: 1 })).toThrow(/at least 2/);
  });
});
