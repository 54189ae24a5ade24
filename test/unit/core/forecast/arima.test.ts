import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import {
  arima,
  armaLikelihoodTerms,
  autoArima,
  estimateArima,
  kpssStatistic,
  ndiffs,
  nsdiffs,
  seasonalStrength,
} from '../../../../src/core/forecast/arima';
import { normalArray, seededRandom } from '../../../../src/core/random';
import {
  expectForecastClose,
  fixture,
  maxRelative,
  type RArima,
  seriesNamed,
} from '../../../fixtures/forecast/ets-arima';

const H = fixture.horizon;
const LEVELS = [80, 95];

const fit = (values: number[] | Float64Array, period: number, params = {}) =>
  arima.fit(Float64Array.from(values), { period }, params);

const orderParams = (r: RArima) => {
  const spec = r.spec!;
  return {
    p: spec.p,
    d: spec.d,
    q: spec.q,
    P: spec.P,
    D: spec.D,
    Q: spec.Q,
    constant: spec.constant,
    ...(spec.lambda === null || spec.lambda === undefined ? {} : { lambda: spec.lambda }),
  };
};

function expectCoefficients(r: RArima, coef: Record<string, number>, tolerance: number) {
  expect(Object.keys(coef).sort()).toEqual(Object.keys(r.coef).sort());
  for (const [name, value] of Object.entries(r.coef)) {
    const scale = Math.max(1, Math.abs(value));
    expect(Math.abs(coef[name]! - value) / scale, name).toBeLessThan(tolerance);
  }
}

describe('differencing tests against R', () => {
  for (const series of fixture.series) {
    it(`chooses D = ${series.tests.nsdiffs}, d = ${series.tests.ndiffs} for ${series.name}`, () => {
      const y = Float64Array.from(series.values);
      const m = series.period;
      const seasonal = m > 1 && y.length > 2 * m;
      if (seasonal) {
        expect(seasonalStrength(y, m)).toBeCloseTo(series.tests.seasonalStrength!, 10);
      }
      const D = seasonal ? nsdiffs(y, m) : 0;
      expect(D).toBe(series.tests.nsdiffs);
      const dx = D > 0 ? y.slice(m).map((v, i) => v - y[i]!) : y;
      expect(kpssStatistic(dx)).toBeCloseTo(series.tests.kpss, 10);
      expect(ndiffs(dx)).toBe(series.tests.ndiffs);
    });
  }
});

describe('ARIMA against R forecast::auto.arima', () => {
  for (const series of fixture.series) {
    const r = series.arima;
    it(`picks ${r.label} for ${series.name} and forecasts as R does`, async () => {
      const model = await fit(series.values, series.period);
      if (model.label === r.label) {
        expect(model.aicc!).toBeCloseTo(r.aicc, 2);
        expectCoefficients(r, (model.params as { coef: Record<string, number> }).coef, 1e-3);
        expectForecastClose(r, model.forecast(H, LEVELS), 1e-4, H, series.name);
      } else {
        // A different choice must still be at least as good by R's own criterion.
        expect(model.aicc!).toBeLessThanOrEqual(r.aicc + 0.01);
      }
      // Every fixture series is currently chosen exactly as R chooses it.
      expect(model.label).toBe(r.label);
    });
  }
});

describe('ARIMA with fixed orders against R forecast::Arima', () => {
  for (const series of fixture.series) {
    for (const r of series.arimaFixed) {
      const name = `${series.name} ${r.label}${r.spec?.lambda === 0 ? ' on logs' : ''}`;
      it(`estimates ${name} as R does`, async () => {
        const model = await fit(series.values, series.period, orderParams(r));
        // R prints the order, and the λ apart; our label carries both.
        expect(model.label).toBe(
          typeof r.spec?.lambda === 'number' ? `${r.label}, Box-Cox λ=${r.spec.lambda}` : r.label,
        );
        const params = model.params as {
          coef: Record<string, number>;
          loglik: number;
          sigma2: number;
        };
        expectCoefficients(r, params.coef, 1e-3);
        expect(params.loglik).toBeCloseTo(r.loglik, 3);
        expect(model.aicc!).toBeCloseTo(r.aicc, 2);
        expect(Math.abs(params.sigma2 / r.sigma2 - 1)).toBeLessThan(1e-4);
        expect(maxRelative(r.fitted, model.fitted)).toBeLessThan(1e-4);
        expectForecastClose(r, model.forecast(H, LEVELS), 1e-4, H, name);
      });
    }
  }
});

describe('ARIMA behaviour', () => {
  const air = seriesNamed('AirPassengers');
  const lynx = seriesNamed('lynx');

  it('restores from JSON and forecasts identically', async () => {
    for (const [series, params] of [
      [air, { p: 2, d: 1, q: 1, P: 0, D: 1, Q: 0 }],
      [seriesNamed('walk'), { p: 0, d: 1, q: 1, constant: true }],
      [lynx, { p: 2, q: 0, constant: true, lambda: 0.5 }],
    ] as const) {
      const model = await fit(series.values, series.period, params);
      const restored = arima.restore!(JSON.parse(JSON.stringify(model.toJSON())));
      expect(restored.label).toBe(model.label);
      expect(restored.forecast(H, LEVELS)).toEqual(model.forecast(H, LEVELS));
    }
  });

  it("sums the exact likelihood by the Chandrasekhar recursions as R's Kalman filter does", () => {
    /** The coefficients of (1 + a₁B + …)(1 + b₁Bˢ + …) past the leading 1. */
    const multiplied = (a: number[], b: number[], s: number) => {
      const out = new Float64Array(a.length + s * b.length);
      const left = [1, ...a];
      const right = [1, ...b.flatMap((value) => [...new Array<number>(s - 1).fill(0), value])];
      for (let i = 0; i < left.length; i++) {
        for (let j = 0; j < right.length; j++) {
          if (i + j > 0) out[i + j - 1] = out[i + j - 1]! + left[i]! * right[j]!;
        }
      }
      return out;
    };
    const cases: [string, Float64Array, Float64Array][] = [
      ['AR(1)', Float64Array.of(0.7), new Float64Array(0)],
      ['white noise', new Float64Array(0), new Float64Array(0)],
      ['MA(1) near non-invertible', new Float64Array(0), Float64Array.of(-0.99)],
      ['ARMA(2,2)', Float64Array.of(0.5, -0.3), Float64Array.of(0.4, 0.2)],
      // Its first prediction variance, 1 / (1 − φ²), is over 1e4: R leaves that step out.
      ['AR(1) near a unit root', Float64Array.of(0.99999), new Float64Array(0)],
      [
        'ARMA(2,2)(1,1)[7] with a seasonal MA near −1',
        multiplied([0.3, -0.2], [0.4], 7).map((v) => -v),
        multiplied([0.5, -0.4], [-0.999], 7),
      ],
      [
        'ARMA(1,1)(2,1)[12]',
        multiplied([-0.6], [-0.3, -0.2], 12).map((v) => -v),
        multiplied([0.3], [-0.7], 12),
      ],
    ];
    const y = Float64Array.from(normalArray(seededRandom(4), 300), (v, t) => v + Math.sin(t / 5));
    for (const [name, phi, theta] of cases) {
      const kalman = armaLikelihoodTerms(y, phi, theta, 'kalman');
      const fast = armaLikelihoodTerms(y, phi, theta, 'chandrasekhar');
      expect(kalman, name).not.toBeNull();
      expect(fast!.nu, name).toBe(kalman!.nu);
      expect(Math.abs(fast!.ssq / kalman!.ssq - 1), name).toBeLessThan(1e-9);
      expect(Math.abs(fast!.sumlog - kalman!.sumlog), name).toBeLessThan(1e-9 * y.length);
    }
    expect(
      armaLikelihoodTerms(y, Float64Array.of(0.99999), new Float64Array(0), 'kalman')!.nu,
    ).toBe(y.length - 1);
  });

  it('spreads a missing value through every AR lag in a CSS fit, as R does', () => {
    // AR(1)(1)[12] expands to 13 lags, 11 of them zero. A gap at t leaves the residuals of t and
    // the 13 steps after it undefined, whichever coefficients are zero.
    const x = Float64Array.from(normalArray(seededRandom(8), 120), (v, t) => v + Math.sin(t / 2));
    x[60] = NaN;
    const order = { p: 1, d: 0, q: 0, P: 1, D: 0, Q: 0, period: 12 };
    const fit = estimateArima(x, order, { method: 'CSS', includeMean: false });
    const missing = [...fit.residuals.keys()].filter((t) => Number.isNaN(fit.residuals[t]!));
    expect(missing).toEqual(Array.from({ length: 14 }, (_, k) => 60 + k));
  });

  it('fits a series with missing values as R does: the mean by least squares on the rows kept, and the filter through the gaps', () => {
    // An ARMA(1,1) about 10 with four values missing. R 4.x, stats::arima on the same numbers:
    //   arima(x, order = c(1, 0, 1)) and arima(x, order = c(1, 0, 0), method = "CSS").
    const noise = normalArray(seededRandom(21), 120);
    const x = new Float64Array(120);
    let previous = 0;
    for (let t = 0; t < x.length; t++) {
      previous = 0.6 * previous + noise[t]! + 0.3 * (t > 0 ? noise[t - 1]! : 0);
      x[t] = 10 + previous;
    }
    for (const t of [4, 39, 40, 89]) x[t] = NaN;
    const close = (actual: number, expected: number) =>
      expect(Math.abs(actual - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
    const ml = estimateArima(x, { p: 1, d: 0, q: 1, P: 0, D: 0, Q: 0, period: 1 });
    expect(ml.method).toBe('ML');
    expect(ml.nUsed).toBe(116);
    [0.507303043794, 0.376438301665, 9.494213315134].forEach((value, i) =>
      close(ml.coef[i]!, value),
    );
    close(ml.sigma2, 1.102451317871);
    close(ml.loglik, -171.68225064336);
    close(ml.aic, 351.36450128672);
    const css = estimateArima(
      x,
      { p: 1, d: 0, q: 0, P: 0, D: 0, Q: 0, period: 1 },
      { method: 'CSS' },
    );
    [0.697167129734, 9.575470661479].forEach((value, i) => close(css.coef[i]!, value));
    close(css.sigma2, 1.229398367456);
    close(css.loglik, -176.57531507085);
  });

  it('recovers the coefficients of a simulated ARMA(1,1)', () => {
    const n = 2000;
    const noise = normalArray(seededRandom(10), n);
    const y = new Float64Array(n);
    let previous = 0;
    for (let t = 0; t < n; t++) {
      previous = 0.6 * previous + noise[t]! + 0.3 * (t > 0 ? noise[t - 1]! : 0);
      y[t] = 10 + previous;
    }
    const result = estimateArima(y, { p: 1, d: 0, q: 1, P: 0, D: 0, Q: 0, period: 1 });
    expect(result.names).toEqual(['ar1', 'ma1', 'intercept']);
    // Standard errors at n = 2000 are about 0.025 for both coefficients.
    expect(Math.abs(result.coef[0]! - 0.6)).toBeLessThan(0.05);
    expect(Math.abs(result.coef[1]! - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(result.coef[2]! - 10)).toBeLessThan(0.2);
    expect(Math.abs(Math.sqrt(result.sigma2) - 1)).toBeLessThan(0.05);
  });

  it('forecasts a constant series as that constant', async () => {
    const model = await fit(new Array(30).fill(7), 12);
    const result = model.forecast(6);
    expect(Array.from(result.mean)).toEqual(new Array(6).fill(7));
    expect(Array.from(result.intervals[1]!.hi)).toEqual(new Array(6).fill(7));
  });

  it('follows a linear trend exactly', async () => {
    const model = await fit(
      Array.from({ length: 40 }, (_, t) => 3 + 2 * t),
      1,
    );
    expect(model.label).toBe('ARIMA(0,1,0) with drift');
    const result = model.forecast(3);
    for (let h = 0; h < 3; h++) expect(result.mean[h]).toBeCloseTo(3 + 2 * (40 + h), 8);
  });

  it('rejects bad input with errors that name the problem', async () => {
    const expectError = async (run: () => unknown, where: string, message: RegExp) => {
      try {
        await run();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(TrainingError);
        expect((error as TrainingError).where).toBe(where);
        expect((error as Error).message).toMatch(message);
      }
    };
    await expectError(() => fit(air.values, 12, { p: -1 }), 'p', /whole number/);
    await expectError(() => fit(lynx.values, 1, { p: 1, P: 1 }), 'P', /seasonal period/);
    await expectError(() => fit(air.values, 12, { method: 'OLS' }), 'method', /CSS-ML/);
    await expectError(() => fit([1, 2, Infinity, 4], 1), 'series', /position 3/);
    await expectError(() => fit([-1, 2, 3, 4, 5, 6], 1, { lambda: 0 }), 'lambda', /undefined/);
  });

  it('stops between candidate models when cancelled', () => {
    const controller = new AbortController();
    let seen = 0;
    const run = () =>
      autoArima(Float64Array.from(air.values), 12, {
        signal: controller.signal,
        onCandidate: () => {
          seen++;
          if (seen === 3) controller.abort();
        },
      });
    expect(run).toThrow(/cancelled/);
    expect(seen).toBe(3);
  });
});
