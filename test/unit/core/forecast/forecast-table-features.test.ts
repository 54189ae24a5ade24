import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { forecastTable, scoreTest } from '../../../../src/core/forecast';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, Table } from '../../../../src/core/table';

const DAY = 86_400_000;
const start = Date.UTC(2023, 0, 2);

/** Daily sales that jump on promotion days, with the promotion plan known ahead. */
function sales(days: number, horizon: number) {
  const random = seededRandom(5);
  const promo = Array.from({ length: days + horizon }, () => (random() < 0.3 ? 1 : 0));
  let error = 0;
  const values = Array.from({ length: days }, (_, t) => {
    error = 0.4 * error + randomNormal(random);
    return 50 + 20 * promo[t]! + error;
  });
  const times = Array.from({ length: days + horizon }, (_, t) => start + t * DAY);
  return {
    train: new Table([
      numberColumn('day', times.slice(0, days), 'datetime'),
      numberColumn('sales', values),
      numberColumn('promo', promo.slice(0, days)),
    ]),
    future: new Table([
      numberColumn('day', times.slice(days), 'datetime'),
      numberColumn('promo', promo.slice(days)),
    ]),
    promo,
  };
}

describe('forecasting a table with known-in-advance columns', () => {
  it('regresses on them with ARIMA errors and forecasts from their future values', async () => {
    const { train, future, promo } = sales(100, 10);
    let clock = 0;
    const result = await forecastTable(train, {
      time: 'day',
      target: 'sales',
      horizon: 10,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'mean', 'arima'],
      ensemble: 0,
      calendar: false,
      features: ['promo'],
      future,
    });
    const [series] = result.series;
    expect(series!.model.label).toMatch(/^Regression on promo with ARIMA/);
    series!.forecast.mean.forEach((value, i) => {
      expect(Math.abs(value - (50 + 20 * promo[100 + i]!))).toBeLessThan(4);
    });
  });

  it('reads future and test rows as local midnights when the training rows were', async () => {
    // Berlin's midnights from 1 March 2023, written in UTC: 23:00 the day before until the clocks
    // go forward on 26 March, 22:00 after. The future rows, all in summer, are at 22:00 alone.
    const { train, future, promo } = sales(100, 10);
    const berlin = (table: Table, from: number) =>
      new Table([
        numberColumn(
          'day',
          Array.from({ length: table.rowCount }, (_, t) => {
            const midnight = Date.UTC(2023, 2, 1 + from + t);
            return midnight - (midnight >= Date.UTC(2023, 2, 26) ? 2 : 1) * 3_600_000;
          }),
          'datetime',
        ),
        ...table.columns.filter((column) => column.name !== 'day'),
      ]);
    let clock = 0;
    const result = await forecastTable(berlin(train, 0), {
      time: 'day',
      target: 'sales',
      horizon: 10,
      period: 1,
      now: () => (clock += 1),
      families: ['naive', 'arima'],
      ensemble: 0,
      calendar: false,
      features: ['promo'],
      future: berlin(future, 100),
    });
    expect(result.localMidnights).toBe(true);
    const [series] = result.series;
    expect(series!.futureTimes[0]).toBe(Date.UTC(2023, 2, 101));
    expect(series!.model.label).toMatch(/^Regression on promo with ARIMA/);
    const actual = new Table([
      berlin(future, 100).column('day'),
      numberColumn(
        'sales',
        promo.slice(100).map((on) => 50 + 20 * on),
      ),
    ]);
    const test = scoreTest(result, actual, { time: 'day', target: 'sales' });
    expect(test.series[0]!.matched).toBe(10);
    expect(test.unmatchedRows).toBe(0);
  });

  it('says which future values are missing', async () => {
    const { train } = sales(60, 10);
    // The promotion plan for only 8 of the 10 forecast steps.
    const short = sales(60, 8).future;
    const options = {
      time: 'day',
      target: 'sales',
      horizon: 10,
      period: 1,
      now: () => 0,
      families: ['arima'],
      features: ['promo'],
    };
    await expect(forecastTable(train, options)).rejects.toThrow(/future rows/);
    await expect(forecastTable(train, { ...options, future: short })).rejects.toThrow(
      /lack “promo” for forecast step 9/,
    );
    await expect(forecastTable(train, { ...options, future: short })).rejects.toBeInstanceOf(
      TrainingError,
    );
  });
});
