import { describe, expect, it } from 'vitest';
import {
  FittedFrequency,
  FittedOneHot,
  FittedOrdinal,
  fitFrequency,
  fitOneHot,
  fitOrdinal,
  transformerFromJSON,
} from '../../../../src/core/features';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { expectClose, fixture, flatRows, nanFromNull } from './fixture';

const { categories } = fixture;
const train = stringColumn('fruit', categories.train);
const test = stringColumn('fruit', categories.test);
const roundTrip = (value: { toJSON(): unknown }) =>
  transformerFromJSON(JSON.parse(JSON.stringify(value.toJSON())));

describe('one-hot encoding (OneHotEncoder, handle_unknown=infrequent_if_exist)', () => {
  for (const reference of categories.oneHot) {
    it(`matches ${JSON.stringify(reference.options)}`, () => {
      const encoder = fitOneHot(train, { ...reference.options, handleUnknown: 'other' });
      expect(encoder.infrequent).toEqual(reference.infrequent);
      expect(encoder.outputNames).toEqual(
        reference.names.map((name) =>
          name.replace('fruit_infrequent_sklearn', 'fruit=(other)').replace('fruit_', 'fruit='),
        ),
      );
      expectClose(encoder.transform(train).data, flatRows(reference.train), 0, 'train');
      expectClose(roundTrip(encoder).transform(test).data, flatRows(reference.test), 0, 'test');
    });
  }

  it('writes all zeros for unknown categories with handleUnknown zeros', () => {
    const encoder = fitOneHot(train, { handleUnknown: 'zeros' });
    expectClose(encoder.transform(test).data, flatRows(categories.ignoreUnknown), 0);
    const capped = fitOneHot(train, { maxCategories: 3, handleUnknown: 'zeros' });
    const unknown = capped.transform(stringColumn('fruit', ['kiwi', null, 'fig']));
    expect(Array.from(unknown.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('puts every category in other when maxCategories is 1', () => {
    const encoder = fitOneHot(train, { maxCategories: 1 });
    expect(encoder.outputNames).toEqual(['fruit=(other)']);
    expect(Array.from(encoder.transform(test).data)).toEqual(new Array(8).fill(1));
  });

  it('ignores dictionary entries that no row uses, and reads missing as unknown', () => {
    const column = Table.fromRows([{ c: 'a' }, { c: 'b' }, { c: null }])
      .take([0, 2])
      .column('c');
    const encoder = fitOneHot(column);
    expect(encoder.outputNames).toEqual(['c=a']);
    expect(Array.from(encoder.transform(column).data)).toEqual([1, 0]);
  });

  it('rejects number columns and bad options', () => {
    expect(() => fitOneHot(numberColumn('x', [1]))).toThrow(TrainingError);
    expect(() => fitOneHot(train, { maxCategories: 0 })).toThrow('maxCategories');
    expect(() => fitOneHot(train, { minFrequency: -1 })).toThrow('minFrequency');
  });

  it('round-trips through JSON', () => {
    const encoder = fitOneHot(train, { maxCategories: 4 });
    expect(roundTrip(encoder)).toEqual(FittedOneHot.fromJSON(encoder.toJSON()));
    expect(() => FittedOneHot.fromJSON({ ...encoder.toJSON(), frequent: 'apple' })).toThrow(
      '“frequent” should be a list of strings',
    );
  });
});

describe('ordinal encoding (OrdinalEncoder, use_encoded_value)', () => {
  for (const reference of categories.ordinal) {
    it(`matches unknown_value=${reference.unknownValue}`, () => {
      const unknownValue = nanFromNull(reference.unknownValue);
      const encoder = fitOrdinal(train, { unknownValue });
      expect(encoder.categories).toEqual(reference.categories);
      const copy = roundTrip(encoder) as FittedOrdinal;
      expect(copy.unknownValue).toEqual(unknownValue);
      expectClose(copy.transform(test).data, reference.test.map(nanFromNull), 0);
    });
  }

  it('follows a given category order and codes missing values apart', () => {
    const sizes = stringColumn('size', ['low', 'high', null, 'medium', 'huge']);
    const encoder = fitOrdinal(sizes, {
      categories: ['low', 'medium', 'high'],
      missingValue: -2,
    });
    expect(Array.from(encoder.transform(sizes).data)).toEqual([0, 2, -2, 1, -1]);
    expect(() => fitOrdinal(sizes, { categories: ['a', 'a'] })).toThrow('twice');
  });
});

describe('frequency encoding', () => {
  it('encodes the training share of each category, missing included, unseen as 0', () => {
    const column = stringColumn('c', ['a', 'b', 'a', null, 'a']);
    const encoder = fitFrequency(column);
    expect(encoder.outputNames).toEqual(['c_frequency']);
    const copy = roundTrip(encoder) as FittedFrequency;
    expectClose(
      copy.transform(stringColumn('c', ['b', 'z', null, 'a'])).data,
      [0.2, 0, 0.2, 0.6],
      1e-7,
    );
  });
});
