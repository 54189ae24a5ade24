import { describe, expect, it } from 'vitest';
import { planFolds } from '../../../../src/core/forecast/backtest';
import {
  clearlyBetter,
  MIN_FOLDS,
  sameForecasts,
  searchForecast,
  type ForecastEvent,
} from '../../../../src/core/forecast/search';
import { randomNormal, seededRandom } from '../../../../src/core/random';

function trended(n: number, seed: number, slope = 1, noise = 1): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, t) => 100 + slope * t + noise * randomNormal(random));
}

async function search(y: Float64Array, options: Partial<Parameters<typeof searchForecast>[1]>) {
  const events: ForecastEvent[] = [];
  let clock = 0;
  const result = await searchForecast(y, {
    horizon: 12,
    period: 1,
    now: () => (clock += 1),
    ensemble: 0,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { result, events };
}

describe('the backtest plan of a short series', () => {
  it('drops the most demanding candidates for enough folds, each on two seasons at least', async () => {
    // 32 values and a 12-step horizon: lag regression (18 values at least) leaves room for one
    // cut-off only; without it there are six, a quarter horizon apart, down to three values.
    const { result, events } = await search(trended(32, 1), {
      families: ['naive', 'theta', 'lagreg'],
    });
    expect(result.folds.map((fold) => fold.origin)).toEqual([5, 8, 11, 14, 17, 20]);
    expect(result.folds.length).toBeGreaterThanOrEqual(MIN_FOLDS);
    expect(result.folds.every((fold) => fold.horizon === 12)).toBe(true);
    const skipped = events.filter((event) => event.type === 'candidate-skipped');
    expect(skipped.map((event) => event.model)).toEqual(['lagreg', 'lagreg', 'lagreg', 'lagreg']);
    expect(skipped.every((event) => event.reason === 'too-short')).toBe(true);
  });

  it('keeps every candidate when the series allows enough folds with them all', async () => {
    const { result, events } = await search(trended(60, 2), {
      families: ['naive', 'lagreg'],
      maxTrials: 2,
    });
    expect(result.folds).toHaveLength(8);
    expect(
      events.some((event) => event.type === 'candidate-skipped' && event.reason === 'too-short'),
    ).toBe(false);
  });

  it('leaves lag regression out until it can see two seasons beyond its lags', async () => {
    // Monthly: 12 lags + 10 + two years = 46 values at least. Four years of months with a 12-step
    // horizon leave the folds fewer, so it is skipped; a year more, and it is backtested.
    const seasonal = (n: number) =>
      Float64Array.from(trended(n, 4), (value, t) => value + 10 * Math.sin((2 * Math.PI * t) / 12));
    const short = await search(seasonal(48), { period: 12, families: ['snaive', 'lagreg'] });
    expect(short.result.leaderboard.some((entry) => entry.model === 'lagreg')).toBe(false);
    expect(
      short.events.filter(
        (event) => event.type === 'candidate-skipped' && event.reason === 'too-short',
      ),
    ).toHaveLength(4);
    const longer = await search(seasonal(96), {
      period: 12,
      families: ['snaive', 'lagreg'],
      maxTrials: 2,
    });
    expect(longer.result.leaderboard.some((entry) => entry.model === 'lagreg')).toBe(true);
  });

  it('keeps seasonal naive on two seasons of months forecast a year ahead', async () => {
    // 24 months: folds that train on two seasons are out of reach. Four folds down to three
    // values would leave naive, mean and drift; one fold on 13 values keeps seasonal naive, which
    // then forecasts the season the flat models miss.
    const random = seededRandom(5);
    const y = Float64Array.from(
      { length: 24 },
      (_, t) => 20 + 5 * Math.sin((2 * Math.PI * t) / 12) + randomNormal(random),
    );
    const { result } = await search(y, { period: 12, families: ['naive', 'mean', 'snaive'] });
    expect(result.folds).toEqual([expect.objectContaining({ origin: 13, horizon: 11 })]);
    const snaive = result.leaderboard.find((entry) => entry.model === 'snaive')!;
    expect(snaive).toBeDefined();
    expect(result.best.trial).toBe(snaive.trial);
    // Folds that reach less than half the horizon are not worth it: 14 months a year ahead are
    // backtested over the whole horizon, without the season.
    const { result: shorter } = await search(y.subarray(0, 14), {
      period: 12,
      families: ['naive', 'mean', 'snaive'],
    });
    expect(shorter.folds.every((fold) => fold.horizon === 12)).toBe(true);
    expect(shorter.leaderboard.some((entry) => entry.model === 'snaive')).toBe(false);
  });

  it('blends with the benchmark when the folds cannot reach the horizon, however clear the win', async () => {
    // 20 values and 24 steps to forecast: the folds score at most 16 steps, so the linear trend's
    // large backtest win says nothing of the last steps, and naive keeps half the weight.
    const { result } = await search(trended(20, 3, 2, 0.5), {
      horizon: 24,
      families: ['naive', 'trend'],
    });
    expect(result.folds[0]!.horizon).toBeLessThan(24);
    const trend = result.leaderboard.find((entry) => entry.model === 'trend')!;
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    expect(trend.backtest.mase).toBeLessThan(naive.backtest.mase / 3);
    expect(result.best.members).toEqual([trend.trial, naive.trial]);
  });
});

describe('a clear win over the benchmark', () => {
  const entry = (...means: number[][]) => ({
    folds: means.map((mean, f) => {
      const values = Float64Array.from(mean);
      return { origin: 10 + f, mean: values, lo: values, hi: values };
    }),
  });

  it('takes a model that forecasts as the benchmark does for the benchmark', () => {
    const benchmark = entry([100, 200], [300, 400]);
    // An ARIMA(0,0,0)(0,1,0) fit reproduces seasonal naive up to the rounding of its filter.
    expect(sameForecasts(entry([100.00001, 200], [300, 399.9999]), benchmark)).toBe(true);
    expect(sameForecasts(entry([100.01, 200], [300, 400]), benchmark)).toBe(false);
    expect(sameForecasts(entry([100, 200]), benchmark)).toBe(false);
  });

  it('needs folds spanning at least one horizon', () => {
    const benchmark = [1.2, 1.3, 1.25];
    const model = benchmark.map((value) => value - 0.8);
    const close = planFolds(40, { horizon: 12, folds: 3, step: 3, minTrain: 10 });
    const apart = planFolds(60, { horizon: 12, folds: 3, step: 6, minTrain: 10 });
    expect(clearlyBetter(model, benchmark, close)).toBe(false);
    expect(clearlyBetter(model, benchmark, apart)).toBe(true);
  });
});
