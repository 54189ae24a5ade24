import { beforeAll, describe, expect, it } from 'vitest';
import { fit, type ModelJSON } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { EmbedError, fromJSON, load, type BunsenModel, type EmbedFile } from '../../../src/embed';
import { fieldFor, rowFromForm, MAX_SELECT_OPTIONS } from '../../../src/embed/form';
import { FEATURES, mixedTable } from './fixtures';

let gbdt: ModelJSON;
let forest: ModelJSON;
const rows = mixedTable(20, 9).select(FEATURES).toRows();
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  const train = mixedTable(150, 8);
  const spec = { target: 'species', features: FEATURES };
  gbdt = clone(
    (
      await fit(
        train,
        { ...spec, learner: 'gbdt', params: { max_iter: 5 } },
        { rng: seededRandom(1) },
      )
    ).toJSON(),
  );
  forest = clone(
    (
      await fit(
        train,
        { ...spec, learner: 'forest', params: { n_estimators: 3 } },
        { rng: seededRandom(1) },
      )
    ).toJSON(),
  );
});

async function damage(json: unknown): Promise<string> {
  try {
    await fromJSON(json);
  } catch (error) {
    expect(error).toBeInstanceOf(EmbedError);
    return (error as Error).message;
  }
  throw new Error('expected the damaged model to be refused');
}

describe('model files', () => {
  it('reads the embed file, the bare model and a URL alike', async () => {
    const bare = (await fromJSON(gbdt)) as BunsenModel;
    const file: EmbedFile = {
      format: 'bunsen-embed',
      version: 1,
      signature: bare.signature,
      model: gbdt,
    };
    const wrapped = (await fromJSON(clone(file))) as BunsenModel;
    const requested: string[] = [];
    const fetched = (await load('https://models.example/iris/model.bunsen.json', {
      fetch: async (url) => {
        requested.push(url);
        return new Response(JSON.stringify(file), {
          headers: { 'content-type': 'application/json' },
        });
      },
    })) as BunsenModel;
    expect(requested).toEqual(['https://models.example/iris/model.bunsen.json']);
    expect(wrapped.signature).toEqual(bare.signature);
    expect(wrapped.predict(rows)).toEqual(bare.predict(rows));
    expect(fetched.predict(rows)).toEqual(bare.predict(rows));
  });

  it('says why a URL could not be loaded', async () => {
    const notFound = load('https://models.example/missing.json', {
      fetch: async () => new Response('nope', { status: 404 }),
    });
    await expect(notFound).rejects.toThrow(
      'Could not fetch the model from https://models.example/missing.json: HTTP 404.',
    );
    const offline = load('file:///home/me/model.bunsen.json', {
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(offline).rejects.toThrow(/Pages opened from file:\/\/ cannot fetch files/);
    const html = load('https://models.example/page.json', {
      fetch: async () => new Response('<html>'),
    });
    await expect(html).rejects.toThrow(/is not a JSON model file/);
  });

  it('refuses damaged files with the path of the bad field', async () => {
    expect(await damage({ format: 'something-else' })).toMatch(
      /model\.format should be one of bunsen-model, bunsen-ensemble/,
    );
    const badLearner = clone(gbdt);
    (badLearner.estimator as { learner: string }).learner = 'svm';
    expect(await damage(badLearner)).toMatch(
      /model\.estimator\.learner should be one of linear, mlp/,
    );
    const cycle = clone(gbdt);
    const tree = (cycle.estimator as unknown as { trees: { left: number[] }[] }).trees[0]!;
    tree.left[0] = 0;
    expect(await damage(cycle)).toMatch(
      /model\.estimator\.trees\[0\]\.left should be children after parents/,
    );
    const width = clone(forest);
    (width.pipeline.columns[0]!.standardize as unknown) = { center: [1, 2], scale: [1, 1] };
    expect(await damage(width)).toMatch(
      /model\.pipeline\.columns\[0\]\.standardize\.center should be a list of 1/,
    );
    const features = clone(gbdt);
    (features.estimator as unknown as { features: number }).features += 5;
    expect(await damage(features)).toMatch(/a learner of \d+ features, as the pipeline writes/);
    const outside = clone(forest);
    (outside.estimator as unknown as { left: number[] }).left[0] = 10 ** 6;
    expect(await damage(outside)).toMatch(
      /model\.estimator\.left should be a list of whole numbers in -1…/,
    );
    const unknownStep = clone(forest);
    (unknownStep.pipeline.columns[4]!.encoder as { kind: string }).kind = 'embedding';
    expect(await damage(unknownStep)).toMatch(
      /columns\[4\]\.encoder\.kind should be one of one-hot, ordinal/,
    );
    expect(await damage({ format: 'bunsen-embed', version: 2, model: gbdt })).toMatch(
      /file\.version should be 1/,
    );
  });

  it('refuses an ensemble whose members disagree', async () => {
    const regression = clone(gbdt);
    (regression as { task: string }).task = 'regression';
    const ensemble = {
      format: 'bunsen-ensemble',
      version: 1,
      target: 'species',
      task: 'classification',
      classes: gbdt.classes,
      method: 'greedy-selection',
      weights: [1, 1],
      members: [gbdt, regression],
    };
    expect(await damage(ensemble)).toMatch(/model\.members/);
    expect(await damage({ ...ensemble, members: [gbdt, forest], weights: [0, 0] })).toMatch(
      /model\.weights should be non-negative weights/,
    );
  });

  it('needs a signature for ONNX bytes', async () => {
    await expect(load(new Uint8Array([8, 1]))).rejects.toThrow(/An ONNX model needs a signature/);
  });
});

describe('the generated form', () => {
  it('gives each input type its control', () => {
    const controls = [
      fieldFor({ name: 'a', type: 'numeric' }),
      fieldFor({ name: 'b', type: 'integer' }),
      fieldFor({ name: 'c', type: 'boolean' }),
      fieldFor({ name: 'd', type: 'datetime', resolution: 'day' }),
      fieldFor({ name: 'e', type: 'datetime', resolution: 'minute' }),
      fieldFor({ name: 'f', type: 'text' }),
      fieldFor({ name: 'g', type: 'categorical', categories: ['x', 'y'] }),
      fieldFor({
        name: 'h',
        type: 'categorical',
        categories: Array.from({ length: MAX_SELECT_OPTIONS + 1 }, (_, i) => `c${i}`),
      }),
    ].map((field) => [field.control, field.options.length]);
    expect(controls).toEqual([
      ['number', 0],
      ['number', 0],
      ['select', 2],
      ['date', 0],
      ['datetime-local', 0],
      ['textarea', 0],
      ['select', 2],
      ['combo', MAX_SELECT_OPTIONS + 1],
    ]);
  });

  it('turns empty fields into missing values and predicts from form text as from typed rows', async () => {
    const model = (await fromJSON(gbdt)) as BunsenModel;
    const typed: Record<string, string | number | null> = {
      ...rows[0]!,
      when: Date.UTC(2023, 2, 4, 5),
      num_a: 1.25,
      note: 'loud',
    };
    const form: Record<string, string> = {
      num_a: '1.25',
      num_b: String(typed.num_b),
      count: String(typed.count),
      flag: typed.flag === null ? '' : typed.flag ? 'true' : 'false',
      colour: typed.colour === null ? '' : String(typed.colour),
      city: typed.city === null ? '' : String(typed.city),
      when: '2023-03-04T05:00',
      note: 'loud',
    };
    const row = rowFromForm(model.signature.inputs, (name) => form[name] ?? '');
    expect(model.predict([row])).toEqual(model.predict([typed]));
    const empty = rowFromForm(model.signature.inputs, () => '');
    expect(Object.values(empty).every((value) => value === null)).toBe(true);
    expect(model.predict([empty])).toHaveLength(1);
  });
});
