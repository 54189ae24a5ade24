// Training speed of Bunsen's MLP on the tfjs CPU and WASM backends in Node, beside scikit-learn's
// MLPClassifier on the same data in the same run. Writes bench/results/mlp.json.
//   npx tsx scripts/bench/mlp.ts [--rows 20000] [--cols 30] [--epochs 10]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend, type BackendName } from '../../src/core/backend/tfjs';
import { matrix } from '../../src/core/learners/matrix';
import { mlp, type MlpModel } from '../../src/core/learners/mlp';
import type { ClassificationTarget, Matrix } from '../../src/core/learners/types';
import { normalArray, seededRandom } from '../../src/core/random';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const rows = arg('rows', 20_000);
const cols = arg('cols', 30);
const epochs = arg('epochs', 10);
const hidden = [64, 64];
const batchSize = 200;

/** Labels from a fixed random two-layer teacher plus noise, so that a hidden layer helps. */
function syntheticData(seed: number): { x: Matrix; target: ClassificationTarget } {
  const rng = seededRandom(seed);
  const features = normalArray(rng, rows * cols);
  const teacherUnits = 8;
  const first = normalArray(rng, cols * teacherUnits, 0, 1 / Math.sqrt(cols));
  const second = normalArray(rng, teacherUnits);
  const noise = normalArray(rng, rows, 0, 0.3);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let score = noise[i] as number;
    for (let u = 0; u < teacherUnits; u++) {
      let unit = 0;
      for (let j = 0; j < cols; j++) {
        unit += (features[i * cols + j] as number) * (first[j * teacherUnits + u] as number);
      }
      score += (second[u] as number) * Math.tanh(unit);
    }
    y[i] = score > 0 ? 1 : 0;
  }
  return {
    x: matrix(rows, cols, features),
    target: { task: 'classification', classes: ['0', '1'], y },
  };
}

interface Result {
  readonly name: string;
  readonly epochs: number;
  readonly seconds: number;
  readonly epochsPerSecond: number;
  readonly trainAccuracy: number;
}

async function timeOurs(backend: BackendName, x: Matrix, target: ClassificationTarget) {
  const status = await useBackend(backend);
  if (!status.available) throw new Error(status.reason);
  const params = {
    hidden_layers: hidden,
    batch_size: batchSize,
    max_iter: epochs,
    early_stopping: false,
    n_iter_no_change: epochs + 1,
    tol: 0,
  };
  // One short warm-up fit, so that kernel setup is not counted.
  await mlp.fit(x, target, { ...params, max_iter: 1 }, { rng: seededRandom(1) });
  const started = performance.now();
  const model = (await mlp.fit(x, target, params, { rng: seededRandom(1) })) as MlpModel;
  const seconds = (performance.now() - started) / 1000;
  const predicted = model.predict(x);
  const correct = target.y.filter((label, i) => label === predicted[i]).length;
  return {
    name: `bunsen mlp, tfjs ${backend}`,
    epochs: model.state.epochs,
    seconds,
    epochsPerSecond: model.state.epochs / seconds,
    trainAccuracy: correct / rows,
  } satisfies Result;
}

const SKLEARN = `
import json, sys, time, warnings
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
folder, rows, cols, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(folder + '/x.f32', dtype='<f4').reshape(rows, cols).astype(np.float64)
y = np.fromfile(folder + '/y.i32', dtype='<i4')
model = MLPClassifier(hidden_layer_sizes=(64, 64), batch_size=200, max_iter=epochs, tol=0,
                      n_iter_no_change=epochs + 1, early_stopping=False, random_state=1)
with warnings.catch_warnings():
    warnings.simplefilter('ignore', ConvergenceWarning)
    started = time.perf_counter()
    model.fit(x, y)
    seconds = time.perf_counter() - started
print(json.dumps({'epochs': model.n_iter_, 'seconds': seconds,
                  'trainAccuracy': float((model.predict(x) == y).mean())}))
`;

function timeSklearn(folder: string): Result {
  const output = execFileSync(
    '/usr/bin/python3',
    ['-c', SKLEARN, folder, String(rows), String(cols), String(epochs)],
    { encoding: 'utf8' },
  );
  const measured = JSON.parse(output) as Omit<Result, 'name' | 'epochsPerSecond'>;
  const version = execFileSync(
    '/usr/bin/python3',
    ['-c', 'import sklearn; print(sklearn.__version__)'],
    { encoding: 'utf8' },
  ).trim();
  return {
    name: `scikit-learn ${version} MLPClassifier`,
    ...measured,
    epochsPerSecond: measured.epochs / measured.seconds,
  };
}

const { x, target } = syntheticData(7);
const folder = await mkdtemp(join(tmpdir(), 'bunsen-mlp-bench-'));
try {
  await writeFile(join(folder, 'x.f32'), new Uint8Array(x.data.buffer));
  await writeFile(join(folder, 'y.i32'), new Uint8Array(target.y.buffer));
  const results: Result[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    console.log(`Bunsen MLP on tfjs ${backend}…`);
    results.push(await timeOurs(backend, x, target));
  }
  console.log('scikit-learn MLPClassifier…');
  results.push(timeSklearn(folder));
  for (const result of results) {
    console.log(
      `${result.name.padEnd(40)} ${result.epochsPerSecond.toFixed(2).padStart(8)} epochs/s ` +
        `(${result.epochs} epochs in ${result.seconds.toFixed(2)} s, train accuracy ` +
        `${result.trainAccuracy.toFixed(3)})`,
    );
  }
  await mkdir('bench/results', { recursive: true });
  const report = {
    benchmark: 'mlp',
    data: { rows, cols, classes: 2, hidden, batchSize, epochs },
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // Other work on the machine slows both sides alike; a high load makes all numbers lower.
      loadAverage: loadavg()[0],
    },
    results,
  };
  await writeFile('bench/results/mlp.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('Wrote bench/results/mlp.json');
} finally {
  await rm(folder, { recursive: true, force: true });
}
