import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { openStore, uniqueDbName } from './helpers';
import { BLOB_VALUE_BYTES, WorkspaceStore } from '../../../src/store/workspace-store';
import { StoreError } from '../../../src/store/errors';
import { SCHEMA_VERSION } from '../../../src/store/migrations';
import { sha256 } from '../../../src/store/hash';
import { rememberBlob, takeBlob } from '../../../src/store/prepared-blobs';
import { broadcastChannel } from '../../../src/store/channel';

const bytes = (text: string) => new TextEncoder().encode(text);
const small = () => bytes('x,y\n1,2\n');

async function expectStoreError(promise: Promise<unknown>, kind: StoreError['kind']) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  return error as StoreError;
}

describe('WorkspaceStore', () => {
  it('creates, renames and deletes workspaces, auditing each change', async () => {
    const { store } = await openStore();
    const workspace = await store.createWorkspace({ name: '  Intro to ML  ' });
    expect(workspace.name).toBe('Intro to ML');
    await store.updateWorkspace(workspace.id, { name: 'Intro to ML, spring' });
    const trail = await store.audit(workspace.id);
    expect(trail.map((event) => [event.seq, event.action, event.summary])).toEqual([
      [2, 'update', 'Workspace: renamed “Intro to ML” to “Intro to ML, spring”'],
      [1, 'create', 'Created workspace “Intro to ML”'],
    ]);
    expect(trail[0]?.actor).toEqual(store.actor);
    await store.deleteWorkspace(workspace.id);
    expect(await store.listWorkspaces()).toEqual([]);
    expect(await store.audit(workspace.id)).toEqual([]);
    store.close();
  });

  it('refuses empty, overlong and duplicate workspace names', async () => {
    const { store } = await openStore();
    await store.createWorkspace({ name: 'A' });
    await expectStoreError(store.createWorkspace({ name: '   ' }), 'invalid');
    await expectStoreError(store.createWorkspace({ name: 'x'.repeat(121) }), 'invalid');
    await expectStoreError(store.createWorkspace({ name: 'a' }), 'conflict');
    store.close();
  });

  it('stores blobs by content hash in the transaction of the record, counting references', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const data = bytes('x,y\n1,2\n');
    const hash = await sha256(data);
    const first = await store.create(
      'datasetVersions',
      id,
      { datasetId: 'd' },
      { blobs: [{ data, type: 'text/csv' }] },
    );
    expect(first.blobRefs).toEqual([hash]);
    const read = await store.getBlob(hash);
    expect(new Uint8Array(read?.data ?? new ArrayBuffer(0))).toEqual(data);
    expect(read?.type).toBe('text/csv');
    const second = await store.create(
      'datasetVersions',
      id,
      { datasetId: 'd' },
      { blobs: [{ data }] },
    );
    expect((await store.getBlob(hash))?.refs).toBe(2);
    await store.remove('datasetVersions', first.id);
    expect((await store.getBlob(hash))?.refs).toBe(1);
    await store.remove('datasetVersions', second.id);
    expect(await store.getBlob(hash)).toBeUndefined();
    store.close();
  });

  it('writes a Blob made ahead for large bytes instead of making one, once', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const large = new Uint8Array(BLOB_VALUE_BYTES).map((_, i) => (i * 7) % 251);
    const other = new Uint8Array(BLOB_VALUE_BYTES).map((_, i) => (i * 3) % 7);
    /**
     * Writes `data` as a float64 column, and gives the digest of the bytes then stored under its
     * digest (digests, since comparing a megabyte element by element is slow).
     */
    const written = async (data: Uint8Array, datasetId: string) => {
      const blobs = [{ data, type: 'application/x-float64' }];
      await store.create('datasetVersions', id, { datasetId }, { blobs });
      const read = await store.getBlob(await sha256(data));
      return sha256(new Uint8Array(read?.data ?? new ArrayBuffer(0)));
    };
    // A blob made ahead is trusted to hold the bytes: here it does not, which shows it was used.
    rememberBlob(large, new Blob([other], { type: 'application/x-float64' }));
    expect(await written(large, 'd')).toBe(await sha256(other));
    // Taken by the write: the next one makes its own.
    expect(takeBlob(large, 'application/x-float64')).toBeUndefined();
    // One of another type or size is not used.
    rememberBlob(other, new Blob([large], { type: 'application/json' }));
    expect(() => rememberBlob(other, new Blob([small()]))).toThrow(RangeError);
    expect(await written(other, 'e')).toBe(await sha256(other));
    store.close();
  });

  it('keeps large bytes as a Blob and small ones as an ArrayBuffer, handing out bytes', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const large = new Uint8Array(BLOB_VALUE_BYTES).map((_, i) => (i * 7) % 251);
    const small = bytes('x,y\n1,2\n');
    await store.create(
      'datasetVersions',
      id,
      { datasetId: 'd' },
      { blobs: [{ data: large, type: 'application/x-float64' }, { data: small }] },
    );
    const [largeHash, smallHash] = [await sha256(large), await sha256(small)];
    // A Blob is passed on by IndexedDB without being serialized; many small ones would cost a
    // file each.
    const kept = async (hash: string) =>
      ((await store.database.get('blobs', hash)) as { data: unknown }).data;
    expect(await kept(largeHash)).toBeInstanceOf(Blob);
    expect(((await kept(largeHash)) as Blob).type).toBe('application/x-float64');
    expect(await kept(smallHash)).toBeInstanceOf(ArrayBuffer);
    for (const [hash, data] of [
      [largeHash, large],
      [smallHash, small],
    ] as const) {
      const read = await store.getBlob(hash);
      expect(read?.data).toBeInstanceOf(ArrayBuffer);
      // Compared by digest: element by element, a megabyte takes seconds.
      expect(read?.data.byteLength).toBe(data.byteLength);
      expect(await sha256(new Uint8Array(read?.data ?? new ArrayBuffer(0)))).toBe(hash);
    }
    store.close();
  });

  it('shares a stored blob by counting, without writing its bytes again', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const data = new Uint8Array(4096).fill(7);
    const hash = await sha256(data);
    const first = await store.create(
      'datasetVersions',
      id,
      { datasetId: 'd' },
      { blobs: [{ data }] },
    );
    const written = await store.database.get('blobs', hash);
    const second = await store.create(
      'datasetVersions',
      id,
      { datasetId: 'd' },
      { blobs: [{ data }] },
    );
    // The blob's own record is as first written; its count moved to the store of counts.
    expect(await store.database.get('blobs', hash)).toEqual(written);
    expect(await store.database.get('blobRefs', hash)).toEqual({ hash, refs: 2, size: 4096 });
    await store.remove('datasetVersions', second.id);
    await store.remove('datasetVersions', first.id);
    expect(await store.database.get('blobs', hash)).toBeUndefined();
    expect(await store.database.get('blobRefs', hash)).toBeUndefined();
    store.close();
  });

  it('counts references of a blob stored before counts had their own store', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const data = bytes('written by an older version of the lab');
    const hash = await sha256(data);
    // As the lab stored it before: the count in the blob's record, no entry in `blobRefs`.
    const legacy = {
      hash,
      size: data.byteLength,
      type: 'text/plain',
      data: data.slice().buffer,
      refs: 1,
    };
    await store.database.put('blobs', legacy);
    const holder = await store.create('datasetVersions', id, { datasetId: 'd', blobRefs: [hash] });
    await store.database.put('datasetVersions', { ...holder, id: 'legacy-holder' });
    expect((await store.getBlob(hash))?.refs).toBe(2);
    // Its bytes, stored as an ArrayBuffer then, read as they are.
    expect(new Uint8Array((await store.getBlob(hash))?.data ?? new ArrayBuffer(0))).toEqual(data);
    await store.remove('datasetVersions', 'legacy-holder');
    expect((await store.getBlob(hash))?.refs).toBe(1);
    await store.remove('datasetVersions', holder.id);
    expect(await store.getBlob(hash)).toBeUndefined();
    expect(await store.database.get('blobRefs', hash)).toBeUndefined();
    store.close();
  });

  it('writes neither blob nor record nor audit event when the record cannot be written', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    await store.create('runs', id, { id: 'run-1', status: 'running' });
    const data = bytes('payload that must not survive');
    await expectStoreError(
      store.create('runs', id, { id: 'run-1' }, { blobs: [{ data }] }),
      'conflict',
    );
    expect(await store.getBlob(await sha256(data))).toBeUndefined();
    expect((await store.getWorkspace(id))?.auditSeq).toBe(2);
    expect((await store.audit(id)).length).toBe(2);
    store.close();
  });

  it('turns a full disk into a clear quota error and keeps what was stored before', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const kept = await store.create(
      'datasets',
      id,
      { name: 'kept' },
      { blobs: [{ data: bytes('old') }] },
    );
    const realAdd = FakeObjectStore.prototype.add;
    FakeObjectStore.prototype.add = function (
      this: InstanceType<typeof FakeObjectStore>,
      ...args: Parameters<typeof realAdd>
    ) {
      if (this.name === 'blobs')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, args);
    };
    try {
      const error = await expectStoreError(
        store.create(
          'datasets',
          id,
          { name: 'big' },
          { blobs: [{ data: new Uint8Array(3 * 1_048_576) }] },
        ),
        'quota',
      );
      expect(error.message).toMatch(/Not enough storage space to save this \(about 3\.0 MB\)/);
      expect(error.message).toMatch(/everything stored before is intact/);
    } finally {
      FakeObjectStore.prototype.add = realAdd;
    }
    expect((await store.list('datasets', id)).map((record) => record.name)).toEqual(['kept']);
    expect(await store.getBlob(kept.blobRefs?.[0] ?? '')).toBeDefined();
    expect((await store.getWorkspace(id))?.auditSeq).toBe(2);
    store.close();
  });

  it('keeps lineage append-only and lets drafts change', async () => {
    const { store } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    const version = await store.create('datasetVersions', id, { datasetId: 'd', rows: 10 });
    await expectStoreError(store.update('datasetVersions', version.id, { rows: 11 }), 'immutable');
    expect((await store.update('datasetVersions', version.id, { tags: ['clean'] })).tags).toEqual([
      'clean',
    ]);

    const run = await store.create('runs', id, { status: 'running' });
    await store.update('runs', run.id, { status: 'finished', endedAt: 5 });
    await expectStoreError(store.update('runs', run.id, { status: 'running' }), 'immutable');
    await store.update('runs', run.id, { notes: 'best so far' });

    const pipeline = await store.create('pipelines', id, { name: 'p', graph: { nodes: [] } });
    await store.update('pipelines', pipeline.id, { graph: { nodes: [{ id: 'n1' }] } });
    await expectStoreError(
      store.update('pipelines', pipeline.id, { workspaceId: 'other' }),
      'immutable',
    );
    await expectStoreError(
      store.create('runs', id, { params: { when: new Date() as never } }),
      'invalid',
    );
    store.close();
  });

  it('refuses records for a workspace that does not exist', async () => {
    const { store } = await openStore();
    await expectStoreError(store.create('runs', 'nope', {}), 'not-found');
    store.close();
  });

  it('stops writing once another tab opens a newer schema', async () => {
    const { store, dbName } = await openStore();
    const { id } = await store.createWorkspace({ name: 'W' });
    let told = false;
    store.onStale(() => (told = true));
    const newer = await openDB(dbName, SCHEMA_VERSION + 1);
    expect(told).toBe(true);
    expect(store.isStale).toBe(true);
    const error = await expectStoreError(store.createWorkspace({ name: 'X' }), 'stale-schema');
    expect(error.message).toMatch(/Reload this tab/);
    await expectStoreError(store.create('runs', id, {}), 'stale-schema');
    newer.close();
  });

  it('refuses to open a database written by a newer schema', async () => {
    const dbName = uniqueDbName();
    (await openDB(dbName, SCHEMA_VERSION + 3)).close();
    const error = await expectStoreError(WorkspaceStore.open({ dbName }), 'newer-schema');
    expect(error.message).toMatch(/newer version of Bunsen/);
  });

  it('tells other tabs what changed', async () => {
    const dbName = uniqueDbName();
    const tabA = await WorkspaceStore.open({ dbName, channel: broadcastChannel(`${dbName}:c`) });
    const tabB = await WorkspaceStore.open({ dbName, channel: broadcastChannel(`${dbName}:c`) });
    const seen = new Promise((resolve) => tabB.onChange(resolve));
    const created = await tabA.createWorkspace({ name: 'Shared' });
    expect(await seen).toEqual({ type: 'workspaces' });
    expect((await tabB.listWorkspaces()).map((w) => w.id)).toEqual([created.id]);
    tabA.close();
    tabB.close();
  });

  it('creates a first workspace only once', async () => {
    const { store } = await openStore();
    const [a, b] = await Promise.all([
      store.ensureWorkspace('My workspace'),
      store.ensureWorkspace('My workspace'),
    ]);
    expect(a.id).toBe(b.id);
    expect((await store.listWorkspaces()).length).toBe(1);
    store.close();
  });
});
