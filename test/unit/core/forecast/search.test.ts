import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { seededRandom, randomNormal } from '../../../../src/core/random';
import {
  COMBINATION_MARGIN,
  searchForecast,
  whyCombined,
  type ForecastEvent,
} from '../../../../src/core/forecast/search';
import { seasonalSeries } from './helpers';

const y = seasonalSeries(84, 11);
const quick = ['snaive', 'naive', 'drift', 'theta', 'stl'];

describe('forecast search', () => {
  it('is deterministic for a seed and a trial cap, whatever the clock says', async () => {
    const run = async (clockStep: number) => {
      let clock = 0;
      const events: ForecastEvent[] = [];
      const result = await searchForecast(y, {
        horizon: 12,
        period: 12,
        seed: 7,
        maxTrials: 4,
        families: quick,
        now: () => (clock += clockStep),
        onEvent: (event) => events.push(event),
      });
      return { result, events };
    };
    const first = await run(1);
    const second = await run(3);
    expect(second.result.forecast).toEqual(first.result.forecast);
    expect(second.result.leaderboard.map((e) => [e.label, e.backtest])).toEqual(
      first.result.leaderboard.map((e) => [e.label, e.backtest]),
    );
    const started = first.events.filter((event) => event.type === 'candidate-started');
    expect(started).toHaveLength(4);
    expect(
      first.events.filter(
        (event) => event.type === 'candidate-skipped' && event.reason === 'trials',
      ).length,
    ).toBeGreaterThan(0);
    expect(first.result.stopped).toBe('trials');
    expect(first.events[0]!.type).toBe('series-started');
    expect(first.events.at(-1)!.type).toBe('series-finished');
  });

  it('ranks by the metric, forecasts with ordered 80% and 95% intervals, and charts the fit', async () => {
    const result = await searchForecast(y, {
      horizon: 12,
      period: 12,
      families: quick,
      now: () => 0,
    });
    const scores = result.leaderboard.map((entry) => entry.backtest.mase);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(result.best.backtest.mase).toBe(scores[0]);
    // A trending seasonal series: seasonal methods beat the naive one.
    const naive = result.leaderboard.find((entry) => entry.model === 'naive')!;
    expect(result.best.backtest.mase).toBeLessThan(naive.backtest.mase);
    const [i80, i95] = result.forecast.intervals;
    expect([i80!.level, i95!.level]).toEqual([80, 95]);
    for (let i = 0; i < 12; i++) {
      expect(i95!.lo[i]).toBeLessThanOrEqual(i80!.lo[i]!);
      expect(i80!.lo[i]).toBeLessThanOrEqual(result.forecast.mean[i]!);
      expect(result.forecast.mean[i]).toBeLessThanOrEqual(i80!.hi[i]!);
      expect(i80!.hi[i]).toBeLessThanOrEqual(i95!.hi[i]!);
    }
    expect(result.folds.length).toBe(8);
    expect(result.best.folds.length).toBe(8);
    expect(result.decomposition.method).toBe('stl');
    expect(result.decomposition.trend.length).toBe(y.length);
    // Lags up to 2m, at most a fifth of the residuals.
    const residuals = result.residuals.filter((value) => Number.isFinite(value)).length;
    expect(result.diagnostics.acf.length).toBe(Math.min(24, Math.floor(residuals / 5)));
    expect(result.diagnostics.ljungBox.pValue).toBeGreaterThanOrEqual(0);
  });

  it('forecasts with the largest mean of the best few that scores within the margin of the best', async () => {
    const result = await searchForecast(y, {
      horizon: 12,
      period: 12,
      families: quick,
      now: () => 0,
    });
    const ensemble = result.leaderboard.find((entry) => entry.model === 'ensemble');
    expect(ensemble?.members?.length).toBeGreaterThanOrEqual(2);
    const singles = result.leaderboard.filter((entry) => entry.model !== 'ensemble');
    const bestSingle = Math.min(...singles.map((entry) => entry.backtest.mase));
    const lowest = Math.min(bestSingle, ensemble!.backtest.mase);
    if (ensemble!.backtest.mase <= lowest * (1 + COMBINATION_MARGIN)) {
      expect(result.best.members?.slice(0, ensemble!.members!.length)).toEqual(ensemble!.members);
      expect(result.model.model).not.toBe(singles[0]!.model);
    } else {
      expect(result.best.model).not.toBe('ensemble');
    }
  });

  it('prefers a mean of the best few to a best model that leads it by less than the margin', async () => {
    // Noisy seasonal months: the best few models backtest within a few percent of each other.
    const random = seededRandom(11);
    const noisy = Float64Array.from(
      { length: 96 },
      (_, t) => 100 + 0.3 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + 6 * randomNormal(random),
    );
    const result = await searchForecast(noisy, {
      horizon: 12,
      period: 12,
      families: ['snaive', 'naive', 'drift', 'theta', 'trend', 'ets'],
      now: () => 0,
    });
    const singles = result.leaderboard.filter((entry) => entry.model !== 'ensemble');
    const ensemble = result.leaderboard.find(
      (entry) =>
        entry.model === 'ensemble' && entry.why?.startsWith('The mean of the best') === true,
    )!;
    // The mean scores worse than the best alone, yet within the margin: it is chosen, and says why.
    expect(ensemble.backtest.mase).toBeGreaterThan(singles[0]!.backtest.mase);
    expect(ensemble.backtest.mase).toBeLessThanOrEqual(
      singles[0]!.backtest.mase * (1 + COMBINATION_MARGIN),
    );
    expect(ensemble.members).toEqual(
      singles.slice(0, ensemble.members!.length).map((entry) => entry.trial),
    );
    expect(result.best.members?.slice(0, ensemble.members!.length)).toEqual(ensemble.members);
    expect(ensemble.why).toBe(whyCombined(singles[0]!, ensemble, 'mase'));
    expect(ensemble.why).toMatch(
      /^The mean of the best \d models scores within 10% of .* alone on the backtest \(MASE /,
    );
  });

  it('stops starting candidates when the budget is spent but still forecasts', async () => {
    let clock = 0;
    const result = await searchForecast(y, {
      horizon: 12,
      period: 12,
      families: quick,
      budgetSeconds: 1,
      now: () => (clock += 400),
    });
    expect(result.stopped).toBe('budget');
    expect(result.leaderboard.length).toBeGreaterThanOrEqual(1);
    expect(result.forecast.mean.length).toBe(12);
  });

  it('is cancelled through its signal', async () => {
    const controller = new AbortController();
    const search = searchForecast(y, {
      horizon: 12,
      period: 12,
      families: quick,
      now: () => 0,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'candidate-finished') controller.abort();
      },
    });
    await expect(search).rejects.toSatisfy(
      (error) => error instanceof TrainingError && error.kind === 'cancelled',
    );
  });

  it('says which series is too short, and which value is missing', async () => {
    await expect(
      searchForecast(Float64Array.of(1, 2), {
        horizon: 3,
        period: 1,
        now: () => 0,
        series: 'north',
      }),
    ).rejects.toThrow(/series “north” has 2 values/);
    await expect(
      searchForecast(Float64Array.of(1, NaN, 3, 4, 5), { horizon: 1, period: 1, now: () => 0 }),
    ).rejects.toThrow(/step 2/);
  });
});
