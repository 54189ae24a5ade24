import { describe, expect, it } from 'vitest';
import {
  fitForecaster,
  forecastTable,
  loadForecast,
  restoreForecaster,
  saveForecast,
} from '../../../../src/core/forecast';
import { searchForecast } from '../../../../src/core/forecast/search';
import {
  blendForecasters,
  floorOf,
  FlooredForecast,
} from '../../../../src/core/forecast/transformed';
import { seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** Daily demand: zero on most days, a few units on the rest. */
function demand(days: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, () => (random() < 0.35 ? 1 + Math.floor(random() * 6) : 0));
}

function lowest(result: { mean: Float64Array; intervals: readonly { lo: Float64Array }[] }) {
  return Math.min(...result.mean, ...result.intervals.flatMap(({ lo }) => [...lo]));
}

describe('forecasts of series that reach zero and never go below it', () => {
  it('takes 0 as the floor only of such series', () => {
    expect(floorOf([0, 3, 1, 0])).toBe(0);
    expect(floorOf([2, 3, 1])).toBeNull();
    expect(floorOf([0, 3, -1])).toBeNull();
    expect(floorOf([])).toBeNull();
  });

  it('keeps point forecasts and interval bounds at 0 or above, for every family', async () => {
    const y = Float64Array.from(demand(120, 5));
    for (const [family, params] of [
      ['naive', {}],
      ['mean', {}],
      ['ets', { model: 'ANN' }],
      ['arima', { p: 1, d: 0, q: 0 }],
      ['lagreg', { learner: 'linear', horizon: 7 }],
    ] as const) {
      const model = await fitForecaster(family, y, { period: 7, seed: 1 }, params);
      expect(model).toBeInstanceOf(FlooredForecast);
      const result = model.forecast(14, [80, 95]);
      expect(lowest(result), family).toBeGreaterThanOrEqual(0);
      // Without the floor the same model's lower bounds go below zero.
      const inner = restoreForecaster(model.toJSON().inner);
      expect(lowest(inner.forecast(14, [80, 95])), family).toBeLessThan(0);
      // Saved and restored, it keeps its floor.
      const restored = restoreForecaster(JSON.parse(JSON.stringify(model.toJSON())));
      expect(restored.forecast(14, [80, 95])).toEqual(result);
    }
  });

  it('leaves series with negative values, or none at zero, as they were', async () => {
    const y = Float64Array.from(demand(120, 6), (value) => value + 1);
    const model = await fitForecaster('naive', y, { period: 7 });
    expect(model).not.toBeInstanceOf(FlooredForecast);
    const negative = Float64Array.from(demand(120, 6), (value) => value - 1);
    expect(await fitForecaster('naive', negative, { period: 7 })).not.toBeInstanceOf(
      FlooredForecast,
    );
  });

  it('says so once for a table, and the saved forecast keeps to the floor', async () => {
    const times: number[] = [];
    const values: number[] = [];
    const ids: string[] = [];
    const a = demand(90, 1);
    const b = demand(90, 2).map((value) => value + 10);
    for (let d = 0; d < 90; d++) {
      times.push(START + d * DAY, START + d * DAY);
      values.push(a[d]!, b[d]!);
      ids.push('a', 'b');
    }
    const table = new Table([
      numberColumn('day', times, 'datetime'),
      numberColumn('units', values),
      stringColumn('shop', ids),
    ]);
    const result = await forecastTable(table, {
      time: 'day',
      target: 'units',
      series: ['shop'],
      horizon: 7,
      families: ['naive', 'mean'],
      seed: 1,
      now: () => 0,
    });
    expect(result.warnings).toContain(
      'Forecasts and intervals are kept at 0 or above: 1 of the 2 series of “units” never goes below 0 and reaches it.',
    );
    const [shopA] = result.series;
    expect(lowest(shopA!.forecast)).toBeGreaterThanOrEqual(0);
    const reloaded = loadForecast(
      JSON.parse(
        JSON.stringify(saveForecast(result, { time: 'day', target: 'units', series: ['shop'] }, 7)),
      ),
    );
    expect(lowest(reloaded.series[0]!.forecast(7).result)).toBeGreaterThanOrEqual(0);
  });
});

describe('blends of models that keep to a floor', () => {
  it('floor the mean of the members’ own forecasts, in the backtest and when refitted', async () => {
    const y = Float64Array.from(demand(96, 9));
    const members = await Promise.all([
      fitForecaster('snaive', y, { period: 12 }),
      fitForecaster('ets', y, { period: 12 }, { model: 'ANN' }),
    ]);
    const blend = blendForecasters(members);
    expect(blend).toBeInstanceOf(FlooredForecast);
    expect(blend.toJSON()).toMatchObject({ model: 'floor', inner: { model: 'ensemble' } });
    const raw = members.map((member) => (member as FlooredForecast).inner.forecast(12, [80]));
    const result = blend.forecast(12, [80]);
    const lo = result.intervals[0]!.lo;
    lo.forEach((value, i) => {
      const mean = (raw[0]!.intervals[0]!.lo[i]! + raw[1]!.intervals[0]!.lo[i]!) / 2;
      expect(value).toBeCloseTo(Math.max(0, mean), 12);
    });
    // Averaging floored bounds instead would lift some lower bound above 0.
    const floored = members.map((member) => member.forecast(12, [80]).intervals[0]!.lo);
    expect(floored[0]!.some((value, i) => (value + floored[1]![i]!) / 2 > lo[i]! + 1e-9)).toBe(
      true,
    );

    // The search scores blends the same way on its folds.
    const search = await searchForecast(y, {
      horizon: 6,
      period: 12,
      families: ['snaive', 'mean'],
      ensemble: 2,
      now: () => 0,
    });
    const ensemble = search.leaderboard.find((entry) => entry.model === 'ensemble');
    expect(ensemble).toBeDefined();
    const parts = ensemble!.members!.map((trial) =>
      search.leaderboard.find((entry) => entry.trial === trial)!,
    );
    let lower = 0;
    ensemble!.folds.forEach((fold, f) => {
      fold.lo.forEach((value, i) => {
        const meanOfFloored =
          parts.reduce((sum, part) => sum + part.folds[f]!.lo[i]!, 0) / parts.length;
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(meanOfFloored + 1e-9);
        if (value < meanOfFloored - 1e-9) lower++;
      });
    });
    expect(lower).toBeGreaterThan(0);
  });
});
