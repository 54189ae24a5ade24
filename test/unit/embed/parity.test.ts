import { describe, expect, it } from 'vitest';
import {
  EnsembleModel,
  fit,
  type EnsembleJSON,
  type ModelJSON,
  type ModelSpec,
  type Predictor,
} from '../../../src/core/model';
import { LEARNER_NAMES } from '../../../src/core/learners/registry';
import type { LearnerName, Task } from '../../../src/core/learners/types';
import { seededRandom } from '../../../src/core/random';
import { fromJSON } from '../../../src/embed';
import { expectParity, FEATURES, mixedTable } from './fixtures';

/** The lab's model through its JSON (as `bunsen export` reads it) into the embed runtime. */
const embed = (model: Predictor) =>
  fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON | EnsembleJSON);

const train = mixedTable(320, 1);
const test = mixedTable(150, 2, true);

/** Small settings so that every learner trains in well under a second. */
const PARAMS: Partial<Record<LearnerName, Record<string, unknown>>> = {
  mlp: { hidden_layers: [12, 8], max_iter: 15 },
  gbdt: { max_iter: 25 },
  forest: { n_estimators: 12 },
  extratrees: { n_estimators: 12 },
};

const TARGETS: readonly { name: string; target: string; task: Task }[] = [
  { name: 'binary', target: 'label', task: 'classification' },
  { name: 'multiclass', target: 'species', task: 'classification' },
  { name: 'regression', target: 'amount', task: 'regression' },
];

async function fitOn(spec: Omit<ModelSpec, 'features'>, seed = 3) {
  return fit(train, { features: FEATURES, ...spec }, { rng: seededRandom(seed) });
}

describe('embed runtime matches the lab on every learner and task', () => {
  for (const learner of LEARNER_NAMES) {
    for (const { name, target, task } of TARGETS) {
      if (learner === 'nb' && task === 'regression') continue;
      it(`${learner} · ${name}`, async () => {
        const model = await fitOn({ target, learner, task, params: PARAMS[learner] ?? {} });
        const embedded = await embed(model);
        expect(embedded.kind).toBe('bunsen');
        expect(embedded.signature.task).toBe(task);
        await expectParity(model, embedded, test);
      });
    }
  }

  it('multinomial naive Bayes on hashed text counts', async () => {
    const model = await fitOn({
      target: 'species',
      learner: 'nb',
      params: { variant: 'multinomial' },
      features: ['note', 'colour'],
      featurization: {
        scale: false,
        columns: { note: { kind: 'hashing', nFeatures: 32, norm: 'none' } },
      },
    } as ModelSpec);
    await expectParity(model, await embed(model), test);
  });
});

describe('embed runtime matches the lab on every featurizer', () => {
  const variants: readonly [string, NonNullable<ModelSpec['featurization']>][] = [
    [
      'numeric imputation (mean, constant, most frequent) and min-max / robust scaling',
      {
        columns: {
          num_a: {
            kind: 'numeric',
            impute: 'mean',
            indicator: true,
            scale: 'minmax',
            range: [-1, 1],
          },
          num_b: { kind: 'numeric', impute: 'constant', fillValue: 5, scale: 'robust' },
          count: {
            kind: 'numeric',
            impute: 'most_frequent',
            scale: 'robust',
            quantileRange: [10, 90],
          },
        },
      },
    ],
    [
      'one-hot with a category cap, a frequency floor and unknowns as zeros',
      {
        columns: {
          colour: { kind: 'one-hot', maxCategories: 3, handleUnknown: 'zeros' },
          city: { kind: 'one-hot', minFrequency: 0.05, impute: 'most_frequent', indicator: true },
        },
      },
    ],
    [
      'ordinal and frequency encoding',
      {
        columns: {
          colour: {
            kind: 'ordinal',
            categories: ['blue', 'green', 'red', 'amber'],
            unknownValue: -1,
            missingValue: -2,
          },
          city: { kind: 'frequency' },
        },
      },
    ],
    [
      'target encoding (classes), datetime parts and no scaling',
      {
        scale: false,
        columns: {
          colour: { kind: 'target', smooth: 2, folds: 3 },
          when: {
            kind: 'datetime',
            parts: ['year', 'dayOfYear', 'hour_sin', 'minute', 'isWeekend'],
          },
        },
      },
    ],
    [
      'text hashing with signs and bigrams, TF-IDF over character n-grams',
      {
        columns: {
          note: {
            kind: 'hashing',
            nFeatures: 64,
            alternateSign: true,
            norm: 'l2',
            ngramRange: [1, 2],
          },
          city: {
            kind: 'tfidf',
            analyzer: 'char_wb',
            ngramRange: [2, 3],
            sublinearTf: true,
            norm: 'l1',
          },
        },
      },
    ],
    [
      'TF-IDF of words without idf, category imputation into one-hot',
      {
        maxOneHot: 3,
        columns: {
          note: { kind: 'tfidf', useIdf: false, maxFeatures: 6, minDf: 2, lowercase: false },
          colour: { kind: 'one-hot', impute: 'constant', fillValue: 'unknown' },
        },
      },
    ],
  ];
  for (const [name, featurization] of variants) {
    for (const learner of ['knn', 'gbdt'] as const) {
      it(`${name} · ${learner}`, async () => {
        const model = await fitOn({
          target: 'species',
          learner,
          featurization,
          params: PARAMS[learner] ?? {},
        });
        await expectParity(model, await embed(model), test);
      });
    }
  }

  it('missing values kept as NaN for gradient-boosted trees (datetime and numbers)', async () => {
    const model = await fitOn({
      target: 'amount',
      learner: 'gbdt',
      params: PARAMS.gbdt,
      featurization: {
        columns: {
          when: { kind: 'datetime', impute: 'none' },
          colour: { kind: 'ordinal', unknownValue: NaN },
        },
      },
    });
    await expectParity(model, await embed(model), test);
  });
});

describe('embed runtime matches the lab on ensembles', () => {
  it('a weighted classifier ensemble of different learners and pipelines', async () => {
    const members = await Promise.all([
      fitOn({ target: 'species', learner: 'gbdt', params: PARAMS.gbdt }),
      fitOn({ target: 'species', learner: 'knn', featurization: { maxOneHot: 2 } }),
      fitOn({ target: 'species', learner: 'linear' }),
    ]);
    const ensemble = new EnsembleModel(members, [3, 1, 2]);
    const embedded = await embed(ensemble);
    expect(embedded.signature.inputs.map((input) => input.name).sort()).toEqual(
      [...FEATURES].sort(),
    );
    await expectParity(ensemble, embedded, test);
  });

  it('a regression ensemble with a zero-weight member', async () => {
    const members = await Promise.all([
      fitOn({ target: 'amount', learner: 'forest', params: PARAMS.forest }),
      fitOn({ target: 'amount', learner: 'knn' }),
      fitOn({ target: 'amount', learner: 'gbdt', params: PARAMS.gbdt }),
    ]);
    const ensemble = new EnsembleModel(members, [0.5, 0.25, 0]);
    await expectParity(ensemble, await embed(ensemble), test);
  });
});
