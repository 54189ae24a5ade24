// The embed runtime: its size, how fast it loads a model and how fast it predicts, beside
// onnxruntime-web (wasm) running the same model exported to ONNX, in the same run and from the
// same row objects. Writes bench/results/embed.json.
//   npx tsx scripts/bench/embed.ts [--train 4000] [--rows 10000] [--repeats 5]
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { RUNTIME_FILES } from '../../src/cli/commands/export-embed';
import { useBackend } from '../../src/core/backend/tfjs';
import { exportOnnx } from '../../src/core/export';
import { fit, type Model } from '../../src/core/model';
import { randomInt, randomNormal, seededRandom } from '../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../src/core/table';
import { fromJSON, load, type EmbeddedModel, type Row } from '../../src/embed';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const trainRows = arg('train', 4000);
const scoreRows = arg('rows', 10_000);
const repeats = arg('repeats', 5);
const singleRows = 300;

const NUMERIC = 10;
const SHOPS = ['north', 'south', 'east', 'west', 'online'];
const PLANS = Array.from({ length: 40 }, (_, i) => `plan-${i}`);

/** Ten numeric columns (some missing), a small and a large categorical; a two-class target. */
function table(rows: number, seed: number): Table {
  const rng = seededRandom(seed);
  const numbers = Array.from({ length: NUMERIC }, () => new Array<number | null>(rows));
  const shop: string[] = [];
  const plan: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    let score = 0.4 * randomNormal(rng);
    for (let j = 0; j < NUMERIC; j++) {
      const value = randomNormal(rng);
      score += (j % 3 === 0 ? 0.8 : j % 3 === 1 ? -0.5 : 0.1) * value;
      numbers[j]![i] = rng() < 0.03 ? null : value;
    }
    const s = randomInt(rng, SHOPS.length);
    const p = randomInt(rng, PLANS.length);
    score += s === 4 ? 0.7 : 0;
    score += (p % 7) * 0.1 - 0.3;
    shop.push(SHOPS[s]!);
    plan.push(PLANS[p]!);
    label.push(score > 0 ? 'churn' : 'stay');
  }
  return new Table([
    ...numbers.map((values, j) => numberColumn(`x${j}`, values)),
    stringColumn('shop', shop),
    stringColumn('plan', plan),
    stringColumn('label', label),
  ]);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function time<T>(
  run: () => T | Promise<T>,
  times = repeats,
): Promise<{ ms: number; value: T }> {
  const spent: number[] = [];
  let value!: T;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    value = await run();
    spent.push(performance.now() - start);
  }
  return { ms: median(spent), value };
}

async function runtimeSizes() {
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-embed-bench-'));
  try {
    await build({ configFile: 'vite.embed.config.ts', logLevel: 'silent', build: { outDir: dir } });
    const sizes: Record<string, { bytes: number; gzipBytes: number }> = {};
    for (const name of RUNTIME_FILES) {
      const bytes = await readFile(join(dir, name));
      sizes[name] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    }
    return sizes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Largest disagreement in class probability between two runs of the same rows. */
async function maxDifference(a: EmbeddedModel, b: EmbeddedModel, rows: readonly Row[]) {
  const [left, right] = [await a.predict(rows), await b.predict(rows)];
  let worst = 0;
  let labels = 0;
  left.forEach((prediction, i) => {
    const other = right[i]!;
    if (!('probabilities' in prediction) || !('probabilities' in other)) return;
    if (prediction.label === other.label) labels++;
    for (const [label, p] of Object.entries(prediction.probabilities)) {
      worst = Math.max(worst, Math.abs(p - other.probabilities[label]!));
    }
  });
  return { maxProbabilityDifference: worst, sameLabels: labels / rows.length };
}

async function measure(name: string, lab: Model, rows: readonly Row[], score: Table) {
  const json = JSON.stringify(lab.toJSON());
  const loadTime = await time(async () => fromJSON(JSON.parse(json)));
  const ours = loadTime.value;
  const batch = await time(() => ours.predict(rows));
  const single = await time(async () => {
    for (let i = 0; i < singleRows; i++) await ours.predict([rows[i]!]);
  }, 3);
  const labBatch = await time(() => lab.predictRaw(score));
  const result: Record<string, unknown> = {
    model: name,
    modelJson: { bytes: json.length, gzipBytes: gzipSync(json).length },
    bunsenEmbed: {
      loadMs: loadTime.ms,
      batchMs: batch.ms,
      perRowMicroseconds: (1000 * batch.ms) / rows.length,
      singleRowMicroseconds: (1000 * single.ms) / singleRows,
    },
    labCorePredictRawMs: labBatch.ms,
  };
  let onnxBytes: Uint8Array | null = null;
  try {
    onnxBytes = exportOnnx(lab);
  } catch (error) {
    result.onnxruntimeWeb = { skipped: (error as Error).message };
  }
  if (onnxBytes) {
    const onnxRuntime = () => import('onnxruntime-web');
    await load(onnxBytes, { signature: ours.signature, onnxRuntime }); // warm the wasm runtime once
    const onnxLoad = await time(() => load(onnxBytes!, { signature: ours.signature, onnxRuntime }));
    const onnx = onnxLoad.value;
    const onnxBatch = await time(() => onnx.predict(rows));
    const onnxSingle = await time(async () => {
      for (let i = 0; i < singleRows; i++) await onnx.predict([rows[i]!]);
    }, 3);
    result.onnxruntimeWeb = {
      modelBytes: onnxBytes.length,
      loadMs: onnxLoad.ms,
      batchMs: onnxBatch.ms,
      perRowMicroseconds: (1000 * onnxBatch.ms) / rows.length,
      singleRowMicroseconds: (1000 * onnxSingle.ms) / singleRows,
      ...(await maxDifference(ours, onnx, rows)),
    };
  }
  console.log(JSON.stringify(result));
  return result;
}

async function main() {
  const runtime = await runtimeSizes();
  console.log(JSON.stringify(runtime));
  const backend = await useBackend('wasm');
  const train = table(trainRows, 1);
  const score = table(scoreRows, 2);
  const features = score.names.filter((name) => name !== 'label');
  const rows = score.select(features).toRows();
  const rng = () => ({ rng: seededRandom(7) });
  const models: [string, Promise<Model>][] = [
    [
      'gbdt (100 rounds)',
      fit(train, { target: 'label', learner: 'gbdt', features, params: { max_iter: 100 } }, rng()),
    ],
    [
      'forest (100 trees)',
      fit(
        train,
        { target: 'label', learner: 'forest', features, params: { n_estimators: 100 } },
        rng(),
      ),
    ],
    [
      'mlp (64-64)',
      fit(
        train,
        {
          target: 'label',
          learner: 'mlp',
          features,
          params: { hidden_layers: [64, 64], max_iter: 10 },
        },
        rng(),
      ),
    ],
  ];
  const results = [];
  for (const [name, model] of models) results.push(await measure(name, await model, rows, score));
  const report = {
    benchmark: 'embed',
    data: { trainRows, scoreRows, numericColumns: NUMERIC, categoricalColumns: 2, classes: 2 },
    notes: [
      'Times are medians of repeated runs in Node on one thread; batch = one predict() of all rows as plain objects, single = one predict() per row.',
      'onnxruntime-web runs the model exported by src/core/export on its wasm backend; it is fed the same row objects through the embed runtime’s ONNX path.',
      `tfjs trained the MLP on the ${backend.available ? 'wasm' : 'fallback'} backend; prediction never uses tfjs.`,
    ],
    runtime,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // Other work on the machine slows every number alike.
      loadAverage: loadavg()[0],
    },
    results,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/embed.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('Wrote bench/results/embed.json');
}

await main();
