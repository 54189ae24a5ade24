import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { seededRandom, randomNormal } from '../../../../src/core/random';
import {
  autoEtsFirst,
  COMBINATION_MARGIN,
  ETS_TIE,
  OVERRUN,
  searchForecast,
  stoppedBecause,
  whyCombined,
  type ForecastEvent,
  type LeaderboardEntry,
  whyOwnEts,
} from '../../../../src/core/forecast/search';
import type { ForecastResult } from '../../../../src/core/forecast/types';
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

  it('keeps a model whose interval has no bound out of the forecast, and says why', async () => {
    // A level that jumps from 10 to 100: Guerrero's λ is near −0.9, and the upper bound of ETS on
    // that scale lies past the transform's pole, which no value on the data's scale reaches.
    const random = seededRandom(5);
    const jump = Float64Array.from(
      { length: 80 },
      (_, t) => (t < 40 ? 10 : 100) + randomNormal(random),
    );
    const finite = (result: { forecast: ForecastResult }) =>
      result.forecast.intervals.every(
        ({ lo, hi }) => lo.every(Number.isFinite) && hi.every(Number.isFinite),
      );
    const options = { horizon: 1, period: 7, now: () => 0, seed: 1 };
    const blended = await searchForecast(jump, { ...options, families: ['snaive', 'ets'] });
    expect(blended.leaderboard.some((entry) => /Box-Cox λ=-0\.9$/.test(entry.label))).toBe(true);
    expect(finite(blended)).toBe(true);
    expect(blended.best.label).not.toMatch(/Box-Cox/);
    expect(blended.model.label).not.toMatch(/Box-Cox/);
    expect(blended.best.why).toMatch(
      /ETS\(A,N,N\), Box-Cox λ=-0\.\d+ is left out: refitted on the whole series, it has no finite bound to its 80% interval from step 1 \(a Box-Cox transform with λ < 0 cannot take a bound past its pole back to the data’s scale\)\. The forecast averages the rest\.$/,
    );
    expect(blended.leaderboard).toContainEqual(blended.best);
    // Forecasting alone, it gives way to the best-ranked model whose intervals have bounds.
    const alone = await searchForecast(jump, { ...options, families: ['ets'], ensemble: 1 });
    const ranked = alone.leaderboard.filter((entry) => !entry.why);
    expect(ranked[0]!.label).toBe('ETS(A,N,N), Box-Cox λ=-0.9');
    expect(finite(alone)).toBe(true);
    expect(alone.best.label).toBe('ETS(A,N,N)');
    expect(alone.best.why).toMatch(
      /^ETS\(A,N,N\), Box-Cox λ=-0\.\d+ is passed over: .* ETS\(A,N,N\) is the best-ranked model whose intervals have bounds\.$/,
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

  it('tells a candidate the budget stopped from one that failed', async () => {
    // Each reading of the clock moves it 0.4 s: naive finishes, and the ARIMA search that
    // follows reads it until the 10 s budget is spent.
    let clock = 0;
    const events: ForecastEvent[] = [];
    const result = await searchForecast(y, {
      horizon: 12,
      period: 12,
      families: ['naive', 'arima'],
      budgetSeconds: 10,
      now: () => (clock += 400),
      onEvent: (event) => events.push(event),
    });
    expect(result.stopped).toBe('budget');
    expect(result.leaderboard.map((entry) => entry.model)).toEqual(['naive']);
    const stopped = events.filter((event) => event.type === 'candidate-stopped');
    expect(stopped.map((event) => event.model)).toEqual(['arima']);
    expect(events.filter((event) => event.type === 'candidate-failed')).toEqual([]);
  });

  it('stops a candidate whose first folds show it cannot finish, and gives the others its time', async () => {
    const families = ['naive', 'arima', 'stl'];
    // Reads the clock, moving it by `step(model)` milliseconds for the candidate running.
    const clockFor = (step: (model: string) => number) => {
      let clock = 0;
      let running = '';
      const readings = new Map<string, number>();
      return {
        readings,
        now: () => {
          readings.set(running, (readings.get(running) ?? 0) + 1);
          return (clock += step(running));
        },
        onEvent: (event: ForecastEvent) => {
          if (event.type === 'candidate-started') {
            running = `${event.model}${event.params.lambda === undefined ? '' : ':box-cox'}`;
          } else if (event.type !== 'candidate-skipped') running = '';
        },
      };
    };
    // How often the plain ARIMA's backtest reads the clock, under a budget that never binds.
    const counting = clockFor(() => 1);
    await searchForecast(y, { horizon: 12, period: 12, families, budgetSeconds: 1e9, ...counting });
    const readings = counting.readings.get('arima')!;
    expect(readings).toBeGreaterThan(100);
    // Under a 100 s budget, its backtest would now take about 400 s; the rest about 1 ms a reading.
    const slow = clockFor((model) => (model === 'arima' ? 400_000 / readings : 1));
    const events: ForecastEvent[] = [];
    const result = await searchForecast(y, {
      horizon: 12,
      period: 12,
      families,
      budgetSeconds: 100,
      now: slow.now,
      onEvent: (event) => {
        slow.onEvent(event);
        events.push(event);
      },
    });
    expect(result.stopped).toBe('budget');
    const stopped = events.filter((event) => event.type === 'candidate-stopped');
    expect(stopped.map((event) => [event.model, event.params])).toEqual([['arima', {}]]);
    const projected = stopped[0]!.projected!;
    expect(projected.folds).toBeLessThan(projected.of);
    expect(projected.seconds).toBeGreaterThan(OVERRUN * projected.leftSeconds);
    expect(projected.leftSeconds).toBeLessThan(100);
    expect(stoppedBecause(stopped[0]!)).toMatch(
      new RegExp(
        `^after ${projected.folds} of ${projected.of} backtest folds it was on course to need about \\d+ s, and the time budget had \\d+ s left for it$`,
      ),
    );
    // A budget shared by many series leaves candidates milliseconds: said in milliseconds.
    const tiny = { folds: 1, of: 8, seconds: 0.0123, leftSeconds: 0.0041 };
    expect(stoppedBecause({ projected: tiny })).toBe(
      'after 1 of 8 backtest folds it was on course to need about 12 ms, and the time budget had 4.1 ms left for it',
    );
    expect(stoppedBecause({ projected: { ...tiny, seconds: 0.123, leftSeconds: 0 } })).toBe(
      'after 1 of 8 backtest folds it was on course to need about 0.12 s, and the time budget had no time left for it',
    );
    expect(stoppedBecause({ projected: { ...tiny, seconds: 1.54, leftSeconds: 0.9 } })).toMatch(
      /need about 1\.5 s, and the time budget had 0\.9 s left/,
    );
    // It stopped after its first fold (about an eighth of the 400 s), a quarter of the budget
    // before the deadline: the ARIMA on the Box–Cox scale, of its family, is not started, and the
    // robust STL after it still runs.
    expect(projected.folds).toBe(1);
    expect(stopped[0]!.elapsedSeconds).toBeLessThan(75);
    const skipped = events.filter((event) => event.type === 'candidate-skipped');
    expect(skipped.map((event) => [event.model, event.params, event.reason])).toEqual([
      ['arima', { lambda: 'auto' }, 'budget'],
    ]);
    expect(result.leaderboard.some((entry) => entry.params.robust === true)).toBe(true);
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

  describe('ETS choosing its own form, against ETS held damped', () => {
    const entry = (trial: number, mase: number, params: Record<string, unknown>, model = 'ets') =>
      ({
        trial,
        model,
        label: model,
        params,
        backtest: { mase, smape: 0, rmse: 0, mae: 0 },
        fit_s: 0,
        folds: [],
      }) as LeaderboardEntry;
    const score = (e: LeaderboardEntry) => e.backtest.mase;
    const order = (entries: LeaderboardEntry[]) =>
      autoEtsFirst(entries, score).ranked.map((e) => e.trial);

    it('goes first when the damped one leads it by less than the tie', () => {
      const damped = entry(2, 0.7265, { damped: true });
      const own = entry(3, 0.7265 * (1 + ETS_TIE / 2), {});
      const entries = [entry(1, 0.44, {}, 'stl'), damped, entry(4, 0.72, {}, 'theta'), own];
      expect(order(entries)).toEqual([1, 3, 2, 4]);
      expect(autoEtsFirst(entries, score).standIns).toEqual(new Map([[3, damped]]));
    });

    it('stays behind a clear lead, another scale, or a fixed form', () => {
      const damped = entry(2, 0.7, { damped: true });
      expect(order([damped, entry(3, 0.7 * (1 + 2 * ETS_TIE), {})])).toEqual([2, 3]);
      expect(order([damped, entry(3, 0.7, { lambda: 'auto' })])).toEqual([2, 3]);
      expect(order([damped, entry(3, 0.7, { model: 'ANA' })])).toEqual([2, 3]);
      const logDamped = entry(4, 0.7, { damped: true, lambda: 0 });
      expect(order([logDamped, entry(5, 0.7, {}), entry(6, 0.7, { lambda: 0 })])).toEqual([
        6, 4, 5,
      ]);
    });

    it('forecasts with the season the whole series shows when the one fold is too short for it', async () => {
      // US accidental deaths, 1973-1976 (R's USAccDeaths): 48 months forecast 24 ahead leave one
      // fold that trains on 25 values, where neither ETS fits a season.
      const deaths = Float64Array.from([
        9007, 8106, 8928, 9137, 10017, 10826, 11317, 10744, 9713, 9938, 9161, 8927, 7750, 6981,
        8038, 8422, 8714, 9512, 10120, 9823, 8743, 9129, 8710, 8680, 8162, 7306, 8124, 7870, 9387,
        9556, 10093, 9620, 8285, 8466, 8160, 8034, 7717, 7461, 7767, 7925, 8623, 8945, 10078, 9179,
        8037, 8488, 7874, 8647,
      ]);
      const result = await searchForecast(deaths, {
        horizon: 24,
        period: 12,
        families: ['snaive', 'ets', 'stl'],
        now: () => 0,
      });
      const singles = result.leaderboard.filter((e) => !e.members);
      const own = singles.find((e) => e.model === 'ets' && Object.keys(e.params).length === 0)!;
      const damped = singles.find((e) => e.model === 'ets' && e.params.damped === true)!;
      expect(Math.abs(own.backtest.mase / damped.backtest.mase - 1)).toBeLessThan(ETS_TIE);
      const members = result.best.members ?? [result.best.trial];
      expect(members).not.toContain(damped.trial);
      expect(members).toContain(own.trial);
      expect(JSON.stringify(result.model.toJSON())).toContain('"season":"A"');
      // The chosen forecast says why the damped ETS, with its lower score, was left out.
      expect(result.best.why).toContain(whyOwnEts(damped, 'mase'));
      expect(result.best.why).toMatch(
        /ETS choosing its own form stands in for ETS with a damped trend \(#\d+, MASE 0\.72\d+\), whose backtest score is within 1% of its own/,
      );
      const listed = result.leaderboard.find((e) => e.trial === result.best.trial);
      expect(listed?.why).toBe(result.best.why);
    });
  });
});
