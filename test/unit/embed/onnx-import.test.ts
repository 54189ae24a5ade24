import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectOnnx, onnxSignature } from '../../../src/core/export/onnx-import';
import { encodeModel, TensorType } from '../../../src/core/export/onnx/proto';
import {
  load,
  type ClassPrediction,
  type EmbeddedModel,
  type ValuePrediction,
} from '../../../src/embed';
import { embedSignature } from '../../../src/embed/deploy';

/**
 * ONNX models converted outside the lab (test/fixtures/onnx, made by
 * scripts/fixtures/onnx_model.py from scikit-learn fits) run through the runtime's ONNX path:
 * inputs fed in the element types the models declare, outputs found by role, predictions equal
 * to scikit-learn's within float32 precision.
 */
const onnxRuntime = () => import('onnxruntime-web');
const FIXTURES = join(__dirname, '../../fixtures/onnx');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  iris: {
    classes: string[];
    columns: string[];
    rows: number[][];
    labels: string[];
    probabilities: number[][];
  };
  diabetes: { columns: string[]; rows: number[][]; values: number[] };
};

async function imported(name: string): Promise<EmbeddedModel> {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
  const inspection = inspectOnnx(bytes);
  if (!inspection.ok) throw new Error(inspection.error.message);
  const signature = onnxSignature(inspection.model);
  if (!signature.ok) throw new Error(signature.problems.join(' '));
  return load(bytes, { signature: embedSignature(signature.signature), onnxRuntime });
}

const rowsOf = (columns: string[], rows: number[][]) =>
  rows.map((values) => Object.fromEntries(columns.map((name, i) => [name, values[i]])));

describe('imported ONNX models in the runtime', () => {
  it('predicts a scikit-learn classifier as scikit-learn does', async () => {
    const model = await imported('iris_classifier.onnx');
    const { iris } = expected;
    const predictions = (await model.predict(rowsOf(iris.columns, iris.rows))) as ClassPrediction[];
    expect(predictions.map((prediction) => prediction.label)).toEqual(iris.labels);
    let worst = 0;
    predictions.forEach((prediction, i) =>
      iris.classes.forEach((label, c) => {
        const p = iris.probabilities[i]![c]!;
        worst = Math.max(worst, Math.abs(prediction.probabilities[label]! - p));
      }),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it('reads integer labels and leaves the unreadable ZipMap alone', async () => {
    const model = await imported('iris_zipmap.onnx');
    const { iris } = expected;
    const predictions = (await model.predict(rowsOf(iris.columns, iris.rows))) as ClassPrediction[];
    expect(predictions.map((prediction) => prediction.label)).toEqual(
      iris.labels.map((label) => String(iris.classes.indexOf(label))),
    );
    expect(predictions.every((prediction) => !Object.keys(prediction.probabilities).length)).toBe(
      true,
    );
  });

  it('feeds double, int64 and float inputs as the regressor declares them', async () => {
    const model = await imported('diabetes_regressor.onnx');
    const { diabetes } = expected;
    const predictions = (await model.predict(
      rowsOf(diabetes.columns, diabetes.rows),
    )) as ValuePrediction[];
    predictions.forEach((prediction, i) => {
      const want = diabetes.values[i]!;
      expect(Math.abs(prediction.value - want) / Math.abs(want)).toBeLessThan(1e-5);
    });
    await expect(
      model.predict([
        { age: 50, sex: null, bmi: 30, bp: 90 },
        { age: 50, sex: 1.5, bmi: 30, bp: 90 },
      ]),
    ).rejects.toThrow(
      'Row 1 (rows[0]), column “sex”: the model reads whole numbers (int64) and has no missing value, got a missing value.',
    );
    await expect(model.predict([{ age: 50, sex: 1.5, bmi: 30, bp: 90 }])).rejects.toThrow(
      /column “sex”: the model reads whole numbers \(int64\) .* got 1\.5\./,
    );
  });

  it('feeds booleans, [N] inputs and text read as numbers', async () => {
    const bytes = encodeModel({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      producerName: 'test',
      producerVersion: '1',
      metadata: {},
      graph: {
        name: 'flags',
        nodes: [
          {
            name: '',
            opType: 'Cast',
            domain: '',
            inputs: ['flag'],
            outputs: ['f'],
            attributes: { to: { kind: 'int', value: TensorType.FLOAT } },
          },
          {
            name: '',
            opType: 'Add',
            domain: '',
            inputs: ['f', 'x'],
            outputs: ['variable'],
            attributes: {},
          },
        ],
        initializers: [],
        inputs: [
          { name: 'flag', type: TensorType.BOOL, shape: ['N'] },
          { name: 'x', type: TensorType.FLOAT, shape: ['N'] },
        ],
        outputs: [{ name: 'variable', type: TensorType.FLOAT, shape: ['N'] }],
      },
    });
    const inspection = inspectOnnx(bytes);
    if (!inspection.ok) throw new Error(inspection.error.message);
    const signature = onnxSignature(inspection.model);
    if (!signature.ok) throw new Error(signature.problems.join(' '));
    expect(signature.signature.inputs).toEqual([
      { name: 'flag', type: 'boolean' },
      { name: 'x', type: 'number' },
    ]);
    const model = await load(bytes, {
      signature: embedSignature(signature.signature),
      onnxRuntime,
    });
    const predictions = (await model.predict([
      { flag: true, x: 1.5 },
      { flag: 'false', x: '2' },
      { flag: 0, x: null },
    ])) as ValuePrediction[];
    expect(predictions.map((prediction) => prediction.value)).toEqual([2.5, 2, NaN]);
  });
});
