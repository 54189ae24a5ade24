import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { ets, fitEtsModel, selectEts } from '../../../../src/core/forecast/ets';
import { normalArray, seededRandom } from '../../../../src/core/random';
import {
  expectForecastClose,
  fixture,
  maxRelative,
  type REts,
  seriesNamed,
} from '../../../fixtures/forecast/ets-arima';

const H = fixture.horizon;
const LEVELS = [80, 95];

const fit = (values: number[] | Float64Array, period: number, params = {}, seed?: number) =>
  ets.fit(Float64Array.from(values), { period, ...(seed === undefined ? {} : { seed }) }, params);

const paramsOf = (r: REts) => ({ model: r.model, damped: r.damped });

/** Where R's own analytic moments are off (see scripts/fixtures/forecast.R), the fixed ones. */
const reference = (r: REts) => r.corrected ?? r;

describe('ETS against R forecast::ets', () => {
  describe('automatic selection', () => {
    for (const series of fixture.series) {
      it(`picks ${series.ets.method} for ${series.name} and forecasts as R does`, async () => {
        const model = await fit(series.values, series.period);
        const r = series.ets;
        if (model.label === r.method) {
          expect(model.aicc!).toBeCloseTo(r.aicc, 3);
          expectForecastClose(reference(r), model.forecast(H, LEVELS), 1e-4, H, series.name);
        } else {
          // A different choice must still be at least as good by R's own criterion.
          expect(model.aicc!).toBeLessThanOrEqual(r.aicc + 0.01);
        }
        // Every fixture series is currently chosen exactly as R chooses it.
        expect(model.label).toBe(r.method);
      });
    }
  });

  describe('fixed models (estimation apart from selection)', () => {
    for (const series of fixture.series) {
      for (const r of series.etsFixed) {
        const name = `${series.name} ${r.method}`;
        it(`estimates ${name} with R's likelihood and parameters`, async () => {
          const model = await fit(series.values, series.period, paramsOf(r));
          expect(model.label).toBe(r.method);
          const params = model.params as Record<string, number>;
          expect(params.loglik).toBeCloseTo(r.loglik, 4);
          expect(model.aicc!).toBeCloseTo(r.aicc, 3);
          for (const key of ['alpha', 'beta', 'gamma', 'phi']) {
            if (r.par[key] !== undefined) expect(params[key], key).toBeCloseTo(r.par[key]!, 5);
          }
          expect(params.sigma2! / r.sigma2).toBeCloseTo(1, 6);
          expect(maxRelative(r.fitted, model.fitted)).toBeLessThan(1e-6);
        });
        it(`forecasts ${name} with R's intervals`, async () => {
          const model = await fit(series.values, series.period, paramsOf(r), 7);
          const result = model.forecast(H, LEVELS);
          if (r.trend === 'M') {
            // Simulated intervals (5000 paths): the point forecast is exact, the quantiles agree
            // within Monte Carlo error where the paths have not yet fanned out.
            expect(maxRelative(r.mean, result.mean)).toBeLessThan(1e-6);
            expect(maxRelative(r.lower80.slice(0, 6), result.intervals[0]!.lo)).toBeLessThan(0.03);
            expect(maxRelative(r.upper95.slice(0, 6), result.intervals[1]!.hi)).toBeLessThan(0.03);
          } else {
            expectForecastClose(reference(r), result, 1e-4, H, name);
          }
        });
      }
    }
  });

  it('differs from forecast 8.20 only where its class 1 and class 3 formulas slip', async () => {
    // ETS(A,N,A): R adds the seasonal variance term one step early, at h = m, 2m, …
    const deaths = seriesNamed('shortAccDeaths');
    const ana = deaths.etsFixed.find((r) => r.method === 'ETS(A,N,A)')!;
    const model = await fit(deaths.values, 12, paramsOf(ana));
    const upper = model.forecast(H, LEVELS).intervals[0]!.hi;
    for (let h = 1; h <= H; h++) {
      const gap = Math.abs(upper[h - 1]! - ana.upper80[h - 1]!) / ana.upper80[h - 1]!;
      if (h % 12 === 0) expect(gap, `h = ${h}`).toBeGreaterThan(1e-3);
      else expect(gap, `h = ${h}`).toBeLessThan(1e-8);
    }
    // ETS(M,Ad,M): R's moments ignore the damping in the first step; the slip stays small.
    const air = seriesNamed('AirPassengers');
    const madm = air.etsFixed.find((r) => r.method === 'ETS(M,Ad,M)')!;
    const damped = (await fit(air.values, 12, paramsOf(madm))).forecast(H).mean;
    expect(maxRelative(madm.mean, damped)).toBeLessThan(0.005);
    expect(maxRelative(madm.mean, damped)).toBeGreaterThan(1e-4);
  });
});

describe('ETS behaviour', () => {
  const air = seriesNamed('AirPassengers');
  const nile = seriesNamed('Nile');

  it('restores from JSON and forecasts identically', async () => {
    for (const [series, params] of [
      [air, { model: 'MAM', damped: true }],
      [seriesNamed('WWWusage'), { model: 'MMN', damped: false }],
      [air, { model: 'AAA', lambda: 0 }],
    ] as const) {
      const model = await fit(series.values, series.period, params, 3);
      const restored = ets.restore!(JSON.parse(JSON.stringify(model.toJSON())));
      expect(restored.label).toBe(model.label);
      expect(restored.forecast(12, LEVELS)).toEqual(model.forecast(12, LEVELS));
    }
  });

  it('gives the same simulated intervals for the same seed and different ones otherwise', async () => {
    const www = seriesNamed('WWWusage').values;
    const a = (await fit(www, 1, { model: 'MMN', damped: false }, 11)).forecast(8);
    const b = (await fit(www, 1, { model: 'MMN', damped: false }, 11)).forecast(8);
    const c = (await fit(www, 1, { model: 'MMN', damped: false }, 12)).forecast(8);
    expect(a).toEqual(b);
    expect(a.intervals[0]!.hi).not.toEqual(c.intervals[0]!.hi);
  });

  it('leaves out multiplicative models for data that are not all positive', async () => {
    const shifted = nile.values.map((v) => v - 900);
    const model = await fit(shifted, 1);
    expect(model.label.startsWith('ETS(A,')).toBe(true);
    await expect(async () => fit(shifted, 1, { model: 'MNN' })).rejects.toThrow(
      /strictly positive/,
    );
  });

  it('fits on the Box–Cox scale and back-transforms, with additive components only', async () => {
    const model = await fit(air.values, 12, { lambda: 0 });
    expect(model.label).toMatch(/^ETS\(A,/);
    const result = model.forecast(H, LEVELS);
    const log = selectEts(Float64Array.from(air.values, Math.log), 12, { additiveOnly: true });
    expect(model.label).toBe(
      `ETS(${log.spec.error},${log.spec.trend}${log.spec.damped ? 'd' : ''},${log.spec.season}), Box-Cox λ=0`,
    );
    // Point forecasts are medians on the original scale, inside the intervals.
    for (let h = 0; h < H; h++) {
      expect(result.mean[h]).toBeGreaterThan(result.intervals[0]!.lo[h]!);
      expect(result.mean[h]).toBeLessThan(result.intervals[0]!.hi[h]!);
    }
    const adjusted = (await fit(air.values, 12, { lambda: 0, biasadj: true })).forecast(H);
    for (let h = 0; h < H; h++) expect(adjusted.mean[h]).toBeGreaterThan(result.mean[h]!);
  });

  it('follows a constant series exactly', async () => {
    const model = await fit(new Array(20).fill(4.5), 4);
    const result = model.forecast(5);
    expect(Array.from(result.mean)).toEqual([4.5, 4.5, 4.5, 4.5, 4.5]);
    expect(Array.from(result.intervals[0]!.hi)).toEqual([4.5, 4.5, 4.5, 4.5, 4.5]);
  });

  it('recovers the smoothing parameter of a simulated local level model', async () => {
    const random = seededRandom(42);
    const noise = normalArray(random, 400);
    const y = new Float64Array(400);
    let level = 50;
    for (let t = 0; t < 400; t++) {
      y[t] = level + noise[t]!;
      level += 0.3 * noise[t]!;
    }
    const result = fitEtsModel(y, { error: 'A', trend: 'N', season: 'N', damped: false }, 1)!;
    expect(result.parameters.alpha).toBeGreaterThan(0.2);
    expect(result.parameters.alpha).toBeLessThan(0.4);
    expect(Math.sqrt(result.sigma2)).toBeGreaterThan(0.9);
    expect(Math.sqrt(result.sigma2)).toBeLessThan(1.1);
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
    await expectError(() => fit(air.values, 12, { model: 'XYZ' }), 'model', /three letters/);
    await expectError(() => fit(air.values, 12, { model: 'ANM' }), 'model', /not an allowed/);
    await expectError(() => fit(nile.values, 1, { model: 'ANA' }), 'model', /seasonal period/);
    await expectError(() => fit(air.values, 12, { alpha: 2 }), 'alpha', /\[0, 1\]/);
    await expectError(() => fit([1, 2, 3], 1), 'series', /at least 7/);
    await expectError(() => fit([1, 2, NaN, 4, 5, 6, 7, 8], 1), 'series', /position 3/);
    await expectError(
      () => fit(air.values.slice(0, 15), 12, { model: 'AAA' }),
      'series',
      /too few/,
    );
  });

  it('stops between candidate models when cancelled', async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = () =>
      selectEts(Float64Array.from(air.values), 12, {
        signal: controller.signal,
        onCandidate: () => {
          seen++;
          if (seen === 2) controller.abort();
        },
      });
    expect(run).toThrow(TrainingError);
    expect(seen).toBe(2);
  });
});
