import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from './helpers';
import { profileTable } from '../../../src/core/data';
import { Table, numberColumn, stringColumn } from '../../../src/core/table';
import {
  createDataset,
  deleteDataset,
  describeDataset,
  encodeTable,
  listDatasets,
  loadTable,
  renameDataset,
  type NewDataset,
} from '../../../src/store/datasets';
import type { WorkspaceStore } from '../../../src/store/workspace-store';
import { createDataService } from '../../../src/compute/data-service';
import { Datasets } from '../../../src/sdk/datasets';

const mixedTable = () =>
  new Table([
    numberColumn('price', [1.5, NaN, -3, 1e300, 0]),
    numberColumn('count', [1, 2, null, 4, 5], 'integer'),
    numberColumn('flag', [1, 0, 1, null, 0], 'boolean'),
    stringColumn('city', ['Oslo', null, 'Lima', 'Oslo', '__proto__']),
    stringColumn('note', ['a “quote”', 'ü', null, '', '<b>x</b>'], 'text'),
  ]);

const newDataset = (table = mixedTable()): NewDataset => ({
  name: 'Cities',
  tags: ['demo', ' demo ', ''],
  table,
  transform: { kind: 'import', fileName: 'cities.csv', format: 'csv', options: { delimiter: ',' } },
  profile: profileTable(table),
});

let opened: WorkspaceStore | undefined;
afterEach(() => opened?.close());

async function setup() {
  const { store } = await openStore();
  opened = store;
  const workspace = await store.createWorkspace({ name: 'Lab' });
  return { store, workspaceId: workspace.id };
}

async function blobCount(store: WorkspaceStore) {
  return store.database.count('blobs');
}

describe('dataset versions in the store', () => {
  it('round-trips a mixed table exactly, NaN and missing codes included', async () => {
    const { store, workspaceId } = await setup();
    const table = mixedTable();
    const { dataset, version } = await createDataset(store, workspaceId, newDataset(table));
    expect(dataset.tags).toEqual(['demo']);
    expect(version).toMatchObject({ datasetId: dataset.id, version: 1, parentId: null, rows: 5 });
    expect(version.schema.map((field) => field.type)).toEqual([
      'numeric',
      'integer',
      'boolean',
      'categorical',
      'text',
    ]);
    const loaded = await loadTable(store, version.id);
    expect(loaded.names).toEqual(table.names);
    for (const [index, column] of table.columns.entries()) {
      expect(loaded.columns[index]).toEqual(column);
    }
    expect(Number.isNaN((loaded.column('price') as { values: Float64Array }).values[1])).toBe(true);
    expect((loaded.column('city') as { codes: Int32Array }).codes[1]).toBe(-1);
    const profile = version.profile as { rows: number; columns: { name: string; std: unknown }[] };
    expect(profile.rows).toBe(5);
    expect(profile.columns[0]).toMatchObject({ name: 'price', std: null });
  });

  it('names equal content with the same hash, and different content with another', async () => {
    const first = await encodeTable(mixedTable());
    const second = await encodeTable(mixedTable());
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.contentHash).toBe(first.contentHash);
    const changed = mixedTable().withColumn(numberColumn('price', [1.5, NaN, -3, 1e300, 1]));
    expect((await encodeTable(changed)).contentHash).not.toBe(first.contentHash);
    const retyped = new Table([numberColumn('price', [1, 2], 'integer')]);
    const numeric = new Table([numberColumn('price', [1, 2], 'numeric')]);
    expect((await encodeTable(retyped)).contentHash).not.toBe(
      (await encodeTable(numeric)).contentHash,
    );
  });

  it('lists, renames and deletes datasets, releasing their blobs', async () => {
    const { store, workspaceId } = await setup();
    const { dataset } = await createDataset(store, workspaceId, newDataset());
    const [summary] = await listDatasets(store, workspaceId);
    expect(summary).toMatchObject({ versions: 1, latest: { rows: 5 } });
    await renameDataset(store, dataset.id, '  Towns ');
    expect((await listDatasets(store, workspaceId))[0]?.dataset.name).toBe('Towns');
    await expect(renameDataset(store, dataset.id, ' ')).rejects.toThrow(/empty/);
    expect(await blobCount(store)).toBeGreaterThan(0);
    await deleteDataset(store, dataset.id);
    expect(await listDatasets(store, workspaceId)).toEqual([]);
    expect(await blobCount(store)).toBe(0);
  });

  it('describes and tags a dataset, trimmed and without repeats, in the audit trail', async () => {
    const { store, workspaceId } = await setup();
    const { dataset } = await createDataset(store, workspaceId, newDataset());
    expect(dataset.tags).toEqual(['demo']);
    const described = await describeDataset(store, dataset.id, {
      description: '  Towns and their prices.\n',
      tags: [' geo', 'teaching ', 'geo', ''],
    });
    expect(described).toMatchObject({
      description: 'Towns and their prices.',
      tags: ['geo', 'teaching'],
    });
    // A patch that leaves a field out keeps it.
    await describeDataset(store, dataset.id, { tags: [] });
    const [summary] = await listDatasets(store, workspaceId);
    expect(summary?.dataset).toMatchObject({ description: 'Towns and their prices.', tags: [] });
    const [latest] = await store.audit(workspaceId);
    expect(latest?.summary).toBe('Edited the description and tags of “Cities”');
    await expect(describeDataset(store, 'nope', { description: 'x' })).rejects.toThrow(
      /no dataset/,
    );
  });

  it('leaves nothing behind when the version cannot be written', async () => {
    const { store, workspaceId } = await setup();
    const create = store.create.bind(store);
    vi.spyOn(store, 'create').mockImplementation(async (kind, ...rest) => {
      if (kind === 'datasetVersions') throw new Error('The disk is full.');
      return create(kind, ...rest);
    });
    await expect(createDataset(store, workspaceId, newDataset())).rejects.toThrow(/disk is full/);
    expect(await store.list('datasets', workspaceId)).toEqual([]);
    expect(await store.list('datasetVersions', workspaceId)).toEqual([]);
    expect(await blobCount(store)).toBe(0);
  });

  it('refuses a version whose transform is not plain JSON, and keeps nothing', async () => {
    const { store, workspaceId } = await setup();
    const input = newDataset();
    const broken = { ...input, transform: { ...input.transform, options: { limit: Infinity } } };
    await expect(createDataset(store, workspaceId, broken)).rejects.toThrow(/plain JSON/);
    expect(await store.list('datasets', workspaceId)).toEqual([]);
    expect(await blobCount(store)).toBe(0);
  });
});

describe('importing a file through the data service', () => {
  const service = createDataService();
  const datasets = (store: WorkspaceStore) =>
    new Datasets(store, (job) =>
      service.importFile(
        'job-1',
        { bytes: job.bytes, fileName: job.fileName, options: job.options ?? {} },
        (event) => {
          if (event.type === 'progress') job.onProgress?.(event.progress);
        },
      ),
    );

  it('parses, profiles and stores a CSV as version 1, reporting progress', async () => {
    const { store, workspaceId } = await setup();
    const csv = 'x,label\n1,a\n2,b\n,a\n4,c\n';
    const phases = new Set<string>();
    const result = await datasets(store).importFile(workspaceId, {
      bytes: new TextEncoder().encode(csv),
      fileName: 'small.csv',
      onProgress: (progress) => phases.add(progress.phase),
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.dataset.name).toBe('small');
    expect(result.version.transform).toMatchObject({ kind: 'import', format: 'csv' });
    expect([...phases]).toEqual(['parse', 'profile']);
    const table = await loadTable(store, result.version.id);
    expect(table.rowCount).toBe(4);
    expect(table.row(2)).toEqual({ x: null, label: 'a' });
    const profile = datasets(store).profile(result.version);
    expect(profile.columns[0]?.mean).toBeCloseTo(7 / 3, 12);
  });

  it('reads the chosen missing-value tokens in CSV and in Parquet text, and records them', async () => {
    const { store, workspaceId } = await setup();
    const { tableToParquet } = await import('../../../src/core/data/export');
    const source = new Table([
      stringColumn('code', ['NA', 'FR', 'unknown', 'DE']),
      numberColumn('score', [1, 2, 3, 4]),
    ]);
    const csv = new TextEncoder().encode('code,score\nNA,1\nFR,2\nunknown,3\nDE,4\n');
    for (const [fileName, bytes] of [
      ['codes.csv', csv],
      ['codes.parquet', tableToParquet(source)],
    ] as const) {
      const result = await datasets(store).importFile(workspaceId, {
        bytes,
        fileName,
        options: { missing: ['unknown'] },
      });
      if (!result.ok) throw new Error(result.error.message);
      const table = await loadTable(store, result.version.id);
      expect(Array.from({ length: 4 }, (_, row) => table.row(row).code)).toEqual([
        'NA',
        'FR',
        null,
        'DE',
      ]);
      expect(result.version.transform.options).toMatchObject({ missing: ['unknown'] });
    }
  });

  it('returns the parse error with its line and stores nothing', async () => {
    const { store, workspaceId } = await setup();
    const result = await datasets(store).importFile(workspaceId, {
      bytes: new TextEncoder().encode('a,b\n1,2\n3,"4\n5,6\n'),
      fileName: 'broken.csv',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('malformed-quotes');
    expect(result.error.line).toBe(3);
    expect(await store.list('datasets', workspaceId)).toEqual([]);
    expect(await blobCount(store)).toBe(0);
  });

  it('stops a cancelled import between chunks and says so', async () => {
    const rows = Array.from({ length: 300_000 }, (_, index) => `${index},${index % 5}`);
    const bytes = new TextEncoder().encode(`a,b\n${rows.join('\n')}\n`);
    const total = bytes.byteLength;
    const seen: number[] = [];
    const outcome = await service.importFile(
      'job-cancel',
      { bytes, fileName: 'big.csv', options: {} },
      (event) => {
        if (event.type !== 'progress' || event.progress.phase !== 'parse') return;
        seen.push(event.progress.bytes);
        service.cancel('job-cancel');
      },
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(seen.length).toBe(1);
    expect(seen[0]).toBeLessThan(total);
  });
});
