import { describe, expect, it } from 'vitest';
import {
  FittedCategoryImputer,
  FittedNumericImputer,
  FittedScaler,
  fitCategoryImputer,
  fitNumericImputer,
  fitScaler,
} from '../../../../src/core/features';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { numberColumn, stringColumn, valueAt } from '../../../../src/core/table';
import { columnOf, expectClose, fixture, matrixColumn } from './fixture';

const { imputation, scaling } = fixture;
const roundTrip = <T>(value: { toJSON(): unknown }, fromJSON: (json: unknown) => T): T =>
  fromJSON(JSON.parse(JSON.stringify(value.toJSON())));

describe('numeric imputation (SimpleImputer)', () => {
  for (const reference of imputation.cases) {
    it(`matches ${reference.strategy} with a missing indicator on train and test rows`, () => {
      imputation.train[0]?.forEach((_, j) => {
        const train = numberColumn(`x${j}`, columnOf(imputation.train, j));
        const test = numberColumn(`x${j}`, columnOf(imputation.test, j));
        const imputer = fitNumericImputer(train, {
          strategy: reference.strategy,
          fillValue: reference.fillValue ?? undefined,
          indicator: 'auto',
        });
        expect(imputer.fillValue).toBeCloseTo(reference.statistics[j] as number, 12);
        const indicatorAt = imputation.train[0]!.length + reference.indicatorFeatures.indexOf(j);
        expect(imputer.indicator).toBe(reference.indicatorFeatures.includes(j));
        expect(imputer.outputNames).toEqual([`x${j}`, `x${j}_missing`]);
        for (const [column, rows] of [
          [train, reference.train],
          [test, reference.test],
        ] as const) {
          const out = imputer.transform(column);
          expectClose(matrixColumn(out, 0), columnOf(rows, j), 1e-6, `x${j}`);
          expectClose(matrixColumn(out, 1), columnOf(rows, indicatorAt), 0, `x${j}_missing`);
          expectClose(imputer.apply(column).values, columnOf(rows, j), 1e-12);
        }
      });
    });
  }

  it('fills a column that had no values with 0 and survives a JSON round trip', () => {
    const empty = fitNumericImputer(numberColumn('x', [null, null]), { strategy: 'median' });
    expect(Array.from(empty.transform(numberColumn('x', [NaN, 3])).data)).toEqual([0, 3]);
    const imputer = fitNumericImputer(numberColumn('x', [1, null, 4]), { indicator: true });
    const copy = roundTrip(imputer, FittedNumericImputer.fromJSON);
    const input = numberColumn('x', [null, 2, Infinity]);
    expect(copy.transform(input)).toEqual(imputer.transform(input));
    expect(Array.from(copy.transform(input).data)).toEqual([2.5, 1, 2, 0, 2.5, 1]);
  });

  it('refuses strings and unknown strategies with a TrainingError', () => {
    expect(() => fitNumericImputer(stringColumn('s', ['a']))).toThrow(TrainingError);
    expect(() => fitNumericImputer(numberColumn('x', [1]), { strategy: 'mode' as 'mean' })).toThrow(
      'Unknown imputation strategy',
    );
  });
});

describe('category imputation (SimpleImputer on strings)', () => {
  const column = stringColumn('c', imputation.categories);
  for (const reference of imputation.categoryCases) {
    it(`matches ${reference.strategy}`, () => {
      const imputer = fitCategoryImputer(column, {
        strategy: reference.strategy,
        fillValue: reference.fillValue ?? undefined,
      });
      expect(imputer.fillValue).toBe(reference.statistic);
      const filled = roundTrip(imputer, FittedCategoryImputer.fromJSON).apply(column);
      expect(Array.from(filled.codes, (_, i) => valueAt(filled, i))).toEqual(reference.train);
    });
  }

  it('leaves a column without missing values untouched', () => {
    const complete = stringColumn('c', ['a', 'b']);
    expect(fitCategoryImputer(column).apply(complete)).toBe(complete);
  });
});

describe('scaling (StandardScaler, MinMaxScaler, RobustScaler)', () => {
  for (const reference of scaling.cases) {
    const options = JSON.stringify(reference.options);
    it(`matches ${reference.method} ${options}, NaN passing through`, () => {
      scaling.train[0]?.forEach((_, j) => {
        const train = numberColumn(`x${j}`, columnOf(scaling.train, j));
        const test = numberColumn(`x${j}`, columnOf(scaling.test, j));
        const scaler = fitScaler(train, { method: reference.method, ...reference.options });
        const copy = roundTrip(scaler, FittedScaler.fromJSON);
        for (const [column, rows] of [
          [train, reference.train],
          [test, reference.test],
        ] as const) {
          expectClose(scaler.scaleValues(column.values), columnOf(rows, j), 1e-9, `x${j}`);
          expectClose(matrixColumn(copy.transform(column), 0), columnOf(rows, j), 1e-6, `x${j}`);
        }
      });
    });
  }

  it('keeps scale 1 for a constant column and rejects bad ranges', () => {
    const constant = numberColumn('k', [5, 5, 5]);
    expect(fitScaler(constant).scale).toBe(1);
    expect(fitScaler(constant, { method: 'robust' }).scale).toBe(1);
    expect(
      Array.from(fitScaler(constant, { method: 'minmax' }).scaleValues(Float64Array.of(5, 7))),
    ).toEqual([0, 2]);
    expect(() => fitScaler(constant, { method: 'minmax', range: [1, 1] })).toThrow(TrainingError);
    expect(() => fitScaler(constant, { method: 'robust', quantileRange: [80, 20] })).toThrow(
      'quantile range',
    );
  });
});
