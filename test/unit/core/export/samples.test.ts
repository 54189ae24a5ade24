import { afterAll, describe, it } from 'vitest';
import { EnsembleModel, fit, type Model } from '../../../../src/core/model';
import type { LearnerName } from '../../../../src/core/learners/types';
import { seededRandom } from '../../../../src/core/random';
import type { Table } from '../../../../src/core/table';
import { expectParity, onnxParity, ParityLog, sampleTable } from './harness';

const CLASSIFIERS: LearnerName[] = ['linear', 'mlp', 'gbdt', 'forest', 'extratrees', 'knn', 'nb'];
const REGRESSORS: LearnerName[] = ['linear', 'mlp', 'gbdt', 'forest', 'extratrees', 'knn'];

const PARAMS: Partial<Record<LearnerName, Record<string, unknown>>> = {
  mlp: { hidden_layers: [16], max_iter: 30 },
  gbdt: { max_iter: 60 },
  forest: { n_estimators: 40 },
  extratrees: { n_estimators: 40 },
};

/** A seeded 70% of the rows to train on; parity is checked on every row. */
function trainingRows(table: Table, seed: number): Table {
  const rng = seededRandom(seed);
  const order = Array.from({ length: table.rowCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return table.take(Int32Array.from(order.slice(0, Math.floor(0.7 * order.length))));
}

const SAMPLES = [
  { file: 'iris.csv', target: 'species', learners: CLASSIFIERS },
  { file: 'breast-cancer.csv', target: 'diagnosis', learners: CLASSIFIERS },
  { file: 'diabetes.csv', target: 'progression', learners: REGRESSORS },
  { file: 'penguins.csv', target: 'species', learners: CLASSIFIERS },
  {
    file: 'seattle-weather.csv',
    target: 'weather',
    learners: ['linear', 'gbdt', 'knn'] as LearnerName[],
  },
];

const log = new ParityLog();
afterAll(() => log.print('ONNX parity on the shipped samples (float inputs):'));

describe.each(SAMPLES)('$file', ({ file, target, learners }) => {
  const table = sampleTable(file);
  const train = trainingRows(table, 11);
  const fitted = new Map<LearnerName, Model>();

  it.each(learners)('%s: the exported model predicts as the lab does', async (learner) => {
    const model = await fit(
      train,
      { target, learner, params: PARAMS[learner] ?? {} },
      { rng: seededRandom(5) },
    );
    fitted.set(learner, model);
    const parity = await onnxParity(model, table);
    log.add(`${file} ${learner}`, parity);
    expectParity(parity);
  });

  it('an ensemble of three learners predicts as the lab does', async () => {
    const members = ['linear', 'gbdt', 'knn'].map((name) => fitted.get(name as LearnerName));
    if (members.some((member) => !member)) throw new Error('the members were not trained');
    const ensemble = new EnsembleModel(members as Model[], [3, 2, 1]);
    const parity = await onnxParity(ensemble, table);
    log.add(`${file} ensemble(linear, gbdt, knn)`, parity);
    expectParity(parity);
  });
});
