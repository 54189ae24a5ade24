import { describe, expect, it } from 'vitest';
import { forecastTable, TimeAxis, type LeaderboardEntry } from '../../../../src/core/forecast';
import {
  chartRange,
  forecastChartData,
  nearestIndex,
  pointAt,
} from '../../../../src/core/forecast/ui-chart';
import { forecastSignature } from '../../../../src/core/forecast/ui-signature';
import {
  forecastCsv,
  forecastView,
  sameAsEarlier,
  sortLeaderboard,
} from '../../../../src/core/forecast/ui-view';
import { saveForecast } from '../../../../src/core/forecast';
import { checkSignature } from '../../../../src/core/tracking/signature';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { seasonalSeries } from './helpers';

function monthly(n: number, ids: string[] = []) {
  const months: string[] = [];
  const stores: string[] = [];
  const values: number[] = [];
  for (const [k, id] of (ids.length ? ids : ['']).entries()) {
    const y = seasonalSeries(n, 3 + k);
    for (let t = 0; t < n; t++) {
      const year = 2000 + Math.floor(t / 12);
      months.push(`${year}-${String((t % 12) + 1).padStart(2, '0')}-01`);
      stores.push(id);
      values.push(y[t]!);
    }
  }
  return new Table([
    stringColumn('month', months),
    ...(ids.length ? [stringColumn('store', stores)] : []),
    numberColumn('sales', Float64Array.from(values)),
  ]);
}

let clock = 0;
const now = () => (clock += 1);

async function run(table: Table, series?: string[]) {
  return forecastTable(table, {
    time: 'month',
    target: 'sales',
    ...(series ? { series } : {}),
    horizon: 6,
    now,
    seed: 1,
    families: ['snaive', 'naive', 'theta', 'drift'],
  });
}

describe('forecast views for the lab', () => {
  it('carries plain data, charts the folds on the history and writes CSV', async () => {
    const result = await run(monthly(60));
    const view = forecastView(result);
    expect(structuredClone(view)).toEqual(view);
    const [series] = view.series;
    expect(series!.times).toHaveLength(60);
    expect(series!.futureTimes).toHaveLength(6);
    expect(series!.leaderboard.length).toBeGreaterThanOrEqual(4);

    const chart = forecastChartData(series!);
    expect(chart.folds).toHaveLength(series!.folds.length);
    const lastFold = chart.folds.at(-1)!;
    expect(lastFold.times[0]).toBe(series!.times[lastFold.origin]);
    expect(chart.future.bands.map((band) => band.level)).toEqual([95, 80]);
    expect(chart.xDomain[0]).toBe(series!.times[0]);
    expect(chart.xDomain[1]).toBe(series!.futureTimes[5]);
    for (let i = 0; i < 6; i++) {
      expect(chart.yDomain[0]).toBeLessThanOrEqual(chart.future.bands[0]!.lo[i]!);
      expect(chart.yDomain[1]).toBeGreaterThanOrEqual(chart.future.bands[0]!.hi[i]!);
    }

    const future = pointAt(chart, series!.futureTimes[2]! + 1000);
    expect(future).toMatchObject({ kind: 'forecast', time: series!.futureTimes[2] });
    if (future?.kind === 'forecast') {
      expect(future.intervals.map((interval) => interval.level)).toEqual([80, 95]);
      expect(future.intervals[1]!.lo).toBeLessThanOrEqual(future.intervals[0]!.lo);
    }
    const past = pointAt(chart, series!.times[59]!);
    expect(past).toMatchObject({ kind: 'history', value: series!.values[59] });
    if (past?.kind === 'history') expect(past.backtest).not.toBeNull();
    expect(pointAt(chart, series!.times[0]!)).toMatchObject({ backtest: null });

    const csv = forecastCsv(view, TimeAxis.fromJSON(view.axis)).trimEnd().split('\n');
    expect(csv[0]).toBe('time,forecast,lo80,hi80,lo95,hi95');
    expect(csv).toHaveLength(7);
    expect(csv[1]!.split(',')[0]).toBe('2005-01-01');
    expect(Number(csv[1]!.split(',')[1])).toBeCloseTo(series!.mean[0]!, 10);
  });

  it('names the series in CSV, quoting where needed, and signs the forecaster', async () => {
    const result = await run(monthly(48, ['north, big', 'south']), ['store']);
    const view = forecastView(result);
    const csv = forecastCsv(view, TimeAxis.fromJSON(view.axis)).trimEnd().split('\n');
    expect(csv[0]).toBe('series,time,forecast,lo80,hi80,lo95,hi95');
    expect(csv).toHaveLength(13);
    expect(csv[1]!.startsWith('"north, big",2004-01-01,')).toBe(true);
    expect(csv[7]!.startsWith('south,2004-01-01,')).toBe(true);

    const saved = saveForecast(result, { time: 'month', target: 'sales', series: ['store'] }, 6);
    const signature = forecastSignature(saved);
    expect(signature).toEqual({
      inputs: [
        { name: 'month', type: 'datetime' },
        { name: 'store', type: 'category', allowed: ['north, big', 'south'] },
      ],
      output: {
        kind: 'other',
        name: 'sales',
        forecast: { time: 'month', frequency: 'monthly', horizon: 6 },
      },
    });
    expect(checkSignature(signature)).toEqual({ ok: true, signature });
    // Known-in-advance features are inputs too: a forecast needs their future values.
    const withFeatures = forecastSignature(saved, ['price', 'promo']);
    expect(withFeatures.inputs.slice(2)).toEqual([
      { name: 'price', type: 'number' },
      { name: 'promo', type: 'number' },
    ]);
    expect(checkSignature(withFeatures).ok).toBe(true);
    const broken = { ...signature, output: { ...signature.output, forecast: { time: 'month' } } };
    expect(checkSignature(broken)).toMatchObject({
      ok: false,
      where: 'signature.output.forecast.frequency',
    });
  });
});

describe('sortLeaderboard', () => {
  const entry = (trial: number, mase: number, fit: number, label: string): LeaderboardEntry => ({
    trial,
    model: label.toLowerCase(),
    label,
    params: {},
    backtest: { mase, smape: mase * 10, rmse: mase, mae: mase },
    fit_s: fit,
    folds: [],
  });
  const entries = [
    entry(1, 0.9, 0.1, 'Naive'),
    entry(2, NaN, 0.5, 'ARIMA'),
    entry(3, 0.4, 2, 'ETS'),
    entry(4, 0.4, 1, 'Theta'),
  ];

  it('sorts by a score, ties by trial, missing scores last either way', () => {
    expect(sortLeaderboard(entries, 'mase').map((e) => e.trial)).toEqual([3, 4, 1, 2]);
    expect(sortLeaderboard(entries, 'mase', true).map((e) => e.trial)).toEqual([1, 3, 4, 2]);
    expect(sortLeaderboard(entries, 'fit_s', true).map((e) => e.trial)).toEqual([3, 4, 2, 1]);
    expect(sortLeaderboard(entries, 'model').map((e) => e.label)).toEqual([
      'ARIMA',
      'ETS',
      'Naive',
      'Theta',
    ]);
  });
});

describe('sameAsEarlier', () => {
  const entry = (trial: number, means: number[][], members?: number[]): LeaderboardEntry => ({
    trial,
    model: 'ets',
    label: `#${trial}`,
    params: {},
    backtest: { mase: 1, smape: 1, rmse: 1, mae: 1 },
    fit_s: 0,
    folds: means.map((mean, f) => {
      const values = Float64Array.from(mean);
      return { origin: 10 + f, mean: values, lo: values, hi: values };
    }),
    ...(members ? { members } : {}),
  });

  it('points each candidate that forecasts as an earlier one to the first of them', () => {
    const a = [
      [1, 2],
      [3, 4],
    ];
    const b = [
      [1, 2.5],
      [3, 4],
    ];
    const same = sameAsEarlier([
      entry(9, a),
      entry(4, b),
      entry(2, a),
      entry(7, b),
      entry(12, a, [2, 4]),
      entry(5, [[1, 2]]),
    ]);
    // 4 differs from 2 in one value; the mean (12) is not a candidate of its own.
    expect([...same]).toEqual([
      [7, 4],
      [9, 2],
    ]);
  });
});

describe('nearestIndex', () => {
  it('finds the closest of ascending times', () => {
    const times = Float64Array.from([0, 10, 20, 30]);
    expect(nearestIndex(times, -5)).toBe(0);
    expect(nearestIndex(times, 14)).toBe(1);
    expect(nearestIndex(times, 16)).toBe(2);
    expect(nearestIndex(times, 99)).toBe(3);
    expect(nearestIndex(new Float64Array(0), 1)).toBe(-1);
  });
});

describe("the chart's value range", () => {
  it("takes in intervals up to the values' own span on either side, and no further", () => {
    expect(chartRange([100, 200], [80, 260])).toEqual([80, 260]);
    expect(chartRange([100, 200], [-1e9, 1.4e9])).toEqual([0, 300]);
    expect(chartRange([5, 5], [4, 1e6])).toEqual([4, 10]);
    expect(chartRange([Infinity, -Infinity], [1, 2])).toEqual([1, 2]);
  });
});
