import { describe, expect, it } from 'vitest';
import {
  forecastTable,
  loadForecast,
  saveForecast,
  scoreTest,
  type ForecastEvent,
} from '../../../../src/core/forecast';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { seasonalSeries } from './helpers';

const DAY = 86_400_000;
const start = Date.UTC(2023, 0, 2);

function stores(days: number, offset = 0) {
  const a = seasonalSeries(days + offset, 1, 7).slice(offset);
  const b = seasonalSeries(days + offset, 2, 7).slice(offset);
  const times: number[] = [];
  const values: number[] = [];
  const ids: string[] = [];
  for (let d = 0; d < days; d++) {
    times.push(start + (offset + d) * DAY, start + (offset + d) * DAY);
    values.push(a[d]!, b[d]! * 2);
    ids.push('a', 'b');
  }
  return new Table([
    numberColumn('day', times, 'datetime'),
    numberColumn('sales', values),
    stringColumn('store', ids),
  ]);
}

describe('forecasting a table of several series', () => {
  it('forecasts each series, shares the budget, scores a test table and reloads', async () => {
    const events: ForecastEvent[] = [];
    const options = {
      time: 'day',
      target: 'sales',
      series: ['store'],
      horizon: 7,
      families: ['snaive', 'naive', 'theta'],
      now: () => 0,
      budgetSeconds: 60,
      onEvent: (event: ForecastEvent) => events.push(event),
    };
    const result = await forecastTable(stores(84), options);
    expect(result.axis.name).toBe('daily');
    expect(result.series.map((series) => series.id)).toEqual(['a', 'b']);
    const started = events.filter((event) => event.type === 'series-started');
    expect(started.map((event) => event.type === 'series-started' && event.index)).toEqual([0, 1]);
    for (const series of result.series) {
      expect(series.period).toBe(7);
      expect(series.calendar).toBe(true);
      expect(series.futureTimes[0]).toBe(start + 84 * DAY);
      expect(series.forecast.mean.length).toBe(7);
    }

    const test = scoreTest(result, stores(7, 84), {
      time: 'day',
      target: 'sales',
      series: ['store'],
    });
    expect(test.series.map((score) => [score.series, score.matched])).toEqual([
      ['a', 7],
      ['b', 7],
    ]);
    expect(test.accuracy.mase).toBeCloseTo(
      (test.series[0]!.accuracy.mase + test.series[1]!.accuracy.mase) / 2,
      12,
    );

    const saved = JSON.parse(JSON.stringify(saveForecast(result, options, 7)));
    const loaded = loadForecast(saved);
    loaded.series.forEach((series, index) => {
      const again = series.forecast(7);
      expect(again.times).toEqual(result.series[index]!.futureTimes);
      const expected = result.series[index]!.forecast.mean;
      for (let i = 0; i < 7; i++) expect(again.result.mean[i]).toBeCloseTo(expected[i]!, 9);
    });
  });

  it('gives regression learners calendar features, also when forecasting again', async () => {
    const table = stores(84).take(Array.from({ length: 84 }, (_, d) => 2 * d));
    const result = await forecastTable(table, {
      time: 'day',
      target: 'sales',
      horizon: 5,
      families: ['lagreg'],
      maxTrials: 1,
      now: () => 0,
    });
    const [series] = result.series;
    expect(series!.best.model).toBe('lagreg');
    expect(series!.best.params).toMatchObject({ learner: 'linear' });
    expect(series!.model.params).toMatchObject({ regressors: 4 });
    const saved = JSON.parse(
      JSON.stringify(saveForecast(result, { time: 'day', target: 'sales' }, 5)),
    );
    const again = loadForecast(saved).series[0]!.forecast(5);
    for (let i = 0; i < 5; i++)
      expect(again.result.mean[i]).toBeCloseTo(series!.forecast.mean[i]!, 9);
  });

  it('rejects test rows that are off the grid or duplicated, and passes over blank ones', async () => {
    const result = await forecastTable(stores(40), {
      time: 'day',
      target: 'sales',
      series: ['store'],
      horizon: 3,
      families: ['naive'],
      now: () => 0,
    });
    const offGrid = new Table([
      numberColumn('day', [start + 40.5 * DAY], 'datetime'),
      numberColumn('sales', [1]),
      stringColumn('store', ['a']),
    ]);
    expect(() =>
      scoreTest(result, offGrid, { time: 'day', target: 'sales', series: ['store'] }),
    ).toThrow(/Test row 1: the time .* is not on the daily grid/);
    const twice = new Table([
      numberColumn('day', [start + 40 * DAY, start + 40 * DAY], 'datetime'),
      numberColumn('sales', [1, 2]),
      stringColumn('store', ['a', 'a']),
    ]);
    expect(() =>
      scoreTest(result, twice, { time: 'day', target: 'sales', series: ['store'] }),
    ).toThrow(/Test rows 1 and 2 fall on the same daily step/);
    // Rows with neither a time nor a value are passed over; a value without a time is not.
    const blank = new Table([
      numberColumn('day', [start + 40 * DAY, NaN], 'datetime'),
      numberColumn('sales', [1, NaN]),
      stringColumn('store', ['a', null]),
    ]);
    const scored = scoreTest(result, blank, { time: 'day', target: 'sales', series: ['store'] });
    expect(scored.series.map((score) => score.series)).toEqual(['a']);
    expect(scored.unmatchedRows).toBe(0);
    const valued = new Table([
      numberColumn('day', [NaN], 'datetime'),
      numberColumn('sales', [1]),
      stringColumn('store', ['a']),
    ]);
    expect(() =>
      scoreTest(result, valued, { time: 'day', target: 'sales', series: ['store'] }),
    ).toThrow('Row 1 has no time in “day”.');
    expect(() => loadForecast({ format: 'something-else' })).toThrow(/not a saved Bunsen forecast/);
  });

  it('leaves out a series too short to forecast, and says so, unless every series is', async () => {
    const long = stores(30);
    const table = new Table([
      numberColumn(
        'day',
        [...(long.column('day') as { values: Float64Array }).values, start],
        'datetime',
      ),
      numberColumn('sales', [...(long.column('sales') as { values: Float64Array }).values, 5]),
      stringColumn('store', [...long.toRows().map((row) => String(row.store)), 'new']),
    ]);
    const options = {
      time: 'day',
      target: 'sales',
      series: ['store'],
      horizon: 3,
      families: ['naive', 'snaive'],
      now: () => 0,
    };
    const result = await forecastTable(table, options);
    expect(result.series.map((series) => series.id)).toEqual(['a', 'b']);
    expect(result.warnings).toContain(
      'Series “new” has 1 value, too few to forecast (at least 3 are needed), so it is not forecast.',
    );
    const only = new Table([
      numberColumn('day', [start, start + DAY, start, start + DAY], 'datetime'),
      numberColumn('sales', [1, 2, 3, 4]),
      stringColumn('store', ['x', 'x', 'y', 'y']),
    ]);
    await expect(forecastTable(only, options)).rejects.toThrow(
      'The series “x” has 2 values; forecasting needs at least 3.',
    );
  });
});
