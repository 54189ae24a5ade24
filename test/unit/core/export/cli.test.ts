import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../../src/cli/main';
import { fit, loadPredictor } from '../../../../src/core/model';
import { seededRandom } from '../../../../src/core/random';
import { expectParity, onnxParity, sampleTable } from './harness';
import { numberColumn, stringColumn, Table, valueAt } from '../../../../src/core/table';
import { openOnnxModel } from '../../../../src/core/backend/onnx';
import { onnxFeeds, onnxInputs } from '../../../../src/core/export';

let dir = '';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bunsen-export-'));
});

describe('bunsen export --format onnx', () => {
  it('exports what “bunsen train --out” wrote, and the file predicts as the model does', async () => {
    const data = join(dir, 'penguins.csv');
    await writeFile(
      data,
      await readFile(new URL('../../../../public/samples/penguins.csv', import.meta.url)),
    );
    const modelDir = join(dir, 'model');
    const trained = await run(
      'train',
      data,
      '--target',
      'species',
      '--learner',
      'gbdt',
      '--params',
      '{"max_iter": 20}',
      '--out',
      modelDir,
    );
    expect(trained.code).toBe(0);
    const file = join(dir, 'out', 'penguins.onnx');
    const exported = await run('export', modelDir, '--format', 'onnx', '--out', file);
    expect(exported.stderr).toMatch(/Wrote .*penguins\.onnx \(\d+\.\d KiB\)/);
    expect(exported.stderr).toMatch(/inputs: island \(string\), bill_length_mm \(float\)/);
    expect(exported.stderr).toMatch(/outputs: label, probabilities \[Adelie, Chinstrap, Gentoo\]/);
    expect(exported.code).toBe(0);
    const predictor = loadPredictor(
      JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8')),
    );
    const table = sampleTable('penguins.csv');
    expectParity(await onnxParity(predictor, table));
    const session = await openOnnxModel(new Uint8Array(await readFile(file)));
    const outputs = await session.run(onnxFeeds(onnxInputs(predictor), table));
    const expected = predictor.predict(table);
    expect(outputs.label?.data).toEqual(
      Array.from({ length: table.rowCount }, (_, i) => valueAt(expected, i)),
    );
  });

  it('says which model part cannot be exported', async () => {
    const rows = 40;
    const model = await fit(
      new Table([
        stringColumn(
          'review',
          Array.from({ length: rows }, (_, i) => (i % 2 ? 'great fun' : 'dull and slow')),
          'text',
        ),
        numberColumn(
          'stars',
          Array.from({ length: rows }, (_, i) => (i % 2 ? 5 : 1) + (i % 3) * 0.1),
        ),
      ]),
      { target: 'stars', learner: 'linear' },
      { rng: seededRandom(1) },
    );
    const modelDir = join(dir, 'text-model');
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, 'model.json'), JSON.stringify(model.toJSON()));
    const result = await run(
      'export',
      modelDir,
      '--format',
      'onnx',
      '--out',
      join(dir, 'text.onnx'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /bunsen: Cannot export “review” to ONNX: TF-IDF .* \(at review\)/,
    );
  });

  it('explains a folder without model.json, an unknown format and missing arguments', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const missing = await run('export', empty, '--format', 'onnx', '--out', join(dir, 'x.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/holds no model\.json/);
    const unknown = await run('export', empty, '--format', 'pmml', '--out', join(dir, 'x.pmml'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown export format “pmml”. Choose one of: onnx, embed/);
    const usage = await run('export', empty, '--format', 'onnx');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: bunsen export MODEL_DIR --format onnx\|embed/);
    const numeric = await run(
      'export',
      empty,
      '--format',
      'onnx',
      '--out',
      'x',
      '--numeric-inputs',
      'half',
    );
    expect(numeric.code).toBe(2);
    expect(numeric.stderr).toMatch(/--numeric-inputs must be float or double/);
  });
});
