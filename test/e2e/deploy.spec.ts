import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { fitForecaster, loadForecast, TimeAxis, type SavedForecast } from '../../src/core/forecast';
import { fit, Model } from '../../src/core/model/model';
import { demoPage } from '../../src/embed/deploy';
import { seededRandom } from '../../src/core/random';
import { Table } from '../../src/core/table';
import { startServer } from '../../scripts/serve.mjs';
import { test, expect, openLab } from './fixtures';

/** 240 rows: two numbers and a colour decide a label. */
function pointsCsv(): string {
  let state = 4242;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const colours = ['red', 'green', 'blue'];
  const lines = ['x1,x2,colour,label'];
  for (let i = 0; i < 240; i++) {
    const x1 = next() * 4 - 2;
    const x2 = next() * 4 - 2;
    const colour = colours[Math.floor(next() * 3)]!;
    const score = x1 + x2 + (colour === 'red' ? 0.8 : colour === 'blue' ? -0.8 : 0);
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${colour},${score > 0.2 ? 'high' : 'low'}`);
  }
  return lines.join('\n');
}

const FIXTURES = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
const iris = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')).iris as {
  classes: string[];
  columns: string[];
  rows: number[][];
  labels: string[];
};

function irisCsv(columns = iris.columns): string {
  const header = [...columns, 'species'];
  const lines = iris.rows.map((row, i) =>
    [...columns.map((name) => row[iris.columns.indexOf(name)]), iris.labels[i]].join(','),
  );
  return [header.join(','), ...lines].join('\n');
}

const nav = (page: Page, area: RegExp) =>
  page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: area }).click();

async function importCsv(page: Page, name: string, csv: string) {
  await nav(page, /^Data/);
  await page.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await expect(page.getByTestId('notice')).toContainText(`Imported ${name}`);
}

/** Fills a <bunsen-model> form (its shadow root) and returns what it predicted. */
async function predictIn(model: Locator, values: Record<string, string>) {
  await expect(model.locator('#form')).toBeVisible({ timeout: 30_000 });
  for (const [name, value] of Object.entries(values)) {
    const control = model.locator(`[name="${name}"]`);
    if ((await control.evaluate((element) => element.tagName)) === 'SELECT') {
      await control.selectOption(value);
    } else await control.fill(value);
  }
  await model.locator('#submit').click();
  const prediction = model.locator('#prediction');
  await expect(prediction).toHaveAttribute('data-value', /./, { timeout: 30_000 });
  const probabilities = await model
    .locator('#probabilities li')
    .evaluateAll((items) =>
      Object.fromEntries(
        items.map((item) => [item.dataset.class, Number(item.dataset.probability)]),
      ),
    );
  return { label: await prediction.getAttribute('data-value'), probabilities };
}

async function downloadZip(page: Page, into: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByTestId('download-zip').click();
  const zip = unzipSync(new Uint8Array(await readFile(await (await download).path())));
  let root = '';
  for (const [path, bytes] of Object.entries(zip)) {
    if (path.endsWith('/')) continue;
    await mkdir(dirname(join(into, path)), { recursive: true });
    await writeFile(join(into, path), bytes);
    root = path.split('/')[0]!;
  }
  return join(into, root);
}

test('deploys a trained model: the zip, served elsewhere and from file://, predicts as the lab', async ({
  page,
  context,
  pageErrors,
}) => {
  test.setTimeout(240_000);
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-deploy-'));
  await openLab(page);
  await importCsv(page, 'points.csv', pointsCsv());

  await nav(page, /^Train/);
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Target column').selectOption('label');
  await form.getByLabel('Learner').selectOption('gbdt');
  await form.getByLabel('max_iter', { exact: true }).fill('25');
  await form.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('register-name')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('register-name').fill('points-label');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('registered')).toContainText('Registered as points-label v1');

  await nav(page, /^Deploy/);
  await expect(page.getByRole('heading', { name: 'Deploy', level: 1 })).toBeVisible();
  await expect(page.getByTestId('deploy-summary')).toContainText('Trained in the lab on');
  await expect(page.getByTestId('deploy-summary')).toContainText(
    'it classifies “label” into 2 classes from 3 inputs.',
  );
  await expect(page.getByTestId('snippet-element')).toContainText(
    '<script src="bunsen-embed.iife.js"></script><bunsen-model src="model.bunsen.json"></bunsen-model>',
  );

  // The lab's own prediction for a row, from the registered artifact and the lab's model code.
  const artifact = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const [summary] = await lab.models.list(workspace.id);
    const { bytes } = await lab.models.artifact(summary!.latest!.id);
    return new TextDecoder().decode(bytes);
  });
  const lab = Model.fromJSON(JSON.parse(artifact));
  const row = { x1: '0.35', x2: '-0.6', colour: 'red' };
  const raw = lab.predictRaw(
    Table.fromRows([{ x1: 0.35, x2: -0.6, colour: 'red' }], { colour: 'categorical' }),
  );
  const classes = lab.classes!;
  const expected = {
    label: classes[raw.predicted[0]!],
    probabilities: Object.fromEntries(classes.map((name, c) => [name, raw.proba![c]!])),
  };

  const live = await predictIn(page.getByTestId('live-model'), row);
  expect(live).toEqual(expected);

  await page.getByTestId('deploy-target').fill('https://class.example/points');
  const unzipped = await downloadZip(page, dir);
  await expect(page.getByTestId('zip-contents')).toContainText('points-label-v1.zip: 7 files');
  await expect(page.getByTestId('onnx-available')).toContainText('model.onnx');
  await expect(page.getByTestId('deployment-history')).toContainText('Embed zip');
  await expect(page.getByTestId('deployment-history')).toContainText(
    'https://class.example/points',
  );
  // The ONNX file was exported in the export worker; downloading it is a deployment too.
  const onnxDownload = page.waitForEvent('download');
  await page.getByTestId('download-onnx').click();
  const onnxBytes = await readFile(await (await onnxDownload).path());
  expect(onnxBytes.equals(await readFile(join(unzipped, 'model.onnx')))).toBe(true);
  await expect(page.getByTestId('deployment-history')).toContainText('ONNX file');
  const server = await startServer({ root: unzipped });
  try {
    const hosted = await context.newPage();
    await hosted.goto(`${server.url}index.html`);
    expect(await predictIn(hosted.locator('bunsen-model'), row)).toEqual(expected);
    const local = await context.newPage();
    await local.goto(pathToFileURL(join(unzipped, 'index.html')).href);
    expect(await predictIn(local.locator('bunsen-model'), row)).toEqual(expected);
    await hosted.close();
    await local.close();
  } finally {
    await server.close();
  }

  // Batch scoring: a new version of the dataset with the predictions, as the lab predicts them.
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-result')).toContainText('Saved as version 2', {
    timeout: 60_000,
  });
  const source = Table.fromRows(
    pointsCsv()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [x1, x2, colour] = line.split(',');
        return { x1: Number(x1), x2: Number(x2), colour };
      }),
    { colour: 'categorical' },
  );
  const predicted = Array.from(lab.predictRaw(source).predicted, (code) => classes[code]);
  const stored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const [points] = await lab.datasets.list(workspace.id);
    const versions = await lab.datasets.versions(points!.dataset.id);
    const table = await lab.datasets.table(versions[1]!.id);
    return {
      parent: versions[1]!.parentId === versions[0]!.id,
      names: table.names,
      labels: table.toRows().map((row) => row.predicted_label),
    };
  });
  expect(stored.parent).toBe(true);
  expect(stored.names).toEqual([
    'x1',
    'x2',
    'colour',
    'label',
    'predicted_label',
    'probability_high',
    'probability_low',
  ]);
  expect(stored.labels).toEqual(predicted);

  // The deployment is in the activity trail.
  const events = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    return (await lab.audit(workspace.id)).map((event) => event.summary);
  });
  expect(events).toContainEqual(
    'Deployed version 1 of “points-label” as an embed zip (points-label-v1.zip) to “https://class.example/points”',
  );
  expect(events).toContainEqual(
    'Deployed version 1 of “points-label” as an ONNX file (points-label-v1.onnx) to “https://class.example/points”, replacing version 1 of “points-label”',
  );

  // The model version lists its deployments: two downloads and the batch scoring.
  await nav(page, /^Models/);
  await page
    .getByTestId('model-row')
    .filter({ hasText: 'points-label' })
    .getByTestId('model-open')
    .click();
  await page.getByRole('button', { name: 'Open version 1' }).click();
  const deployments = page.getByTestId('version-deployments');
  await expect(deployments.getByTestId('version-deployment')).toHaveCount(3);
  await expect(deployments).toContainText('Batch scoring');
  await expect(deployments).toContainText('dataset “points” v2');
  await expect(deployments).toContainText('Embed zip');

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: '/tmp/deploy.png', fullPage: true });
  await rm(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test('imports a scikit-learn ONNX model, shows its inputs, scores a dataset and deploys it', async ({
  page,
  context,
  pageErrors,
}) => {
  test.setTimeout(240_000);
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-onnx-'));
  await openLab(page);
  await importCsv(page, 'iris.csv', irisCsv());
  await nav(page, /^Deploy/);
  await expect(page.getByTestId('deploy-no-models')).toBeVisible();

  await page.getByTestId('onnx-file').setInputFiles({
    name: 'notes.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('name,age\nada,36\n'),
  });
  await expect(page.getByTestId('onnx-refused')).toContainText('notes.onnx cannot be imported.');

  await page.getByTestId('onnx-file').setInputFiles(join(FIXTURES, 'iris_classifier.onnx'));
  const inputs = page.getByTestId('onnx-inputs');
  for (const name of iris.columns) {
    await expect(inputs.getByRole('row', { name: new RegExp(name) })).toContainText(
      'float32 [?, 1]',
    );
  }
  await expect(page.getByTestId('onnx-outputs')).toContainText('class probabilities');
  await expect(page.getByTestId('onnx-register')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('onnx-import').screenshot({ path: '/tmp/deploy-onnx.png' });
  await expect(page.getByTestId('onnx-task')).toContainText(
    'Classifies “label” into setosa, versicolor, virginica.',
  );
  await page.getByTestId('onnx-name').fill('iris-sklearn');
  await page.getByTestId('onnx-register').click();
  await expect(page.getByTestId('deploy-summary')).toContainText(
    'Imported from iris_classifier.onnx on',
  );

  const row = Object.fromEntries(iris.columns.map((name, i) => [name, String(iris.rows[60]![i])]));
  const live = await predictIn(page.getByTestId('live-model'), row);
  expect(live.label).toBe(iris.labels[60]);

  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-result')).toContainText('Saved as version 2', {
    timeout: 60_000,
  });
  const scored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const [data] = await lab.datasets.list(workspace.id);
    const versions = await lab.datasets.versions(data!.dataset.id);
    const table = await lab.datasets.table(versions.at(-1)!.id);
    return { names: table.names, labels: table.toRows().map((row) => row.predicted_label) };
  });
  expect(scored.names.slice(-4)).toEqual([
    'predicted_label',
    'probability_setosa',
    'probability_versicolor',
    'probability_virginica',
  ]);
  expect(scored.labels).toEqual(iris.labels);

  // A dataset without one of the inputs is refused before anything runs, naming the column.
  await importCsv(page, 'iris-partial.csv', irisCsv(iris.columns.slice(0, 3)));
  await nav(page, /^Deploy/);
  await page.getByTestId('score-dataset').selectOption({ label: 'iris-partial' });
  await expect(page.getByTestId('score-missing')).toContainText('“petal_width”');
  await expect(page.getByTestId('score-start')).toBeDisabled();

  const unzipped = await downloadZip(page, dir);
  const server = await startServer({ root: unzipped });
  try {
    const hosted = await context.newPage();
    await hosted.goto(`${server.url}index.html`);
    const served = await predictIn(hosted.locator('bunsen-model'), row);
    expect(served).toEqual(live);
    await hosted.close();
  } finally {
    await server.close();
  }
  await rm(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test('the runtime is precached: offline, the Deploy page still packs a deployment', async ({
  page,
  context,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-offline-'));
  await openLab(page);
  const cached = await page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active as ServiceWorker;
    while (worker.state !== 'activated') {
      await new Promise((resolve) =>
        worker.addEventListener('statechange', resolve, { once: true }),
      );
    }
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  for (const file of [
    'embed/bunsen-embed.js',
    'embed/bunsen-embed-onnx.js',
    'embed/bunsen-embed-forecast.js',
    'embed/bunsen-embed.iife.js',
    'embed/ort/ort.wasm.min.mjs',
    'embed/ort/ort-wasm-simd-threaded.wasm',
  ]) {
    expect(cached.some((url) => new URL(url).pathname.endsWith(`/${file}`))).toBe(true);
  }

  // A model registered from code: a run with its model.json, as a script would log it.
  const rows = Array.from({ length: 60 }, (_, i) => ({
    a: i % 7,
    b: (i * 13) % 5,
    y: i % 7 > 3 ? 'up' : 'down',
  }));
  const model = await fit(
    Table.fromRows(rows),
    { target: 'y', learner: 'gbdt', features: ['a', 'b'], params: { max_iter: 5 } },
    { rng: seededRandom(1) },
  );
  await page.evaluate(async (json) => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const run = await lab.runs.start(workspace.id, { name: 'scripted' });
    await run.logArtifact('model.json', json, 'application/json');
    await run.finish();
    await lab.models.register(workspace.id, { name: 'scripted', fromRunId: run.id });
  }, JSON.stringify(model.toJSON()));

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await nav(page, /^Deploy/);
  const unzipped = await downloadZip(page, dir);
  await expect(page.getByTestId('zip-contents')).toContainText('scripted-v1.zip: 7 files');
  expect((await readFile(join(unzipped, 'bunsen-embed.iife.js'), 'utf8')).length).toBeGreaterThan(
    10_000,
  );
  await context.setOffline(false);
  await rm(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

test('a forecaster deploys as a page that forecasts as the lab, served and from file://', async ({
  page,
  context,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  const axis = new TimeAxis('datetime', { unit: 'month', every: 1 }, Date.UTC(2019, 0, 1));
  const y = Float64Array.from(
    { length: 48 },
    (_, t) => 100 + 2 * t + 15 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7919) % 11) - 5,
  );
  const model = await fitForecaster('ets', y, { period: 12 }, { model: 'AAA' });
  const saved: SavedForecast = {
    format: 'bunsen-forecast',
    version: 1,
    time: 'month',
    target: 'visitors',
    seriesColumns: [],
    axis: axis.toJSON(),
    frequency: axis.name,
    horizon: 6,
    series: [
      {
        id: null,
        period: 12,
        start: 0,
        length: 48,
        lastTime: String(axis.format(axis.timeAt(47))),
        calendar: false,
        model: model.toJSON(),
      },
    ],
  };
  const lab = loadForecast(saved).series[0]!.forecast(9).result;
  const file = { format: 'bunsen-embed' as const, version: 1 as const, model: saved };
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-forecast-embed-'));
  const built = join(process.env.E2E_ROOT ?? 'dist', 'embed');
  for (const name of ['bunsen-embed.js', 'bunsen-embed-forecast.js', 'bunsen-embed.iife.js']) {
    await writeFile(join(dir, name), await readFile(join(built, name)));
  }
  await writeFile(join(dir, 'model.bunsen.json'), JSON.stringify(file));
  await writeFile(join(dir, 'index.html'), demoPage(file));

  const check = async (target: Page) => {
    const element = target.locator('bunsen-model');
    await expect(element.locator('#horizon')).toHaveValue('6', { timeout: 30_000 });
    await expect(element.locator('#forecast tbody tr')).toHaveCount(6);
    await element.locator('#horizon').fill('9');
    await element.locator('#submit').click();
    const rows = element.locator('#forecast tbody tr');
    await expect(rows).toHaveCount(9);
    const shown = await rows.evaluateAll((items) =>
      items.map((item) => ({
        time: item.dataset.time,
        value: Number(item.dataset.value),
        lo: Number(item.dataset.lo),
        hi: Number(item.dataset.hi),
      })),
    );
    expect(shown[0]!.time).toBe('2023-01-01');
    expect(shown.map((row) => row.value)).toEqual(Array.from(lab.mean));
    expect(shown.map((row) => row.lo)).toEqual(Array.from(lab.intervals[0]!.lo));
    expect(shown.map((row) => row.hi)).toEqual(Array.from(lab.intervals[0]!.hi));
    await expect(element.locator('#chart polyline')).toHaveCount(1);
    await element.locator('#horizon').fill('0');
    await element.locator('#submit').click();
    await expect(element.locator('#error')).toContainText('The horizon must be a whole number');
  };

  const server = await startServer({ root: dir });
  try {
    await page.goto(`${server.url}index.html`);
    await expect(page.locator('h1')).toHaveText('Forecast visitors');
    await check(page);
    await page.locator('bunsen-model').screenshot({ path: '/tmp/deploy-forecast.png' });
    const module = await context.newPage();
    await module.goto(`${server.url}index.html`);
    const points = await module.evaluate(async () => {
      const runtime = (await import(`${location.origin}/bunsen-embed.js`)) as {
        load(url: string): Promise<{ forecast(h: number): { value: number }[] }>;
      };
      const forecaster = await runtime.load('model.bunsen.json');
      return forecaster.forecast(9).map((point) => point.value);
    });
    expect(points).toEqual(Array.from(lab.mean));
    await module.close();
    const local = await context.newPage();
    await local.goto(pathToFileURL(join(dir, 'index.html')).href);
    await check(local);
    await local.close();
  } finally {
    await server.close();
  }

  // Registered in the lab (as the Forecast page registers one), it deploys from the Deploy page.
  await openLab(page);
  await page.evaluate(async (json) => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const run = await lab.runs.start(workspace.id, { name: 'visitors forecast' });
    await run.logArtifact('model.json', json, 'application/json');
    await run.finish();
    await lab.models.register(workspace.id, { name: 'visitors', fromRunId: run.id });
  }, JSON.stringify(saved));
  await nav(page, /^Deploy/);
  await expect(page.getByTestId('deploy-summary')).toContainText(
    'it forecasts “visitors” (monthly) with ETS(A,A,A).',
  );
  const live = page.getByTestId('live-model');
  await expect(live.locator('#forecast tbody tr')).toHaveCount(6, { timeout: 30_000 });
  await expect(live.locator('#forecast tbody tr').first()).toHaveAttribute(
    'data-value',
    String(lab.mean[0]),
  );
  await expect(page.getByTestId('download-onnx')).toBeDisabled();
  await expect(page.getByTestId('score-start')).toHaveCount(0);
  const unzipped = await downloadZip(page, join(dir, 'zip'));
  await expect(page.getByTestId('zip-contents')).toContainText('visitors-v1.zip: 6 files');
  await expect(page.getByTestId('deployment-history')).toContainText('Embed zip');
  const zipped = JSON.parse(await readFile(join(unzipped, 'model.bunsen.json'), 'utf8')) as {
    model: SavedForecast;
  };
  expect(zipped.model).toEqual(saved);
  const local = await context.newPage();
  await local.goto(pathToFileURL(join(unzipped, 'index.html')).href);
  await check(local);
  await local.close();
  await rm(dir, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});
