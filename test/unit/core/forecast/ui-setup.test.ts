import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/core/data';
import {
  defaultForecastSetup,
  defaultHorizon,
  forecastColumns,
  inspectSetup,
  MOST_SERIES,
} from '../../../../src/core/forecast/ui-setup';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

function sample(name: string): Table {
  const bytes = new Uint8Array(
    readFileSync(new URL(`../../../../public/samples/${name}`, import.meta.url)),
  );
  const result = parseCsv(bytes);
  if (!result.ok) throw new Error(result.error.message);
  return result.table;
}

describe('forecast set-up defaults for the shipped samples', () => {
  it('airline passengers: month → passengers, monthly with a yearly season', () => {
    const table = sample('airline-passengers.csv');
    expect(defaultForecastSetup(table)).toEqual({ time: 'month', target: 'passengers' });
    const inspected = inspectSetup(table, { time: 'month', target: 'passengers' });
    if (!inspected.ok) throw new Error(inspected.message);
    expect(inspected.inspection).toMatchObject({
      frequencyName: 'monthly',
      series: 1,
      longest: 144,
      filled: 0,
    });
    expect(inspected.inspection.seasonality).toMatchObject({ period: 12, seasonal: true });
    expect(defaultHorizon(inspected.inspection.frequency, 144)).toBe(12);
  });

  it('co2 concentration: Date → CO2', () => {
    const table = sample('co2-concentration.csv');
    expect(defaultForecastSetup(table)).toEqual({ time: 'Date', target: 'CO2' });
    const inspected = inspectSetup(table, { time: 'Date', target: 'CO2' });
    expect(inspected.ok && inspected.inspection.frequencyName).toBe('monthly');
  });

  it('seattle weather: date is the time, weather can name series, daily', () => {
    const table = sample('seattle-weather.csv');
    const columns = forecastColumns(table);
    expect(columns.times).toEqual(['date']);
    expect(columns.targets).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(columns.seriesIds).toEqual(['weather']);
    const inspected = inspectSetup(table, { time: 'date', target: 'temp_max' });
    if (!inspected.ok) throw new Error(inspected.message);
    expect(inspected.inspection.frequencyName).toBe('daily');
    expect(defaultHorizon(inspected.inspection.frequency, inspected.inspection.shortest)).toBe(14);
  });
});

describe('forecastColumns', () => {
  it('offers whole-number codes with few values as series IDs, beside text', () => {
    const n = 48;
    const table = new Table([
      stringColumn(
        'month',
        Array.from({ length: n }, (_, t) => `${2020 + Math.floor(t / 12)}-${(t % 12) + 1}`),
      ),
      numberColumn(
        'store',
        Array.from({ length: n }, (_, t) => t % 3),
        'integer',
      ),
      numberColumn(
        'units',
        Array.from({ length: n }, (_, t) => t * 7),
        'integer',
      ),
      numberColumn(
        'promo',
        Array.from({ length: n }, (_, t) => t % 2),
        'integer',
      ),
      numberColumn(
        'sales',
        Array.from({ length: n }, (_, t) => t / 2),
      ),
    ]);
    // Units take 48 distinct values, far more than a series ID would; 0 and 1 make a flag.
    expect(forecastColumns(table).seriesIds).toEqual(['store']);
  });

  it('offers a column of 1,500 products as series IDs, not one that names rows', () => {
    const weeks = 60;
    const products = 1500;
    const n = weeks * products;
    const week = (t: number) => new Date(Date.UTC(2023, 0, 2 + 7 * (t % weeks))).toISOString();
    const table = new Table([
      stringColumn(
        'sku',
        Array.from({ length: n }, (_, t) => `K${Math.floor(t / weeks)}`),
      ),
      stringColumn(
        'week',
        Array.from({ length: n }, (_, t) => week(t).slice(0, 10)),
      ),
      // A value for every 4 rows: names rows rather than series.
      stringColumn(
        'basket',
        Array.from({ length: n }, (_, t) => `B${Math.floor(t / 4)}`),
      ),
      numberColumn(
        'units',
        Array.from({ length: n }, (_, t) => t % 17),
      ),
    ]);
    expect(forecastColumns(table).seriesIds).toEqual(['sku']);
    expect(MOST_SERIES).toBeGreaterThanOrEqual(products);
  });

  it('offers Unix seconds as times when the name says so, “_ts” included', () => {
    const n = 30;
    const seconds = Array.from({ length: n }, (_, t) => 1_700_000_000 + t * 86_400);
    const table = new Table([
      numberColumn('created_ts', seconds, 'integer'),
      numberColumn('ts', seconds, 'integer'),
      numberColumn('counts', seconds, 'integer'),
      numberColumn(
        'units',
        Array.from({ length: n }, (_, t) => t * 7),
        'integer',
      ),
    ]);
    const columns = forecastColumns(table);
    expect(columns.times).toEqual(['created_ts', 'ts']);
    expect(columns.targets).toContain('counts');
  });

  it('offers a time column whose last rows are blank, and a YYYYMM column', () => {
    const table = new Table([
      stringColumn('when', ['2024-01-01', '2024-01-02', '2024-01-03', null]),
      numberColumn('month', [202311, 202312, 202401, NaN], 'integer'),
      numberColumn('sales', [1, 2, 3, NaN]),
      stringColumn('empty', [null, null, null, '2024-01-01']),
    ]);
    expect(forecastColumns(table).times).toEqual(['month', 'when']);
    const inspected = inspectSetup(table, { time: 'month', target: 'sales' });
    expect(inspected.ok && inspected.inspection.frequency).toEqual({ unit: 'month', every: 1 });
  });
});

describe('inspectSetup', () => {
  it('reports what is wrong instead of throwing, naming the row', () => {
    const table = new Table([
      stringColumn('day', ['2024-01-01', '2024-01-02', '2024-01-02']),
      numberColumn('sales', Float64Array.from([1, 2, 3])),
    ]);
    const inspected = inspectSetup(table, { time: 'day', target: 'sales' });
    expect(inspected.ok).toBe(false);
    if (!inspected.ok) {
      expect(inspected.message).toMatch(/Rows 2 and 3 both fall on 2024-01-02/);
      expect(inspected.where).toBe('3:day');
    }
    const summed = inspectSetup(table, { time: 'day', target: 'sales', aggregate: 'sum' });
    expect(summed.ok && summed.inspection.aggregated).toBe(1);
  });

  it('names the columns that could tell series apart when rows share a step', () => {
    const table = new Table([
      stringColumn('day', ['2024-01-01', '2024-01-02', '2024-01-01', '2024-01-02']),
      numberColumn('sales', Float64Array.from([1, 2, 3, 4])),
      stringColumn('store', ['north', 'north', 'south', 'south']),
    ]);
    const inspected = inspectSetup(table, { time: 'day', target: 'sales' });
    expect(!inspected.ok && inspected.message).toMatch(
      /^Rows 1 and 3 both fall on 2024-01-01 .* If the table holds several series, choose the column that tells them apart \(“store”\): Series ID columns in the lab, --series in the command line\.$/,
    );
    expect(inspectSetup(table, { time: 'day', target: 'sales', series: ['store'] }).ok).toBe(true);
  });

  it('counts filled gaps over several series', () => {
    const table = new Table([
      stringColumn('day', ['2024-01-01', '2024-01-03', '2024-01-01', '2024-01-02']),
      stringColumn('store', ['a', 'a', 'b', 'b']),
      numberColumn('sales', Float64Array.from([1, 3, 5, 6])),
    ]);
    const inspected = inspectSetup(table, { time: 'day', target: 'sales', series: ['store'] });
    if (!inspected.ok) throw new Error(inspected.message);
    expect(inspected.inspection).toMatchObject({
      series: 2,
      shortest: 2,
      longest: 3,
      typical: 2,
      filled: 1,
    });
  });

  it('sizes the default horizon on the median series, not on one short one', () => {
    const days: string[] = [];
    const stores: string[] = [];
    const sales: number[] = [];
    const add = (store: string, count: number) => {
      for (let day = 0; day < count; day++) {
        days.push(new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10));
        stores.push(store);
        sales.push(10 + (day % 7));
      }
    };
    add('old', 120);
    add('older', 150);
    add('new', 6);
    const table = new Table([
      stringColumn('day', days),
      stringColumn('store', stores),
      numberColumn('sales', Float64Array.from(sales)),
    ]);
    const inspected = inspectSetup(table, { time: 'day', target: 'sales', series: ['store'] });
    if (!inspected.ok) throw new Error(inspected.message);
    expect(inspected.inspection).toMatchObject({ shortest: 6, typical: 120, longest: 150 });
    expect(defaultHorizon(inspected.inspection.frequency, inspected.inspection.typical)).toBe(14);
  });

  it('finds no set-up when no column reads as time', () => {
    const table = new Table([numberColumn('x', Float64Array.from([1, 2, 3]))]);
    expect(defaultForecastSetup(table)).toBeNull();
  });

  it('keeps the horizon within a quarter of a short series', () => {
    expect(defaultHorizon({ unit: 'month', every: 1 }, 20)).toBe(5);
    expect(defaultHorizon({ unit: 'hour', every: 6 }, 400)).toBe(4);
  });
});
