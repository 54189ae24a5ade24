// Gradient-boosted trees against scikit-learn's HistGradientBoosting, measured in the same run on
// the same data and split: scikit-learn on 2 OpenMP threads against ours with one histogram helper
// thread (2 threads), and, as a steadier yardstick on a busy machine, both on 1 thread. Early
// stopping is off on both sides. Wall and processor times are both recorded. The data: a
// synthetic 100k × 30 set, and the shipped samples scikit-learn also has (breast cancer,
// diabetes, iris, wine, digits), as its loaders give them. Writes bench/results/gbdt.json.
//   npx tsx scripts/bench/gbdt.ts [--rows 100000] [--repeats 3]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHistogramHelpers } from '../../src/cli/threads/gbdt-histograms';
import type { HistogramHelpers } from '../../src/core/learners/gbdt/histogram-team';
import { fitGbdt } from '../../src/core/learners/gbdt/train';
import type { Matrix, Target } from '../../src/core/learners/types';
import { randomNormal, seededRandom, type Random } from '../../src/core/random';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const syntheticRows = arg('rows', 100_000);
const syntheticCols = 30;
const repeats = arg('repeats', 3);
const python = '/usr/bin/python3';
const shared = { max_iter: 100, learning_rate: 0.1, max_leaf_nodes: 31 } as const;

interface Dataset {
  readonly name: string;
  readonly task: 'classification' | 'regression';
  readonly x: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** Class indices (classification) or values (regression). */
  readonly y: Float64Array;
}

interface Score {
  /** Median wall-clock fit time. */
  readonly fit_seconds: number;
  /** Median processor time of the fit, all threads together: steadier on a busy machine. */
  readonly fit_cpu_seconds: number;
  readonly accuracy?: number;
  readonly r2?: number;
}

/** A binary task with interactions, a threshold effect and label noise, from a seeded RNG. */
function synthetic(random: Random, rows: number, cols: number): Dataset {
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = randomNormal(random);
  const weights = Float64Array.from({ length: cols }, () => randomNormal(random) * 0.5);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    let z = 0;
    for (let c = 0; c < cols; c++) z += (weights[c] as number) * (x[at + c] as number);
    z += 1.5 * (x[at] as number) * (x[at + 1] as number) - Math.abs(x[at + 2] as number);
    z += (x[at + 3] as number) > 0.5 ? 1 : -0.5;
    y[r] = z + randomNormal(random) > 0 ? 1 : 0;
  }
  return { name: `synthetic ${rows}×${cols}`, task: 'classification', x, rows, cols, y };
}

const dumpScript = `
import sys, numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
out = sys.argv[1]
loaders = (('breast_cancer', load_breast_cancer), ('diabetes', load_diabetes), ('iris', load_iris),
           ('wine', load_wine), ('digits', load_digits))
for name, loader in loaders:
    X, y = loader(return_X_y=True)
    X.astype(np.float32).tofile(f'{out}/{name}.x')
    y.astype(np.float64).tofile(f'{out}/{name}.y')
    print(name, X.shape[0], X.shape[1])
`;

const fitScript = `
import json, sys, time, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score
path, task, rows, cols, repeats, max_iter, learning_rate, max_leaf_nodes = sys.argv[1:9]
rows, cols, repeats = int(rows), int(cols), int(repeats)
X = np.fromfile(path + '.x', dtype=np.float32).reshape(rows, cols).astype(np.float64)
y = np.fromfile(path + '.y', dtype=np.float64)
train = np.fromfile(path + '.train', dtype=np.uint32)
test = np.fromfile(path + '.test', dtype=np.uint32)
Model = HistGradientBoostingClassifier if task == 'classification' else HistGradientBoostingRegressor
params = dict(max_iter=int(max_iter), learning_rate=float(learning_rate),
              max_leaf_nodes=int(max_leaf_nodes), early_stopping=False, random_state=0)
if task == 'classification':
    y = y.astype(np.int64)
Model(**params).fit(X[train], y[train])
times, cpu = [], []
for _ in range(repeats):
    model = Model(**params)
    start, start_cpu = time.perf_counter(), time.process_time()
    model.fit(X[train], y[train])
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
predicted = model.predict(X[test])
score = accuracy_score(y[test], predicted) if task == 'classification' else r2_score(y[test], predicted)
key = 'accuracy' if task == 'classification' else 'r2'
print(json.dumps({'fit_seconds': float(np.median(times)), 'fit_cpu_seconds': float(np.median(cpu)), key: float(score)}))
`;

function split(random: Random, rows: number, testFraction: number) {
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  const testCount = Math.round(rows * testFraction);
  return {
    test: order.slice(0, testCount).sort(),
    train: order.slice(testCount).sort(),
  };
}

function take(data: Dataset, rows: Uint32Array): { x: Matrix; target: Target; y: Float64Array } {
  const x = new Float32Array(rows.length * data.cols);
  const y = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    x.set(data.x.subarray(row * data.cols, (row + 1) * data.cols), i * data.cols);
    y[i] = data.y[row] as number;
  });
  const matrix = { rows: rows.length, cols: data.cols, data: x };
  const target: Target =
    data.task === 'regression'
      ? { task: 'regression', y }
      : {
          task: 'classification',
          classes: Array.from({ length: Math.max(...data.y) + 1 }, (_, i) => String(i)),
          y: Int32Array.from(y),
        };
  return { x: matrix, target, y };
}

function r2(actual: Float64Array, predicted: Float64Array) {
  let mean = 0;
  for (const value of actual) mean += value / actual.length;
  let residual = 0;
  let total = 0;
  actual.forEach((value, i) => {
    residual += (value - (predicted[i] as number)) ** 2;
    total += (value - mean) ** 2;
  });
  return 1 - residual / total;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function ours(
  data: Dataset,
  train: Uint32Array,
  test: Uint32Array,
  runs: number,
  histogramHelpers?: HistogramHelpers,
): Promise<Score> {
  const fitSet = take(data, train);
  const testSet = take(data, test);
  const params = { ...shared, early_stopping: 'off' } as const;
  const context = () => ({ rng: seededRandom(0), histogramHelpers });
  let model = await fitGbdt(fitSet.x, fitSet.target, params, context());
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    model = await fitGbdt(fitSet.x, fitSet.target, params, context());
    const used = process.cpuUsage(startCpu);
    times.push((performance.now() - start) / 1000);
    cpu.push((used.user + used.system) / 1e6);
  }
  const fit = { fit_seconds: median(times), fit_cpu_seconds: median(cpu) };
  const predicted = model.predict(testSet.x);
  if (data.task === 'regression') return { ...fit, r2: r2(testSet.y, predicted) };
  let correct = 0;
  predicted.forEach((value, i) => (correct += value === testSet.y[i] ? 1 : 0));
  return { ...fit, accuracy: correct / test.length };
}

function sklearn(dir: string, data: Dataset, runs: number, threads: number): Score {
  const output = execFileSync(
    python,
    [
      '-c',
      fitScript,
      join(dir, data.name.replace(/\W+/g, '_')),
      data.task,
      String(data.rows),
      String(data.cols),
      String(runs),
      String(shared.max_iter),
      String(shared.learning_rate),
      String(shared.max_leaf_nodes),
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } },
  );
  return JSON.parse(output.trim().split('\n').pop() as string) as Score;
}

const bytes = (array: Float32Array | Float64Array | Uint32Array) =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

function loadDumped(dir: string, name: string, rows: number, cols: number): Dataset {
  const read = (suffix: string) => readFileSync(join(dir, `${name}.${suffix}`));
  const xBytes = read('x');
  const yBytes = read('y');
  const x = new Float32Array(
    xBytes.buffer.slice(xBytes.byteOffset, xBytes.byteOffset + xBytes.length),
  );
  const y = new Float64Array(
    yBytes.buffer.slice(yBytes.byteOffset, yBytes.byteOffset + yBytes.length),
  );
  const task = name === 'diabetes' ? 'regression' : 'classification';
  return { name, task, x, rows, cols, y };
}

const loadAtStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'bunsen-gbdt-bench-'));
const helpers = startHistogramHelpers(1);
try {
  await helpers.ready();
  const dumped = execFileSync(python, ['-c', dumpScript, dir], { encoding: 'utf8' });
  const datasets: Dataset[] = [synthetic(seededRandom(7), syntheticRows, syntheticCols)];
  for (const line of dumped.trim().split('\n')) {
    const [name, rows, cols] = line.split(' ');
    datasets.push(loadDumped(dir, name as string, Number(rows), Number(cols)));
  }

  const results = [];
  for (const data of datasets) {
    const file = join(dir, data.name.replace(/\W+/g, '_'));
    const { train, test } = split(seededRandom(11), data.rows, 0.25);
    writeFileSync(`${file}.x`, bytes(data.x));
    writeFileSync(`${file}.y`, bytes(data.y));
    writeFileSync(`${file}.train`, bytes(train));
    writeFileSync(`${file}.test`, bytes(test));
    const runs = data.rows >= 10_000 ? repeats : repeats * 5;
    const loadBefore = loadavg();
    console.log(
      `${data.name}: ${train.length} training rows, ${test.length} test rows (load ${loadBefore[0].toFixed(1)})…`,
    );
    const reference = sklearn(dir, data, runs, 2);
    // One thread is the steadier yardstick on a busy machine, where OpenMP threads spin and wait.
    const singleThread = sklearn(dir, data, runs, 1);
    const mine = await ours(data, train, test, runs, helpers);
    const mineSingleThread = await ours(data, train, test, runs);
    const metric = data.task === 'regression' ? 'r2' : 'accuracy';
    const row = {
      dataset: data.name,
      task: data.task,
      train_rows: train.length,
      test_rows: test.length,
      cols: data.cols,
      ours: mine,
      ours_single_thread: mineSingleThread,
      sklearn: reference,
      sklearn_single_thread: singleThread,
      fit_time_ratio: mine.fit_seconds / reference.fit_seconds,
      fit_cpu_ratio: mine.fit_cpu_seconds / reference.fit_cpu_seconds,
      fit_time_ratio_single_thread: mineSingleThread.fit_seconds / singleThread.fit_seconds,
      thread_speedup: {
        ours: mineSingleThread.fit_seconds / mine.fit_seconds,
        sklearn: singleThread.fit_seconds / reference.fit_seconds,
      },
      load_average: { before: loadBefore, after: loadavg() },
    };
    results.push(row);
    const line = (name: string, score: Score) =>
      `  ${name.padEnd(12)}fit ${score.fit_seconds.toFixed(3)} s (cpu ${score.fit_cpu_seconds.toFixed(3)} s)` +
      `  ${metric} ${score[metric]?.toFixed(4)}`;
    console.log(
      [
        line('ours (2)', mine),
        line('sklearn (2)', reference),
        line('ours (1)', mineSingleThread),
        line('sklearn (1)', singleThread),
        `  ratio ${row.fit_time_ratio.toFixed(2)}× wall, ${row.fit_cpu_ratio.toFixed(2)}× cpu` +
          ` (${row.fit_time_ratio_single_thread.toFixed(2)}× wall, one thread each)`,
        `  2 threads against 1: ours ${row.thread_speedup.ours.toFixed(2)}×,` +
          ` sklearn ${row.thread_speedup.sklearn.toFixed(2)}×`,
      ].join('\n'),
    );
  }

  const sklearnVersion = execFileSync(
    python,
    ['-c', 'import sklearn; print(sklearn.__version__)'],
    {
      encoding: 'utf8',
    },
  ).trim();
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/gbdt.json',
    `${JSON.stringify(
      {
        params: { ...shared, early_stopping: false },
        sklearn: { version: sklearnVersion, omp_num_threads: 2, single_thread_too: true },
        ours: { threads: 1 + helpers.size, single_thread_too: true },
        node: process.version,
        load_average: { start: loadAtStart, end: loadavg() },
        repeats,
        results,
      },
      null,
      2,
    )}\n`,
  );
  console.log('Wrote bench/results/gbdt.json');
} finally {
  await helpers.close();
  rmSync(dir, { recursive: true, force: true });
}
