import { describe, expect, it } from 'vitest';
import { uniqueDbName, loadFixture, openStore } from './helpers';
import { MIGRATIONS, SCHEMA_VERSION, migrateSnapshot } from '../../../src/store/migrations';
import type { AuditEvent, Workspace } from '../../../src/store/schema';

const V1 = 'test/fixtures/store/v1.json';

describe('migrations', () => {
  it('are numbered 1, 2, 3 … with a description each', () => {
    MIGRATIONS.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1);
      expect(migration.description.length).toBeGreaterThan(10);
    });
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('v2 numbers audit events per workspace in time order and structures the actor', () => {
    const snapshot = {
      audit: [
        {
          id: 'b',
          workspaceId: 'w',
          at: 20,
          actor: 'Ada',
          action: 'create',
          entity: { kind: 'runs', id: 'r' },
        },
        {
          id: 'a',
          workspaceId: 'w',
          at: 10,
          actor: 'Ada',
          action: 'create',
          entity: { kind: 'workspaces', id: 'w' },
        },
      ],
      workspaces: [{ id: 'w', name: 'W', createdAt: 1, updatedAt: 1 }],
    };
    const input = structuredClone(snapshot);
    const result = migrateSnapshot(snapshot, 1, 2);
    expect(snapshot).toEqual(input);
    expect(result.audit).toEqual([
      {
        id: 'a',
        workspaceId: 'w',
        seq: 1,
        at: 10,
        actor: { id: 'legacy:Ada', name: 'Ada' },
        action: 'create',
        entityKind: 'workspaces',
        entityId: 'w',
        summary: 'create workspaces',
      },
      expect.objectContaining({ id: 'b', seq: 2, entityKind: 'runs', entityId: 'r' }),
    ]);
    expect(result.workspaces).toEqual([
      { id: 'w', name: 'W', description: '', createdAt: 1, updatedAt: 1, auditSeq: 2 },
    ]);
  });

  it('leave a snapshot at the newest version unchanged', () => {
    const snapshot = { audit: [{ id: 'x' }] };
    expect(migrateSnapshot(snapshot, SCHEMA_VERSION)).toEqual(snapshot);
  });

  it('upgrade a v1 database to the current schema without losing anything', async () => {
    const dbName = uniqueDbName();
    await loadFixture(V1, dbName);
    const { store } = await openStore(dbName);

    expect(store.actor).toEqual({ id: 'device-1', name: 'Ada' });
    const workspaces = await store.listWorkspaces();
    expect(workspaces.map((w: Workspace) => [w.id, w.name, w.auditSeq, w.description])).toEqual([
      ['ws-1', 'Iris class', 3, ''],
      ['ws-2', 'Scratch', 1, ''],
    ]);
    const trail = await store.audit('ws-1');
    expect(trail.map((event: AuditEvent) => [event.seq, event.id, event.entityKind])).toEqual([
      [3, 'a-3', 'datasetVersions'],
      [2, 'a-2', 'datasets'],
      [1, 'a-1', 'workspaces'],
    ]);
    expect(trail[2]?.summary).toBe('Created workspace “Iris class”');

    const version = await store.get('datasetVersions', 'dv-1');
    expect(version?.rows).toBe(2);
    const blob = await store.getBlob(version?.blobRefs?.[0] ?? '');
    expect(new TextDecoder().decode(blob?.data)).toContain('setosa');

    expect(await store.list('models', 'ws-1')).toEqual([]);
    const model = await store.create('models', 'ws-1', { name: 'iris-classifier' });
    expect((await store.audit('ws-1', { limit: 1 }))[0]).toMatchObject({
      seq: 4,
      entityId: model.id,
      action: 'create',
    });
    store.close();
  });
});
