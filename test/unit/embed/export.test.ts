import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEmbed, inlineJson } from '../../../src/cli/commands/export-embed';
import {
  fitForecaster,
  loadForecast,
  TimeAxis,
  type SavedForecast,
} from '../../../src/core/forecast';
import { CliError } from '../../../src/cli/errors';
import { fit, type Model } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { stringColumn } from '../../../src/core/table';
import type { EmbedFile, ForecastEmbedFile, Prediction } from '../../../src/embed';
import { seasonalSeries } from '../core/forecast/helpers';
import { expectParity, FEATURES, mixedTable } from './fixtures';

let dir = '';
let out = '';
let lab: Model;
let messages = '';
const test = mixedTable(80, 22, true);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bunsen-embed-export-'));
  // A category that would close a script element if the page did not escape it.
  const train = mixedTable(200, 21);
  const colours = train
    .select(['colour'])
    .toRows()
    .map((row, i) => (i === 0 ? '</script><b>x' : row.colour));
  lab = await fit(
    train.withColumn(stringColumn('colour', colours as (string | null)[])),
    { target: 'species', learner: 'gbdt', features: FEATURES, params: { max_iter: 10 } },
    { rng: seededRandom(5) },
  );
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', 'model.json'), JSON.stringify(lab.toJSON()));
  out = join(dir, 'deploy');
  const code = await exportEmbed(join(dir, 'model'), out, {
    out: (text) => (messages += text),
    err: (text) => (messages += text),
  });
  expect(code).toBe(0);
}, 60_000);

describe('bunsen export --format embed', () => {
  it('writes the model file, the runtime and the demo page', async () => {
    expect((await readdir(out)).sort()).toEqual([
      'bunsen-embed-forecast.js',
      'bunsen-embed-onnx.js',
      'bunsen-embed.iife.js',
      'bunsen-embed.js',
      'index.html',
      'model.bunsen.json',
    ]);
    expect(messages).toMatch(/Wrote .*model\.bunsen\.json/);
    const file = JSON.parse(await readFile(join(out, 'model.bunsen.json'), 'utf8')) as EmbedFile;
    expect(file.format).toBe('bunsen-embed');
    expect(file.version).toBe(1);
    expect(file.model).toEqual(JSON.parse(JSON.stringify(lab.toJSON())));
    expect(file.signature.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(file.signature.inputs.map((input) => input.name)).toEqual(FEATURES);
    expect(file.signature.inputs[4]!.categories).toContain('</script><b>x');
  });

  it('writes a page that works from file://: classic script, inline model, nothing inline to run', async () => {
    const html = await readFile(join(out, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes!.trim())).toEqual([
      'type="application/json" id="model-data"',
      'src="bunsen-embed.iife.js"',
    ]);
    expect(html).toMatch(/<bunsen-model id="model">\s*<script type="application\/json"/);
    const inline = scripts[0]![2]!;
    expect(inline).not.toMatch(/<\/|<!--/);
    expect(JSON.parse(inline)).toEqual(
      JSON.parse(await readFile(join(out, 'model.bunsen.json'), 'utf8')),
    );
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<style|\sstyle=|type="module"|javascript:/i);
    expect(html).toContain('<title>species · Bunsen model</title>');
    expect(html).toContain('&lt;bunsen-model src=&quot;model.bunsen.json&quot;&gt;');
    expect(inlineJson({ text: '</script><!--' })).toBe('{"text":"\\u003c/script>\\u003c!--"}');
  });

  it('ships a main runtime under 15 KB gzipped that loads ONNX support only on demand', async () => {
    const main = await readFile(join(out, 'bunsen-embed.js'), 'utf8');
    const onnx = await readFile(join(out, 'bunsen-embed-onnx.js'), 'utf8');
    const iife = await readFile(join(out, 'bunsen-embed.iife.js'), 'utf8');
    expect(gzipSync(main, { level: 9 }).length).toBeLessThan(15 * 1024);
    expect(main).not.toMatch(/^import|[;}]import[ {]|from"/);
    expect(main).toMatch(/import\(\s*[`'"]\.\/bunsen-embed-onnx\.js[`'"]\s*\)/);
    expect(main).toMatch(/import\(\s*[`'"]\.\/bunsen-embed-forecast\.js[`'"]\s*\)/);
    const forecast = await readFile(join(out, 'bunsen-embed-forecast.js'), 'utf8');
    for (const code of [main, onnx, forecast, iife]) {
      expect(code).not.toMatch(
        /tensorflow|tfjs|svelte|\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
      );
      expect(code).not.toMatch(/import\s*\(\s*["'`]onnxruntime-web/);
    }
  });

  it('runs the built ES module and classic script with the lab’s predictions', async () => {
    const file = JSON.parse(await readFile(join(out, 'model.bunsen.json'), 'utf8')) as EmbedFile;
    const module = (await import(
      /* @vite-ignore */ pathToFileURL(join(out, 'bunsen-embed.js')).href
    )) as typeof import('../../../src/embed');
    await expectParity(lab, await module.fromJSON(file), test);

    const context: { BunsenEmbed?: typeof import('../../../src/embed') } = {};
    runInNewContext(await readFile(join(out, 'bunsen-embed.iife.js'), 'utf8'), context);
    const classic = await context.BunsenEmbed!.fromJSON(
      JSON.parse(JSON.stringify(file)) as EmbedFile,
    );
    const rows = test.select(FEATURES).toRows();
    const fromModule = (await module.fromJSON(file)).predict(rows) as readonly Prediction[];
    expect(JSON.stringify(classic.predict(rows))).toBe(JSON.stringify(fromModule));
  });

  it('says when the folder holds no model', async () => {
    const io = { out: () => {}, err: () => {} };
    await expect(exportEmbed(join(dir, 'nowhere'), join(dir, 'x'), io)).rejects.toThrow(CliError);
    await writeFile(join(dir, 'model', 'model.json'), '{"format":"bunsen-model","version":1}');
    await expect(exportEmbed(join(dir, 'model'), join(dir, 'x'), io)).rejects.toThrow(
      /model\.json: The model file is damaged/,
    );
  });
});

describe('bunsen export --format embed for a forecaster', () => {
  it('exports forecast.json so that the built runtimes forecast as the lab does', async () => {
    const axis = new TimeAxis('datetime', { unit: 'month', every: 1 }, Date.UTC(2018, 0, 1));
    const y = seasonalSeries(48, 4);
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
    await mkdir(join(dir, 'forecast'));
    await writeFile(join(dir, 'forecast', 'forecast.json'), JSON.stringify(saved));
    const target = join(dir, 'forecast-deploy');
    const io = { out: () => {}, err: () => {} };
    expect(await exportEmbed(join(dir, 'forecast'), target, io)).toBe(0);
    const file = JSON.parse(
      await readFile(join(target, 'model.bunsen.json'), 'utf8'),
    ) as ForecastEmbedFile;
    expect(file.model).toEqual(JSON.parse(JSON.stringify(saved)));
    const html = await readFile(join(target, 'index.html'), 'utf8');
    expect(html).toContain('<title>visitors · Bunsen model</title>');
    expect(html).toContain('model.forecast(6)');

    const lab = loadForecast(saved).series[0]!.forecast(6).result;
    const module = (await import(
      /* @vite-ignore */ pathToFileURL(join(target, 'bunsen-embed.js')).href
    )) as typeof import('../../../src/embed');
    const points = (await module.fromJSON(file)).forecast(6);
    expect(points.map((point) => point.value)).toEqual(Array.from(lab.mean));
    expect(points.map((point) => point.lo)).toEqual(Array.from(lab.intervals[0]!.lo));
    expect(points[0]!.time).toBe('2022-01-01');

    const context: { BunsenEmbed?: typeof import('../../../src/embed') } = {};
    runInNewContext(await readFile(join(target, 'bunsen-embed.iife.js'), 'utf8'), context);
    const classic = await context.BunsenEmbed!.fromJSON(file);
    expect(JSON.stringify(classic.forecast(6))).toBe(JSON.stringify(points));

    await writeFile(join(dir, 'forecast', 'forecast.json'), '{"format":"bunsen-forecast"}');
    await expect(exportEmbed(join(dir, 'forecast'), join(dir, 'y'), io)).rejects.toThrow(
      /forecast\.json: The model file is damaged: format should be/,
    );
  });
});
