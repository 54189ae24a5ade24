import { describe, expect, it } from 'vitest';
import type { LeaderboardEntry } from '../../../../src/core/forecast';
import {
  featureCandidates,
  prepareFeatures,
  splitAtLastTarget,
  usesFeatures,
} from '../../../../src/core/forecast/ui-features';
import { seededRandom } from '../../../../src/core/random';
import {
  isNumberColumn,
  numberColumn,
  stringColumn,
  Table,
  valueAt,
} from '../../../../src/core/table';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const iso = (day: number) => new Date(START + day * DAY).toISOString().slice(0, 10);

/** Days of sales that a promotion lifts, with `ahead` future rows (sales empty) per store. */
function promotions(options: { days: number; ahead: number; stores?: string[] }) {
  const random = seededRandom(7);
  const stores = options.stores ?? [null];
  const date: string[] = [];
  const store: string[] = [];
  const sales: (number | null)[] = [];
  const promo: number[] = [];
  const price: number[] = [];
  for (const name of stores) {
    for (let day = 0; day < options.days + options.ahead; day++) {
      const on = day % 5 === 0 ? 1 : 0;
      date.push(iso(day));
      if (name !== null) store.push(name);
      promo.push(on);
      price.push(10 - on);
      sales.push(day < options.days ? 100 + 40 * on + random() * 4 : null);
    }
  }
  return new Table([
    stringColumn('date', date),
    ...(stores[0] === null ? [] : [stringColumn('store', store)]),
    numberColumn('sales', sales),
    numberColumn('promo', promo, 'boolean'),
    numberColumn('price', price),
    stringColumn(
      'note',
      date.map((_, i) => (i % 2 ? 'a' : 'b')),
    ),
  ]);
}

function withValue(table: Table, name: string, row: number, value: number) {
  const column = table.column(name) as { values: Float64Array };
  const values = Float64Array.from(column.values);
  values[row] = value;
  return table.withColumn({ ...column, name, type: 'numeric', values } as never);
}

/** The table with `count` empty rows after it, as a spreadsheet saves its blank last lines. */
function withBlankRows(table: Table, count: number) {
  const blanks = Array.from({ length: count }, () => null);
  return new Table(
    table.columns.map((column) =>
      isNumberColumn(column)
        ? { ...column, values: Float64Array.from([...column.values, ...blanks.map(() => NaN)]) }
        : stringColumn(
            column.name,
            [
              ...Array.from({ length: table.rowCount }, (_, row) => valueAt(column, row) as string),
              ...blanks,
            ],
            column.type,
          ),
    ),
  );
}

describe('known-in-advance features for the forecast page', () => {
  it('offers the numeric and true/false columns other than time, target and series', () => {
    const table = promotions({ days: 30, ahead: 5, stores: ['north', 'south'] });
    expect(featureCandidates(table, { time: 'date', target: 'sales', series: ['store'] })).toEqual([
      'promo',
      'price',
    ]);
    expect(featureCandidates(table, { time: 'date', target: 'price' })).toEqual(['sales', 'promo']);
  });

  it('splits each series at its last target: history, and the future rows after it', () => {
    const table = promotions({ days: 30, ahead: 5, stores: ['north', 'south'] });
    const { history, after } = splitAtLastTarget(table, {
      time: 'date',
      target: 'sales',
      series: ['store'],
    });
    expect(history.rowCount).toBe(60);
    expect(after.rowCount).toBe(10);
    expect(after.row(0)).toMatchObject({ date: iso(30), store: 'north', sales: null, promo: 1 });
  });

  it('takes the future from the rows after the last target, with the history frequency', () => {
    const table = promotions({ days: 40, ahead: 7 });
    const prepared = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['promo', 'price'],
      horizon: 7,
    });
    if (!prepared.ok) throw new Error(prepared.problems.join('\n'));
    expect(prepared.history.rowCount).toBe(40);
    expect(prepared.future.rowCount).toBe(7);
    expect(prepared.frequency).toEqual({ unit: 'day', every: 1 });
  });

  it('passes over blank rows after the table, in the history and in the future rows', () => {
    const table = withBlankRows(promotions({ days: 40, ahead: 5, stores: ['north', 'south'] }), 2);
    const setup = { time: 'date', target: 'sales', series: ['store'], horizon: 5 };
    const prepared = prepareFeatures(table, { ...setup, features: ['promo'] });
    if (!prepared.ok) throw new Error(prepared.problems.join('\n'));
    expect(prepared.future.rowCount).toBe(10);
    const future = withBlankRows(prepared.future, 1);
    const apart = prepareFeatures(prepared.history, { ...setup, features: ['promo'], future });
    if (!apart.ok) throw new Error(apart.problems.join('\n'));
  });

  it('names the steps that have no future row, per series', () => {
    const table = promotions({ days: 40, ahead: 3, stores: ['north', 'south'] });
    const prepared = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      series: ['store'],
      features: ['promo'],
      horizon: 5,
    });
    expect(prepared.ok).toBe(false);
    if (prepared.ok) return;
    expect(prepared.problems).toEqual([
      `The rows after the last target have no row for ${iso(43)} in series “north” (step 4 of 5), ${iso(44)} in series “north” (step 5 of 5), ${iso(43)} in series “south” (step 4 of 5) and 1 more: the features need their values at every one of the 5 forecast steps.`,
    ]);
  });

  it('names a missing feature value in the history and at a forecast step', () => {
    let table = promotions({ days: 40, ahead: 5 });
    table = withValue(table, 'price', 12, NaN);
    table = withValue(table, 'price', 42, NaN);
    const prepared = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['promo', 'price'],
      horizon: 5,
    });
    expect(prepared.ok).toBe(false);
    if (prepared.ok) return;
    expect(prepared.problems).toEqual([
      `“price” has no value at ${iso(12)}: a known-in-advance feature needs a value wherever the target has one.`,
      `The rows after the last target have no value of “price” at the forecast step ${iso(42)}.`,
    ]);
  });

  it('refuses a text column, and a future table without the feature', () => {
    const table = promotions({ days: 40, ahead: 0 });
    const text = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['note'],
      horizon: 3,
    });
    expect(text).toEqual({
      ok: false,
      problems: [
        '“note” in the training rows holds text (e.g. “b”), not numbers: a known-in-advance feature must be numeric or true/false.',
      ],
    });
    const future = new Table([stringColumn('date', [iso(40), iso(41), iso(42)])]);
    const lacking = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['promo'],
      horizon: 3,
      future,
    });
    expect(lacking).toEqual({ ok: false, problems: ['The future rows have no column “promo”.'] });
  });

  it('reads the future from another table, matching its times to the forecast steps', () => {
    const table = promotions({ days: 40, ahead: 0 });
    const future = new Table([
      stringColumn('date', [iso(41), iso(40), iso(42)]),
      numberColumn('promo', [0, 1, 0]),
    ]);
    const prepared = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['promo'],
      horizon: 3,
      future,
    });
    expect(prepared.ok).toBe(true);
    const short = prepareFeatures(table, {
      time: 'date',
      target: 'sales',
      features: ['promo'],
      horizon: 4,
      future,
    });
    expect(short.ok ? [] : short.problems).toEqual([
      `The future rows have no row for ${iso(43)} (step 4 of 4): the features need their values at every one of the 4 forecast steps.`,
    ]);
  });

  it('marks the models that read the features, an ensemble through its members', () => {
    const entry = (trial: number, model: string, params = {}, members?: number[]) =>
      ({ trial, model, params, ...(members ? { members } : {}) }) as unknown as LeaderboardEntry;
    const board = [
      entry(1, 'ets'),
      entry(2, 'arima', { xreg: [0] }),
      entry(3, 'arima'),
      entry(4, 'lagreg'),
      entry(5, 'ensemble', {}, [1, 3]),
      entry(6, 'ensemble', {}, [1, 2]),
    ];
    expect(board.map((item) => usesFeatures(item, board))).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});
