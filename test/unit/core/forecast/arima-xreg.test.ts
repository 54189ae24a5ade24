import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { fitArimaForecaster } from '../../../../src/core/forecast/arima';
import { restoreForecaster } from '../../../../src/core/forecast/registry';
import { searchForecast } from '../../../../src/core/forecast/search';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import {
  expectForecastClose,
  maxRelative,
  type RArima,
} from '../../../fixtures/forecast/ets-arima';

/** Written by fixtures/r-arima-xreg.R with R's forecast 8.20. */
interface XregCase {
  name: string;
  period: number;
  h: number;
  values: number[];
  names: string[];
  /** Row-major n × columns, and h × columns after the series. */
  xreg: number[];
  future: number[];
  spec?: { p: number; d: number; q: number; P: number; D: number; Q: number; constant: boolean };
  fit: RArima;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/r-arima-xreg.json', import.meta.url), 'utf8'),
) as { forecast: string; cases: XregCase[] };

const LEVELS = [80, 95];

function fitCase(c: XregCase) {
  const params = {
    ...(c.spec ?? {}),
    xreg: c.names.map((_, j) => j),
  };
  return fitArimaForecaster(
    Float64Array.from(c.values),
    {
      period: c.period,
      regressors: { columns: c.names.length, x: Float64Array.from(c.xreg), names: c.names },
    },
    params,
  );
}

describe('regression with ARIMA errors against R (auto.arima and Arima with xreg)', () => {
  for (const c of fixture.cases) {
    it(`fits ${c.fit.label} for ${c.name}, with its coefficients, fit and forecasts`, () => {
      const model = fitCase(c);
      const params = model.params as {
        coef: Record<string, number>;
        loglik: number;
        sigma2: number;
      };
      expect(model.label).toBe(
        c.fit.label.replace('Regression with', `Regression on ${c.names.join(', ')} with`),
      );
      expect(Object.keys(params.coef).sort()).toEqual(Object.keys(c.fit.coef).sort());
      for (const [name, value] of Object.entries(c.fit.coef)) {
        expect(
          Math.abs(params.coef[name]! - value) / Math.max(1, Math.abs(value)),
          name,
        ).toBeLessThan(1e-3);
      }
      expect(params.loglik).toBeCloseTo(c.fit.loglik, 2);
      expect(model.aicc!).toBeCloseTo(c.fit.aicc, 2);
      expect(Math.abs(params.sigma2 / c.fit.sigma2 - 1)).toBeLessThan(1e-3);
      expect(maxRelative(c.fit.fitted, model.fitted)).toBeLessThan(1e-3);
      const forecast = model.forecast(c.h, LEVELS, Float64Array.from(c.future));
      expectForecastClose(c.fit, forecast, 1e-3, c.h, c.name);
    });
  }

  it('forecasts the same after saving and reloading, and needs the future regressors', () => {
    const c = fixture.cases[0]!;
    const model = fitCase(c);
    const future = Float64Array.from(c.future);
    const restored = restoreForecaster(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.forecast(c.h, LEVELS, future).mean)).toEqual(
      Array.from(model.forecast(c.h, LEVELS, future).mean),
    );
    expect(() => model.forecast(c.h, LEVELS)).toThrow(/future values of price, promo/);
    expect(() => model.forecast(c.h + 1, LEVELS, future)).toThrow(TrainingError);
    const missing = future.slice();
    missing[3] = NaN;
    expect(() => model.forecast(c.h, LEVELS, missing)).toThrow(/promo at forecast step 2/);
  });

  it('rejects collinear regressors with a clear error', () => {
    const c = fixture.cases[0]!;
    const n = c.values.length;
    const x = new Float64Array(n * 2);
    for (let t = 0; t < n; t++) {
      x[t * 2] = c.xreg[t * 2]!;
      x[t * 2 + 1] = 3 * c.xreg[t * 2]! + 1;
    }
    expect(() =>
      fitArimaForecaster(
        Float64Array.from(c.values),
        { period: 1, regressors: { columns: 2, x } },
        { xreg: [0, 1] },
      ),
    ).toThrow(/collinear/);
  });
});

describe('the search with known-in-advance regressors', () => {
  it('tries regression with ARIMA errors and beats models that cannot see the driver', async () => {
    const random = seededRandom(7);
    const n = 120;
    const h = 12;
    const promo = Float64Array.from({ length: n + h }, () => (random() < 0.25 ? 1 : 0));
    let error = 0;
    const y = Float64Array.from({ length: n }, (_, t) => {
      error = 0.5 * error + randomNormal(random);
      return 100 + 25 * promo[t]! + error;
    });
    let clock = 0;
    const result = await searchForecast(y, {
      horizon: h,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'mean', 'arima'],
      ensemble: 0,
      features: { columns: 1, x: promo, names: ['promo'] },
    });
    const withRegressors = result.leaderboard.find((entry) => entry.params.xreg !== undefined);
    expect(withRegressors?.label).toMatch(/^Regression on promo with ARIMA/);
    expect(result.best.trial).toBe(withRegressors!.trial);
    const expected = Array.from(promo.subarray(n), (p) => 100 + 25 * p);
    expect(maxRelative(expected, result.forecast.mean)).toBeLessThan(0.05);
  });
});
