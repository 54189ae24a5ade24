import { describe, expect, it } from 'vitest';
import {
  fitForecaster,
  forecastTable,
  loadForecast,
  saveForecast,
  TimeAxis,
  type FittedForecaster,
  type SavedForecast,
} from '../../../src/core/forecast';
import { calendarRegressors } from '../../../src/core/forecast/forecast-table';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';
import { EmbedError, fromJSON, load, type ForecastModel } from '../../../src/embed';
import { seasonalSeries } from '../core/forecast/helpers';
import { relativeDifference } from './fixtures';

const MONTH_AXIS = new TimeAxis('datetime', { unit: 'month', every: 1 }, Date.UTC(2015, 0, 1));
const N = 72;
const H = 18;
const y = seasonalSeries(N, 3);
const trainingTimes = Float64Array.from({ length: N }, (_, i) => MONTH_AXIS.timeAt(i));
const futureTimes = Float64Array.from({ length: H }, (_, i) => MONTH_AXIS.timeAt(N + i));
const calendar = calendarRegressors(MONTH_AXIS, trainingTimes, futureTimes)!;

/** A saved forecast of one series, as `saveForecast` writes one. */
function saved(model: FittedForecaster, withCalendar = false): SavedForecast {
  return JSON.parse(
    JSON.stringify({
      format: 'bunsen-forecast',
      version: 1,
      time: 'month',
      target: 'passengers',
      seriesColumns: [],
      axis: MONTH_AXIS.toJSON(),
      frequency: MONTH_AXIS.name,
      horizon: 12,
      series: [
        {
          id: null,
          period: 12,
          start: 0,
          length: N,
          lastTime: MONTH_AXIS.format(trainingTimes[N - 1]!),
          calendar: withCalendar,
          model: model.toJSON(),
        },
      ],
    }),
  ) as SavedForecast;
}

/** Every family the search can save, with the parameters that reach each code path. */
const FAMILIES: readonly {
  name: string;
  family: string;
  params?: Record<string, unknown>;
  calendar?: boolean;
}[] = [
  { name: 'naive', family: 'naive' },
  { name: 'seasonal naive', family: 'snaive' },
  { name: 'drift', family: 'drift' },
  { name: 'mean', family: 'mean' },
  { name: "Croston's method (SBA)", family: 'croston' },
  { name: "Croston's method", family: 'croston', params: { method: 'classic', alpha: 0.1 } },
  { name: 'ETS, chosen automatically', family: 'ets' },
  {
    name: 'ETS with a multiplicative trend (simulated intervals)',
    family: 'ets',
    params: { model: 'MMM', paths: 500 },
  },
  { name: 'ETS with Box-Cox', family: 'ets', params: { model: 'AAA', lambda: 0.3 } },
  { name: 'seasonal ARIMA', family: 'arima', params: { p: 1, d: 1, q: 1, P: 0, D: 1, Q: 1 } },
  { name: 'theta', family: 'theta' },
  { name: 'theta with Box-Cox', family: 'theta', params: { lambda: 0 } },
  { name: 'trend', family: 'trend' },
  { name: 'STL + ETS', family: 'stl', params: { method: 'ets' } },
  { name: 'STL + ARIMA, robust', family: 'stl', params: { method: 'arima', robust: true } },
  {
    name: 'ETS on the series with its outliers replaced',
    family: 'ets',
    params: { model: 'AAA', clean: true },
  },
  {
    name: 'lag regression, boosted trees, recursive',
    family: 'lagreg',
    params: { learner: 'gbdt', horizon: 6, learnerParams: { max_iter: 20 } },
  },
  {
    name: 'lag regression, ridge, direct',
    family: 'lagreg',
    params: { learner: 'linear', strategy: 'direct', horizon: H },
  },
  {
    name: 'lag regression with calendar regressors',
    family: 'lagreg',
    params: { learner: 'forest', horizon: 6, learnerParams: { n_estimators: 10 } },
    calendar: true,
  },
];

async function fitted(family: string, params: Record<string, unknown> = {}, withCalendar = false) {
  return fitForecaster(
    family,
    y,
    { period: 12, seed: 7, ...(withCalendar ? { regressors: calendar } : {}) },
    params,
  );
}

/** Asserts that the embedded forecast matches the lab's at 80 % (and 95 %), returns the worst gap. */
function expectSameForecast(embedded: ForecastModel, file: SavedForecast, h: number): number {
  const lab = loadForecast(file).series[0]!.forecast(h);
  let worst = 0;
  for (const level of [80, 95]) {
    const interval = lab.result.intervals.find((item) => item.level === level)!;
    const points = embedded.forecast(h, { level });
    expect(points).toHaveLength(h);
    points.forEach((point, i) => {
      expect(point.time).toBe(MONTH_AXIS.format(lab.times[i]!));
      worst = Math.max(
        worst,
        relativeDifference(point.value, lab.result.mean[i]!),
        relativeDifference(point.lo, interval.lo[i]!),
        relativeDifference(point.hi, interval.hi[i]!),
      );
    });
  }
  expect(worst).toBeLessThanOrEqual(1e-9);
  return worst;
}

describe('forecasters in the embed runtime', () => {
  for (const { name, family, params, calendar: withCalendar } of FAMILIES) {
    it(`forecasts as the lab does: ${name}`, async () => {
      const model = await fitted(family, params, withCalendar);
      const file = saved(model, withCalendar);
      const embedded = await fromJSON(file);
      expect(embedded.kind).toBe('forecast');
      expect(embedded.labels).toEqual([model.label]);
      const steps = family === 'lagreg' && params?.strategy !== 'direct' ? H : 12;
      expectSameForecast(embedded, file, steps);
      // The embed file wraps the saved forecast unchanged.
      const wrapped = await fromJSON({ format: 'bunsen-embed', version: 1, model: file });
      expect(wrapped.forecast(5)).toEqual(embedded.forecast(5));
    });
  }

  it('forecasts as the lab does a lag regression whose unit floor and change limits bind', async () => {
    // Three high values in a row (no spike to take out) and a flat last stretch: the windows'
    // own change falls below the floor, and the ridge regression's changes reach its limits.
    const rough = y.slice();
    rough.fill(rough[N - 14]!, N - 13);
    rough[N - 20] = rough[N - 19] = rough[N - 18] = 4 * rough[N - 20]!;
    for (const strategy of ['recursive', 'direct']) {
      const model = await fitForecaster(
        'lagreg',
        rough,
        { period: 12, seed: 7 },
        { learner: 'linear', strategy, horizon: 6 },
      );
      const json = model.toJSON() as unknown as { limits?: number[]; layout: { floor?: number } };
      expect(json.limits).toHaveLength(strategy === 'direct' ? 12 : 2);
      expect(json.layout.floor).toBeGreaterThan(0);
      const file = saved(model);
      expectSameForecast(await fromJSON(file), file, 6);
    }
  });

  it('forecasts an ensemble as the mean of its members', async () => {
    const members = await Promise.all([
      fitted('ets', { model: 'AAA' }),
      fitted('theta'),
      fitted('lagreg', { learner: 'linear', horizon: 6 }),
    ]);
    const { EnsembleForecast } = await import('../../../src/core/forecast/ensemble');
    const file = saved(new EnsembleForecast(members));
    expectSameForecast(await fromJSON(file), file, 12);
  });

  it('keeps the floor of a series that reaches zero, as the lab does', async () => {
    const demand = Float64Array.from(y, (value, t) => (t % 3 === 0 ? 0 : value / 100));
    const model = await fitForecaster('ets', demand, { period: 12 }, { model: 'ANN' });
    expect(model.toJSON().model).toBe('floor');
    const file = saved(model);
    const embedded = await fromJSON(file);
    expectSameForecast(embedded, file, 12);
    expect(Math.min(...embedded.forecast(12).map((point) => point.lo))).toBe(0);
  });

  it('forecasts a series of tiny values through its scale factor, as the lab does', async () => {
    const tiny = Float64Array.from(y, (value) => value * 1e-9);
    const model = await fitForecaster('ets', tiny, { period: 12 }, { lambda: 'auto' });
    expect(model.toJSON()).toMatchObject({ model: 'scaled', inner: { model: 'ets' } });
    const file = saved(model);
    const embedded = await fromJSON(file);
    expectSameForecast(embedded, file, 12);
    expect(Math.max(...embedded.forecast(12).map((point) => point.hi))).toBeLessThan(1e-5);
  });

  it('widens intervals as the lab widened them, inside a floor too', async () => {
    const { widenForecaster } = await import('../../../src/core/forecast/transformed');
    const model = widenForecaster(await fitForecaster('ets', y, { period: 12 }), 1.4);
    expect(model.toJSON()).toMatchObject({ model: 'widened', factor: 1.4 });
    const file = saved(model);
    expectSameForecast(await fromJSON(file), file, 12);
    const demand = Float64Array.from(y, (value, t) => (t % 3 === 0 ? 0 : value / 100));
    const floored = widenForecaster(
      await fitForecaster('ets', demand, { period: 12 }, { model: 'ANN' }),
      1.5,
    );
    expect(floored.toJSON()).toMatchObject({ model: 'floor', inner: { model: 'widened' } });
    const flooredFile = saved(floored);
    const embedded = await fromJSON(flooredFile);
    expectSameForecast(embedded, flooredFile, 12);
    expect(Math.min(...embedded.forecast(12).map((point) => point.lo))).toBe(0);
  });

  it('loads what a table search saves, series by series, with its calendar', async () => {
    const times: number[] = [];
    const values: number[] = [];
    const ids: string[] = [];
    const a = seasonalSeries(60, 1);
    const b = seasonalSeries(60, 2);
    for (let i = 0; i < 60; i++) {
      const time = MONTH_AXIS.timeAt(i);
      times.push(time, time);
      values.push(a[i]!, b[i]! * 3);
      ids.push('north', 'south');
    }
    const table = new Table([
      numberColumn('month', times, 'datetime'),
      numberColumn('sales', values),
      stringColumn('region', ids),
    ]);
    const columns = { time: 'month', target: 'sales', series: ['region'] };
    const result = await forecastTable(table, {
      ...columns,
      horizon: 6,
      families: ['snaive', 'theta', 'lagreg'],
      now: () => 0,
      maxTrials: 4,
      folds: 2,
    });
    const file = JSON.parse(JSON.stringify(saveForecast(result, columns, 6))) as SavedForecast;
    const requested: string[] = [];
    const embedded = (await load('https://models.example/sales/forecast.json', {
      fetch: async (url) => {
        requested.push(url);
        return new Response(JSON.stringify(file));
      },
    })) as ForecastModel;
    expect(requested).toEqual(['https://models.example/sales/forecast.json']);
    expect(embedded.series).toEqual(['north', 'south']);
    expect(embedded.frequency).toBe('monthly');
    const lab = loadForecast(file);
    const points = embedded.forecast(6);
    expect(points.map((point) => point.series)).toEqual([
      ...Array<string>(6).fill('north'),
      ...Array<string>(6).fill('south'),
    ]);
    lab.series.forEach((series, s) => {
      const { times: labTimes, result: forecast } = series.forecast(6);
      const interval = forecast.intervals[0]!;
      for (let i = 0; i < 6; i++) {
        const point = points[s * 6 + i]!;
        expect(point.time).toBe(lab.axis.format(labTimes[i]!));
        expect(relativeDifference(point.value, forecast.mean[i]!)).toBeLessThanOrEqual(1e-9);
        expect(relativeDifference(point.lo, interval.lo[i]!)).toBeLessThanOrEqual(1e-9);
        expect(relativeDifference(point.hi, interval.hi[i]!)).toBeLessThanOrEqual(1e-9);
      }
    });
    expect(embedded.forecast(2, { series: 'south' }).map((point) => point.series)).toEqual([
      'south',
      'south',
    ]);
  });

  it('forecasts weekday data on weekdays, with the calendar of the lab', async () => {
    // Twelve weeks of business days from Monday 2024-01-01.
    const days: number[] = [];
    for (let day = Date.UTC(2024, 0, 1); days.length < 60; day += 86_400_000) {
      const weekday = new Date(day).getUTCDay();
      if (weekday !== 0 && weekday !== 6) days.push(day);
    }
    const takings = days.map((_, i) => 200 + 15 * (i % 5) + i + (i % 3));
    const table = new Table([
      numberColumn('day', days, 'datetime'),
      numberColumn('takings', takings),
    ]);
    const columns = { time: 'day', target: 'takings' };
    const result = await forecastTable(table, {
      ...columns,
      horizon: 7,
      families: ['snaive', 'theta', 'lagreg'],
      now: () => 0,
      maxTrials: 4,
      folds: 2,
    });
    expect(result.axis.name).toBe('weekday');
    const file = JSON.parse(JSON.stringify(saveForecast(result, columns, 7))) as SavedForecast;
    const embedded = (await fromJSON(file)) as ForecastModel;
    expect(embedded.frequency).toBe('weekday');
    const points = embedded.forecast(7);
    // The data end on Friday 22 March: the forecast skips the weekends after it.
    expect(points.map((point) => point.time)).toEqual([
      '2024-03-25',
      '2024-03-26',
      '2024-03-27',
      '2024-03-28',
      '2024-03-29',
      '2024-04-01',
      '2024-04-02',
    ]);
    const lab = loadForecast(file).series[0]!.forecast(7);
    points.forEach((point, i) => {
      expect(relativeDifference(point.value, lab.result.mean[i]!)).toBeLessThanOrEqual(1e-9);
    });
  });

  it('refuses bad horizons, levels, series and damaged files with clear errors', async () => {
    const model = await fitted('drift');
    const embedded = await fromJSON(saved(model));
    expect(() => embedded.forecast(0)).toThrow(
      /horizon must be a whole number from 1 to 10000, got 0/,
    );
    expect(() => embedded.forecast(2.5)).toThrow(EmbedError);
    expect(() => embedded.forecast(3, { level: 100 })).toThrow(/between 0 and 100, got 100/);
    expect(() => embedded.forecast(3, { series: 'east' })).toThrow(/no series “east”/);

    const direct = await fromJSON(
      saved(await fitted('lagreg', { learner: 'linear', strategy: 'direct', horizon: 4 })),
    );
    expect(() => direct.forecast(5)).toThrow(/at most 4 steps ahead/);

    const file = saved(model);
    await expect(fromJSON({ ...file, version: 2 } as unknown as SavedForecast)).rejects.toThrow(
      /damaged: format should be “bunsen-forecast” version 1/,
    );
    const unknown = {
      ...file,
      series: [{ ...file.series[0]!, model: { model: 'prophet' } }],
    } as SavedForecast;
    await expect(fromJSON(unknown)).rejects.toThrow(
      /series\[0\]\.model is a “prophet” model, which this runtime cannot forecast with/,
    );
    const noAxis = { ...file, axis: { kind: 'datetime' } } as unknown as SavedForecast;
    await expect(fromJSON(noAxis)).rejects.toThrow(EmbedError);
    await expect(fromJSON(noAxis)).rejects.toThrow(/time axis is malformed/);
  });
});
