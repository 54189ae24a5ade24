import { afterEach, describe, expect, it } from 'vitest';
import { deterministic, localChannel, openStore, uniqueDbName } from '../store/helpers';
import { greyPng as png } from '../../fixtures/png';
import type { BlobMaker } from '../../../src/compute/blob-maker';
import { createDataService } from '../../../src/compute/data-service';
import type { DataFolderProgress, DataImportProgress } from '../../../src/compute/data-api';
import { Datasets, type DataImporter, type FolderImporter } from '../../../src/sdk/datasets';
import { listDatasets, loadTable, type DatasetVersionRecord } from '../../../src/store/datasets';
import type { Change } from '../../../src/store/channel';
import { StoreError } from '../../../src/store/errors';
import { WorkspaceStore } from '../../../src/store/workspace-store';

const CSV = 'height,species,when\n1.5,setosa,2024-01-01\n2.5,versicolor,2024-01-02\n,setosa,\n';

const opened: WorkspaceStore[] = [];
afterEach(() => opened.splice(0).forEach((store) => store.close()));

/** The page's store, with a workspace to import into. */
async function page(dbName = uniqueDbName()) {
  const { store } = await openStore(dbName);
  opened.push(store);
  const workspace = await store.createWorkspace({ name: 'Class' });
  return { store, dbName, workspaceId: workspace.id };
}

/**
 * The data service as the worker runs it, opening its own connection to the database (with ids
 * of its own, so that they never collide with the page's) and telling `changes` what it wrote.
 */
function worker(
  options: { onOpen?: (store: WorkspaceStore) => void; blobMaker?: () => BlobMaker } = {},
) {
  const changes: Change[] = [];
  const stores: WorkspaceStore[] = [];
  let ids = 0;
  const service = createDataService({
    openStore: async (dbName) => {
      const channel = localChannel();
      channel.subscribe((change) => changes.push(change));
      const store = await WorkspaceStore.open({
        dbName,
        channel,
        now: deterministic().now,
        newId: () => `worker-${String(++ids).padStart(4, '0')}`,
      });
      stores.push(store);
      options.onOpen?.(store);
      return store;
    },
    ...(options.blobMaker ? { blobMaker: options.blobMaker } : {}),
  });
  let jobs = 0;
  const progress: DataImportProgress[] = [];
  const importer: DataImporter = (job) =>
    service.importFile(
      `job-${++jobs}`,
      {
        bytes: job.bytes,
        fileName: job.fileName,
        options: job.options ?? {},
        ...(job.save ? { save: job.save } : {}),
      },
      (event) => {
        if (event.type !== 'progress') return;
        progress.push(event.progress);
        job.onProgress?.(event.progress);
      },
    );
  const folderProgress: DataFolderProgress[] = [];
  const folderImporter: FolderImporter = (job) =>
    service.importFolder(
      `job-${++jobs}`,
      {
        folderName: job.folderName,
        files: [...job.files],
        ...(job.kind ? { kind: job.kind } : {}),
        ...(job.save ? { save: job.save } : {}),
      },
      (event) => {
        if (event.type !== 'progress') return;
        folderProgress.push(event.progress);
        job.onProgress?.(event.progress);
      },
    );
  return {
    service,
    importer,
    folderImporter,
    changes,
    stores,
    progress,
    folderProgress,
    jobId: () => `job-${jobs}`,
  };
}

/** A worker whose job is cancelled as soon as it has written the dataset record. */
function cancelledOnceDatasetWritten() {
  const inWorker: ReturnType<typeof worker> = worker({
    onOpen: (store) =>
      store.onChange((change) => {
        if (change.type === 'entities' && change.kinds.includes('datasets')) {
          inWorker.service.cancel(inWorker.jobId());
        }
      }),
  });
  return inWorker;
}

/** The page's datasets, importing folders through `importer`. */
const folderDatasets = (store: WorkspaceStore, importer: FolderImporter) =>
  new Datasets(store, undefined, undefined, importer);

const pets = () =>
  [
    ['cat/a.png', png(2, 2, 10)],
    ['dog/b.png', png(2, 3, 20)],
    ['dog/c.png', png(2, 3, 20)],
    ['readme.pdf', '%PDF-1.4'],
  ].map(([path, bytes]) => ({
    path: path as string,
    file: new Blob([bytes as Uint8Array<ArrayBuffer> | string]),
  }));

const bytes = (text: string) => new TextEncoder().encode(text);

/** What a stored version says of its table, whoever wrote it: everything but ids and times. */
const comparable = ({ version }: { version: DatasetVersionRecord }) => ({
  schema: version.schema,
  columns: version.columns,
  contentHash: version.contentHash,
  rows: version.rows,
  bytes: version.bytes,
  transform: version.transform,
  profile: version.profile,
  parentId: version.parentId,
  version: version.version,
  blobRefs: version.blobRefs,
});

const summaries = async (store: WorkspaceStore, workspaceId: string) =>
  (await store.audit(workspaceId)).map((event) => [event.entityKind, event.summary]);

const NOTHING_STORED = { datasets: 0, versions: 0, blobs: 0 };

async function contents(store: WorkspaceStore, workspaceId: string) {
  const counts = await store.countByKind(workspaceId);
  const blobs = await store.database.count('blobs');
  return { datasets: counts.datasets, versions: counts.datasetVersions, blobs };
}

describe('the data service stores an import itself', () => {
  it('writes the same dataset, version, hashes and audit events the page would', async () => {
    const here = await page();
    const inWorker = worker();
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
      options: { delimiter: ',' },
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(inWorker.stores).toHaveLength(1);
    expect(result.dataset.id).toMatch(/^worker-/);
    expect(inWorker.progress.at(-1)).toEqual({ phase: 'store', bytes: 3 * 8 + 3 * 4 + 3 * 8 });

    // The same import stored by the page, from an importer that does not store.
    const there = await page();
    const inPage = worker();
    const onPage: DataImporter = (job) => inPage.importer({ ...job, save: undefined });
    const reference = await new Datasets(there.store, onPage).importFile(there.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
      options: { delimiter: ',' },
    });
    if (!reference.ok) throw new Error(reference.error.message);
    expect(inPage.stores).toHaveLength(0);

    expect(comparable(result)).toEqual(comparable(reference));
    expect(result.version.transform).toEqual({
      kind: 'import',
      fileName: 'plants.csv',
      format: 'csv',
      options: { delimiter: ',', detectedDelimiter: ',', detectedEncoding: 'utf-8' },
    });
    expect(await summaries(here.store, here.workspaceId)).toEqual(
      await summaries(there.store, there.workspaceId),
    );
    expect((await here.store.audit(here.workspaceId))[0]?.summary).toBe(
      'Imported plants.csv as version 1 of “plants”',
    );

    // Read back through the page's own connection: the table it was handed is the stored one.
    const [listed] = await listDatasets(here.store, here.workspaceId);
    expect(listed?.dataset.id).toBe(result.dataset.id);
    expect(listed?.latest?.id).toBe(result.version.id);
    const stored = await loadTable(here.store, result.version.id);
    expect(stored.columns).toEqual(result.table.columns);
    expect(result.table.row(2)).toEqual({ height: null, species: 'setosa', when: null });
  });

  it('has the blob maker make the blobs of large columns, and writes them', async () => {
    // 131,073 rows: 1 MB and 8 bytes of float64s, stored as a Blob value; the codes are smaller.
    const rows = 131_073;
    let text = 'x,c\n';
    for (let i = 0; i < rows; i++) text += `${(i % 997) / 8},${i % 3 ? 'a' : 'b'}\n`;
    const made: [number, string][] = [];
    const maker: BlobMaker = {
      make: async (data, type) => {
        made.push([data.byteLength, type]);
        return new Blob([data.slice()], { type });
      },
      close: () => undefined,
    };
    const here = await page();
    let started = 0;
    const inWorker = worker({ blobMaker: () => (started++, maker) });
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(text),
      fileName: 'large.csv',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(made).toEqual([[8 * rows, 'application/x-bunsen-float64']]);
    const stored = await loadTable(here.store, result.version.id);
    expect(stored.columns).toEqual(result.table.columns);

    // The same as without one; the maker is started once and kept.
    const there = await page();
    const plain = await new Datasets(there.store, worker().importer).importFile(there.workspaceId, {
      bytes: bytes(text),
      fileName: 'large.csv',
    });
    if (!plain.ok) throw new Error(plain.error.message);
    expect(comparable(result)).toEqual(comparable(plain));
    await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(text),
      fileName: 'again.csv',
    });
    expect(started).toBe(1);
    expect(made).toHaveLength(2);
  });

  it('tells other views through the store channel, and closes its connection', async () => {
    const here = await page();
    const inWorker = worker();
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
    });
    expect(result.ok).toBe(true);
    expect(inWorker.changes).toEqual([
      { type: 'entities', workspaceId: here.workspaceId, kinds: ['datasets'] },
      { type: 'entities', workspaceId: here.workspaceId, kinds: ['datasetVersions'] },
    ]);
    const [connection] = inWorker.stores;
    await expect(connection?.database.count('blobs')).rejects.toThrow();
  });

  it('stores nothing and opens no connection when the file does not parse', async () => {
    const here = await page();
    const inWorker = worker();
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes('a,b\n1,2\n3,"4\n5,6\n'),
      fileName: 'broken.csv',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed-quotes', line: 3 } });
    expect(inWorker.stores).toHaveLength(0);
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });

  it('stores nothing when cancelled just before the write', async () => {
    const here = await page();
    const inWorker = worker({ onOpen: () => inWorker.service.cancel(inWorker.jobId()) });
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(inWorker.progress.some((progress) => progress.phase === 'store')).toBe(false);
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });

  it('removes what it wrote when the cancel arrives during the write', async () => {
    const here = await page();
    // The dataset record is written first; cancel as soon as it is.
    const inWorker = cancelledOnceDatasetWritten();
    const result = await new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(inWorker.changes.map((change) => change.type === 'entities' && change.kinds)).toEqual([
      ['datasets'],
      ['datasetVersions'],
      ['datasetVersions'],
      ['datasets'],
    ]);
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });

  it('reports a storage failure as the StoreError the page would have thrown', async () => {
    const here = await page();
    const inWorker = worker();
    const outcome = await inWorker.service.importFile(
      'job-gone',
      {
        bytes: bytes(CSV),
        fileName: 'plants.csv',
        options: {},
        save: { dbName: here.dbName, workspaceId: 'no-such-workspace', name: 'plants' },
      },
      () => undefined,
    );
    expect(outcome).toEqual({
      ok: false,
      storeFailure: {
        kind: 'not-found',
        message: 'There is no workspace with id no-such-workspace.',
      },
    });
    const failed = new Datasets(here.store, inWorker.importer).importFile('no-such-workspace', {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
    });
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toMatchObject({ kind: 'not-found' });
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });

  it('refuses an empty dataset name before reading the file', async () => {
    const here = await page();
    const inWorker = worker();
    const failed = new Datasets(here.store, inWorker.importer).importFile(here.workspaceId, {
      bytes: bytes(CSV),
      fileName: 'plants.csv',
      name: '   ',
    });
    await expect(failed).rejects.toMatchObject({ kind: 'invalid', where: 'name' });
    expect(inWorker.progress).toEqual([]);
  });
});

describe('the data service stores a folder import itself', () => {
  it('writes the same dataset, version, images and audit events the page would', async () => {
    const here = await page();
    const inWorker = worker();
    const result = await folderDatasets(here.store, inWorker.folderImporter).importFolder(
      here.workspaceId,
      { folderName: 'pets', files: pets() },
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(inWorker.stores).toHaveLength(1);
    expect(result.dataset.id).toMatch(/^worker-/);
    expect(inWorker.folderProgress.at(-1)).toMatchObject({ phase: 'store' });

    const there = await page();
    const inPage = worker();
    const onPage: FolderImporter = (job) => inPage.folderImporter({ ...job, save: undefined });
    const reference = await folderDatasets(there.store, onPage).importFolder(there.workspaceId, {
      folderName: 'pets',
      files: pets(),
    });
    if (!reference.ok) throw new Error(reference.error.message);
    expect(inPage.stores).toHaveLength(0);
    expect(comparable(result)).toEqual(comparable(reference));
    expect(result.version.transform).toEqual({
      kind: 'import',
      fileName: 'pets',
      format: 'folder',
      options: { kind: 'images', files: 4, skipped: 1 },
    });
    expect(await summaries(here.store, here.workspaceId)).toEqual(
      await summaries(there.store, there.workspaceId),
    );
    // Two distinct images and the columns, read back through the page's own connection.
    const stored = await loadTable(here.store, result.version.id);
    expect(stored.rowCount).toBe(3);
    expect(await contents(here.store, here.workspaceId)).toEqual(
      await contents(there.store, there.workspaceId),
    );
  });

  it('removes what it wrote when the cancel arrives during the write', async () => {
    const here = await page();
    // The dataset record is written first; cancel as soon as it is.
    const inWorker = cancelledOnceDatasetWritten();
    const result = await folderDatasets(here.store, inWorker.folderImporter).importFolder(
      here.workspaceId,
      { folderName: 'pets', files: pets() },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });

  it('reports a storage failure as the StoreError the page would have thrown', async () => {
    const here = await page();
    const inWorker = worker();
    const failed = folderDatasets(here.store, inWorker.folderImporter).importFolder(
      'no-such-workspace',
      { folderName: 'pets', files: pets() },
    );
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toMatchObject({ kind: 'not-found' });
    expect(await contents(here.store, here.workspaceId)).toEqual(NOTHING_STORED);
  });
});
