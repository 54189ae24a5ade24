import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './helpers';
import { profileTable } from '../../../src/core/data';
import {
  Table,
  numberColumn,
  stringColumn,
  valueAt,
  type NumberColumn,
} from '../../../src/core/table';
import {
  createDataset,
  createVersion,
  listVersions,
  loadTable,
  type PrepareTransform,
} from '../../../src/store/datasets';
import type { WorkspaceStore } from '../../../src/store/workspace-store';
import { Datasets, inProcessPreparer } from '../../../src/sdk/datasets';

const plants = () =>
  new Table([
    stringColumn('height', ['1.5', '2.5', 'NA', '4.5', '3', '2', '1', '5']),
    stringColumn('species', ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']),
    numberColumn('leaves', [3, 4, 5, 6, 7, 8, 9, 10], 'integer'),
  ]);

let opened: WorkspaceStore | undefined;
afterEach(() => opened?.close());

async function setup() {
  const { store } = await openStore();
  opened = store;
  const workspace = await store.createWorkspace({ name: 'Lab' });
  const table = plants();
  const { dataset, version } = await createDataset(store, workspace.id, {
    name: 'plants',
    table,
    transform: { kind: 'import', fileName: 'plants.csv', format: 'csv', options: {} },
    profile: profileTable(table),
  });
  const datasets = new Datasets(store, undefined, inProcessPreparer());
  return { store, workspaceId: workspace.id, dataset, version, datasets };
}

const transform = (description: string): PrepareTransform => ({
  kind: 'prepare',
  step: { kind: 'dedupe' },
  description,
  role: 'result',
  inputVersionIds: [],
  rowsBefore: 8,
});

describe('createVersion', () => {
  it('numbers versions after the highest, records parent and step, shares unchanged columns', async () => {
    const { store, workspaceId, dataset, version } = await setup();
    const blobsBefore = await store.database.count('blobs');
    const table = plants().drop(['leaves']);
    const second = await createVersion(store, workspaceId, {
      datasetId: dataset.id,
      parentId: version.id,
      table,
      transform: transform('Dropped “leaves”'),
      profile: profileTable(table),
    });
    expect(second).toMatchObject({ version: 2, parentId: version.id, rows: 8 });
    expect(second.transform).toMatchObject({ kind: 'prepare', description: 'Dropped “leaves”' });
    // Both remaining columns are byte-identical to version 1's: no new blobs.
    expect(await store.database.count('blobs')).toBe(blobsBefore);
    const third = await createVersion(store, workspaceId, {
      datasetId: dataset.id,
      parentId: version.id,
      table,
      transform: transform('again, from version 1'),
      profile: profileTable(table),
    });
    expect(third).toMatchObject({ version: 3, parentId: version.id });
    expect((await listVersions(store, dataset.id)).map((v) => v.version)).toEqual([1, 2, 3]);
    const [latest] = await store.audit(workspaceId, { limit: 1 });
    expect(latest?.summary).toBe('Version 3 of “plants” from version 1: again, from version 1');
  });

  it('refuses an unknown parent', async () => {
    const { store, workspaceId, dataset } = await setup();
    const table = plants();
    await expect(
      createVersion(store, workspaceId, {
        datasetId: dataset.id,
        parentId: 'nope',
        table,
        transform: transform('x'),
        profile: profileTable(table),
      }),
    ).rejects.toThrow(/no dataset version nope/);
  });
});

describe('Datasets.prepare', () => {
  it('a step stores its new column only: the columns it left are the same arrays and blobs', async () => {
    const { store, version } = await setup();
    // Across a copy, as to the data worker and back: the page's own arrays must come back.
    const service = (await import('../../../src/compute/data-service')).createDataService();
    const datasets = new Datasets(store, undefined, (job) =>
      service.prepare(
        'copied',
        structuredClone({ columns: [...job.columns], step: job.step, inputs: [] }),
        () => undefined,
      ),
    );
    const table = await loadTable(store, version.id);
    const blobsBefore = await store.database.count('blobs');
    const result = await datasets.prepare(
      version.id,
      { kind: 'derive', name: 'double', expression: 'leaves * 2' },
      { table },
    );
    if (!result.ok) throw new Error(result.error.message);
    const produced = result.outputs[0]!.table;
    for (const name of ['height', 'species', 'leaves']) {
      const before = table.column(name);
      const after = produced.column(name);
      expect('values' in after ? after.values : after.codes).toBe(
        'values' in before ? before.values : before.codes,
      );
    }
    // One blob more (the new column's values); each shared one counted twice.
    expect(await store.database.count('blobs')).toBe(blobsBefore + 1);
    const leaves = (version.columns as { name: string; blob: string }[]).find(
      (column) => column.name === 'leaves',
    )!;
    expect((await store.getBlob(leaves.blob))?.refs).toBe(2);
    // Its profile, with the kept columns' summaries taken over, is the one measured afresh.
    expect(result.outputs[0]!.version.profile).toEqual(
      JSON.parse(JSON.stringify(profileTable(produced))),
    );
    const stored = await loadTable(store, result.outputs[0]!.version.id);
    expect(Array.from((stored.column('double') as NumberColumn).values)).toEqual([
      6, 8, 10, 12, 14, 16, 18, 20,
    ]);
  });

  it('changes a type into a new profiled version; the table reads back', async () => {
    const { store, version, datasets } = await setup();
    const progress: string[] = [];
    const result = await datasets.prepare(
      version.id,
      {
        kind: 'change-type',
        changes: [{ column: 'height', type: 'numeric' }],
        missing: ['NA'],
      },
      { onProgress: (event) => progress.push(event.phase) },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [output] = result.outputs;
    expect(output?.version).toMatchObject({ version: 2, parentId: version.id });
    expect(output?.version.transform).toMatchObject({
      kind: 'prepare',
      role: 'result',
      description: 'Changed “height” to numeric; missing: NA',
      rowsBefore: 8,
    });
    expect(progress).toContain('prepare');
    expect(progress).toContain('profile');
    const stored = await loadTable(store, output!.version.id);
    expect(stored.column('height').type).toBe('numeric');
    expect(valueAt(stored.column('height'), 2)).toBeNull();
    const profile = output!.version.profile as { columns: { name: string; mean: number }[] };
    expect(profile.columns[0]?.mean).toBeCloseTo(19.5 / 7, 12);
  });

  it('stores nothing when a step fails, and says where', async () => {
    const { store, workspaceId, version, datasets } = await setup();
    const before = await store.countByKind(workspaceId);
    const result = await datasets.prepare(version.id, {
      kind: 'change-type',
      changes: [{ column: 'height', type: 'numeric' }],
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'conversion',
        message: 'Column “height”: “NA” (row 3) is not a number.',
        column: 'height',
        row: 2,
        value: 'NA',
      },
    });
    const expression = await datasets.prepare(version.id, {
      kind: 'derive',
      name: 'x',
      expression: 'leaves +',
    });
    expect(expression).toMatchObject({ ok: false, error: { code: 'expression', start: 8 } });
    expect(await store.countByKind(workspaceId)).toEqual(before);
  });

  it('splits into two named datasets whose lineage points at the source version', async () => {
    const { dataset, version, datasets, workspaceId } = await setup();
    const result = await datasets.prepare(version.id, {
      kind: 'split',
      method: 'stratified',
      testSize: 0.25,
      seed: 1,
      column: 'species',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(
      result.outputs.map((output) => [output.role, output.dataset.name, output.table.rowCount]),
    ).toEqual([
      ['train', 'plants · train', 6],
      ['test', 'plants · test', 2],
    ]);
    for (const output of result.outputs) {
      expect(output.version).toMatchObject({ version: 1, parentId: version.id });
      expect(output.dataset.tags).toEqual([output.role]);
    }
    const lineage = await datasets.lineage(dataset.id);
    expect(lineage.derived.map((entry) => entry.dataset.name)).toEqual([
      'plants · train',
      'plants · test',
    ]);
    const train = await datasets.lineage(result.outputs[0]!.dataset.id);
    expect(train.origin?.version.id).toBe(version.id);
    const again = await datasets.prepare(version.id, {
      kind: 'split',
      method: 'random',
      testSize: 2,
      seed: 1,
    });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.outputs.map((output) => output.dataset.name)).toEqual([
      'plants · train 2',
      'plants · test 2',
    ]);
    expect((await datasets.list(workspaceId)).length).toBe(5);
  });

  it('joins another stored version', async () => {
    const { store, workspaceId, version, datasets } = await setup();
    const names = new Table([
      stringColumn('species', ['a', 'b']),
      stringColumn('name', ['Aster', 'Begonia']),
    ]);
    const other = await createDataset(store, workspaceId, {
      name: 'names',
      table: names,
      transform: { kind: 'import', fileName: 'names.csv', format: 'csv', options: {} },
      profile: profileTable(names),
    });
    const result = await datasets.prepare(version.id, {
      kind: 'join',
      right: { versionId: other.version.id, label: '“names” v1' },
      leftOn: ['species'],
      rightOn: ['species'],
      how: 'inner',
    });
    if (!result.ok) throw new Error(result.error.message);
    const joined = result.outputs[0]!;
    expect(joined.table.names).toEqual(['height', 'species', 'leaves', 'name']);
    expect(valueAt(joined.table.column('name'), 1)).toBe('Begonia');
    expect(joined.version.transform).toMatchObject({ inputVersionIds: [other.version.id] });
  });
});
