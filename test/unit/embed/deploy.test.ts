import { beforeAll, describe, expect, it } from 'vitest';
import { fit, type Model } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { fromJSON, type ClassPrediction, type EmbedFile } from '../../../src/embed';
import { missingInputs, scoreRows } from '../../../src/embed/batch';
import { demoPage, embedSignature, snippets } from '../../../src/embed/deploy';
import { FEATURES, mixedTable } from './fixtures';

let lab: Model;
const test = mixedTable(90, 32, true);

beforeAll(async () => {
  lab = await fit(
    mixedTable(200, 31),
    { target: 'species', learner: 'forest', features: FEATURES, params: { n_estimators: 8 } },
    { rng: seededRandom(2) },
  );
});

describe('embedSignature', () => {
  it('reads the registry’s spelling of types, categories and classes', () => {
    expect(
      embedSignature({
        inputs: [
          { name: 'age', type: 'number' },
          { name: 'visits', type: 'integer' },
          { name: 'colour', type: 'category', allowed: ['red', 'blue', 'red'] },
          { name: 'code', type: 'category' },
          { name: 'seen', type: 'datetime' },
          { name: 'member', type: 'boolean' },
        ],
        output: { kind: 'classification', name: 'churn', classes: ['no', 'yes'] },
      }),
    ).toEqual({
      target: 'churn',
      task: 'classification',
      classes: ['no', 'yes'],
      inputs: [
        { name: 'age', type: 'numeric' },
        { name: 'visits', type: 'integer' },
        { name: 'colour', type: 'categorical', categories: ['blue', 'red'] },
        { name: 'code', type: 'text' },
        { name: 'seen', type: 'datetime' },
        { name: 'member', type: 'boolean' },
      ],
    });
  });

  it('refuses types and outputs the runtime cannot handle, naming them', () => {
    expect(() =>
      embedSignature({
        inputs: [{ name: 'photo', type: 'image' }],
        output: { kind: 'regression', name: 'age' },
      }),
    ).toThrow('Input “photo” has the type “image”, which the runtime cannot read.');
    expect(() => embedSignature({ inputs: [], output: { kind: 'other' } })).toThrow(
      /neither a class nor a number/,
    );
  });
});

describe('the demo page and snippets', () => {
  it('gives the one-line element snippet and the module form', async () => {
    const { signature } = await fromJSON(lab.toJSON());
    const { element, module } = snippets(signature);
    expect(element).toBe(
      '<script src="bunsen-embed.iife.js"></script><bunsen-model src="model.bunsen.json"></bunsen-model>',
    );
    expect(module).toContain("import { load } from './bunsen-embed.js';");
    expect(module).toContain('"colour":"amber"');
  });

  it('tells that an ONNX demo needs a web server', async () => {
    const { signature } = await fromJSON(lab.toJSON());
    const file: EmbedFile = {
      format: 'bunsen-embed',
      version: 1,
      signature,
      model: { format: 'onnx', src: 'model.onnx' },
    };
    const page = demoPage(file);
    expect(page).toContain(
      'An ONNX model; it classifies “species” (setosa, versicolor, virginica).',
    );
    expect(page).toContain('ONNX models cannot load from file://.');
    expect(page).toContain('<script src="bunsen-embed.iife.js"></script>');
    expect(page).not.toMatch(/<script>|\son[a-z]+=/);
  });
});

describe('scoreRows', () => {
  const source = {
    rowCount: test.rowCount,
    names: test.names,
    row: (index: number) => test.row(index),
  };

  it('scores in chunks exactly as one predict call, with progress', async () => {
    const model = await fromJSON(lab.toJSON());
    const progress: number[] = [];
    const scores = await scoreRows(model, source, {
      chunkRows: 16,
      onProgress: (done) => progress.push(done),
    });
    const whole = (await model.predict(test.toRows(), {
      unknownColumns: 'ignore',
    })) as ClassPrediction[];
    if (scores.task !== 'classification') throw new Error('expected a classification');
    expect(scores.labels).toEqual(whole.map((prediction) => prediction.label));
    scores.classes.forEach((label, c) =>
      expect(Array.from(scores.probabilities![c]!)).toEqual(
        whole.map((prediction) => prediction.probabilities[label]),
      ),
    );
    expect(progress).toEqual([0, 16, 32, 48, 64, 80, test.rowCount]);
  });

  it('names missing columns first, and a bad value by its row in the whole source', async () => {
    const model = await fromJSON(lab.toJSON());
    expect(missingInputs(model, ['num_a', 'colour'])).toEqual(
      FEATURES.filter((name) => name !== 'num_a' && name !== 'colour'),
    );
    await expect(
      scoreRows(model, { ...source, names: source.names.filter((name) => name !== 'city') }),
    ).rejects.toThrow(
      "The data lacks a column the model reads: “city”. Columns are matched to the model's inputs by name.",
    );
    const bad = {
      ...source,
      row: (index: number) =>
        index === 40 ? { ...test.row(index), num_b: 'heavy' } : test.row(index),
    };
    await expect(scoreRows(model, bad, { chunkRows: 16 })).rejects.toThrow(
      /^Row 41, column “num_b”: expected a number, got the text “heavy”\.$/,
    );
  });

  it('stops between chunks when cancelled', async () => {
    const model = await fromJSON(lab.toJSON());
    const controller = new AbortController();
    const run = scoreRows(model, source, {
      chunkRows: 10,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 20) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
  });
});
