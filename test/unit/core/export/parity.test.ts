import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnPlan } from '../../../../src/core/features';
import type { LearnerName, Task } from '../../../../src/core/learners/types';
import { EnsembleModel, fit, type ModelSpec } from '../../../../src/core/model';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { expectParity, onnxParity, ParityLog } from './harness';

const DAY = 86_400_000;
const START = Date.UTC(2019, 11, 25);
const CITIES = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);

type Outcome = 'binary' | 'multiclass' | 'regression';

/**
 * Numbers with missing values (and an infinity), an integer count, a boolean, timestamps to the
 * minute and whole days, a small categorical and a 30-category one, each with missing values.
 * Scoring tables also hold categories and dates training never saw.
 */
function richTable(rows: number, seed: number, outcome: Outcome, scoring = false): Table {
  const rng = seededRandom(seed);
  const numA: (number | null)[] = [];
  const numB: number[] = [];
  const count: number[] = [];
  const flag: (number | null)[] = [];
  const when: (number | null)[] = [];
  const day: number[] = [];
  const colour: (string | null)[] = [];
  const city: (string | null)[] = [];
  const target: (string | number)[] = [];
  const colours = ['red', 'green', 'blue', 'red', 'green', 'blue', 'violet'];
  for (let i = 0; i < rows; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const c = colours[Math.floor(rng() * colours.length)] as string;
    const k = Math.floor(rng() * CITIES.length);
    const minutes = Math.floor(rng() * 2 * 365 * 24 * 60);
    const f = rng() < 0.4 ? 1 : 0;
    numA.push(rng() < 0.1 ? null : 10 + 3 * a);
    numB.push(b);
    count.push(Math.floor(rng() * 21));
    flag.push(rng() < 0.05 ? null : f);
    when.push(rng() < 0.05 ? null : START + minutes * 60_000);
    day.push(START + Math.floor(rng() * 900) * DAY);
    colour.push(rng() < 0.05 ? null : scoring && i % 17 === 0 ? 'purple' : c);
    city.push(rng() < 0.05 ? null : scoring && i % 13 === 0 ? 'Atlantis' : (CITIES[k] as string));
    const score =
      1.2 * a -
      b +
      (c === 'red' ? 1 : c === 'blue' ? -1 : 0) +
      (k % 3) * 0.5 -
      f +
      Math.sin((2 * Math.PI * minutes) / (24 * 60 * 7)) +
      0.3 * randomNormal(rng);
    if (outcome === 'regression') target.push(50 + 10 * score);
    else if (outcome === 'binary') target.push(score > 0.2 ? 'yes' : 'no');
    else target.push(score > 1 ? 'high' : score < -0.5 ? 'low' : 'mid');
  }
  if (scoring) numA[3] = Infinity;
  return new Table([
    numberColumn('num_a', numA),
    numberColumn('num_b', numB),
    numberColumn('count', count, 'integer'),
    numberColumn('flag', flag, 'boolean'),
    numberColumn('when', when, 'datetime'),
    numberColumn('day', day, 'datetime'),
    stringColumn('colour', colour),
    stringColumn('city', city),
    outcome === 'regression'
      ? numberColumn('target', target as number[])
      : stringColumn('target', target as string[]),
  ]);
}

const PARAMS: Partial<Record<LearnerName, Record<string, unknown>>> = {
  mlp: { hidden_layers: [12, 8], max_iter: 15 },
  gbdt: { max_iter: 40 },
  forest: { n_estimators: 25 },
  extratrees: { n_estimators: 25 },
};

const log = new ParityLog();
afterAll(() => log.print('ONNX parity on synthetic tables (float inputs):'));

async function checkParity(name: string, outcome: Outcome, spec: Omit<ModelSpec, 'target'>) {
  const train = richTable(400, 1, outcome);
  const scoring = richTable(250, 2, outcome, true);
  const model = await fit(train, { target: 'target', ...spec }, { rng: seededRandom(9) });
  const parity = await onnxParity(model, scoring.drop(['target']));
  log.add(name, parity);
  expectParity(parity);
  return model;
}

const TASKS: Record<Outcome, Task> = {
  binary: 'classification',
  multiclass: 'classification',
  regression: 'regression',
};

describe('every learner, with the automatic featurization', () => {
  const cases: [LearnerName, Outcome][] = [];
  for (const learner of ['linear', 'mlp', 'gbdt', 'forest', 'extratrees', 'knn', 'nb'] as const) {
    for (const outcome of ['binary', 'multiclass', 'regression'] as const) {
      if (learner === 'nb' && outcome === 'regression') continue;
      cases.push([learner, outcome]);
    }
  }
  it.each(cases)('%s, %s', async (learner, outcome) => {
    const model = await checkParity(`${learner} ${outcome}`, outcome, {
      learner,
      params: PARAMS[learner] ?? {},
    });
    expect(model.task).toBe(TASKS[outcome]);
  });
});

describe('learner variants', () => {
  it.each([
    [
      'knn distance-weighted manhattan',
      'binary',
      { k: 7, weights: 'distance', metric: 'manhattan' },
    ],
    ['knn cosine', 'multiclass', { k: 4, metric: 'cosine' }],
    ['knn distance-weighted regression', 'regression', { k: 3, weights: 'distance' }],
    ['knn k=1', 'multiclass', { k: 1 }],
    ['linear l1', 'multiclass', { penalty: 'l1', C: 0.5 }],
    ['mlp tanh', 'multiclass', { hidden_layers: [8], activation: 'tanh', max_iter: 10 }],
    ['mlp gelu regression', 'regression', { hidden_layers: [8], activation: 'gelu', max_iter: 10 }],
    ['mlp batch norm', 'binary', { hidden_layers: [8], batch_norm: true, max_iter: 10 }],
  ] as const)('%s', async (name, outcome, params) => {
    const learner = name.split(' ')[0] as LearnerName;
    await checkParity(name, outcome, { learner, params });
  });

  it('multinomial naive Bayes on counts and one-hot categories', async () => {
    await checkParity('nb multinomial', 'multiclass', {
      learner: 'nb',
      params: { variant: 'multinomial', alpha: 0.5 },
      features: ['count', 'colour', 'flag'],
      featurization: { scale: false },
    });
  });

  it('class-weighted gbdt with early stopping', async () => {
    await checkParity('gbdt balanced', 'multiclass', {
      learner: 'gbdt',
      classWeight: 'balanced',
      params: { max_iter: 80, early_stopping: true },
    });
  });
});

/** Every featurizer and option the pipeline can be configured with. */
const CONFIGURED: Record<string, Record<string, ColumnPlan>> = {
  'mean fill + indicator, min-max, ordinal, all date parts': {
    num_a: { kind: 'numeric', impute: 'mean', indicator: true, scale: 'minmax', range: [-1, 2] },
    num_b: { kind: 'numeric', impute: 'constant', fillValue: -3, scale: 'robust' },
    count: { kind: 'numeric', impute: 'most_frequent', scale: 'standard' },
    when: {
      kind: 'datetime',
      impute: 'median',
      indicator: true,
      parts: [
        'year',
        'month',
        'day',
        'dayOfWeek',
        'dayOfYear',
        'isWeekend',
        'hour',
        'minute',
        'month_sin',
        'month_cos',
        'dayOfWeek_sin',
        'dayOfWeek_cos',
        'hour_sin',
        'hour_cos',
      ],
    },
    colour: { kind: 'ordinal', categories: ['blue', 'green', 'red'], unknownValue: 7 },
    city: { kind: 'frequency', impute: 'most_frequent', indicator: true },
  },
  'one-hot with an other bucket, target encoding': {
    colour: {
      kind: 'one-hot',
      maxCategories: 3,
      impute: 'constant',
      fillValue: 'green',
      indicator: true,
    },
    city: { kind: 'target', smooth: 4 },
    day: { kind: 'datetime', parts: ['dayOfYear', 'month_sin', 'isWeekend'] },
  },
  'one-hot rare categories, zeros for unknowns, auto-smoothed targets': {
    colour: { kind: 'one-hot', minFrequency: 0.2, handleUnknown: 'zeros' },
    city: { kind: 'target', smooth: 'auto', impute: 'most_frequent' },
    flag: { kind: 'numeric', impute: 'constant', fillValue: 0.5, indicator: true },
  },
};

describe('configured featurizers', () => {
  const cases: [string, LearnerName, Outcome][] = [];
  for (const name of Object.keys(CONFIGURED)) {
    cases.push([name, 'linear', 'multiclass'], [name, 'knn', 'regression']);
  }
  it.each(cases)('%s → %s (%s)', async (name, learner, outcome) => {
    await checkParity(`${name.slice(0, 24)}… ${learner}`, outcome, {
      learner,
      featurization: { columns: CONFIGURED[name] },
    });
  });

  it('missing values left as NaN for gbdt, including date parts and ordinal codes', async () => {
    await checkParity('gbdt NaN features', 'binary', {
      learner: 'gbdt',
      params: { max_iter: 40 },
      featurization: {
        columns: {
          colour: { kind: 'ordinal', unknownValue: Number.NaN },
          when: { kind: 'datetime', impute: 'none', parts: ['hour', 'dayOfWeek', 'minute'] },
          num_a: { kind: 'numeric', impute: 'none', scale: 'standard' },
        },
      },
    });
  });

  it('gbdt on standardized features, where float32 thresholds are rounded down', async () => {
    await checkParity('gbdt scaled features', 'regression', {
      learner: 'gbdt',
      params: { max_iter: 40 },
      featurization: { scale: true },
    });
  });
});

describe('ensembles', () => {
  it.each(['binary', 'multiclass', 'regression'] as const)(
    'a weighted ensemble of five learners (%s)',
    async (outcome) => {
      const train = richTable(300, 3, outcome);
      const scoring = richTable(200, 4, outcome, true);
      const learners: LearnerName[] = ['linear', 'gbdt', 'forest', 'knn', 'mlp'];
      const members = [];
      for (const learner of learners) {
        members.push(
          await fit(
            train,
            { target: 'target', learner, params: PARAMS[learner] ?? {} },
            { rng: seededRandom(13) },
          ),
        );
      }
      const ensemble = new EnsembleModel(members, [4, 3, 0, 2, 1]);
      const parity = await onnxParity(ensemble, scoring.drop(['target']));
      log.add(`ensemble ${outcome}`, parity);
      expectParity(parity);
    },
  );
});

describe('double inputs', () => {
  it('read numbers exactly as the lab does', async () => {
    const train = richTable(300, 5, 'regression');
    const scoring = richTable(200, 6, 'regression', true);
    const model = await fit(
      train,
      { target: 'target', learner: 'linear' },
      { rng: seededRandom(1) },
    );
    const parity = await onnxParity(model, scoring.drop(['target']), { numericInputs: 'double' });
    log.add('linear regression, double inputs', parity);
    expectParity(parity);
  });
});
