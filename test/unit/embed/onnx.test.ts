import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src/core/export';
import { fit, type Model } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import {
  fromJSON,
  load,
  type EmbeddedModel,
  type EmbedFile,
  type OnnxModel,
  type Prediction,
} from '../../../src/embed';
import { FEATURES, mixedTable, relativeDifference } from './fixtures';

/**
 * The lazily loaded ONNX path, run on models the lab exports to ONNX (src/core/export) with
 * onnxruntime-web's Node build. ONNX computes in float32, so values agree to 1e-5 relative.
 */
const onnxRuntime = () => import('onnxruntime-web');
const train = mixedTable(250, 11);
const test = mixedTable(60, 12, true);
/** Text has no ONNX form (opset 17 cannot split words), so these models leave it out. */
const COLUMNS = FEATURES.filter((name) => name !== 'note');
const rows = test.select(COLUMNS).toRows();
let classifier: Model;
let regressor: Model;

beforeAll(async () => {
  const spec = { features: COLUMNS, learner: 'gbdt' as const, params: { max_iter: 15 } };
  classifier = await fit(train, { ...spec, target: 'species' }, { rng: seededRandom(3) });
  regressor = await fit(train, { ...spec, target: 'amount' }, { rng: seededRandom(3) });
});

function compare(lab: Model, predictions: readonly Prediction[]) {
  const raw = lab.predictRaw(test);
  let worst = 0;
  predictions.forEach((prediction, i) => {
    if ('value' in prediction) {
      worst = Math.max(worst, relativeDifference(prediction.value, raw.predicted[i]!));
      return;
    }
    const classes = lab.classes!;
    expect(prediction.label).toBe(classes[raw.predicted[i]!]);
    classes.forEach((label, c) => {
      const p = raw.proba![i * classes.length + c]!;
      worst = Math.max(worst, Math.abs(prediction.probabilities[label]! - p) / Math.max(p, 1e-3));
    });
  });
  expect(worst).toBeLessThan(1e-5);
}

describe('the ONNX path', () => {
  it('predicts an ONNX classifier from its bytes and a signature', async () => {
    const bunsen = await fromJSON(classifier.toJSON());
    const model = (await load(exportOnnx(classifier), {
      signature: bunsen.signature,
      onnxRuntime,
    })) as OnnxModel;
    expect(model.kind).toBe('onnx');
    compare(classifier, await model.predict(rows));
  });

  it('loads an embed file that points at an .onnx file, relative to the file', async () => {
    const bunsen = await fromJSON(regressor.toJSON());
    const file: EmbedFile = {
      format: 'bunsen-embed',
      version: 1,
      signature: bunsen.signature,
      model: { format: 'onnx', src: 'regressor.onnx' },
    };
    const bytes = exportOnnx(regressor);
    const requested: string[] = [];
    const model = await load('https://models.example/deploy/model.bunsen.json', {
      onnxRuntime,
      fetch: async (url) => {
        requested.push(url);
        return url.endsWith('.onnx')
          ? new Response(bytes.slice().buffer)
          : new Response(JSON.stringify(file));
      },
    });
    expect(requested).toEqual([
      'https://models.example/deploy/model.bunsen.json',
      'https://models.example/deploy/regressor.onnx',
    ]);
    compare(regressor, await (model as EmbeddedModel).predict(rows));
  });

  it('validates rows before running the session and says when the runtime is missing', async () => {
    const { signature } = await fromJSON(classifier.toJSON());
    const model = await load(exportOnnx(classifier), { signature, onnxRuntime });
    await expect(model.predict([{ ...rows[0], num_b: 'heavy' }])).rejects.toThrow(
      /column “num_b”: expected a number/,
    );
    const broken = load(exportOnnx(classifier), {
      signature,
      onnxRuntime: () => Promise.reject(new Error('offline')),
    });
    await expect(broken).rejects.toThrow(
      'Could not load onnxruntime-web, which ONNX models need: offline',
    );
  });
});
