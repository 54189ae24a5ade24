import { describe, expect, it } from 'vitest';
import { openFixtureLab } from './helpers';

const V2 = 'test/fixtures/store/v2.json';
const DATASET_BLOB = 'd0aea776d12e75364450bcdc02f98dbe2d4d211f7438ae24a618cd08772d2ffb';
const MODEL_BLOB = '63772e2efa002c0d37752828f8a4635fc0a7bafb58d362073a4a25bada711a96';

describe('migration to v4', () => {
  it('counts references of blobs whose count was kept in their own record', async () => {
    const { lab } = await openFixtureLab(V2);
    const { store } = lab;
    expect(await store.database.count('blobRefs')).toBe(0);
    expect((await store.getBlob(MODEL_BLOB))?.refs).toBe(2);

    // A third record shares the model's bytes: only its count is written, in the new store.
    const before = await store.database.get('blobs', MODEL_BLOB);
    await store.create('datasetVersions', 'ws-1', { datasetId: 'ds-1', blobRefs: [MODEL_BLOB] });
    expect(await store.database.get('blobs', MODEL_BLOB)).toEqual(before);
    expect(await store.database.get('blobRefs', MODEL_BLOB)).toEqual({
      hash: MODEL_BLOB,
      refs: 3,
      size: 29,
    });
    expect(await lab.garbageCollect()).toEqual({ removed: 0, bytes: 0, repaired: 0, kept: 2 });

    // The dataset's one reference, still in the blob's record, is dropped with its version.
    await store.remove('datasetVersions', 'dv-1');
    expect(await store.getBlob(DATASET_BLOB)).toBeUndefined();
    lab.close();
  });
});
