import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../../src/core/export';
import type { LearnerName } from '../../../../src/core/learners/types';
import { EnsembleModel, fit, type Model } from '../../../../src/core/model';
import { seededRandom } from '../../../../src/core/random';
import { sampleTable } from './harness';

const PYTHON = '/usr/bin/python3';

function pythonOnnx(): string | null {
  try {
    return execFileSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Runs onnx.checker (full_check, with strict shape inference) on every file in a folder. */
const CHECK = `
import json, os, sys, onnx
results = {}
for name in sorted(os.listdir(sys.argv[1])):
    model = onnx.load(os.path.join(sys.argv[1], name))
    try:
        onnx.checker.check_model(model, full_check=True)
        error = None
    except Exception as exception:
        error = str(exception)
    tensor = lambda v: onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type)
    results[name] = {
        'error': error,
        'ir': model.ir_version,
        'opsets': {o.domain or 'ai.onnx': o.version for o in model.opset_import},
        'inputs': [[v.name, tensor(v)] for v in model.graph.input],
        'outputs': [[v.name, tensor(v)] for v in model.graph.output],
        'metadata': {p.key: p.value for p in model.metadata_props},
    }
print(json.dumps(results))
`;

const version = pythonOnnx();
if (!version) {
  console.warn(
    `Skipping onnx.checker: ${PYTHON} cannot import onnx (install python3-onnx to run these checks).`,
  );
}

describe.skipIf(!version)(`onnx.checker (python onnx ${version ?? 'missing'})`, () => {
  it('accepts every learner, configured featurizers, dates, an ensemble and double inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bunsen-onnx-'));
    const penguins = sampleTable('penguins.csv');
    const weather = sampleTable('seattle-weather.csv').take(
      Int32Array.from({ length: 400 }, (_, i) => i),
    );
    const learners: LearnerName[] = ['linear', 'mlp', 'gbdt', 'forest', 'extratrees', 'knn', 'nb'];
    const params = { mlp: { hidden_layers: [8], max_iter: 5 }, gbdt: { max_iter: 10 } } as Record<
      string,
      Record<string, unknown>
    >;
    const models: Model[] = [];
    for (const learner of learners) {
      const model = await fit(
        penguins,
        { target: 'species', learner, params: params[learner] ?? {} },
        { rng: seededRandom(2) },
      );
      models.push(model);
      writeFileSync(join(dir, `penguins-${learner}.onnx`), exportOnnx(model));
    }
    const ensemble = new EnsembleModel(models.slice(0, 4), [1, 2, 3, 4]);
    writeFileSync(join(dir, 'penguins-ensemble.onnx'), exportOnnx(ensemble));
    const regression = await fit(
      penguins,
      { target: 'body_mass_g', learner: 'gbdt', params: { max_iter: 10 } },
      { rng: seededRandom(2) },
    );
    writeFileSync(
      join(dir, 'penguins-gbdt-regression-double.onnx'),
      exportOnnx(regression, { numericInputs: 'double' }),
    );
    const dated = await fit(
      weather,
      {
        target: 'weather',
        learner: 'linear',
        featurization: {
          columns: { date: { kind: 'datetime', impute: 'median', indicator: true } },
        },
      },
      { rng: seededRandom(2) },
    );
    writeFileSync(join(dir, 'weather-linear-dates.onnx'), exportOnnx(dated));
    const configured = await fit(
      penguins,
      {
        target: 'species',
        learner: 'knn',
        featurization: {
          columns: {
            island: { kind: 'target', smooth: 'auto' },
            sex: { kind: 'one-hot', maxCategories: 1, impute: 'most_frequent', indicator: true },
            bill_length_mm: { kind: 'numeric', impute: 'mean', scale: 'robust', indicator: true },
            body_mass_g: { kind: 'numeric', impute: 'constant', fillValue: 0, scale: 'minmax' },
          },
        },
      },
      { rng: seededRandom(2) },
    );
    writeFileSync(join(dir, 'penguins-knn-configured.onnx'), exportOnnx(configured));

    const results = JSON.parse(
      execFileSync(PYTHON, ['-c', CHECK, dir], { encoding: 'utf8', maxBuffer: 1 << 26 }),
    ) as Record<
      string,
      {
        error: string | null;
        ir: number;
        opsets: Record<string, number>;
        inputs: [string, string][];
        outputs: [string, string][];
        metadata: Record<string, string>;
      }
    >;
    expect(Object.keys(results)).toHaveLength(11);
    for (const [file, result] of Object.entries(results)) {
      expect({ file, error: result.error }).toEqual({ file, error: null });
      expect(result.ir).toBe(8);
      expect(result.opsets).toEqual({ 'ai.onnx': 17, 'ai.onnx.ml': 3 });
    }
    const knn = results['penguins-knn.onnx'];
    expect(knn?.inputs).toEqual([
      ['island', 'STRING'],
      ['bill_length_mm', 'FLOAT'],
      ['bill_depth_mm', 'FLOAT'],
      ['flipper_length_mm', 'FLOAT'],
      ['body_mass_g', 'FLOAT'],
      ['sex', 'STRING'],
    ]);
    expect(knn?.outputs).toEqual([
      ['label', 'STRING'],
      ['probabilities', 'FLOAT'],
    ]);
    expect(JSON.parse(knn?.metadata.classes ?? '')).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(JSON.parse(knn?.metadata.inputs ?? '')[0]).toMatchObject({
      name: 'island',
      type: 'categorical',
      tensor: 'string',
    });
    expect(results['penguins-ensemble.onnx']?.metadata.learner).toMatch(/^ensemble\(linear×/);
    const regressionResult = results['penguins-gbdt-regression-double.onnx'];
    expect(regressionResult?.outputs).toEqual([['variable', 'FLOAT']]);
    expect(regressionResult?.inputs[1]).toEqual(['bill_length_mm', 'DOUBLE']);
    expect(results['weather-linear-dates.onnx']?.inputs[0]).toEqual(['date', 'DOUBLE']);
  });
});
