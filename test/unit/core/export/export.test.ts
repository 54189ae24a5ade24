import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { exportOnnx, floatAtMost } from '../../../../src/core/export';
import { fit } from '../../../../src/core/model';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { openOnnxModel } from '../../../../src/core/backend/onnx';
import { ONNX_OPSET } from '../../../../src/core/export';
import { GraphBuilder, valueInfo } from '../../../../src/core/export/onnx/graph';
import { sumInOrder } from '../../../../src/core/export/onnx/ops';
import { encodeModel, TensorType } from '../../../../src/core/export/onnx/proto';
import { expectParity, onnxParity } from './harness';

const nextFloat = (x: number, direction: 1 | -1) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  const bits = view.getUint32(0);
  if (x === 0) return direction * 2 ** -149;
  view.setUint32(0, x > 0 === direction > 0 ? bits + 1 : bits - 1);
  return view.getFloat32(0);
};

describe('floatAtMost', () => {
  it('keeps every float32 comparison with a double threshold (100 seeds)', () => {
    const flipped: { seed: number; t: number; x: number }[] = [];
    for (let seed = 0; seed < 100; seed++) {
      const rng = seededRandom(seed);
      for (let i = 0; i < 200; i++) {
        const scale = 10 ** Math.floor(rng() * 80 - 40);
        const t = randomNormal(rng) * scale;
        const bound = floatAtMost(t);
        if (Math.fround(bound) !== bound || !(bound <= t)) flipped.push({ seed, t, x: bound });
        const near = Math.fround(t);
        for (const x of [
          near,
          nextFloat(near, 1),
          nextFloat(near, -1),
          bound,
          nextFloat(bound, 1),
        ]) {
          if (x <= bound !== x <= t) flipped.push({ seed, t, x });
        }
      }
    }
    expect(flipped).toEqual([]);
  });

  it('handles zero, tiny negatives, infinities and thresholds beyond float32', () => {
    expect(floatAtMost(0)).toBe(0);
    expect(floatAtMost(-1e-50)).toBe(-(2 ** -149));
    expect(floatAtMost(1e-50)).toBe(0);
    expect(floatAtMost(Infinity)).toBe(Infinity);
    expect(floatAtMost(1e300)).toBe(3.4028234663852886e38);
    expect(floatAtMost(-1e300)).toBe(-Infinity);
    expect(floatAtMost(0.1)).toBe(
      Math.fround(0.1) > 0.1 ? nextFloat(Math.fround(0.1), -1) : Math.fround(0.1),
    );
  });
});

function table(rows: number, seed: number, text: string[] = ['red', 'green', 'blue']) {
  const rng = seededRandom(seed);
  const x: number[] = [];
  const words: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    const v = randomNormal(rng);
    x.push(v);
    words.push(`${text[i % text.length]} ${text[(i * 7) % text.length]} note`);
    label.push(v > 0 ? 'up' : 'down');
  }
  return new Table([
    numberColumn('x', x),
    stringColumn('words', words, 'text'),
    stringColumn('label', label),
  ]);
}

async function exportError(model: Parameters<typeof exportOnnx>[0]): Promise<TrainingError> {
  try {
    exportOnnx(model);
  } catch (error) {
    if (error instanceof TrainingError) return error;
    throw error;
  }
  throw new Error('the export did not fail');
}

describe('parts ONNX cannot express', () => {
  it.each(['tfidf', 'hashing'] as const)(
    'refuses %s text features, naming the column and why',
    async (kind) => {
      const model = await fit(
        table(60, 1),
        {
          target: 'label',
          learner: 'linear',
          featurization: { columns: { words: { kind } } },
        },
        { rng: seededRandom(1) },
      );
      const error = await exportError(model);
      expect(error.kind).toBe('unsupported');
      expect(error.where).toBe('words');
      expect(error.message).toMatch(
        /Cannot export “words” to ONNX: .*opset 17 has no operator that splits text/,
      );
    },
  );

  it('refuses an input column that has the name of an output', async () => {
    const data = table(60, 2);
    const renamed = new Table([
      numberColumn('probabilities', (data.column('x') as { values: Float64Array }).values),
      data.column('label'),
    ]);
    const model = await fit(renamed, { target: 'label', learner: 'nb' }, { rng: seededRandom(1) });
    const error = await exportError(model);
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(/may not share its name with the output “probabilities”/);
  });

  it('refuses a category that is the empty text, which the model reads as missing', async () => {
    const rows = 40;
    const model = await fit(
      new Table([
        stringColumn(
          'kind',
          Array.from({ length: rows }, (_, i) => (i % 2 ? '' : 'a')),
        ),
        numberColumn(
          'y',
          Array.from({ length: rows }, (_, i) => i % 3),
        ),
      ]),
      { target: 'y', learner: 'linear', task: 'regression' },
      { rng: seededRandom(1) },
    );
    const error = await exportError(model);
    expect(error.kind).toBe('unsupported');
    expect(error.where).toBe('kind');
    expect(error.message).toMatch(/empty text/);
  });
});

describe('edge cases that must still match the lab', () => {
  it('k-nearest neighbours break ties between equally distant rows as the lab does', async () => {
    // Four distinct points, each repeated with mixed labels: every distance ties with others.
    const rng = seededRandom(4);
    const x = Array.from({ length: 48 }, (_, i) => i % 4);
    const label = x.map(() => ['a', 'b', 'c'][Math.floor(rng() * 3)] as string);
    const train = new Table([numberColumn('x', x), stringColumn('label', label)]);
    const scoring = new Table([numberColumn('x', [0, 1, 2, 3, 0.5, 1.5, 2.5, -1, 4, 3, 2, 1, 0])]);
    for (const k of [1, 2, 5, 12]) {
      for (const weights of ['uniform', 'distance']) {
        const model = await fit(
          train,
          { target: 'label', learner: 'knn', params: { k, weights } },
          { rng: seededRandom(1) },
        );
        const parity = await onnxParity(model, scoring);
        expectParity(parity);
        expect(parity.notRounded).toBe(0);
      }
    }
  });

  it('rows with every value missing, unseen categories and infinities', async () => {
    const rng = seededRandom(8);
    const rows = 200;
    const a = Array.from({ length: rows }, () => (rng() < 0.2 ? null : randomNormal(rng)));
    const c = Array.from({ length: rows }, () => (rng() < 0.2 ? null : rng() < 0.5 ? 'p' : 'q'));
    const y = a.map((v, i) => ((v ?? 0) + (c[i] === 'p' ? 1 : 0) > 0.5 ? 'hi' : 'lo'));
    const train = new Table([numberColumn('a', a), stringColumn('c', c), stringColumn('y', y)]);
    const scoring = new Table([
      numberColumn('a', [null, Infinity, -Infinity, Number.NaN, 0, 1e30]),
      stringColumn('c', [null, 'zzz', 'p', null, '(missing)', 'q']),
    ]);
    for (const learner of ['linear', 'gbdt', 'forest', 'knn', 'nb', 'mlp'] as const) {
      const model = await fit(
        train,
        {
          target: 'y',
          learner,
          params: learner === 'mlp' ? { hidden_layers: [4], max_iter: 3 } : {},
        },
        { rng: seededRandom(1) },
      );
      expectParity(await onnxParity(model, scoring));
    }
  });
});

describe('what the exporter relies on in the runtime', () => {
  it('CumSum adds in order, so sums of trees and neighbours round as the lab rounds them', async () => {
    const g = new GraphBuilder();
    g.reserve('x');
    g.reserve('y');
    g.output('y', sumInOrder(g, 'x', 100));
    const model = encodeModel({
      irVersion: 8,
      opsets: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'test',
      producerVersion: '0',
      graph: g.graph(
        'cumsum',
        [valueInfo('x', TensorType.DOUBLE, ['N', 100, 1])],
        [valueInfo('y', TensorType.DOUBLE, ['N', 1])],
      ),
      metadata: {},
    });
    // 1e16 + 1 rounds back to 1e16 (ties to even), so only the sequential sum stays at 1e16.
    const values = new Float64Array(200).fill(1);
    values[0] = 1e16;
    values[100] = 1e16;
    let sequential = 0;
    for (let i = 0; i < 100; i++) sequential += values[i] as number;
    const session = await openOnnxModel(model);
    const out = await session.run({ x: { type: 'float64', data: values, dims: [2, 100, 1] } });
    expect(Array.from(out.y?.data as Float64Array)).toEqual([sequential, sequential]);
    expect(sequential).toBe(1e16);
  });
});
