import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { searchForecast } from '../../../../src/core/forecast/search';
import { randomInt, randomNormal, seededRandom, type Random } from '../../../../src/core/random';

/** Series of the shapes users bring, from a seeded generator: each kind draws `n` values. */
const KINDS: Record<string, (t: number, n: number, period: number, random: Random) => number> = {
  constant: () => 5,
  trend: (t, _n, _p, random) => 3 + 0.5 * t + randomNormal(random),
  growth: (t, _n, _p, random) => 10 * Math.exp(0.08 * t) * (1 + 0.05 * randomNormal(random)),
  season: (t, _n, period, random) =>
    100 + 20 * Math.sin((2 * Math.PI * t) / Math.max(2, period)) + 3 * randomNormal(random),
  noise: (_t, _n, _p, random) => randomNormal(random),
  spikes: (_t, _n, _p, random) => (random() < 0.1 ? 1000 : 1) + 0.01 * randomNormal(random),
  intermittent: (_t, _n, _p, random) => (random() < 0.7 ? 0 : 1 + randomInt(random, 5)),
  negative: (t, _n, _p, random) => -50 - t + 5 * randomNormal(random),
  tiny: (t, _n, period, random) =>
    1e-9 *
    (1 + 0.3 * Math.sin((2 * Math.PI * t) / Math.max(2, period)) + 0.1 * randomNormal(random)),
  huge: (t, _n, _p, random) => 1e13 * (1 + 0.01 * t + 0.05 * randomNormal(random)),
  // A level that jumps tenfold halfway: Guerrero's Box-Cox λ lies near −1 here.
  jump: (t, n, _p, random) => (t < n / 2 ? 10 : 100) + randomNormal(random),
  'multiplicative season': (t, _n, period, random) =>
    (50 + t) *
    (1 + 0.3 * Math.sin((2 * Math.PI * t) / Math.max(2, period))) *
    (1 + 0.02 * randomNormal(random)),
  'zeros at the end': (t, n, _p, random) => (t > n / 2 ? 0 : 10 + randomNormal(random)),
};

describe('forecast search on generated series', () => {
  it('forecasts every step with finite, ordered intervals, or says clearly why it cannot', async () => {
    const kinds = Object.keys(KINDS);
    const outcomes: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const kind = kinds[(seed - 1) % kinds.length]!;
      const period = [1, 4, 7, 12][randomInt(random, 4)]!;
      const n = [2, 5, 13, 30, 60][randomInt(random, 5)]!;
      const horizon = [1, 3, 12, 30][randomInt(random, 4)]!;
      const y = Float64Array.from({ length: n }, (_, t) => KINDS[kind]!(t, n, period, random));
      const where = `seed ${seed}: ${kind}, ${n} values, period ${period}, ${horizon} ahead`;
      let result: Awaited<ReturnType<typeof searchForecast>>;
      try {
        result = await searchForecast(y, {
          horizon,
          period,
          now: () => 0,
          seed: 1,
          // Two backtest folds keep the test quick; the folds' count is not what is tested.
          folds: 2,
          families: ['snaive', 'naive', 'drift', 'mean', 'theta', 'trend', 'ets', 'arima', 'stl'],
        });
      } catch (error) {
        // Too short a series is the one refusal expected here, and it names the count.
        expect(error, where).toBeInstanceOf(TrainingError);
        expect((error as Error).message, where).toMatch(/has \d+ values?; forecasting needs/);
        expect(n, where).toBeLessThan(3);
        outcomes.push('refused');
        continue;
      }
      const { mean, intervals } = result.forecast;
      expect(mean.length, where).toBe(horizon);
      expect(
        intervals.map(({ level }) => level),
        where,
      ).toEqual([80, 95]);
      const [inner, outer] = intervals;
      for (let i = 0; i < horizon; i++) {
        const at = `${where}: step ${i + 1} of ${result.best.label}`;
        const values = [outer!.lo[i]!, inner!.lo[i]!, mean[i]!, inner!.hi[i]!, outer!.hi[i]!];
        expect(values.every(Number.isFinite), `${at}: ${values.join(', ')}`).toBe(true);
        const slack = 1e-9 * Math.max(1, Math.abs(mean[i]!));
        for (let k = 1; k < values.length; k++) {
          expect(values[k - 1]! <= values[k]! + slack, `${at}: ${values.join(', ')}`).toBe(true);
        }
      }
      outcomes.push('forecast');
    }
    expect(outcomes.filter((outcome) => outcome === 'forecast').length).toBeGreaterThan(30);
  });
});
