import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { openStore } from './helpers';
import { exportAuditJsonl, verifyAuditChain } from '../../../src/store/audit';
import { exportWorkspace, importWorkspace, readBackup } from '../../../src/store/backup';
import { StoreError } from '../../../src/store/errors';
import { GENESIS_HASH, verifyAuditEvents } from '../../../src/core/tracking/audit-chain';
import type { AuditEvent } from '../../../src/store/schema';
import type { WorkspaceStore } from '../../../src/store/workspace-store';

async function seed(store: WorkspaceStore) {
  const workspace = await store.createWorkspace({ name: 'Course' });
  const dataset = await store.create('datasets', workspace.id, { name: 'iris', tags: [] });
  await store.update('datasets', dataset.id, { name: 'iris (clean)', tags: ['flowers'] });
  const experiment = await store.create('experiments', workspace.id, { name: 'baseline' });
  await store.update('experiments', experiment.id, { description: 'x'.repeat(500) });
  await store.remove('datasets', dataset.id);
  return workspace;
}

async function trail(store: WorkspaceStore, workspaceId: string) {
  return (await store.audit(workspaceId)).reverse();
}

async function expectRefused(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('tamper-evident audit trail', () => {
  it('chains every event to the one before it and verifies', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const events = await trail(store, workspace.id);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    events.slice(1).forEach((event, i) => expect(event.prevHash).toBe(events[i]?.hash));
    expect(await verifyAuditChain(store, workspace.id)).toEqual({
      ok: true,
      checked: 6,
      head: events[5]?.hash,
    });
    store.close();
  });

  it('records what an update changed, before and after, shortening long values', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const [, , rename, , describe] = await trail(store, workspace.id);
    expect(rename?.changes).toEqual([
      { field: 'name', before: 'iris', after: 'iris (clean)' },
      { field: 'tags', before: [], after: ['flowers'] },
    ]);
    expect(describe?.changes?.[0]).toMatchObject({ field: 'description', before: null });
    expect(String(describe?.changes?.[0]?.after)).toMatch(/^"x{199}… \(502 characters\)$/);
    store.close();
  });

  it('detects a changed summary, a removed event and reordered events', async () => {
    for (const tamper of ['summary', 'remove', 'reorder', 'truncate'] as const) {
      const { store } = await openStore();
      const workspace = await seed(store);
      const events = await trail(store, workspace.id);
      const db = store.database;
      const third = events[2] as AuditEvent;
      const fourth = events[3] as AuditEvent;
      if (tamper === 'summary') {
        await db.put('audit', { ...third, summary: 'Renamed nothing' });
      } else if (tamper === 'remove') {
        await db.delete('audit', third.id);
      } else if (tamper === 'reorder') {
        await db.delete('audit', third.id);
        await db.delete('audit', fourth.id);
        await db.put('audit', { ...third, seq: 4 });
        await db.put('audit', { ...fourth, seq: 3 });
      } else {
        await db.delete('audit', (events[5] as AuditEvent).id);
      }
      const result = await verifyAuditChain(store, workspace.id);
      expect(result.ok, tamper).toBe(false);
      if (result.ok) continue;
      expect(result.firstBadSeq, tamper).toBe(tamper === 'truncate' ? 6 : 3);
      expect(result.checked).toBe(tamper === 'truncate' ? 5 : 2);
      expect(result.reason).toMatch(
        {
          summary: /Event 3 was changed after it was written/,
          remove: /Event 3 is missing/,
          reorder: /Event 3 does not link to event 2/,
          truncate: /Event 6 is missing: the workspace counts 6 events/,
        }[tamper],
      );
      store.close();
    }
  });

  it('exports JSON Lines that verify on their own, one event per line in seq order', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const text = await exportAuditJsonl(store, workspace.id);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const parsed = lines.map((line) => JSON.parse(line) as AuditEvent);
    expect(parsed.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyAuditEvents(parsed, 6).ok).toBe(true);
    expect(verifyAuditEvents(parsed.slice(0, 2).concat(parsed.slice(3)), 6).ok).toBe(false);
    expect((await expectRefused(exportAuditJsonl(store, 'nope'))).kind).toBe('not-found');
    store.close();
  });

  it('survives a backup round trip: the import event extends the restored chain', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const before = await trail(store, workspace.id);
    const backup = await exportWorkspace(store, workspace.id);
    await store.deleteWorkspace(workspace.id);
    await importWorkspace(store, backup);
    const after = await trail(store, workspace.id);
    expect(after.slice(0, 6)).toEqual(before);
    expect(after[6]).toMatchObject({ seq: 7, action: 'import', prevHash: before[5]?.hash });
    expect(await verifyAuditChain(store, workspace.id)).toMatchObject({ ok: true, checked: 7 });

    await importWorkspace(store, backup, { mode: 'replace' });
    expect(await verifyAuditChain(store, workspace.id)).toMatchObject({ ok: true, checked: 7 });
    store.close();
  });

  it('refuses a backup whose trail was tampered with, unless told to accept it', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const good = await exportWorkspace(store, workspace.id);
    await store.deleteWorkspace(workspace.id);
    const files = unzipSync(good);
    const manifest = JSON.parse(strFromU8(files['manifest.json'] as Uint8Array)) as {
      audit: AuditEvent[];
    };
    (manifest.audit[1] as AuditEvent).summary = 'Created nothing';
    files['manifest.json'] = strToU8(JSON.stringify(manifest));
    const tampered = zipSync(files);

    expect((await readBackup(tampered)).auditChain).toMatchObject({ ok: false, firstBadSeq: 2 });
    const error = await expectRefused(importWorkspace(store, tampered));
    expect(error.kind).toBe('invalid');
    expect(error.where).toBe('manifest.json.audit[1]');
    expect(error.message).toMatch(/audit trail fails verification at event 2: Event 2 was changed/);
    expect(await store.listWorkspaces()).toEqual([]);

    await importWorkspace(store, tampered, { acceptBrokenAuditTrail: true });
    const [last] = await store.audit(workspace.id, { limit: 1 });
    expect(last?.summary).toMatch(/its audit trail failed verification at event 2/);
    expect(await verifyAuditChain(store, workspace.id)).toMatchObject({
      ok: false,
      firstBadSeq: 2,
    });
    store.close();
  });

  it('refuses a backup with unknown fields on an event instead of dropping them', async () => {
    const { store } = await openStore();
    const workspace = await seed(store);
    const files = unzipSync(await exportWorkspace(store, workspace.id));
    const manifest = JSON.parse(strFromU8(files['manifest.json'] as Uint8Array)) as {
      audit: Record<string, unknown>[];
    };
    (manifest.audit[0] as Record<string, unknown>).approvedBy = 'Mallory';
    files['manifest.json'] = strToU8(JSON.stringify(manifest));
    const error = await expectRefused(readBackup(zipSync(files)));
    expect(error.where).toBe('manifest.json.audit[0]');
    store.close();
  });

  it('keeps one chain when writes race', async () => {
    const { store } = await openStore();
    const workspace = await store.createWorkspace({ name: 'Busy' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.create('notebooks', workspace.id, { name: `n${i}` }),
      ),
    );
    expect(await verifyAuditChain(store, workspace.id)).toMatchObject({ ok: true, checked: 21 });
    store.close();
  });
});
