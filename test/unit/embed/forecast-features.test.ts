import { describe, expect, it } from 'vitest';
import { forecastTable, saveForecast, type SavedForecast } from '../../../src/core/forecast';
import { randomNormal, seededRandom } from '../../../src/core/random';
import { numberColumn, Table } from '../../../src/core/table';
import { EmbedError, fromJSON, type ForecastModel } from '../../../src/embed';

const DAY = 86_400_000;
const DAYS = 80;
const H = 5;

/** Daily sales driven by a planned promotion and price, saved after a one-candidate search. */
async function savedSearch(families: string[]): Promise<SavedForecast> {
  const random = seededRandom(11);
  const promo = Array.from({ length: DAYS + H }, () => (random() < 0.3 ? 1 : 0));
  const price = Array.from({ length: DAYS + H }, () => 9 + Math.round(random() * 2));
  const times = Array.from({ length: DAYS + H }, (_, t) => Date.UTC(2023, 0, 2) + t * DAY);
  const sales = Array.from(
    { length: DAYS },
    (_, t) => 80 + 20 * promo[t]! - 3 * price[t]! + randomNormal(random),
  );
  const train = new Table([
    numberColumn('day', times.slice(0, DAYS), 'datetime'),
    numberColumn('sales', sales),
    numberColumn('promo', promo.slice(0, DAYS)),
    numberColumn('price', price.slice(0, DAYS)),
  ]);
  const future = new Table([
    numberColumn('day', times.slice(DAYS), 'datetime'),
    numberColumn('promo', promo.slice(DAYS)),
    numberColumn('price', price.slice(DAYS)),
  ]);
  let clock = 0;
  const result = await forecastTable(train, {
    time: 'day',
    target: 'sales',
    horizon: H,
    period: 1,
    now: () => (clock += 1),
    families,
    maxTrials: 1,
    ensemble: 0,
    features: ['promo', 'price'],
    future,
  });
  return JSON.parse(
    JSON.stringify(saveForecast(result, { time: 'day', target: 'sales' }, H)),
  ) as SavedForecast;
}

describe('saved forecasters with known-in-advance features in the embed runtime', () => {
  it('refuses a model that forecasts from future feature values, naming the columns', async () => {
    const file = await savedSearch(['arima']);
    expect(file.series[0]!.features).toBe(true);
    await expect(fromJSON(file)).rejects.toThrow(EmbedError);
    await expect(fromJSON(file)).rejects.toThrow(
      /forecasts from the future values of “promo”, “price”, which the embedded runtime cannot take/,
    );
    const { features: _features, ...unnamed } = file;
    await expect(fromJSON(unnamed as SavedForecast)).rejects.toThrow(
      /reads known-in-advance features, but the file does not name them/,
    );
    const malformed = { ...file, series: [{ ...file.series[0]!, features: 'yes' }] };
    await expect(fromJSON(malformed as unknown as SavedForecast)).rejects.toThrow(
      /series\[0\]\.features should be true or false/,
    );
  });

  it('forecasts a model saved beside features it does not read', async () => {
    const file = await savedSearch(['naive']);
    expect(file.features).toEqual(['promo', 'price']);
    expect(file.series[0]!.features).toBeUndefined();
    const embedded = (await fromJSON(file)) as ForecastModel;
    const points = embedded.forecast(H);
    expect(points).toHaveLength(H);
    expect(points.every((point) => Number.isFinite(point.value))).toBe(true);
  });
});
