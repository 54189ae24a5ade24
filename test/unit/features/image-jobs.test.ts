import { afterEach, describe, expect, it } from 'vitest';
import {
  DECODED_MAX_SIDE,
  hasUndecodedImages,
  resolveImages,
  type ImageResolverDeps,
  type StoredImageBytes,
} from '../../../src/compute/images';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import { createPool } from '../../../src/compute/pool';
import type { TrainApi, TrainProgress } from '../../../src/compute/train-api';
import { createTrainClient, type TrainClient } from '../../../src/compute/train-client';
import { createTrainService } from '../../../src/compute/train-service';
import { TrainingError } from '../../../src/core/errors/training-error';
import { randomInt, seededRandom } from '../../../src/core/random';
import { stringColumn, Table, type DecodedImage, type StringColumn } from '../../../src/core/table';

/**
 * Stored "images" are tiny raw bitmaps (width, height, then gray levels): the fake decoder reads
 * them as the browser would read a PNG, so these tests run in Node.
 */
function rawImage(width: number, height: number, level: (x: number, y: number) => number) {
  const bytes = new Uint8Array(2 + width * height);
  bytes[0] = width;
  bytes[1] = height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) bytes[2 + y * width + x] = level(x, y);
  return bytes;
}

function fakeStore(images: ReadonlyMap<string, Uint8Array>) {
  const decoded: string[] = [];
  const deps: ImageResolverDeps = {
    read: async (hash) => {
      const data = images.get(hash);
      return data ? { data, type: 'image/x-raw' } : undefined;
    },
    decode: async (stored: StoredImageBytes, maxSide: number): Promise<DecodedImage> => {
      const bytes = stored.data as Uint8Array;
      if (bytes[0] === 0) throw new Error('the data is damaged');
      expect(maxSide).toBe(DECODED_MAX_SIDE);
      const width = bytes[0] as number;
      const height = bytes[1] as number;
      const rgba = new Uint8Array(width * height * 4);
      for (let p = 0; p < width * height; p++) {
        rgba.fill(bytes[2 + p] as number, p * 4, p * 4 + 3);
        rgba[p * 4 + 3] = 255;
      }
      decoded.push([...images].find(([, data]) => data === bytes)?.[0] ?? '?');
      return { width, height, rgba };
    },
  };
  return { deps, decoded };
}

const hash = (n: number) => n.toString(16).padStart(64, '0');

/** Horizontal or vertical stripes, 60 of each, and a label saying which. */
function stripes(rows: number) {
  const random = seededRandom(11);
  const images = new Map<string, Uint8Array>();
  const hashes: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < rows; i++) {
    const kind = i % 2 === 0 ? 'horizontal' : 'vertical';
    const size = 8 + randomInt(random, 6);
    const at = 2 + randomInt(random, size - 4);
    images.set(
      hash(i),
      rawImage(size, size, (x, y) =>
        (kind === 'horizontal' ? y : x) === at ? 255 : randomInt(random, 40),
      ),
    );
    hashes.push(hash(i));
    labels.push(kind);
  }
  return {
    images,
    table: new Table([stringColumn('image', hashes, 'image'), stringColumn('kind', labels)]),
  };
}

describe('decoding the images of a job', () => {
  it('decodes each distinct image once, across columns, and reports progress', async () => {
    const images = new Map([
      [hash(1), rawImage(2, 1, () => 255)],
      [hash(2), rawImage(1, 1, () => 0)],
      [hash(3), rawImage(1, 2, () => 128)],
    ]);
    const { deps, decoded } = fakeStore(images);
    const table = new Table([
      stringColumn('front', [hash(1), hash(2), hash(1), null], 'image'),
      stringColumn('back', [hash(2), hash(3), hash(3), hash(3)], 'image'),
      stringColumn('label', ['a', 'b', 'a', 'b']),
    ]);
    expect(hasUndecodedImages(table)).toBe(true);
    const progress: [number, number][] = [];
    const resolved = await resolveImages(table, deps, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(decoded.sort()).toEqual([hash(1), hash(2), hash(3)]);
    expect(progress[0]).toEqual([0, 3]);
    expect(progress.at(-1)).toEqual([3, 3]);
    const front = resolved.column('front') as StringColumn;
    expect(front.pixels?.keys).toEqual(front.dictionary);
    expect(Array.from(front.pixels?.widths ?? [])).toEqual([2, 1]);
    expect((resolved.column('back') as StringColumn).pixels?.keys).toEqual([hash(2), hash(3)]);
    expect(resolved.column('label')).toBe(table.column('label'));
    expect(hasUndecodedImages(resolved)).toBe(false);
    // Already decoded, or not asked for: nothing is read again.
    expect(await resolveImages(resolved, deps)).toBe(resolved);
    const only = await resolveImages(table, deps, { columns: ['back'] });
    expect((only.column('front') as StringColumn).pixels).toBeUndefined();
  });

  it('names the column and the image that is missing or damaged, and stops on cancel', async () => {
    const { deps } = fakeStore(new Map([[hash(1), new Uint8Array([0, 0])]]));
    const missing = new Table([stringColumn('photo', [hash(9)], 'image')]);
    await expect(resolveImages(missing, deps)).rejects.toThrow(
      `Image ${hash(9).slice(0, 12)}… of column “photo” is not stored in this workspace`,
    );
    const damaged = new Table([stringColumn('photo', [hash(1)], 'image')]);
    const failure = await resolveImages(damaged, deps).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TrainingError);
    expect(failure).toMatchObject({ kind: 'invalid-input', where: 'photo' });
    expect((failure as Error).message).toContain('could not be decoded: the data is damaged.');
    const { images, table } = stripes(20);
    const cancel = new AbortController();
    cancel.abort();
    await expect(
      resolveImages(table, fakeStore(images).deps, { signal: cancel.signal }),
    ).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('training and scoring on images in the trainer worker', () => {
  let client: TrainClient | undefined;
  afterEach(() => client?.close());

  it('decodes before fitting, learns from the pixels and scores a stored version', async () => {
    const { images, table } = stripes(80);
    const { deps, decoded } = fakeStore(images);
    const pool = createPool<TrainApi>({
      spawn: () =>
        inProcessEndpoint(
          createTrainService({ now: () => 0, loadVersion: async () => table, images: deps }),
        ),
      size: 1,
      idleTimeoutMs: 60_000,
    });
    client = createTrainClient(pool);
    const progress: TrainProgress[] = [];
    const outcome = await client.train({
      data: { versionId: 'v1' },
      spec: { target: 'kind', learner: 'knn' },
      seed: 1,
      validation: { kind: 'holdout', testSize: 0.25 },
      onProgress: (event) => progress.push(event),
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(progress[0]).toEqual({ phase: 'images', done: 0, total: 80 });
    expect(progress).toContainEqual({ phase: 'images', done: 80, total: 80 });
    expect(outcome.report.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    // An image is one input: it is shuffled whole to measure its importance.
    expect(outcome.importance.map((item) => item.feature)).toEqual(['image']);
    expect(outcome.model.pipeline.choices[0]?.summary).toContain('24×24 grayscale');
    expect(decoded).toHaveLength(80);

    const scored = await client.score({ model: outcome.model, versionId: 'v1' });
    if (!scored.ok) throw new Error(scored.error.message);
    expect(scored.classes).toEqual(['horizontal', 'vertical']);
    const labels = table.toRows().map((row) => row.kind);
    const agree = scored.labels?.filter((label, i) => label === labels[i]).length ?? 0;
    expect(agree / labels.length).toBeGreaterThanOrEqual(0.9);
    expect(scored.probabilities).toHaveLength(160);
    expect(decoded).toHaveLength(160);
  });

  it('says which image columns a job could not decode when it has no decoder', async () => {
    const { table } = stripes(20);
    const pool = createPool<TrainApi>({
      spawn: () => inProcessEndpoint(createTrainService({ loadVersion: async () => table })),
      size: 1,
      idleTimeoutMs: 60_000,
    });
    client = createTrainClient(pool);
    const outcome = await client.train({
      data: { versionId: 'v1' },
      spec: { target: 'kind', learner: 'knn' },
      seed: 1,
      validation: { kind: 'holdout', testSize: 0.25 },
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', where: 'image' },
    });
    if (!outcome.ok) expect(outcome.error.message).toContain('were not decoded');
  });
});
