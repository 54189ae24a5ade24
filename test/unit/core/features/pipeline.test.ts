import { describe, expect, it } from 'vitest';
import {
  FeaturePipeline,
  FittedPipeline,
  type FeaturePipelineOptions,
} from '../../../../src/core/features';
import { TrainingError } from '../../../../src/core/errors/training-error';
import type { Target } from '../../../../src/core/learners/types';
import { randomInt, randomNormal, seededRandom } from '../../../../src/core/random';
import {
  numberColumn,
  stringColumn,
  Table,
  valueAt,
  type Column,
} from '../../../../src/core/table';
import { matrixColumn } from './fixture';

const ROWS = 300;
const DAY = 86_400_000;
const random = seededRandom(21);
const pick = <T>(items: readonly T[]) => items[randomInt(random, items.length)] as T;
const sometimes = <T>(value: T, missingRate: number) => (random() < missingRate ? null : value);

const species = ['setosa', 'versicolor', 'virginica'];
const cities = Array.from({ length: 40 }, (_, i) => `city${String(i).padStart(2, '0')}`);
const words = ['good', 'bad', 'great', 'slow', 'fast', 'cheap', 'pricey', 'friendly'];

function mixedTable(rows: number) {
  return new Table([
    numberColumn(
      'age',
      Array.from({ length: rows }, () => sometimes(40 + 12 * randomNormal(random), 0.1)),
    ),
    numberColumn(
      'rooms',
      Array.from({ length: rows }, () => 1 + randomInt(random, 6)),
      'integer',
    ),
    stringColumn(
      'species',
      Array.from({ length: rows }, () => pick(species)),
    ),
    stringColumn(
      'city',
      Array.from({ length: rows }, () => sometimes(pick(cities), 0.05)),
    ),
    numberColumn(
      'smoker',
      Array.from({ length: rows }, () => sometimes(randomInt(random, 2), 0.1)),
      'boolean',
    ),
    numberColumn(
      'signup',
      Array.from({ length: rows }, () => Date.UTC(2020, 0, 1) + randomInt(random, 1500) * DAY),
      'datetime',
    ),
    stringColumn(
      'review',
      Array.from({ length: rows }, () =>
        sometimes(`${pick(words)} and ${pick(words)} service`, 0.1),
      ),
      'text',
    ),
  ]);
}

const table = mixedTable(ROWS);
const target: Target = {
  task: 'classification',
  classes: ['no', 'yes'],
  y: Int32Array.from(
    { length: ROWS },
    (_, i) => (valueAt(table.column('species'), i) === 'setosa' ? 1 : 0) ^ (random() < 0.2 ? 1 : 0),
  ),
};
const options = (extra: Partial<FeaturePipelineOptions> = {}): FeaturePipelineOptions => ({
  rng: seededRandom(1),
  target,
  ...extra,
});

const replaceColumn = (source: Table, column: Column) =>
  new Table(source.columns.map((existing) => (existing.name === column.name ? column : existing)));

describe('feature pipeline', () => {
  it('chooses steps from the logical types and describes them', async () => {
    const pipeline = await FeaturePipeline.fit(table, options());
    const summaries = Object.fromEntries(pipeline.choices.map((choice) => [choice.column, choice]));
    expect(summaries.species?.summary).toBe('species: one-hot (3 categories)');
    expect(summaries.city).toMatchObject({ step: 'target', automatic: true, outputs: 1 });
    expect(summaries.city?.summary).toMatch(
      /^city: target encoding \(40 categories, 5-fold out-of-fold, .*standardized\)$/,
    );
    expect(summaries.age?.summary).toMatch(
      /^age: numeric \(\d+ missing values filled with the median, missing indicator, standardized\)$/,
    );
    expect(summaries.rooms?.summary).toBe('rooms: numeric (standardized)');
    expect(summaries.smoker?.summary).toMatch(
      /^smoker: 0\/1 \(\d+ missing values filled with the most frequent value, missing indicator\)$/,
    );
    expect(summaries.signup?.summary).toMatch(
      /^signup: date parts \(year, month, day, dayOfWeek, dayOfYear, isWeekend, month_sin/,
    );
    expect(summaries.review?.summary).toBe('review: TF-IDF (10 terms)');
    expect(pipeline.names).toEqual([
      'age',
      'age_missing',
      'rooms',
      'species=setosa',
      'species=versicolor',
      'species=virginica',
      'city_target=yes',
      'smoker',
      'smoker_missing',
      ...[
        'year',
        'month',
        'day',
        'dayOfWeek',
        'dayOfYear',
        'isWeekend',
        'month_sin',
        'month_cos',
        'dayOfWeek_sin',
        'dayOfWeek_cos',
      ].map((part) => `signup_${part}`),
      ...[
        'and',
        'bad',
        'cheap',
        'fast',
        'friendly',
        'good',
        'great',
        'pricey',
        'service',
        'slow',
      ].map((term) => `review:${term}`),
    ]);
    expect(pipeline.schema.columns.find((column) => column.name === 'species')?.categories).toEqual(
      species,
    );
  });

  it('turns the mixed table into a finite matrix with fitted statistics', async () => {
    const { matrix, names } = (await FeaturePipeline.fit(table, options())).transform(table);
    expect(matrix.rows).toBe(ROWS);
    expect(matrix.cols).toBe(names.length);
    expect(matrix.data.every(Number.isFinite)).toBe(true);
    const age = matrixColumn(matrix, names.indexOf('age'));
    const mean = age.reduce((a, b) => a + b, 0) / ROWS;
    const std = Math.sqrt(age.reduce((a, b) => a + (b - mean) ** 2, 0) / ROWS);
    expect(mean).toBeCloseTo(0, 5);
    expect(std).toBeCloseTo(1, 5);
    const ageMissing = matrixColumn(matrix, names.indexOf('age_missing'));
    const rawAge = (table.column('age') as { values: Float64Array }).values;
    expect(ageMissing).toEqual(Array.from(rawAge, (value) => (Number.isNaN(value) ? 1 : 0)));
    const oneHot = ['setosa', 'versicolor', 'virginica'].map((name) =>
      matrixColumn(matrix, names.indexOf(`species=${name}`)),
    );
    for (let i = 0; i < ROWS; i++) {
      const expected = species.indexOf(valueAt(table.column('species'), i) as string);
      expect(oneHot.map((column) => column[i])).toEqual(
        species.map((_, k) => (k === expected ? 1 : 0)),
      );
    }
  });

  it('trains on out-of-fold target encodings and applies the full-data ones later', async () => {
    const fitted = await FeaturePipeline.fitTransform(table, options());
    const later = fitted.pipeline.transform(table);
    const city = fitted.names.indexOf('city_target=yes');
    expect(matrixColumn(fitted.matrix, city)).not.toEqual(matrixColumn(later.matrix, city));
    fitted.names.forEach((_, j) => {
      if (j !== city) expect(matrixColumn(fitted.matrix, j)).toEqual(matrixColumn(later.matrix, j));
    });
    const again = await FeaturePipeline.fitTransform(table, options());
    expect(again.matrix).toEqual(fitted.matrix);
    const otherSeed = await FeaturePipeline.fitTransform(table, options({ rng: seededRandom(2) }));
    expect(otherSeed.matrix).not.toEqual(fitted.matrix);
  });

  it('handles unseen categories, missing values and new rows at transform time', async () => {
    const pipeline = await FeaturePipeline.fit(table, options());
    const fresh = Table.fromRows(
      [
        {
          age: null,
          rooms: 3,
          species: 'unknown-species',
          city: 'atlantis',
          smoker: null,
          signup: null,
          review: 'zebra',
        },
        {
          age: 200,
          rooms: null,
          species: null,
          city: null,
          smoker: 1,
          signup: Date.UTC(2031, 5, 6),
          review: null,
        },
      ],
      {
        rooms: 'integer',
        smoker: 'boolean',
        signup: 'datetime',
        review: 'text',
        city: 'categorical',
      },
    );
    const { matrix, names } = pipeline.transform(fresh);
    expect(matrix.rows).toBe(2);
    expect(matrix.data.every(Number.isFinite)).toBe(true);
    const row = (i: number) =>
      Object.fromEntries(names.map((name, j) => [name, matrix.data[i * matrix.cols + j]]));
    expect(row(0)).toMatchObject({
      age_missing: 1,
      'species=setosa': 0,
      'species=virginica': 0,
      smoker_missing: 1,
    });
    expect(names).not.toContain('signup_missing');
    const reviews = names.filter((name) => name.startsWith('review:'));
    for (const i of [0, 1])
      expect(reviews.map((name) => row(i)[name])).toEqual(reviews.map(() => 0));
    expect(pipeline.unseenCategories(fresh)).toEqual({
      species: ['unknown-species'],
      city: ['atlantis'],
    });
  });

  it('keeps NaN for learners that handle missing values, and scales only when asked', async () => {
    const pipeline = await FeaturePipeline.fit(table, options({ keepMissing: true, scale: false }));
    expect(pipeline.names).not.toContain('age_missing');
    const { matrix, names } = pipeline.transform(table);
    const age = matrixColumn(matrix, names.indexOf('age'));
    const rawAge = (table.column('age') as { values: Float64Array }).values;
    expect(age).toEqual(Array.from(rawAge, (value) => Math.fround(value)));
    expect(matrixColumn(matrix, names.indexOf('rooms'))).toEqual(
      Array.from((table.column('rooms') as { values: Float64Array }).values),
    );
    expect(
      matrixColumn(matrix, names.indexOf('signup_year')).every(
        (year) => year >= 2020 && year <= 2024,
      ),
    ).toBe(true);
  });

  it('uses configured steps, frequency encoding without a target, and drops columns', async () => {
    const pipeline = await FeaturePipeline.fit(table, {
      rng: seededRandom(3),
      columns: {
        age: { kind: 'numeric', impute: 'mean', scale: 'robust', indicator: false },
        species: { kind: 'ordinal' },
        review: { kind: 'hashing', nFeatures: 16 },
        signup: { kind: 'drop' },
      },
    });
    const names = pipeline.names;
    expect(names.slice(0, 3)).toEqual(['age', 'rooms', 'species']);
    expect(names).toContain('city_frequency');
    expect(names.filter((name) => name.startsWith('review#'))).toHaveLength(16);
    expect(names.some((name) => name.startsWith('signup'))).toBe(false);
    expect(pipeline.choices.find((choice) => choice.column === 'signup')?.summary).toBe(
      'signup: dropped',
    );
    const withoutSignup = table.drop(['signup']);
    expect(pipeline.transform(withoutSignup).matrix).toEqual(pipeline.transform(table).matrix);
  });

  it('round-trips through JSON and transforms identically', async () => {
    for (const extra of [{}, { keepMissing: true }, { scale: false, maxOneHot: 50 }]) {
      const pipeline = await FeaturePipeline.fit(table, options(extra));
      const json = JSON.parse(JSON.stringify(pipeline.toJSON()));
      const copy = FittedPipeline.fromJSON(json);
      expect(copy.names).toEqual(pipeline.names);
      expect(copy.choices).toEqual(pipeline.choices);
      expect(copy.transform(table)).toEqual(pipeline.transform(table));
      expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(pipeline.toJSON()));
    }
    await expect(async () =>
      FittedPipeline.fromJSON({ kind: 'feature-pipeline', format: 2 }),
    ).rejects.toThrow('“format” should be 1');
  });

  it('validates the table against the schema it recorded', async () => {
    const pipeline = await FeaturePipeline.fit(table, options());
    expect(() => pipeline.transform(table.drop(['city']))).toThrow(
      'The table has no column “city”, which the features were fitted on ' +
        '(age, rooms, species, city, smoker, signup, review).',
    );
    const mistyped = replaceColumn(
      table,
      stringColumn(
        'age',
        Array.from({ length: ROWS }, () => 'old'),
      ),
    );
    expect(() => pipeline.transform(mistyped)).toThrow(
      'Column “age” holds categorical values; the features were fitted on numeric values.',
    );
    try {
      pipeline.transform(mistyped);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid-input', where: 'age' });
    }
    const relaxed = replaceColumn(
      table,
      numberColumn('rooms', (table.column('rooms') as { values: Float64Array }).values, 'numeric'),
    );
    const reordered = new Table(
      [...relaxed.columns].reverse().concat(numberColumn('extra', new Array(ROWS).fill(1))),
    );
    expect(pipeline.transform(reordered).matrix).toEqual(pipeline.transform(table).matrix);
  });

  it('refuses images, misfit steps, unknown columns and matrices over the memory cap', async () => {
    const withImage = table.withColumn(
      stringColumn('photo', new Array(ROWS).fill('img.png'), 'image'),
    );
    await expect(FeaturePipeline.fit(withImage, options())).rejects.toThrow(
      'The images of column “photo” were not decoded',
    );
    const dropped = await FeaturePipeline.fit(
      withImage,
      options({ columns: { photo: { kind: 'drop' } } }),
    );
    expect(dropped.names).toEqual((await FeaturePipeline.fit(table, options())).names);
    await expect(
      FeaturePipeline.fit(table, options({ columns: { age: { kind: 'one-hot' } } })),
    ).rejects.toThrow('Column “age” holds numeric values, which a one-hot step cannot read.');
    await expect(
      FeaturePipeline.fit(table, options({ columns: { height: { kind: 'drop' } } })),
    ).rejects.toThrow('column “height”, which the table does not have');
    await expect(
      FeaturePipeline.fit(table, { rng: seededRandom(1), columns: { city: { kind: 'target' } } }),
    ).rejects.toThrow('needs the target');
    const tooLarge = FeaturePipeline.fit(
      table,
      options({ maxBytes: 40_000, columns: { review: { kind: 'hashing', nFeatures: 16 } } }),
    );
    await expect(tooLarge).rejects.toMatchObject({ kind: 'too-large', where: 'review' });
    await expect(tooLarge).rejects.toThrow(
      '“review” would take 42 KB (300 rows × 35 columns), over the 40 KB limit. ' +
        'Use fewer hash features (nFeatures: 8 would fit).',
    );
  });

  it('refuses an empty table and damaged saved pipelines', async () => {
    await expect(
      FeaturePipeline.fit(table.take([]), options({ target: undefined })),
    ).rejects.toThrow('The table has no rows');
    const json = (await FeaturePipeline.fit(table, options())).toJSON();
    const damaged = JSON.parse(JSON.stringify(json));
    damaged.columns[2].encoder.frequent = 'setosa';
    expect(() => FittedPipeline.fromJSON(damaged)).toThrow(
      'Saved one-hot step is damaged: “frequent” should be a list of strings.',
    );
    const unknown = JSON.parse(JSON.stringify(json));
    unknown.columns[0].column = 'height';
    expect(() => FittedPipeline.fromJSON(unknown)).toThrow(
      '“column” should be a column of the schema',
    );
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      FeaturePipeline.fit(table, options({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(TrainingError);
  });

  it('featurizes 100,000 rows quickly with typed arrays', async () => {
    const big = mixedTable(100_000);
    const bigTarget: Target = {
      task: 'regression',
      y: Float64Array.from({ length: 100_000 }, () => random()),
    };
    const { matrix } = await FeaturePipeline.fitTransform(big, {
      rng: seededRandom(4),
      target: bigTarget,
    });
    expect(matrix.rows).toBe(100_000);
    expect(matrix.data.every(Number.isFinite)).toBe(true);
  });
});
