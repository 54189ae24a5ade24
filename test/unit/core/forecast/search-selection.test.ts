import { describe, expect, it } from 'vitest';
import { planFolds } from '../../../../src/core/forecast/backtest';
import { farAhead, SHORT_FOLDS_LEAD } from '../../../../src/core/forecast/benchmarks';
import { restoreForecaster } from '../../../../src/core/forecast/registry';
import {
  candidateSpecs,
  clearlyBetter,
  searchForecast,
  whyBlended,
} from '../../../../src/core/forecast/search';
import { forecastTable } from '../../../../src/core/forecast/forecast-table';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, Table } from '../../../../src/core/table';

/** A seasonal random walk: each step the same season's last value plus noise. */
function seasonalWalk(length: number, season: readonly number[], noise: number, seed: number) {
  const random = seededRandom(seed);
  const y = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    y[t] =
      t < season.length ? 100 + season[t]! : y[t - season.length]! + noise * randomNormal(random);
  }
  return y;
}

describe('the one-standard-error guard against the seasonal naive benchmark', () => {
  const folds = planFolds(100, { horizon: 12, folds: 8, step: 3, minTrain: 20 });

  it('accepts a model that wins on every fold by a steady margin', () => {
    const benchmark = [1.2, 1.1, 1.3, 1.25, 1.15, 1.2, 1.1, 1.3];
    expect(
      clearlyBetter(
        benchmark.map((value) => value - 0.3),
        benchmark,
        folds,
      ),
    ).toBe(true);
  });

  it('refuses a win that is small beside the spread of the fold differences', () => {
    const benchmark = [1, 1, 1, 1, 1, 1, 1, 1];
    const model = [0.5, 1.4, 0.6, 1.3, 0.7, 1.2, 0.8, 1.1];
    expect(clearlyBetter(model, benchmark, folds)).toBe(false);
  });

  it('counts overlapping folds as fewer independent ones', () => {
    const benchmark = [1, 1, 1, 1, 1, 1, 1, 1];
    const model = [0.7, 1.1, 0.75, 1.05, 0.7, 1.1, 0.8, 1.0];
    // Eight folds a horizon apart each count fully; the same folds a quarter horizon apart do not.
    const apart = planFolds(200, { horizon: 12, folds: 8, step: 12, minTrain: 20 });
    expect(clearlyBetter(model, benchmark, apart)).toBe(true);
    expect(clearlyBetter(model, benchmark, folds)).toBe(false);
  });

  it('blends toward seasonal naive when a short series gives no clear winner', async () => {
    // A pure seasonal random walk: seasonal naive is the right model. With this seed the linear
    // trend with seasonal dummies wins the backtest of ten years of quarters, narrowly and by
    // chance, so the forecast is its mean with seasonal naive rather than the trend alone.
    const y = seasonalWalk(40, [10, -4, 6, -12], 2, 6);
    let clock = 0;
    const blends: boolean[] = [];
    const result = await searchForecast(y, {
      horizon: 8,
      period: 4,
      now: () => (clock += 1),
      families: ['snaive', 'theta', 'trend'],
      ensemble: 0,
      onEvent: (event) => {
        if (event.type === 'ensemble') blends.push(event.blend === true);
      },
    });
    // Its event says it is a blend with the benchmark, not the mean of the best few.
    expect(blends).toEqual([true]);
    const singles = result.leaderboard.filter((entry) => entry.model !== 'ensemble');
    const snaive = singles.find((entry) => entry.model === 'snaive')!;
    const winner = singles[0]!;
    expect(winner.model).toBe('trend');
    expect(winner.backtest.mase).toBeLessThan(snaive.backtest.mase);
    expect(result.best.members).toEqual([winner.trial, snaive.trial]);
    expect(result.model.label).toBe(`Mean of ${winner.label} · ${snaive.label}`);
    // The leaderboard says why a worse backtest score was chosen; a plain ensemble says nothing.
    expect(result.best.why).toBe(whyBlended(winner, [snaive], result.folds, 8));
    expect(result.best.why).toMatch(/does not beat Seasonal naive .* by more than one standard/);
    expect(singles.every((entry) => entry.why === undefined)).toBe(true);
  });
});

describe('seasonal naive on a series barely longer than the horizon', () => {
  it('asks of a model a lead of half the error over the steps the folds test', () => {
    expect(farAhead([0.4, 0.5], [1, 1])).toBe(true);
    expect(farAhead([0.5, 0.52], [1, 1])).toBe(false);
    expect(farAhead([0.2], [0.5])).toBe(true);
    expect(farAhead([NaN], [1])).toBe(false);
    expect(farAhead([], [])).toBe(false);
  });

  // Four years of quarters, forecast two years ahead: the one fold tests 7 of the 8 steps.
  const quarters = (level: (t: number) => number, noise: number, seed: number) => {
    const random = seededRandom(seed);
    const season = [12, -5, 8, -15];
    return Float64Array.from(
      { length: 16 },
      (_, t) => level(t) + season[t % 4]! + noise * randomNormal(random),
    );
  };
  const search = (y: Float64Array) => {
    let clock = 0;
    return searchForecast(y, {
      horizon: 8,
      period: 4,
      now: () => (clock += 1),
      families: ['snaive', 'trend', 'theta'],
      ensemble: 0,
    });
  };

  it('trusts a model far ahead of it, such as a steady trend', async () => {
    // A population-like series: steady growth seasonal naive lags a year behind.
    const result = await search(quarters((t) => 1000 + 25 * t, 1, 4));
    expect(result.folds[0]!.horizon).toBeLessThan(8);
    const snaive = result.leaderboard.find((entry) => entry.model === 'snaive')!;
    expect(result.best.model).not.toBe('ensemble');
    expect(result.best.backtest.mase).toBeLessThanOrEqual(SHORT_FOLDS_LEAD * snaive.backtest.mase);
    expect(result.best.why).toBeUndefined();
  });

  it('blends with it a model whose lead is smaller, and says why', async () => {
    // A seasonal random walk: a trend read into it wins the short fold with this seed, but not
    // by half.
    const result = await search(seasonalWalk(16, [12, -5, 8, -15], 4, 5));
    const singles = result.leaderboard.filter((entry) => entry.model !== 'ensemble');
    const snaive = singles.find((entry) => entry.model === 'snaive')!;
    const winner = singles[0]!;
    expect(winner.model).not.toBe('snaive');
    expect(winner.backtest.mase).toBeGreaterThan(SHORT_FOLDS_LEAD * snaive.backtest.mase);
    expect(result.best.members).toEqual([winner.trial, snaive.trial]);
    expect(result.best.why).toBe(
      `The backtest folds test only ${result.folds[0]!.horizon} of the 8 steps ahead (the series is short): there the error of ${winner.label} is more than half that of ${snaive.label}, too small a lead to trust for the steps they leave out. The forecast averages ${winner.label} with ${snaive.label}, which bounds the loss should its lead be luck.`,
    );
  });
});

describe('why a blend with a benchmark was chosen', () => {
  const best = { label: 'Linear trend' };
  const naive = [{ label: 'Naive' }];

  it('names a short series whose folds stop short of the horizon', () => {
    const folds = planFolds(10, { horizon: 6, folds: 1, step: 1, minTrain: 4 });
    expect(whyBlended(best, naive, folds, 12)).toBe(
      'The backtest folds test only 6 of the 12 steps ahead (the series is short): too few to show that Linear trend forecasts better than Naive. The forecast averages Linear trend with Naive, which bounds the loss should its lead be luck.',
    );
  });

  it('names a single fold, and folds within one horizon of each other', () => {
    const one = planFolds(40, { horizon: 12, folds: 1, step: 3, minTrain: 20 });
    expect(whyBlended(best, naive, one, 12)).toMatch(
      /^One backtest fold cannot show that Linear trend forecasts better than Naive beyond chance\. /,
    );
    const close = planFolds(60, { horizon: 12, folds: 3, step: 3, minTrain: 20 });
    expect(whyBlended(best, naive, close, 12)).toMatch(
      /^The 3 backtest folds lie within one horizon of each other/,
    );
  });

  it('names every benchmark the model did not clearly beat', () => {
    const folds = planFolds(200, { horizon: 12, folds: 8, step: 12, minTrain: 20 });
    expect(whyBlended(best, [{ label: 'Random walk with drift' }, ...naive], folds, 12)).toMatch(
      /^Over the 8 backtest folds, Linear trend does not beat Random walk with drift and Naive by more than one standard error\. The forecast averages Linear trend with Random walk with drift and Naive/,
    );
  });
});

describe('daily data with a weekly and a yearly cycle', () => {
  it('backtests seasonal models with the other calendar period too', () => {
    const specs = candidateSpecs({ period: 365, periods: [7], horizon: 14, positive: true });
    const weekly = specs.filter((spec) => spec.params.period === 7);
    expect(weekly.map((spec) => spec.model)).toEqual(
      expect.arrayContaining(['snaive', 'theta', 'stl', 'ets']),
    );
    const yearly = candidateSpecs({ period: 7, periods: [365], horizon: 14, positive: true });
    // ETS takes no season above 24 steps, so the yearly cycle goes to the other models only.
    expect(yearly.some((spec) => spec.model === 'ets' && spec.params.period === 365)).toBe(false);
    expect(yearly.some((spec) => spec.model === 'snaive' && spec.params.period === 365)).toBe(true);
  });
});

describe('long seasonal periods', () => {
  const random = seededRandom(3);
  const n = 24 * 7 * 4;
  const hourly = Float64Array.from(
    { length: n },
    (_, t) =>
      200 +
      40 * Math.sin((2 * Math.PI * t) / 24) +
      25 * Math.cos((2 * Math.PI * t) / 168) +
      (t % 168 >= 120 ? -30 : 0) +
      5 * randomNormal(random),
  );

  it('try no seasonal ETS or ARIMA, and decomposition and harmonic models first', () => {
    const specs = candidateSpecs({ period: 168, periods: [24], horizon: 48, positive: true });
    for (const spec of specs) {
      const period = (spec.params.period as number | undefined) ?? 168;
      if (spec.model === 'ets') expect(period).toBeLessThanOrEqual(24);
      if (spec.model === 'arima' && period > 24) {
        expect(spec.params.seasonal === false || spec.params.fourier !== undefined).toBe(true);
      }
    }
    const firstTen = specs.slice(0, 10).map((spec) => spec.model);
    expect(firstTen).toEqual(expect.arrayContaining(['snaive', 'theta', 'stl']));
  });

  it('completes a search of a week-of-hours season within a small trial cap', async () => {
    let clock = 0;
    const result = await searchForecast(hourly, {
      horizon: 24,
      period: 168,
      periods: [24],
      now: () => (clock += 1),
      maxTrials: 10,
      seed: 1,
    });
    expect(result.stopped).toBe('trials');
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    expect(result.best.backtest.mase).toBeLessThan(0.5 * naive.backtest.mase);
    expect(result.forecast.mean).toHaveLength(24);
    expect(result.forecast.mean.every(Number.isFinite)).toBe(true);
  });

  it('fits harmonic regression with ARIMA errors and reloads it', async () => {
    const result = await searchForecast(hourly, {
      horizon: 24,
      period: 168,
      now: () => 0,
      families: ['arima'],
      maxTrials: 1,
      ensemble: 0,
      folds: 2,
    });
    const harmonic = result.leaderboard.find((entry) => entry.params.fourier === 'auto')!;
    expect(harmonic.label).toMatch(/harmonics \[168\]/);
    const model = restoreForecaster(JSON.parse(JSON.stringify(result.model.toJSON())));
    expect(Array.from(model.forecast(24).mean)).toEqual(Array.from(result.forecast.mean));
  });
});

describe('a cycle found in the data alone', () => {
  // Canadian lynx trappings, 1821-1910 (R's lynx): a cycle of about ten years, not a season.
  const lynx = [
    269, 321, 585, 871, 1475, 2821, 3928, 5943, 4950, 2577, 523, 98, 184, 279, 409, 2285, 2685,
    3409, 1824, 409, 151, 45, 68, 213, 546, 1033, 2129, 2536, 957, 361, 377, 225, 360, 731, 1638,
    2725, 2871, 2119, 684, 299, 236, 245, 552, 1623, 3311, 6721, 4254, 687, 255, 473, 358, 784,
    1594, 1676, 2251, 1426, 756, 299, 201, 229, 469, 736, 2042, 2811, 4431, 2511, 389, 73, 39, 49,
    59, 188, 377, 1292, 4031, 3495, 587, 105, 153, 387, 758, 1307, 3465, 6991, 6313, 3794, 1836,
    345, 382, 808,
  ];
  const table = new Table([
    numberColumn(
      'year',
      lynx.map((_, i) => 1821 + i),
      'integer',
    ),
    numberColumn('trapped', lynx),
  ]);
  it('keeps naive as a benchmark beside seasonal naive at that period', async () => {
    const [found] = (
      await forecastTable(table, {
        time: 'year',
        target: 'trapped',
        horizon: 24,
        families: ['snaive', 'naive', 'lagreg'],
        // No mean of the best few: the regressions on lags, which lead seasonal naive on the
        // folds but not clearly, are passed over, and seasonal naive answers to the benchmarks.
        ensemble: 0,
        seed: 0,
        now: () => 0,
      })
    ).series;
    expect(found!.seasonality).toMatchObject({ source: 'acf', period: 10 });
    const labels = found!.best.label.replace(/^Mean of /, '').split(' · ');
    expect(labels).toContain('Seasonal naive [10]');
    expect(labels.at(-1)).toBe('Naive');
    expect(found!.best.why).toMatch(/does not beat Naive by more than one standard error/);
  });

  it('but not for a period that is not a cycle found so', async () => {
    const result = await searchForecast(Float64Array.from(lynx), {
      horizon: 24,
      period: 10,
      families: ['snaive', 'naive', 'lagreg'],
      ensemble: 0,
      seed: 0,
      now: () => 0,
    });
    expect(result.best.label).toBe('Seasonal naive [10]');
  });
});
