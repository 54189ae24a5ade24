import { describe, expect, it } from 'vitest';
import { FittedTargetEncoder, fitTargetEncoder } from '../../../../src/core/features';
import { kFoldAssignment, stratifiedFoldAssignment } from '../../../../src/core/features/folds';
import type { Target } from '../../../../src/core/learners/types';
import { randomInt, randomNormal, seededRandom } from '../../../../src/core/random';
import { stringColumn, valueAt, type StringColumn } from '../../../../src/core/table';
import { expectClose } from './fixture';

const ROWS = 240;
const data = seededRandom(11);
const cities = ['ankara', 'bern', 'cairo', 'delhi', 'essen', 'fez', 'graz', 'hue'];
const city = stringColumn(
  'city',
  Array.from({ length: ROWS }, () => {
    const pick = randomInt(data, cities.length + 1);
    // Skewed so that some categories are rare; one slot in nine is missing.
    return pick === cities.length ? null : cities[Math.min(pick, randomInt(data, cities.length))];
  }),
);
const cityIndex = Array.from({ length: ROWS }, (_, i) => valueAt(city, i) as string | null);
const classes = ['low', 'mid', 'high'];
const multiclass: Target = {
  task: 'classification',
  classes,
  y: Int32Array.from(cityIndex, (name) =>
    name === null ? 2 : (cities.indexOf(name) + randomInt(data, 3)) % 3,
  ),
};
const binary: Target = {
  task: 'classification',
  classes: ['no', 'yes'],
  y: Int32Array.from(multiclass.y, (label) => (label === 2 ? 1 : 0)),
};
const regression: Target = {
  task: 'regression',
  y: Float64Array.from(
    cityIndex,
    (name) => 1000 + 10 * (name?.length ?? 3) + randomNormal(data) * 4,
  ),
};

/** scikit-learn 1.3's TargetEncoder encoding, written out from its definition. */
function definition(
  rows: number[],
  column: StringColumn,
  values: (row: number) => number,
  category: string | null,
  smooth: 'auto' | number,
): number {
  const all = rows.map(values);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const variance = all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length;
  const own = rows.filter((row) => valueAt(column, row) === category).map(values);
  if (own.length === 0) return mean;
  const sum = own.reduce((a, b) => a + b, 0);
  if (smooth !== 'auto') return (sum + smooth * mean) / (own.length + smooth);
  const ownMean = sum / own.length;
  const within = own.reduce((a, b) => a + (b - ownMean) ** 2, 0) / own.length;
  const weight = (variance * own.length) / (variance * own.length + within);
  return Number.isNaN(weight) ? mean : weight * ownMean + (1 - weight) * mean;
}

const everyRow = Array.from({ length: ROWS }, (_, i) => i);

const outputsOf = (target: Target): ((row: number) => number)[] =>
  target.task === 'regression'
    ? [(row) => target.y[row] as number]
    : target.classes.length === 2
      ? [(row) => (target.y[row] === 1 ? 1 : 0)]
      : target.classes.map((_, k) => (row: number) => (target.y[row] === k ? 1 : 0));

const foldsOf = (target: Target, seed: number, folds = 5) =>
  target.task === 'classification'
    ? stratifiedFoldAssignment(target.y, target.classes.length, folds, seededRandom(seed))
    : kFoldAssignment(ROWS, folds, seededRandom(seed));

describe('target encoding', () => {
  const cases: [string, Target, 'auto' | number][] = [
    ['multiclass, auto smoothing', multiclass, 'auto'],
    ['binary, smooth 10', binary, 10],
    ['regression, auto smoothing', regression, 'auto'],
    ['regression, smooth 0', regression, 0],
  ];
  for (const [name, target, smooth] of cases) {
    it(`follows the definition out of fold and on all rows: ${name}`, () => {
      const { encoder, outOfFold } = fitTargetEncoder(city, target, {
        rng: seededRandom(5),
        smooth,
      });
      const outputs = outputsOf(target);
      expect(encoder.outputNames).toHaveLength(outputs.length);
      const foldOf = foldsOf(target, 5);
      for (let fold = 0; fold < 5; fold++) {
        const rest = everyRow.filter((row) => foldOf[row] !== fold);
        const held = everyRow.filter((row) => foldOf[row] === fold);
        expect(held.length).toBeGreaterThanOrEqual(Math.floor(ROWS / 5));
        for (const row of held) {
          outputs.forEach((values, j) => {
            const expected = definition(
              rest,
              city,
              values,
              valueAt(city, row) as string | null,
              smooth,
            );
            expectClose(
              [outOfFold[row * outputs.length + j] as number],
              [expected],
              1e-9,
              `row ${row}`,
            );
          });
        }
      }
      const unseen = stringColumn('city', [...cities, null, 'zurich']);
      const encoded = encoder.transform(unseen);
      [...cities, null].forEach((category, i) => {
        outputs.forEach((values, j) => {
          const expected = definition(everyRow, city, values, category, smooth);
          expectClose([encoded.data[i * outputs.length + j] as number], [expected], 1e-6);
        });
      });
      outputs.forEach((values, j) => {
        const mean = everyRow.map(values).reduce((a, b) => a + b, 0) / ROWS;
        expectClose(
          [encoded.data[(cities.length + 1) * outputs.length + j] as number],
          [mean],
          1e-6,
          'unseen',
        );
      });
    });
  }

  it('never lets a training row see its own target', () => {
    const before = fitTargetEncoder(city, regression, { rng: seededRandom(9) }).outOfFold;
    for (const row of [0, 17, 101]) {
      const y = regression.y.slice();
      y[row] = (y[row] as number) + 1e6;
      const after = fitTargetEncoder(city, { task: 'regression', y }, { rng: seededRandom(9) });
      // Equal up to rounding: the other rows' sums are computed around a shifted mean.
      expectClose([after.outOfFold[row] as number], [before[row] as number], 1e-9);
      expect(after.encoder.encodings).not.toEqual(
        fitTargetEncoder(city, regression, { rng: seededRandom(9) }).encoder.encodings,
      );
    }
  });

  it('is deterministic by seed and differs between seeds', () => {
    const fit = (seed: number) =>
      fitTargetEncoder(city, multiclass, { rng: seededRandom(seed) }).outOfFold;
    expect(fit(3)).toEqual(fit(3));
    expect(fit(3)).not.toEqual(fit(4));
  });

  it('names one output per class, one for two classes, and round-trips through JSON', () => {
    const multi = fitTargetEncoder(city, multiclass, { rng: seededRandom(1) }).encoder;
    expect(multi.outputNames).toEqual(['city_target=low', 'city_target=mid', 'city_target=high']);
    const two = fitTargetEncoder(city, binary, { rng: seededRandom(1), smooth: 3 }).encoder;
    expect(two.outputNames).toEqual(['city_target=yes']);
    const copy = FittedTargetEncoder.fromJSON(JSON.parse(JSON.stringify(two.toJSON())));
    expect(copy.transform(city)).toEqual(two.transform(city));
    expect(copy.smooth).toBe(3);
  });

  it('rejects a target of the wrong length or with missing values', () => {
    const short: Target = { task: 'regression', y: Float64Array.of(1, 2) };
    expect(() => fitTargetEncoder(city, short, { rng: seededRandom(1) })).toThrow(
      'target has 2 rows',
    );
    const gap: Target = { task: 'regression', y: Float64Array.from(regression.y).fill(NaN, 3, 4) };
    expect(() => fitTargetEncoder(city, gap, { rng: seededRandom(1) })).toThrow('row 4');
  });
});
