import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src/core/export';
import { fit } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { numberColumn, packImages, stringColumn, Table, withPixels } from '../../../src/core/table';
import { compileModel } from '../../../src/embed/model';

async function imageModel() {
  const keys = ['a', 'b'].map((c) => c.repeat(64));
  const column = stringColumn('photo', [keys[0], keys[1], keys[0], keys[1]], 'image');
  const images = [0, 255].map((level) => ({
    width: 2,
    height: 2,
    rgba: Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 255 : level)),
  }));
  const table = new Table([
    withPixels(column, packImages(column.dictionary, images)),
    numberColumn('size', [1, 2, 3, 4]),
    stringColumn('label', ['dark', 'light', 'dark', 'light']),
  ]);
  return fit(
    table,
    { target: 'label', learner: 'knn', params: { k: 1 } },
    {
      rng: seededRandom(1),
    },
  );
}

describe('exporting a model that reads images', () => {
  it('is refused by the ONNX exporter, naming the column', async () => {
    const model = await imageModel();
    expect(() => exportOnnx(model)).toThrow(
      'Cannot export “photo” to ONNX: it holds images, and the model reads their decoded, resized pixels',
    );
    try {
      exportOnnx(model);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'unsupported', where: 'photo' });
    }
  });

  it('is refused by the embed runtime, naming the column', async () => {
    const json = (await imageModel()).toJSON();
    expect(() => compileModel(json)).toThrow(
      'The model reads images from column “photo”, which this runtime cannot decode yet',
    );
    try {
      compileModel(json);
    } catch (error) {
      expect(error).toMatchObject({ name: 'EmbedError', column: 'photo' });
    }
  });
});
