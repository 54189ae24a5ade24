import { describe, expect, it } from 'vitest';
import { evaluate, fit, headline, Model, detectTask } from '../../../../src/core/model';
import { LEARNER_NAMES } from '../../../../src/core/learners/registry';
import { seededRandom, randomNormal } from '../../../../src/core/random';
import { Table, numberColumn, stringColumn, valueAt } from '../../../../src/core/table';
import { TrainingError } from '../../../../src/core/errors/training-error';

/** Two noisy numeric signals, a categorical with a real effect, and some missing values. */
function mixedTable(rows: number, seed: number) {
  const rng = seededRandom(seed);
  const x1: (number | null)[] = [];
  const x2: number[] = [];
  const colour: string[] = [];
  const label: string[] = [];
  const amount: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const c = ['red', 'green', 'blue'][Math.floor(rng() * 3)] as string;
    const score = 1.5 * a - b + (c === 'red' ? 1 : c === 'blue' ? -1 : 0) + 0.3 * randomNormal(rng);
    x1.push(rng() < 0.1 ? null : a);
    x2.push(b);
    colour.push(c);
    label.push(score > 0.3 ? 'yes' : 'no');
    amount.push(10 + 3 * score + 0.5 * randomNormal(rng));
  }
  return new Table([
    numberColumn('x1', x1),
    numberColumn('x2', x2),
    stringColumn('colour', colour),
    stringColumn('label', label),
    numberColumn('amount', amount),
  ]);
}

describe('fit → Model', () => {
  const train = mixedTable(400, 1);
  const test = mixedTable(200, 2);

  for (const learner of LEARNER_NAMES) {
    it(`${learner}: classifies a mixed table with missing values and round-trips through JSON`, async () => {
      const model = await fit(
        train.drop(['amount']),
        {
          target: 'label',
          learner,
          params: learner === 'mlp' ? { hidden_layers: [16], max_iter: 25 } : {},
        },
        { rng: seededRandom(7) },
      );
      expect(model.task).toBe('classification');
      expect(model.classes).toEqual(['no', 'yes']);
      const report = evaluate(model, test);
      expect(headline(report).accuracy).toBeGreaterThan(0.75);

      const restored = Model.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      const before = model.predictProba(test).proba;
      const after = restored.predictProba(test).proba;
      expect(Array.from(after)).toEqual(Array.from(before));
      const labels = restored.predict(test);
      expect(valueAt(labels, 0)).toMatch(/^(yes|no)$/);
    });
  }

  for (const learner of ['gbdt', 'forest', 'linear', 'knn'] as const) {
    it(`${learner}: regresses a numeric target`, async () => {
      const model = await fit(
        train.drop(['label']),
        { target: 'amount', learner },
        { rng: seededRandom(3) },
      );
      expect(model.task).toBe('regression');
      const { r2 } = headline(evaluate(model, test));
      expect(r2).toBeGreaterThan(0.6);
    });
  }

  it('names the classes of a boolean target true and false, and still reads 1/0 targets', async () => {
    const yes = train.column('label');
    const flags = Array.from({ length: train.rowCount }, (_, row) =>
      valueAt(yes, row) === 'yes' ? 1 : 0,
    );
    const table = train
      .drop(['amount', 'label'])
      .withColumn(numberColumn('churned', flags, 'boolean'));
    const model = await fit(
      table,
      { target: 'churned', learner: 'forest' },
      { rng: seededRandom(5) },
    );
    expect(model.classes).toEqual(['false', 'true']);
    expect(
      new Set(Array.from({ length: 20 }, (_, row) => valueAt(model.predict(table), row))),
    ).toEqual(new Set(['false', 'true']));
    expect(headline(evaluate(model, table)).accuracy).toBeGreaterThan(0.9);
    // The same rows with 1/0 in an integer column score alike against the true/false classes…
    const numbers = table.drop(['churned']).withColumn(numberColumn('churned', flags, 'integer'));
    expect(headline(evaluate(model, numbers)).accuracy).toBe(
      headline(evaluate(model, table)).accuracy,
    );
    // …and a model saved when boolean classes were named 1 and 0 still scores boolean columns.
    const legacy = Model.fromJSON(
      JSON.parse(
        JSON.stringify(model.toJSON()).replaceAll('"false"', '"0"').replaceAll('"true"', '"1"'),
      ),
    );
    expect(legacy.classes).toEqual(['0', '1']);
    expect(headline(evaluate(legacy, table)).accuracy).toBe(
      headline(evaluate(model, table)).accuracy,
    );
  });

  it('is deterministic for a seed', async () => {
    const spec = { target: 'label', learner: 'forest' as const };
    const a = await fit(train, spec, { rng: seededRandom(11) });
    const b = await fit(train, spec, { rng: seededRandom(11) });
    expect(Array.from(a.predictProba(test).proba)).toEqual(Array.from(b.predictProba(test).proba));
  });

  it('leaves out rows whose target is missing', async () => {
    const withGaps = train.withColumn(
      stringColumn(
        'label',
        Array.from({ length: train.rowCount }, (_, i) =>
          i % 10 === 0 ? null : String(valueAt(train.column('label'), i)),
        ),
      ),
    );
    const model = await fit(withGaps, { target: 'label', learner: 'nb' }, { rng: seededRandom(1) });
    expect(model.trainingRows).toBe(360);
  });

  it('explains what is wrong with the request', async () => {
    const rng = seededRandom(1);
    await expect(fit(train, { target: 'nope', learner: 'gbdt' }, { rng })).rejects.toThrow(
      'There is no column “nope”',
    );
    await expect(
      fit(train, { target: 'label', learner: 'nb', task: 'regression' }, { rng }),
    ).rejects.toThrow(/does not do regression/);
    const single = train.withColumn(stringColumn('label', Array(train.rowCount).fill('yes')));
    await expect(fit(single, { target: 'label', learner: 'gbdt' }, { rng })).rejects.toMatchObject({
      kind: 'single-class',
    });
    await expect(
      fit(train, { target: 'label', learner: 'gbdt', features: ['label'] }, { rng }),
    ).rejects.toBeInstanceOf(TrainingError);
  });

  it('detects the task from the target', () => {
    expect(detectTask(stringColumn('y', ['a', 'b']))).toBe('classification');
    expect(detectTask(numberColumn('y', [0, 1, 1, 0]))).toBe('classification');
    expect(detectTask(numberColumn('y', [0.5, 1, 2]))).toBe('regression');
    // Class codes: consecutive, or with every value seen more than once.
    expect(detectTask(numberColumn('y', [1, 2, 3, 3, 5, 4, 1]))).toBe('classification');
    expect(detectTask(numberColumn('y', [4, 6, 8, 4, 6, 8]))).toBe('classification');
    expect(detectTask(numberColumn('y', [0, 1, 0, 1, 1]))).toBe('classification');
    // Counts: gaps between the values, and one of them seen once.
    expect(detectTask(numberColumn('y', [0, 0, 1, 1, 2, 3, 3, 9, 17, 2]))).toBe('regression');
    // Amounts: most whole numbers between the smallest and the largest never occur.
    const affairs = [0, 0, 0, 1, 1, 2, 2, 3, 3, 7, 7, 12, 12];
    expect(detectTask(numberColumn('y', affairs))).toBe('regression');
    expect(detectTask(numberColumn('y', [1, 1, 2, 2, 3, 3, 5, 5, 9, 9]))).toBe('classification');
    expect(
      detectTask(
        numberColumn(
          'y',
          Array.from({ length: 30 }, (_, i) => i),
        ),
      ),
    ).toBe('regression');
  });
});
