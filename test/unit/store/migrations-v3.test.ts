import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { loadFixture, localChannel, openFixtureLab, uniqueDbName } from './helpers';
import { Lab } from '../../../src/sdk/lab';
import { verifyAuditChain } from '../../../src/store/audit';
import { importWorkspace, readBackup } from '../../../src/store/backup';
import { GENESIS_HASH } from '../../../src/core/tracking/audit-chain';
import { migrateSnapshot } from '../../../src/store/migrations';

const V2 = 'test/fixtures/store/v2.json';

const openV2 = () => openFixtureLab(V2);

describe('migration to v3', () => {
  it('seals the existing audit trail into a hash chain that new events extend', async () => {
    const { lab, store } = await openV2();
    expect(await verifyAuditChain(store, 'ws-1')).toMatchObject({ ok: true, checked: 7 });
    const trail = (await store.audit('ws-1')).reverse();
    expect(trail.map((event) => event.id)).toEqual([
      'a-1',
      'a-2',
      'a-3',
      'a-4',
      'a-5',
      'a-6',
      'a-7',
    ]);
    expect(trail[0]).toMatchObject({
      summary: 'Created workspace “Iris class”',
      prevHash: GENESIS_HASH,
    });
    await lab.experiments.create('ws-1', { name: 'tuning' });
    const [latest] = await store.audit('ws-1', { limit: 1 });
    expect(latest).toMatchObject({ seq: 8, prevHash: trail[6]?.hash });
    expect(await verifyAuditChain(store, 'ws-1')).toMatchObject({ ok: true, checked: 8 });
    expect((await store.auditOf('run-1')).map((event) => event.id)).toEqual(['a-6', 'a-5']);
    lab.close();
  });

  it('reads old runs, point-per-record metrics and deployments through the new API', async () => {
    const { lab, store } = await openV2();
    const loss = await lab.runs.metricHistory('run-1', 'loss');
    expect([...loss.steps]).toEqual([1, 2]);
    expect([...loss.values]).toEqual([0.5, 0.3]);
    expect(await lab.runs.metricNames('run-1')).toEqual(['loss']);
    expect(
      (await lab.runs.list('ws-1', { filter: 'params.learner = "gbdt"' })).map((run) => run.id),
    ).toEqual(['run-1']);

    const [interrupted] = await lab.runs.recoverInterrupted();
    expect(interrupted).toMatchObject({ id: 'run-2', status: 'interrupted' });

    const error = await lab.models.deleteVersion('mv-1').catch((reason: Error) => reason);
    expect((error as Error).message).toMatch(/used by deployment “Class page” \(dep-1\)/);
    const lineage = await lab.lineage('ws-1', { kind: 'run', id: 'run-1' });
    expect(lineage.nodes.map((node) => node.label).sort()).toEqual([
      'Class page',
      'gbdt',
      'iris-classifier v1',
    ]);

    const next = await lab.models.register('ws-1', {
      name: 'iris-classifier',
      onnxBytes: new Uint8Array([1]),
    });
    expect(next.version.version).toBe(2);
    expect((await lab.verifyAudit('ws-1')).ok).toBe(true);
    store.close();
  });

  it('imports a backup written by schema v2, chaining its trail', async () => {
    const dbName = uniqueDbName();
    const fixture = await loadFixture(V2, dbName);
    const stores = fixture.stores as Record<string, Record<string, unknown>[]>;
    const files: Record<string, Uint8Array> = {};
    for (const blob of stores.blobs ?? []) {
      files[`blobs/${String(blob.hash)}`] = new Uint8Array(
        Buffer.from(String(blob.base64), 'base64'),
      );
    }
    const records: Record<string, unknown[]> = {};
    for (const kind of [
      'datasets',
      'datasetVersions',
      'experiments',
      'runs',
      'metrics',
      'models',
      'modelVersions',
      'deployments',
    ]) {
      records[kind] = stores[kind] ?? [];
    }
    const manifest = {
      format: 'bunsen-workspace',
      formatVersion: 1,
      schemaVersion: 2,
      exportedAt: 1,
      workspace: stores.workspaces?.[0],
      records,
      audit: stores.audit,
      blobs: (stores.blobs ?? []).map((blob) => ({
        hash: blob.hash,
        size: blob.size,
        type: blob.type,
      })),
    };
    files['manifest.json'] = strToU8(JSON.stringify(manifest));
    const zip = zipSync(files);
    const backup = await readBackup(zip);
    expect(backup.auditChain).toMatchObject({ ok: true, checked: 7 });

    const lab = await Lab.open({ dbName: uniqueDbName(), channel: localChannel() });
    const restored = await importWorkspace(lab.store, zip);
    expect(restored.auditSeq).toBe(8);
    expect(await verifyAuditChain(lab.store, 'ws-1')).toMatchObject({ ok: true, checked: 8 });
    lab.close();
  });

  it('is a pure function of the records', () => {
    const snapshot = {
      audit: [
        { id: 'b', workspaceId: 'w', seq: 2, summary: 'two' },
        { id: 'x', workspaceId: 'v', seq: 1, summary: 'other' },
        { id: 'a', workspaceId: 'w', seq: 1, summary: 'one' },
      ],
    };
    const input = structuredClone(snapshot);
    const once = migrateSnapshot(snapshot, 2);
    expect(snapshot).toEqual(input);
    expect(migrateSnapshot(structuredClone(snapshot), 2)).toEqual(once);
    const events = once.audit as { id: string; prevHash: string; hash: string }[];
    const byId = new Map(events.map((event) => [event.id, event]));
    expect(byId.get('a')?.prevHash).toBe(GENESIS_HASH);
    expect(byId.get('x')?.prevHash).toBe(GENESIS_HASH);
    expect(byId.get('b')?.prevHash).toBe(byId.get('a')?.hash);
  });
});
