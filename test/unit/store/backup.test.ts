import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { openStore, loadFixture, uniqueDbName } from './helpers';
import { exportWorkspace, importWorkspace, readBackup } from '../../../src/store/backup';
import { StoreError } from '../../../src/store/errors';
import { SCHEMA_VERSION } from '../../../src/store/migrations';
import type { WorkspaceStore } from '../../../src/store/workspace-store';

const bytes = (text: string) => new TextEncoder().encode(text);

async function seed(store: WorkspaceStore) {
  const workspace = await store.createWorkspace({ name: 'Course', description: 'Week 1' });
  const dataset = await store.create('datasets', workspace.id, { name: 'iris', tags: ['flowers'] });
  await store.create(
    'datasetVersions',
    workspace.id,
    {
      datasetId: dataset.id,
      rows: 150,
      schema: { columns: [{ name: 'species', type: 'categorical' }] },
    },
    {
      blobs: [
        { data: bytes('col-a'), type: 'application/octet-stream' },
        { data: new Uint8Array([0, 1, 2, 255]) },
      ],
    },
  );
  const experiment = await store.create('experiments', workspace.id, { name: 'baseline' });
  const run = await store.create('runs', workspace.id, {
    experimentId: experiment.id,
    status: 'running',
    params: { lr: 0.1 },
  });
  await store.create('metrics', workspace.id, { runId: run.id, key: 'loss', step: 1, value: 0.5 });
  await store.update('runs', run.id, { status: 'finished' });
  await store.create('notebooks', workspace.id, { name: 'nb', cells: [{ source: 'print(1)' }] });
  return workspace;
}

function manifestOf(zip: Uint8Array) {
  const manifest = JSON.parse(strFromU8(unzipSync(zip)['manifest.json'] as Uint8Array)) as Record<
    string,
    unknown
  >;
  delete manifest.exportedAt;
  return manifest;
}

function rezip(
  zip: Uint8Array,
  change: (manifest: Record<string, unknown>, files: Record<string, Uint8Array>) => void,
) {
  const files = unzipSync(zip);
  const manifest = JSON.parse(strFromU8(files['manifest.json'] as Uint8Array)) as Record<
    string,
    unknown
  >;
  change(manifest, files);
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  return zipSync(files);
}

async function expectInvalid(
  promise: Promise<unknown>,
  where: RegExp | string,
  kind: StoreError['kind'] = 'invalid',
) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  expect((error as StoreError).where).toMatch(where);
  return error as StoreError;
}

describe('workspace backup', () => {
  it('round-trips a workspace exactly through export, wipe and import', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const original = await exportWorkspace(store, workspace.id);
    await store.deleteWorkspace(workspace.id);
    expect(await store.listWorkspaces()).toEqual([]);

    const restored = await importWorkspace(store, original, { fileName: 'course.bunsen.zip' });
    expect(restored.name).toBe('Course');
    const again = manifestOf(await exportWorkspace(store, workspace.id));
    const before = manifestOf(original);
    const importEvent = (again.audit as { action: string }[]).pop();
    expect(importEvent).toMatchObject({
      action: 'import',
      summary: 'Imported workspace “Course” from course.bunsen.zip',
    });
    (again.workspace as { auditSeq: number }).auditSeq -= 1;
    expect(again).toEqual(before);
    const version = (await store.list('datasetVersions', workspace.id))[0];
    const blob = await store.getBlob(version?.blobRefs?.[1] ?? '');
    expect([...new Uint8Array(blob?.data ?? new ArrayBuffer(0))]).toEqual([0, 1, 2, 255]);
    store.close();
  });

  it('exports the same workspace to the same bytes', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const a = manifestOf(await exportWorkspace(store, workspace.id));
    const b = manifestOf(await exportWorkspace(store, workspace.id));
    expect(a).toEqual(b);
    store.close();
  });

  it('refuses to import over an existing workspace unless asked to replace it', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const backup = await exportWorkspace(store, workspace.id);
    await store.create('datasets', workspace.id, { name: 'added later' });
    await expectInvalid(importWorkspace(store, backup), 'workspace.id', 'conflict');
    expect((await store.list('datasets', workspace.id)).length).toBe(2);
    await importWorkspace(store, backup, { mode: 'replace' });
    expect((await store.list('datasets', workspace.id)).map((d) => d.name)).toEqual(['iris']);
    expect((await store.audit(workspace.id, { limit: 1 }))[0]?.summary).toMatch(
      /replacing the copy/,
    );
    store.close();
  });

  it('says what and where a damaged backup is wrong, and stores nothing', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const good = await exportWorkspace(store, workspace.id);
    await store.deleteWorkspace(workspace.id);

    await expectInvalid(importWorkspace(store, bytes('name,age\n')), 'file');
    await expectInvalid(importWorkspace(store, good.slice(0, good.length / 2)), 'file');
    const error = await expectInvalid(
      importWorkspace(
        store,
        rezip(
          good,
          (m) =>
            ((m.records as Record<string, { createdAt: unknown }[]>).runs![0]!.createdAt =
              'yesterday'),
        ),
      ),
      'manifest.json.records.runs[0].createdAt',
    );
    expect(error.message).toMatch(
      /^This is not a valid Bunsen workspace backup: manifest\.json\.records\.runs\[0\]\.createdAt: /,
    );
    await expectInvalid(
      importWorkspace(
        store,
        rezip(good, (_m, files) => {
          const name = Object.keys(files).find((file) => file.startsWith('blobs/')) as string;
          files[name] = bytes('tampered');
        }),
      ),
      /manifest\.json\.blobs\[\d\]/,
    );
    await expectInvalid(
      importWorkspace(
        store,
        rezip(
          good,
          (m) =>
            ((m.records as Record<string, { workspaceId: string }[]>).datasets![0]!.workspaceId =
              'other'),
        ),
      ),
      'manifest.json.records.datasets[0].workspaceId',
    );
    await expectInvalid(
      importWorkspace(
        store,
        rezip(good, (m) => ((m.records as Record<string, unknown>).secrets = [])),
      ),
      'manifest.json.records.secrets',
    );
    await expectInvalid(
      importWorkspace(
        store,
        rezip(good, (m) => (m.schemaVersion = SCHEMA_VERSION + 1)),
      ),
      'manifest.json.schemaVersion',
      'newer-schema',
    );
    const withoutManifest = unzipSync(good);
    delete withoutManifest['manifest.json'];
    await expectInvalid(importWorkspace(store, zipSync(withoutManifest)), 'manifest.json');
    expect(await store.listWorkspaces()).toEqual([]);
    store.close();
  });

  it('migrates a backup written by an older schema', async () => {
    const dbName = uniqueDbName();
    const fixture = await loadFixture('test/fixtures/store/v1.json', dbName);
    const stores = fixture.stores as Record<string, Record<string, unknown>[]>;
    const files: Record<string, Uint8Array> = {};
    const blob = stores.blobs![0]!;
    files[`blobs/${String(blob.hash)}`] = new Uint8Array(
      Buffer.from(String(blob.base64), 'base64'),
    );
    const manifest = {
      format: 'bunsen-workspace',
      formatVersion: 1,
      schemaVersion: 1,
      exportedAt: 1,
      workspace: stores.workspaces![0],
      records: { datasets: stores.datasets, datasetVersions: stores.datasetVersions },
      audit: stores.audit!.filter((event) => event.workspaceId === 'ws-1'),
      blobs: [{ hash: blob.hash, size: blob.size, type: blob.type }],
    };
    files['manifest.json'] = strToU8(JSON.stringify(manifest));
    const backup = await readBackup(zipSync(files));
    expect(backup.workspace.auditSeq).toBe(3);
    expect(backup.audit.map((event) => event.seq)).toEqual([1, 2, 3]);

    const { store } = await openStore();
    const restored = await importWorkspace(store, zipSync(files));
    expect(restored.auditSeq).toBe(4);
    expect((await store.list('datasetVersions', 'ws-1'))[0]?.rows).toBe(2);
    store.close();
  });
});
