import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { EmbedError, fromJSON, type BunsenModel, type Row } from '../../../src/embed';
import { FEATURES, mixedTable } from './fixtures';

let model: BunsenModel;
const training = mixedTable(200, 4);
const base: Row = {
  num_a: 0.5,
  num_b: 48,
  count: 3,
  flag: 1,
  colour: 'red',
  city: 'city-03',
  when: Date.UTC(2023, 4, 6, 13),
  note: 'loud and bright',
};

function failure(run: () => unknown): EmbedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EmbedError);
    return error as EmbedError;
  }
  throw new Error('expected an EmbedError');
}

beforeAll(async () => {
  const lab = await fit(
    training,
    { target: 'label', learner: 'gbdt', features: FEATURES, params: { max_iter: 10 } },
    { rng: seededRandom(1) },
  );
  model = (await fromJSON(JSON.parse(JSON.stringify(lab.toJSON())))) as BunsenModel;
});

describe('reading rows', () => {
  it('derives the signature from the pipeline: types, training categories, date resolution', () => {
    const { signature } = model;
    expect(signature.target).toBe('label');
    expect(signature.classes).toEqual(['no', 'yes']);
    expect(signature.inputs.map(({ name, type }) => [name, type])).toEqual([
      ['num_a', 'numeric'],
      ['num_b', 'numeric'],
      ['count', 'integer'],
      ['flag', 'boolean'],
      ['colour', 'categorical'],
      ['city', 'categorical'],
      ['when', 'datetime'],
      ['note', 'text'],
    ]);
    expect(signature.inputs[4]!.categories).toEqual(['amber', 'blue', 'green', 'red']);
    const cities = new Set(
      training
        .select(['city'])
        .toRows()
        .map((row) => row.city),
    );
    cities.delete(null);
    expect(signature.inputs[5]!.categories).toEqual([...cities].sort());
    expect(signature.inputs[6]!.resolution).toBe('hour');
  });

  it('names the row and column of a value of the wrong type', () => {
    const error = failure(() => model.predict([base, { ...base, num_b: 'heavy' }]));
    expect(error.row).toBe(1);
    expect(error.column).toBe('num_b');
    expect(error.message).toBe(
      'Row 2 (rows[1]), column “num_b”: expected a number, got the text “heavy”.',
    );
    expect(failure(() => model.predict([{ ...base, flag: 'maybe' }])).message).toMatch(
      /column “flag”: expected true or false, got the text “maybe”/,
    );
    expect(failure(() => model.predict([{ ...base, when: 'last Tuesday' }])).column).toBe('when');
    expect(failure(() => model.predict([{ ...base, when: new Date(NaN) }])).message).toMatch(
      /got an invalid date/,
    );
    expect(failure(() => model.predict([{ ...base, colour: { name: 'red' } }])).message).toMatch(
      /column “colour”: expected a category \(text\), got an object/,
    );
    expect(failure(() => model.predict([{ ...base, num_a: true }])).message).toMatch(
      /expected a number, got boolean true/,
    );
  });

  it('refuses missing and unknown columns unless told to ignore extra ones', () => {
    const { city: _city, ...withoutCity } = base;
    const missing = failure(() => model.predict([base, base, withoutCity]));
    expect([missing.row, missing.column]).toEqual([2, 'city']);
    expect(missing.message).toMatch(/Row 3 \(rows\[2\]\), column “city”: the column is missing/);
    const unknown = failure(() => model.predict([{ ...base, label: 'yes' }]));
    expect(unknown.column).toBe('label');
    expect(unknown.message).toMatch(/does not read this column\. It reads: num_a, num_b/);
    expect(model.predict([{ ...base, label: 'yes' }], { unknownColumns: 'ignore' })).toEqual(
      model.predict([base]),
    );
    expect(failure(() => model.predict([base, null as unknown as Row])).message).toMatch(
      /Row 2 \(rows\[1\]\) is not an object/,
    );
    expect(failure(() => model.predict(base as unknown as Row[])).message).toMatch(/array/);
  });

  it('reads values as the lab stores them: numeric text, booleans, dates in any form', () => {
    const reference = model.predict([base])[0];
    const when = base.when as number;
    const variants: Row[] = [
      { ...base, num_b: '48', count: ' 3 ', flag: true },
      { ...base, flag: 'TRUE', when: new Date(when) },
      { ...base, flag: '1', when: '2023-05-06T13:00' },
      { ...base, when: '2023-05-06 15:00+02:00' },
    ];
    for (const row of variants) expect(model.predict([row])[0]).toEqual(reference);
  });

  it('treats null, undefined, NaN and blank text as missing values', () => {
    const missing = model.predict([
      { ...base, num_a: null, colour: undefined, note: null, when: NaN, flag: '' },
    ]);
    const blank = model.predict([
      { ...base, num_a: '', colour: '  ', note: null, when: '', flag: null },
    ]);
    expect(blank).toEqual(missing);
    expect(missing[0]).not.toEqual(model.predict([base])[0]);
  });

  it('gives an empty list for no rows and one prediction per row', () => {
    expect(model.predict([])).toEqual([]);
    const predictions = model.predict([base, { ...base, colour: 'never seen' }]);
    expect(predictions).toHaveLength(2);
    for (const prediction of predictions) {
      if (!('probabilities' in prediction)) throw new Error('expected a classification');
      const total = prediction.probabilities.no! + prediction.probabilities.yes!;
      expect(total).toBeCloseTo(1, 12);
      expect(['no', 'yes']).toContain(prediction.label);
    }
  });

  it('keeps class labels that collide with object keys as plain keys', async () => {
    const table = mixedTable(120, 5);
    const labels = Array.from({ length: table.rowCount }, (_, i) =>
      i % 2 ? '__proto__' : 'constructor',
    );
    const { stringColumn } = await import('../../../src/core/table');
    const lab = await fit(
      table.withColumn(stringColumn('label', labels)),
      { target: 'label', learner: 'knn', features: ['num_a', 'num_b'] },
      { rng: seededRandom(2) },
    );
    const embedded = (await fromJSON(lab.toJSON())) as BunsenModel;
    const [prediction] = embedded.predict([{ num_a: 0, num_b: 50 }]);
    if (!prediction || !('probabilities' in prediction)) throw new Error('expected a class');
    expect(Object.keys(prediction.probabilities)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(prediction.probabilities)).toBeNull();
  });
});
