import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../src/core/errors/training-error';
import {
  FeaturePipeline,
  FittedImage,
  FittedPipeline,
  fitImage,
  imageFeatureNames,
  transformerFromJSON,
} from '../../../src/core/features';
import { evaluate, fit } from '../../../src/core/model';
import { randomInt, seededRandom } from '../../../src/core/random';
import {
  packImages,
  stringColumn,
  Table,
  withPixels,
  type DecodedImage,
  type StringColumn,
} from '../../../src/core/table';

type Rgba = readonly [number, number, number, number];

/** An image from rows of RGBA pixels. */
function image(rows: readonly (readonly Rgba[])[]): DecodedImage {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  return { width, height, rgba: Uint8Array.from(rows.flat(2)) };
}

const gray = (value: number): Rgba => [value, value, value, 255];

/** An image column whose cells name `images` in order (row i shows image `shown[i]`). */
function imageColumn(
  images: readonly DecodedImage[],
  shown: readonly (number | null)[] = images.map((_, i) => i),
  name = 'photo',
): StringColumn {
  const keys = images.map((_, i) => `${i}`.padStart(64, '0'));
  const column = stringColumn(
    name,
    shown.map((i) => (i === null ? null : (keys[i] as string))),
    'image',
  );
  const order = column.dictionary.map((key) => images[keys.indexOf(key)] as DecodedImage);
  return withPixels(column, packImages(column.dictionary, order));
}

const features = (column: StringColumn, size: number, color: 'gray' | 'rgb') =>
  Array.from(fitImage(column, { size, color }).transform(column).data);

const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
};

describe('image features', () => {
  it('keeps an image of the target size as it is, gray by luma and RGB by channel', () => {
    const pixels = image([
      [
        [255, 0, 0, 255],
        [0, 255, 0, 255],
      ],
      [
        [0, 0, 255, 255],
        [51, 102, 153, 255],
      ],
    ]);
    const column = imageColumn([pixels]);
    close(features(column, 2, 'gray'), [
      0.299,
      0.587,
      0.114,
      0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6,
    ]);
    close(features(column, 2, 'rgb'), [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6]);
  });

  it('averages blocks when shrinking and repeats pixels when enlarging', () => {
    const values = [
      [0, 51, 102, 153],
      [204, 255, 0, 51],
      [102, 102, 102, 102],
      [0, 0, 255, 255],
    ];
    const column = imageColumn([image(values.map((row) => row.map(gray)))]);
    const mean = (...cells: number[]) => cells.reduce((a, b) => a + b, 0) / cells.length / 255;
    close(features(column, 2, 'gray'), [
      mean(0, 51, 204, 255),
      mean(102, 153, 0, 51),
      mean(102, 102, 0, 0),
      mean(102, 102, 255, 255),
    ]);
    const single = imageColumn([image([[[255, 0, 0, 255]]])]);
    close(features(single, 3, 'rgb'), Array.from({ length: 9 }, () => [1, 0, 0]).flat());
    // 3 → 2: each output pixel covers 1.5 source pixels a side.
    const three = imageColumn([
      image([0, 1, 2].map((y) => [0, 1, 2].map((x) => gray(x === 0 && y === 0 ? 255 : 0)))),
    ]);
    close(features(three, 2, 'gray'), [1 / 2.25, 0, 0, 0]);
  });

  it('centres a wide or tall image on a black square', () => {
    const white = gray(255);
    const wide = imageColumn([
      image([
        [white, white, white, white],
        [white, white, white, white],
      ]),
    ]);
    // 4 × 2 in a 4 × 4 square: one black row above and below.
    close(features(wide, 4, 'gray'), [
      ...Array(4).fill(0),
      ...Array(8).fill(1),
      ...Array(4).fill(0),
    ]);
    // 2 × 1 in a 2 × 2 square: the row straddles the middle, half in each output row.
    const strip = imageColumn([image([[white, white]])]);
    close(features(strip, 2, 'gray'), [0.5, 0.5, 0.5, 0.5]);
    // 1 × 4 in a 2 × 2 square: a strip half a pixel wide, a quarter in each output column.
    const tall = imageColumn([image([[white], [white], [white], [white]])]);
    close(features(tall, 2, 'gray'), [0.25, 0.25, 0.25, 0.25]);
    const tallWide = imageColumn([image([[white], [white]])]);
    close(features(tallWide, 4, 'gray'), [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
  });

  it('counts transparent pixels as black', () => {
    const column = imageColumn([
      image([
        [
          [255, 255, 255, 0],
          [255, 255, 255, 51],
        ],
      ]),
    ]);
    close(features(column, 2, 'gray'), [0, 0.1, 0, 0.1]);
  });

  it('reads colour only when an image is coloured, with the size that goes with it', () => {
    const grayImages = imageColumn([
      image([[gray(10), gray(200)]]),
      image([[gray(90), [92, 90, 89, 255]]]),
    ]);
    const grayFit = fitImage(grayImages);
    expect([grayFit.color, grayFit.size, grayFit.outputNames.length]).toEqual(['gray', 24, 576]);
    const coloured = imageColumn([image([[gray(10)]]), image([[[200, 40, 40, 255]]])]);
    const colourFit = fitImage(coloured);
    expect([colourFit.color, colourFit.size, colourFit.outputNames.length]).toEqual([
      'rgb',
      16,
      768,
    ]);
    // The coloured image is not in the rows fitted on, so it does not count.
    expect(fitImage({ ...coloured, codes: Int32Array.of(0, 0) }).color).toBe('gray');
    expect(fitImage(grayImages, { color: 'rgb', size: 8 }).outputNames.slice(0, 4)).toEqual([
      'photo_r_0_0',
      'photo_g_0_0',
      'photo_b_0_0',
      'photo_r_0_1',
    ]);
    expect(imageFeatureNames('x', 2, 'gray')).toEqual([
      'x_px_0_0',
      'x_px_0_1',
      'x_px_1_0',
      'x_px_1_1',
    ]);
  });

  it('resamples each distinct image once, leaves missing images black and survives row subsets', () => {
    const a = image([[gray(255), gray(0)]]);
    const b = image([[gray(0), gray(255)]]);
    const column = imageColumn([a, b], [1, null, 0, 1, 1]);
    const step = fitImage(column, { size: 2, color: 'gray' });
    const rows = (data: Float32Array) =>
      Array.from({ length: data.length / 4 }, (_, i) =>
        Array.from(data.subarray(i * 4, i * 4 + 4)),
      );
    const matrix = step.transform(column);
    expect(rows(matrix.data)).toEqual([
      [0, 0.5, 0, 0.5],
      [0, 0, 0, 0],
      [0.5, 0, 0.5, 0],
      [0, 0.5, 0, 0.5],
      [0, 0.5, 0, 0.5],
    ]);
    const subset = new Table([column]).take([2, 0]).column('photo');
    expect(rows(step.transform(subset).data)).toEqual([
      [0.5, 0, 0.5, 0],
      [0, 0.5, 0, 0.5],
    ]);
  });

  it('round-trips through JSON and refuses damaged saves', () => {
    const column = imageColumn([image([[gray(0), gray(255)]])]);
    const step = fitImage(column, { size: 6, color: 'rgb' });
    const json = JSON.parse(JSON.stringify(step.toJSON())) as unknown;
    const restored = transformerFromJSON(json);
    expect(restored).toBeInstanceOf(FittedImage);
    expect(restored.transform(column)).toEqual(step.transform(column));
    expect(() => transformerFromJSON({ ...(json as object), size: 100 })).toThrow(/“size”/);
    expect(() => transformerFromJSON({ ...(json as object), color: 'cmyk' })).toThrow(/“color”/);
  });

  it('says clearly when pixels were not decoded, or belong to other images', () => {
    const bare = stringColumn('photo', ['a'.repeat(64), 'b'.repeat(64)], 'image');
    const attempt = () => fitImage(bare);
    expect(attempt).toThrow(TrainingError);
    expect(attempt).toThrow('The images of column “photo” were not decoded');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid-input', where: 'photo' });
    }
    const step = new FittedImage('photo', 4, 'gray');
    expect(() => step.transform(bare)).toThrow('were not decoded');
    const decoded = imageColumn([image([[gray(1)]]), image([[gray(2)]])]);
    const rebuilt: StringColumn = { ...decoded, dictionary: [...decoded.dictionary].reverse() };
    expect(() => step.transform(rebuilt)).toThrow('belong to other images');
    expect(() => fitImage(decoded, { size: 65 })).toThrow('2 to 64 pixels a side, not 65');
    expect(() => fitImage(stringColumn('city', ['x']))).toThrow(
      'Image features need images, but column “city” holds categorical values.',
    );
  });
});

describe('image columns in the feature pipeline', () => {
  const random = seededRandom(5);
  /** Bright bars on noise: horizontal, vertical or a centred square, in images of mixed shapes. */
  function shapes(count: number) {
    const images: DecodedImage[] = [];
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      const kind = ['horizontal', 'vertical', 'square'][i % 3] as string;
      const width = 12 + randomInt(random, 8);
      const height = 12 + randomInt(random, 8);
      const rows = Array.from({ length: height }, (_, y) =>
        Array.from({ length: width }, (_, x) => {
          const on =
            kind === 'horizontal'
              ? Math.abs(y - height / 2) < 2
              : kind === 'vertical'
                ? Math.abs(x - width / 2) < 2
                : Math.abs(x - width / 2) < 4 && Math.abs(y - height / 2) < 4;
          return gray(on ? 200 + randomInt(random, 55) : randomInt(random, 60));
        }),
      );
      images.push(image(rows));
      labels.push(kind);
    }
    return new Table([imageColumn(images), stringColumn('shape', labels)]);
  }

  it('fits, describes, saves and restores an image step that a learner can learn from', async () => {
    const table = shapes(90);
    const features = table.select(['photo']);
    const pipeline = await FeaturePipeline.fit(features, { rng: seededRandom(1) });
    expect(pipeline.names).toHaveLength(576);
    expect(pipeline.choices[0]?.summary).toBe(
      'photo: image pixels (24×24 grayscale, 576 features) (centred on a black square, ' +
        'intensities in [0, 1], gray, as no image has colour)',
    );
    const restored = FittedPipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
    expect(restored.transform(features)).toEqual(pipeline.transform(features));
    const configured = await FeaturePipeline.fit(features, {
      rng: seededRandom(1),
      columns: { photo: { kind: 'image', size: 8, color: 'rgb' } },
    });
    expect(configured.names).toHaveLength(192);
    expect(configured.choices[0]?.summary).toBe(
      'photo: image pixels (8×8 RGB, 192 features) (centred on a black square, intensities in [0, 1])',
    );
    await expect(
      FeaturePipeline.fit(table, { rng: seededRandom(1), columns: { shape: { kind: 'image' } } }),
    ).rejects.toThrow('Column “shape” holds categorical values, which an image step cannot read.');

    const rng = seededRandom(3);
    const order = Array.from({ length: table.rowCount }, (_, i) => i);
    const train = table.take(order.filter((i) => i % 4 !== 0));
    const test = table.take(order.filter((i) => i % 4 === 0));
    const model = await fit(train, { target: 'shape', learner: 'knn' }, { rng });
    const accuracy = evaluate(model, test).metrics.accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
