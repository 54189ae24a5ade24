// Random forest against scikit-learn's RandomForestClassifier (n_jobs=2) on the same data, split
// and parameters: fit time (wall and CPU) and test accuracy side by side. Bunsen runs on one
// thread. Writes bench/results/forest.json.
//   npx tsx scripts/bench/forest.ts [--repeats 3] [--rows 50000]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forest } from '../../src/core/learners/forest';
import { matrix, takeRows } from '../../src/core/learners/matrix';
import type { ClassificationTarget, Matrix } from '../../src/core/learners/types';
import { randomInt, randomNormal, seededRandom } from '../../src/core/random';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const repeats = arg('repeats', 3);
const syntheticRows = arg('rows', 50_000);
const trees = 100;

interface Dataset {
  readonly name: string;
  readonly x: Matrix;
  readonly y: Int32Array;
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * A make_classification-like problem: two classes, each a mixture of two Gaussian clusters on the
 * vertices of a 5-dimensional hypercube, 5 redundant linear combinations, 10 noise features and 2%
 * flipped labels. Rows are independent, so the last fifth is a fair test set.
 */
function synthetic(rows: number, seed: number): Dataset {
  const informative = 5;
  const redundant = 5;
  const cols = 20;
  const random = seededRandom(seed);
  const centres = Array.from({ length: 4 }, () =>
    Array.from({ length: informative }, () => (random() < 0.5 ? -1 : 1)),
  );
  const mixing = Array.from({ length: redundant * informative }, () => 2 * random() - 1);
  const data = new Float32Array(rows * cols);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const cluster = randomInt(random, 4);
    const label = cluster >> 1;
    const row = i * cols;
    const centre = centres[cluster] as number[];
    for (let f = 0; f < informative; f++) {
      data[row + f] = (centre[f] as number) + randomNormal(random);
    }
    for (let r = 0; r < redundant; r++) {
      let value = 0;
      for (let f = 0; f < informative; f++) {
        value += (mixing[r * informative + f] as number) * (data[row + f] as number);
      }
      data[row + informative + r] = value;
    }
    for (let f = informative + redundant; f < cols; f++) data[row + f] = randomNormal(random);
    y[i] = random() < 0.02 ? 1 - label : label;
  }
  const cut = Math.round(rows * 0.8);
  return {
    name: `synthetic ${rows}×${cols}`,
    x: matrix(rows, cols, data),
    y,
    train: Int32Array.from({ length: cut }, (_, i) => i),
    test: Int32Array.from({ length: rows - cut }, (_, i) => cut + i),
  };
}

function breastCancer(): Dataset {
  const fixture = JSON.parse(readFileSync('test/fixtures/sklearn/forest.json', 'utf8')) as {
    datasets: {
      name: string;
      rows: number;
      cols: number;
      x: number[];
      y: number[];
      train: number[];
      test: number[];
    }[];
  };
  const data = fixture.datasets.find((dataset) => dataset.name === 'breast_cancer');
  if (!data) throw new Error('test/fixtures/sklearn/forest.json has no breast_cancer data set.');
  return {
    name: `breast_cancer ${data.rows}×${data.cols}`,
    x: matrix(data.rows, data.cols, data.x),
    y: Int32Array.from(data.y),
    train: Int32Array.from(data.train),
    test: Int32Array.from(data.test),
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[values.length >> 1] as number;

async function bunsen(dataset: Dataset) {
  const xTrain = takeRows(dataset.x, dataset.train);
  const xTest = takeRows(dataset.x, dataset.test);
  const classes = ['0', '1'];
  const target: ClassificationTarget = {
    task: 'classification',
    classes,
    y: Int32Array.from(dataset.train, (row) => dataset.y[row] as number),
  };
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let accuracy = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const estimator = await forest.fit(
      xTrain,
      target,
      { n_estimators: trees },
      {
        rng: seededRandom(repeat),
      },
    );
    seconds.push((performance.now() - start) / 1000);
    const cpu = process.cpuUsage(cpuStart);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    const predicted = estimator.predict(xTest);
    let correct = 0;
    dataset.test.forEach((row, i) => {
      if (predicted[i] === dataset.y[row]) correct++;
    });
    accuracy += correct / dataset.test.length / repeats;
  }
  return {
    fitSeconds: median(seconds),
    fitSecondsAll: seconds,
    cpuSeconds: median(cpuSeconds),
    accuracy,
  };
}

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
folder, rows, cols, trees, repeats = sys.argv[1], *map(int, sys.argv[2:6])
x = np.fromfile(folder + '/x.f32', dtype=np.float32).reshape(rows, cols)
y = np.fromfile(folder + '/y.i32', dtype=np.int32)
train = np.fromfile(folder + '/train.i32', dtype=np.int32)
test = np.fromfile(folder + '/test.i32', dtype=np.int32)
seconds, cpu_seconds, accuracy = [], [], 0.0
for repeat in range(repeats):
    model = RandomForestClassifier(n_estimators=trees, n_jobs=2, random_state=repeat)
    cpu_start, start = time.process_time(), time.perf_counter()
    model.fit(x[train], y[train])
    seconds.append(time.perf_counter() - start)
    cpu_seconds.append(time.process_time() - cpu_start)
    accuracy += float(np.mean(model.predict(x[test]) == y[test])) / repeats
median = lambda values: sorted(values)[len(values) // 2]
print(json.dumps({'fitSeconds': median(seconds), 'fitSecondsAll': seconds, 'cpuSeconds': median(cpu_seconds), 'accuracy': accuracy}))
`;

function sklearn(dataset: Dataset) {
  const folder = mkdtempSync(join(tmpdir(), 'bunsen-forest-'));
  try {
    writeFileSync(join(folder, 'x.f32'), dataset.x.data);
    writeFileSync(join(folder, 'y.i32'), dataset.y);
    writeFileSync(join(folder, 'train.i32'), dataset.train);
    writeFileSync(join(folder, 'test.i32'), dataset.test);
    const output = execFileSync('/usr/bin/python3', [
      '-c',
      PYTHON,
      folder,
      String(dataset.x.rows),
      String(dataset.x.cols),
      String(trees),
      String(repeats),
    ]);
    return JSON.parse(output.toString()) as {
      fitSeconds: number;
      fitSecondsAll: number[];
      cpuSeconds: number;
      accuracy: number;
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const results = [];
for (const dataset of [synthetic(syntheticRows, 7), breastCancer()]) {
  console.log(`${dataset.name}: ${dataset.train.length} training rows, ${trees} trees…`);
  const ours = await bunsen(dataset);
  const theirs = sklearn(dataset);
  console.log(
    `  bunsen  fit ${ours.fitSeconds.toFixed(3)} s (cpu ${ours.cpuSeconds.toFixed(3)} s, 1 thread)` +
      `  accuracy ${ours.accuracy.toFixed(4)}\n` +
      `  sklearn fit ${theirs.fitSeconds.toFixed(3)} s (cpu ${theirs.cpuSeconds.toFixed(3)} s, n_jobs=2)` +
      `  accuracy ${theirs.accuracy.toFixed(4)}`,
  );
  results.push({
    dataset: dataset.name,
    trainRows: dataset.train.length,
    testRows: dataset.test.length,
    trees,
    repeats,
    bunsen: { ...ours, threads: 1 },
    sklearn: { ...theirs, nJobs: 2 },
  });
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/forest.json',
  JSON.stringify(
    {
      benchmark: 'forest',
      node: process.version,
      cpus: cpus().length,
      // Other work on the machine inflates wall times; CPU times are steadier.
      loadAverage: loadavg(),
      results,
    },
    null,
    2,
  ) + '\n',
);
console.log('Wrote bench/results/forest.json');
