import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { forecastTable, loadForecast, saveForecast } from '../../../../src/core/forecast';
import { regressorWidth } from '../../../../src/core/forecast/saved';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

const DAY = 86_400_000;
const start = Date.UTC(2023, 0, 2);

/** Daily sales that jump on promotion days and fall with the price, both planned ahead. */
function shop(days: number, horizon: number, seed = 5) {
  const random = seededRandom(seed);
  const promo = Array.from({ length: days + horizon }, () => (random() < 0.3 ? 1 : 0));
  const price = Array.from({ length: days + horizon }, () => 9 + Math.round(random() * 2));
  let error = 0;
  const values = Array.from({ length: days }, (_, t) => {
    error = 0.4 * error + randomNormal(random);
    return 80 + 20 * promo[t]! - 3 * price[t]! + error;
  });
  const times = Array.from({ length: days + horizon }, (_, t) => start + t * DAY);
  return {
    train: new Table([
      numberColumn('day', times.slice(0, days), 'datetime'),
      numberColumn('sales', values),
      numberColumn('promo', promo.slice(0, days)),
      numberColumn('price', price.slice(0, days)),
    ]),
    future: new Table([
      numberColumn('day', times.slice(days), 'datetime'),
      numberColumn('promo', promo.slice(days)),
      numberColumn('price', price.slice(days)),
    ]),
    times,
    promo,
    price,
  };
}

async function searched(features: string[], families: string[], calendar = false) {
  // One candidate each: the tests are about saving and reloading, not about the search.
  const data = shop(100, 7);
  let clock = 0;
  const result = await forecastTable(data.train, {
    time: 'day',
    target: 'sales',
    horizon: 7,
    period: 1,
    now: () => (clock += 1),
    families,
    maxTrials: 1,
    ensemble: 0,
    calendar,
    features,
    future: data.future,
  });
  const saved = JSON.parse(
    JSON.stringify(saveForecast(result, { time: 'day', target: 'sales' }, 7)),
  ) as unknown;
  return { ...data, result, saved };
}

describe('a saved forecaster with known-in-advance features', () => {
  it('records the features and forecasts again from a table of their future values', async () => {
    const { result, saved, future } = await searched(['promo', 'price'], ['arima']);
    expect(result.series[0]!.model.label).toMatch(/^Regression on promo, price/);
    expect(saved).toMatchObject({ features: ['promo', 'price'], series: [{ features: true }] });
    const loaded = loadForecast(saved);
    expect(loaded.features).toEqual(['promo', 'price']);
    expect(loaded.series[0]!.features).toEqual(['promo', 'price']);
    const again = loaded.series[0]!.forecast(7, [80, 95], future).result;
    const original = result.series[0]!.forecast;
    again.mean.forEach((value, i) => expect(value).toBeCloseTo(original.mean[i]!, 8));
    again.intervals[1]!.hi.forEach((value, i) =>
      expect(value).toBeCloseTo(original.intervals[1]!.hi[i]!, 8),
    );
  });

  it('reads the columns by name, in any order, among other columns', async () => {
    const { saved, times, promo, price, result } = await searched(['promo', 'price'], ['arima']);
    const shuffled = new Table([
      stringColumn(
        'note',
        Array.from({ length: 7 }, () => 'planned'),
      ),
      numberColumn('price', price.slice(100)),
      numberColumn('day', times.slice(100), 'datetime'),
      numberColumn('promo', promo.slice(100)),
    ]);
    const again = loadForecast(saved).series[0]!.forecast(7, undefined, shuffled).result;
    again.mean.forEach((value, i) =>
      expect(value).toBeCloseTo(result.series[0]!.forecast.mean[i]!, 8),
    );
  });

  it('puts the calendar columns first, as the models were fitted', async () => {
    const { saved, future, result } = await searched(['promo'], ['lagreg'], true);
    const entry = (saved as { series: { features?: boolean; calendar: boolean }[] }).series[0]!;
    expect(entry).toMatchObject({ calendar: true, features: true });
    const again = loadForecast(saved).series[0]!.forecast(7, undefined, future).result;
    again.mean.forEach((value, i) =>
      expect(value).toBeCloseTo(result.series[0]!.forecast.mean[i]!, 6),
    );
  });

  it('refuses to forecast without the future values, and names what is missing', async () => {
    const { saved, times, promo } = await searched(['promo', 'price'], ['arima']);
    const [series] = loadForecast(saved).series;
    expect(() => series!.forecast(7)).toThrow(TrainingError);
    expect(() => series!.forecast(7)).toThrow(
      /trained with the known-in-advance columns promo, price: give a table of their values for the 7 forecast steps from 2023-04-12/,
    );
    const withoutPrice = new Table([
      numberColumn('day', times.slice(100), 'datetime'),
      numberColumn('promo', promo.slice(100)),
    ]);
    expect(() => series!.forecast(7, undefined, withoutPrice)).toThrow(
      /future rows lack the column “price”; this forecaster needs day, promo, price/,
    );
    const noTime = new Table([numberColumn('promo', promo.slice(100))]);
    expect(() => series!.forecast(7, undefined, noTime)).toThrow(/lack the columns “day”, “price”/);
    const fiveDays = new Table([
      numberColumn('day', times.slice(100, 105), 'datetime'),
      numberColumn('promo', promo.slice(100, 105)),
      numberColumn('price', promo.slice(100, 105)),
    ]);
    expect(() => series!.forecast(7, undefined, fiveDays)).toThrow(
      /lack “promo” for forecast step 6 \(2023-04-17\)/,
    );
  });

  it('needs no future values when the chosen model does not read the features', async () => {
    const { saved, result } = await searched(['promo'], ['naive']);
    expect(saved).toMatchObject({ features: ['promo'] });
    expect((saved as { series: { features?: boolean }[] }).series[0]!.features).toBeUndefined();
    const [series] = loadForecast(saved).series;
    expect(series!.features).toEqual([]);
    expect(Array.from(series!.forecast(7).result.mean)).toEqual(
      Array.from(result.series[0]!.forecast.mean),
    );
  });

  it('rejects a file whose series reads features it does not name', async () => {
    const { saved } = await searched(['promo'], ['arima']);
    const { features: _features, ...unnamed } = saved as Record<string, unknown>;
    expect(() => loadForecast(unnamed)).toThrow(/reads known-in-advance features, but the file/);
    expect(() => loadForecast({ ...unnamed, features: [1] })).toThrow(/list of column names/);
  });

  it('counts the regressor columns each kind of saved model reads', () => {
    expect(regressorWidth({ model: 'naive' })).toBe(0);
    expect(regressorWidth({ model: 'lagreg', layout: { regressors: 5 } })).toBe(5);
    expect(regressorWidth({ model: 'arima', regressors: { columns: [4, 2] } })).toBe(5);
    expect(
      regressorWidth({
        model: 'ensemble',
        members: [
          { model: 'boxcox', inner: { model: 'lagreg', layout: { regressors: 3 } } },
          { model: 'stl', inner: { model: 'arima', regressors: { columns: [6] } } },
        ],
      }),
    ).toBe(7);
  });
});
