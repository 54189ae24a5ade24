import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../../src/core/export';
import {
  formatOnnxType,
  inspectOnnx,
  onnxSignature,
  type OnnxModelInfo,
} from '../../../../src/core/export/onnx-import';
import {
  encodeModel,
  TensorType,
  type GraphProto,
  type NodeProto,
} from '../../../../src/core/export/onnx/proto';
import { fit } from '../../../../src/core/model';
import { seededRandom } from '../../../../src/core/random';
import { mixedTable } from '../../embed/fixtures';

const FIXTURES = join(__dirname, '../../../fixtures/onnx');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

function inspected(bytes: Uint8Array): OnnxModelInfo {
  const result = inspectOnnx(bytes);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.model;
}

const node = (
  opType: string,
  inputs: string[],
  outputs: string[],
  extra: Partial<NodeProto> = {},
) => ({ name: '', opType, domain: '', inputs, outputs, attributes: {}, ...extra }) as NodeProto;

function model(graph: Partial<GraphProto>, opsets = [{ domain: '', version: 17 }]) {
  return encodeModel({
    irVersion: 8,
    opsets,
    producerName: 'test',
    producerVersion: '1',
    metadata: {},
    graph: {
      name: 'g',
      nodes: [node('Identity', ['x'], ['y'])],
      initializers: [],
      inputs: [{ name: 'x', type: TensorType.FLOAT, shape: ['N', 1] }],
      outputs: [{ name: 'y', type: TensorType.FLOAT, shape: ['N', 1] }],
      ...graph,
    },
  });
}

describe('inspectOnnx on models made by scikit-learn fits', () => {
  it('reads a classifier: inputs, outputs, operators and class labels', () => {
    const info = inspected(fixture('iris_classifier.onnx'));
    expect(info.irVersion).toBe(8);
    expect(info.producer.name).toBe('onnx-helper');
    expect(info.opsets).toEqual([
      { domain: 'ai.onnx', version: 15 },
      { domain: 'ai.onnx.ml', version: 1 },
    ]);
    expect(info.inputs.map((input) => [input.name, formatOnnxType(input.type)])).toEqual([
      ['sepal_length', 'float32 [?, 1]'],
      ['sepal_width', 'float32 [?, 1]'],
      ['petal_length', 'float32 [?, 1]'],
      ['petal_width', 'float32 [?, 1]'],
    ]);
    expect(info.outputs.map((output) => [output.name, formatOnnxType(output.type)])).toEqual([
      ['label', 'string [?]'],
      ['probabilities', 'float32 [?, 3]'],
    ]);
    expect(info.operators.map((use) => `${use.domain}.${use.opType}×${use.count}`).sort()).toEqual([
      'ai.onnx.Concat×1',
      'ai.onnx.Identity×1',
      'ai.onnx.ml.LinearClassifier×1',
    ]);
    expect(info.classLabels).toEqual(['setosa', 'versicolor', 'virginica']);

    const signature = onnxSignature(info);
    expect(signature).toEqual({
      ok: true,
      signature: {
        inputs: info.inputs.map((input) => ({ name: input.name, type: 'number' })),
        output: {
          kind: 'classification',
          name: 'label',
          classes: ['setosa', 'versicolor', 'virginica'],
        },
      },
      outputs: { label: 'label', probabilities: 'probabilities', value: null },
      notes: [],
    });
  });

  it('reads the converter’s default form: integer labels and a ZipMap it cannot read', () => {
    const info = inspected(fixture('iris_zipmap.onnx'));
    expect(formatOnnxType(info.outputs[1]!.type)).toBe('sequence of map(int64, float32)');
    expect(info.classLabels).toEqual(['0', '1', '2']);
    const signature = onnxSignature(info);
    if (!signature.ok) throw new Error(signature.problems.join(' '));
    expect(signature.outputs).toEqual({ label: 'output_label', probabilities: null, value: null });
    expect(signature.signature.output).toEqual({
      kind: 'classification',
      name: 'output_label',
      classes: ['0', '1', '2'],
    });
    expect(signature.notes.join(' ')).toMatch(/ZipMap \(“output_probability”\).*zipmap=False/);
  });

  it('reads a regressor with double, int64 and float inputs', () => {
    const info = inspected(fixture('diabetes_regressor.onnx'));
    expect(info.doc).toMatch(/Disease progression/);
    const signature = onnxSignature(info);
    if (!signature.ok) throw new Error(signature.problems.join(' '));
    expect(signature.signature).toEqual({
      inputs: [
        { name: 'age', type: 'number' },
        { name: 'sex', type: 'integer' },
        { name: 'bmi', type: 'number' },
        { name: 'bp', type: 'number' },
      ],
      output: { kind: 'regression', name: 'variable' },
    });
    expect(signature.outputs.value).toBe('variable');
  });
});

describe('inspectOnnx on the lab’s own export', () => {
  it('takes input types, target and classes from the metadata and categories from encoders', async () => {
    const table = mixedTable(120, 4);
    const lab = await fit(
      table,
      {
        target: 'species',
        learner: 'linear',
        features: ['num_a', 'colour', 'when', 'flag'],
        params: {},
      },
      { rng: seededRandom(1) },
    );
    const info = inspected(exportOnnx(lab));
    expect(info.producer.name).toBe('bunsen');
    expect(info.inputs.map((input) => [input.name, formatOnnxType(input.type)])).toEqual([
      ['num_a', 'float32 [N, 1]'],
      ['colour', 'string [N, 1]'],
      ['when', 'float64 [N, 1]'],
      ['flag', 'float32 [N, 1]'],
    ]);
    const signature = onnxSignature(info);
    if (!signature.ok) throw new Error(signature.problems.join(' '));
    const types = Object.fromEntries(
      signature.signature.inputs.map((input) => [input.name, input.type]),
    );
    expect(types).toEqual({
      num_a: 'number',
      colour: 'category',
      when: 'datetime',
      flag: 'boolean',
    });
    const colour = signature.signature.inputs.find((input) => input.name === 'colour');
    expect(colour?.allowed).toEqual(
      expect.arrayContaining(
        [
          ...new Set(
            table
              .select(['colour'])
              .toRows()
              .map((row) => row.colour),
          ),
        ].filter((value): value is string => typeof value === 'string'),
      ),
    );
    expect(signature.signature.output).toEqual({
      kind: 'classification',
      name: 'species',
      classes: lab.classes,
    });
  });
});

describe('inspectOnnx refuses what onnxruntime-web cannot run', () => {
  it('refuses an empty file, an oversized one and bytes that are not ONNX', () => {
    expect(inspectOnnx(new Uint8Array(0), { fileName: 'a.onnx' })).toEqual({
      ok: false,
      error: { code: 'empty', message: '“a.onnx” is empty.' },
    });
    const big = inspectOnnx(fixture('iris_classifier.onnx'), { maxBytes: 100 });
    expect(big.ok || big.error.code).toBe('too-large');
    expect(big.ok || big.error.message).toMatch(/ONNX models up to 0\.0 MB/);
    const text = inspectOnnx(new TextEncoder().encode('name,age\nada,36\n'));
    expect(text.ok).toBe(false);
    expect(text.ok || ['malformed', 'no-graph'].includes(text.error.code)).toBe(true);
  });

  it('names the byte where a truncated file breaks off', () => {
    const bytes = fixture('iris_classifier.onnx');
    const result = inspectOnnx(bytes.subarray(0, 300));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('malformed');
    expect(result.error.message).toMatch(/not a valid ONNX model: .* at byte \d+ \(in ModelProto/);
  });

  it('refuses tensors whose data lives in another file', () => {
    const writer = protobuf.Writer.create();
    writer.uint32((1 << 3) | 0).int64(8);
    writer.uint32((7 << 3) | 2).fork();
    {
      writer.uint32((1 << 3) | 2).fork();
      writer.uint32((1 << 3) | 2).string('x');
      writer.uint32((1 << 3) | 2).string('w');
      writer.uint32((2 << 3) | 2).string('y');
      writer.uint32((4 << 3) | 2).string('Add');
      writer.ldelim();
      writer.uint32((5 << 3) | 2).fork();
      writer.uint32((1 << 3) | 0).int64(1);
      writer.uint32((2 << 3) | 0).int32(1);
      writer.uint32((8 << 3) | 2).string('w');
      writer.uint32((13 << 3) | 2).fork();
      writer.uint32((1 << 3) | 2).string('location');
      writer.uint32((2 << 3) | 2).string('../../etc/weights.bin');
      writer.ldelim();
      writer.uint32((14 << 3) | 0).int32(1);
      writer.ldelim();
    }
    writer.ldelim();
    writer.uint32((8 << 3) | 2).fork();
    writer.uint32((2 << 3) | 0).int64(17);
    writer.ldelim();
    const result = inspectOnnx(writer.finish());
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'external-data',
        message: expect.stringMatching(
          /^The tensor “w” in the main graph keeps its data in the external file “\.\.\/\.\.\/etc\/weights\.bin”\. Bring a model with its weights inside/,
        ),
        where: 'tensor w',
      },
    });
  });

  it('lists the operators the runtime lacks, also inside subgraphs', () => {
    const fused = model(
      { nodes: [node('FusedMatMul', ['x', 'x'], ['y'], { domain: 'com.microsoft' })] },
      [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
    );
    const result = inspectOnnx(fused);
    expect(result.ok || result.error).toEqual({
      code: 'unknown-operators',
      message:
        'onnxruntime-web cannot run this operator: com.microsoft.FusedMatMul (1 node). It runs the standard ai.onnx and ai.onnx.ml operators.',
      where: 'com.microsoft.FusedMatMul (1 node)',
      operators: [{ domain: 'com.microsoft', opType: 'FusedMatMul', count: 1 }],
    });

    const branch = (opType: string): GraphProto => ({
      name: 'branch',
      nodes: [node(opType, ['x'], ['z'])],
      initializers: [],
      inputs: [],
      outputs: [{ name: 'z', type: TensorType.FLOAT, shape: ['N', 1] }],
    });
    const conditional = model({
      inputs: [
        { name: 'x', type: TensorType.FLOAT, shape: ['N', 1] },
        { name: 'c', type: TensorType.BOOL, shape: [] },
      ],
      nodes: [
        node('If', ['c'], ['y'], {
          attributes: {
            then_branch: { kind: 'graph', value: branch('Relu') },
            else_branch: { kind: 'graph', value: branch('MagicOp') },
          },
        }),
      ],
    });
    const nested = inspectOnnx(conditional);
    expect(nested.ok || nested.error.message).toMatch(
      /cannot run this operator: ai\.onnx\.MagicOp/,
    );
  });

  it('refuses a node of a domain the model does not import', () => {
    const result = inspectOnnx(
      model({ nodes: [node('Scaler', ['x'], ['y'], { domain: 'ai.onnx.ml', name: 'scale' })] }),
    );
    expect(result.ok || result.error).toEqual({
      code: 'opset',
      message:
        'Node scale (Scaler) uses the operator domain “ai.onnx.ml”, which the model does not import (its opset_import lacks it).',
      where: 'node scale',
    });
  });

  it('never throws on damaged files (100 seeds of flipped and cut bytes)', () => {
    const original = fixture('iris_classifier.onnx');
    for (let seed = 0; seed < 100; seed++) {
      const random = seededRandom(seed);
      const bytes = original.slice(0, 1 + Math.floor(random() * original.length));
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips; i++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const result = inspectOnnx(bytes);
      if (result.ok) expect(result.model.bytes).toBe(bytes.length);
      else expect(result.error.message, `seed ${seed}`).toMatch(/\S/);
    }
  });
});

describe('onnxSignature says why the lab cannot feed or read a model', () => {
  it('names an input that packs several columns and an output it cannot read', () => {
    const packed = inspected(
      model({
        inputs: [{ name: 'float_input', type: TensorType.FLOAT, shape: ['N', 4] }],
        nodes: [node('ReduceSum', ['float_input'], ['y'])],
        outputs: [{ name: 'y', type: TensorType.STRING, shape: ['N'] }],
      }),
    );
    const result = onnxSignature(packed);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^Input “float_input” takes 4 values per row \(\[N, 4\]\); the lab feeds one column per input, matched by name\./,
      ),
      expect.stringMatching(/classifier whose class labels cannot be read/),
    ]);
  });

  it('refuses images and float16 inputs', () => {
    const image = inspected(
      model({
        inputs: [
          { name: 'pixels', type: TensorType.FLOAT, shape: ['N', 3, 224, 224] },
          { name: 'half', type: 10 as never, shape: ['N', 1] },
        ],
      }),
    );
    const result = onnxSignature(image);
    expect(result.ok || result.problems).toEqual([
      'Input “pixels” has shape [N, 3, 224, 224]; the lab feeds one column per input, as [N] or [N, 1].',
      'Input “half” takes float16 values, which the lab cannot feed from a dataset.',
    ]);
  });
});
