import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/helpers';
import { garbageCollectBlobs } from '../../../../src/store/housekeeping';
import { createDataset, loadTable } from '../../../../src/store/datasets';
import { StoreError } from '../../../../src/store/errors';
import type { WorkspaceStore } from '../../../../src/store/workspace-store';
import { Datasets, inProcessFolderImporter, inProcessPreparer } from '../../../../src/sdk/datasets';
import { profileTable } from '../../../../src/core/data';
import { Table, stringColumn, valueAt } from '../../../../src/core/table';

/** The smallest valid PNG header followed by a marker byte, so each file hashes differently. */
function tinyPng(marker: number): Uint8Array {
  const bytes = new Uint8Array(34);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  bytes.set(new TextEncoder().encode('IHDR'), 12);
  bytes.set([0, 0, 0, 2, 0, 0, 0, 3], 16);
  bytes[33] = marker;
  return bytes;
}

const file = (path: string, bytes: Uint8Array | string) => ({
  path,
  file: new Blob([typeof bytes === 'string' ? bytes : (bytes as Uint8Array<ArrayBuffer>)]),
});

const imageHashes = (table: Table) => {
  const column = table.column('image');
  return 'dictionary' in column ? [...column.dictionary] : [];
};

let opened: WorkspaceStore | undefined;
afterEach(() => opened?.close());

async function setup() {
  const { store } = await openStore();
  opened = store;
  const workspace = await store.createWorkspace({ name: 'Lab' });
  const datasets = new Datasets(store, undefined, inProcessPreparer(), inProcessFolderImporter());
  return { store, workspaceId: workspace.id, datasets };
}

describe('importing a folder into the store', () => {
  it('stores the images as blobs with the version and reads the table back', async () => {
    const { store, workspaceId, datasets } = await setup();
    const progress: number[] = [];
    const result = await datasets.importFolder(workspaceId, {
      folderName: 'pets',
      files: [
        file('cat/a.png', tinyPng(1)),
        file('dog/b.png', tinyPng(2)),
        file('dog/c.png', tinyPng(2)),
        file('readme.pdf', 'x'),
      ],
      onProgress: (next) => {
        if (next.phase === 'read') progress.push(next.done);
      },
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.kind).toBe('images');
    expect(result.dataset.name).toBe('pets');
    expect(result.labels).toEqual(['cat', 'dog']);
    expect(result.skipped).toEqual([{ path: 'readme.pdf', reason: 'unsupported' }]);
    expect(progress.at(-1)).toBe(3);
    expect(result.version.transform).toMatchObject({ kind: 'import', format: 'folder' });
    const table = await datasets.table(result.version.id);
    const images = imageHashes(table);
    expect(images).toHaveLength(2);
    expect(result.version.blobRefs).toEqual(expect.arrayContaining(images));
    expect(table.column('image').type).toBe('image');
    const hash = valueAt(table.column('image'), 0) as string;
    const blob = await store.getBlob(hash);
    expect(blob?.type).toBe('image/png');
    expect(new Uint8Array(blob?.data as ArrayBuffer)).toEqual(tinyPng(1));
    expect(valueAt(table.column('width'), 0)).toBe(2);
    expect(valueAt(table.column('height'), 0)).toBe(3);
  });

  it('keeps the images of a version made from them after the original is deleted', async () => {
    const { store, workspaceId, datasets } = await setup();
    const result = await datasets.importFolder(workspaceId, {
      folderName: 'pets',
      files: [file('cat/a.png', tinyPng(1)), file('dog/b.png', tinyPng(2))],
    });
    if (!result.ok) throw new Error(result.error.message);
    const prepared = await datasets.prepare(result.version.id, {
      kind: 'drop',
      columns: ['bytes'],
    });
    if (!prepared.ok) throw new Error(prepared.error.message);
    const table = await datasets.table(result.version.id);
    const images = imageHashes(table);
    expect(prepared.outputs[0]?.version.blobRefs).toEqual(expect.arrayContaining(images));
    // A dataset made from the images without bringing them (as a split does) holds them too.
    const copy = await createDataset(store, workspaceId, {
      name: 'copy',
      table,
      transform: { kind: 'import', fileName: 'pets', format: 'folder', options: {} },
      profile: profileTable(table),
      parentId: result.version.id,
    });
    await datasets.remove(result.dataset.id);
    await garbageCollectBlobs(store);
    const kept = await loadTable(store, copy.version.id);
    for (const hash of imageHashes(kept)) expect(await store.getBlob(hash)).toBeDefined();
  });

  it('stores nothing when a file is a damaged image', async () => {
    const { store, workspaceId, datasets } = await setup();
    const result = await datasets.importFolder(workspaceId, {
      folderName: 'pets',
      files: [file('cat/a.png', tinyPng(1)), file('cat/bad.png', new Uint8Array(0))],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('cat/bad.png');
    expect(await datasets.list(workspaceId)).toEqual([]);
    expect(await store.database.count('blobs')).toBe(0);
  });

  it('stores nothing when cancelled', async () => {
    const { workspaceId, datasets } = await setup();
    const controller = new AbortController();
    const files = Array.from({ length: 30 }, (_, i) => file(`t/${i}.txt`, `text ${i}`));
    const result = await datasets.importFolder(workspaceId, {
      folderName: 'notes',
      files,
      signal: controller.signal,
      onProgress: (next) => {
        if (next.phase === 'read' && next.done >= 3) controller.abort();
      },
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'The import was cancelled.' },
    });
    expect(await datasets.list(workspaceId)).toEqual([]);
  });

  it('refuses an image column whose cells are not content hashes', async () => {
    const { store, workspaceId } = await setup();
    const table = new Table([stringColumn('image', ['data:image/png;base64,AAAA'], 'image')]);
    await expect(
      createDataset(store, workspaceId, {
        name: 'bad',
        table,
        transform: { kind: 'import', fileName: 'x', format: 'folder', options: {} },
        profile: profileTable(table),
      }),
    ).rejects.toThrow(StoreError);
  });
});
