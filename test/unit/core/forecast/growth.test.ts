import { describe, expect, it } from 'vitest';
import { multiplicativeGrowth } from '../../../../src/core/forecast/growth';
import { candidateSpecs, searchForecast } from '../../../../src/core/forecast/search';
import { randomNormal, seededRandom } from '../../../../src/core/random';

/** Yearly values growing 3% a year with 5% multiplicative noise. */
function compound(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from(
    { length: n },
    (_, t) => 100 * 1.03 ** t * Math.exp(0.05 * randomNormal(random)),
  );
}

/** A straight line with additive noise, as large as the compound series' at its start. */
function linear(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, t) => 50 + 0.8 * t + 4 * randomNormal(random));
}

/** A Gaussian random walk without drift. */
function walk(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  let level = 100;
  return Float64Array.from({ length: n }, () => (level += 2 * randomNormal(random)));
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const count = (make: (seed: number) => Float64Array) =>
  SEEDS.filter((seed) => multiplicativeGrowth(make(seed))).length;

describe('telling growth by a rate from growth by an amount', () => {
  it('finds compound growth in most draws, and a straight line or a random walk in few', () => {
    expect(count((seed) => compound(40, seed))).toBeGreaterThanOrEqual(17);
    expect(count((seed) => compound(60, seed))).toBe(SEEDS.length);
    expect(count((seed) => linear(60, seed))).toBeLessThanOrEqual(1);
    expect(count((seed) => walk(100, seed))).toBeLessThanOrEqual(3);
  });

  it('needs clear growth, positive values and enough of them', () => {
    const random = seededRandom(3);
    const flat = Float64Array.from(
      { length: 60 },
      () => 100 * Math.exp(0.05 * randomNormal(random)),
    );
    expect(multiplicativeGrowth(flat)).toBe(false);
    const growing = compound(40, 1);
    expect(multiplicativeGrowth(growing)).toBe(true);
    expect(multiplicativeGrowth(growing.subarray(0, 9))).toBe(false);
    const withZero = growing.slice();
    withZero[5] = 0;
    expect(multiplicativeGrowth(withZero)).toBe(false);
    // Decay by a rate is the same shape on the log scale.
    expect(multiplicativeGrowth(growing.slice().reverse())).toBe(true);
  });
});

describe('candidates for a series that grows by a rate', () => {
  const base = { period: 1, horizon: 12, positive: true };
  const has = (specs: ReturnType<typeof candidateSpecs>, model: string, params: object) =>
    specs.some(
      (spec) => spec.model === model && JSON.stringify(spec.params) === JSON.stringify(params),
    );

  it('fits the trend on the log scale and tries log drift, ETS and ARIMA', () => {
    const plain = candidateSpecs(base);
    const grown = candidateSpecs({ ...base, multiplicative: true });
    expect(has(plain, 'trend', {})).toBe(true);
    expect(has(plain, 'trend', { lambda: 0 })).toBe(false);
    expect(has(grown, 'trend', {})).toBe(false);
    for (const [model, params] of [
      ['trend', { lambda: 0 }],
      ['drift', { lambda: 0 }],
      ['ets', { lambda: 0 }],
      ['ets', { lambda: 0, damped: true }],
      ['arima', { lambda: 0 }],
      ['drift', {}],
      ['ets', {}],
      ['arima', {}],
    ] as const) {
      expect(has(grown, model, params), `${model} ${JSON.stringify(params)}`).toBe(true);
    }
    // Negative values have no log; Box-Cox turned off means no transform at all.
    expect(
      has(candidateSpecs({ ...base, positive: false, multiplicative: true }), 'trend', {}),
    ).toBe(true);
    expect(
      has(candidateSpecs({ ...base, boxCox: false, multiplicative: true }), 'drift', { lambda: 0 }),
    ).toBe(false);
  });

  it('keeps seasonal ETS and ARIMA on Guerrero’s λ alone', () => {
    const seasonal = candidateSpecs({ ...base, period: 12, multiplicative: true });
    expect(has(seasonal, 'trend', { lambda: 0 })).toBe(true);
    expect(has(seasonal, 'ets', { lambda: 0 })).toBe(false);
    expect(has(seasonal, 'arima', { lambda: 0 })).toBe(false);
  });

  it('chooses a log-scale model and hedges with drift rather than no change', async () => {
    const y = compound(38, 7);
    let clock = 0;
    const result = await searchForecast(y, {
      horizon: 12,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'drift', 'trend', 'ets'],
    });
    const members = (result.best.params.members as
      { model: string; params: object }[] | undefined) ?? [
      { model: result.best.model, params: result.best.params },
    ];
    expect(members.some((member) => (member.params as { lambda?: number }).lambda === 0)).toBe(
      true,
    );
    expect(members.some((member) => member.model === 'naive')).toBe(false);
    expect(
      result.leaderboard.some(
        (entry) => entry.model === 'trend' && entry.params.lambda === undefined,
      ),
    ).toBe(false);
    // Compound growth carried on: each forecast step above the one before.
    const mean = result.forecast.mean;
    for (let i = 1; i < mean.length; i++) expect(mean[i]!).toBeGreaterThan(mean[i - 1]!);
  });
});
