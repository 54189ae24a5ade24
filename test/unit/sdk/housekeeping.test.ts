import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { openLab } from './helpers';
import { sha256 } from '../../../src/store/hash';

describe('housekeeping', () => {
  it('deletes runs with their metrics, logs and artifacts and reports the space freed', async () => {
    const { lab, workspace, store } = await openLab();
    const shared = new Uint8Array(3000).fill(7);
    const own = new Uint8Array(5000).fill(1);
    const keep = await lab.runs.start(workspace.id, { name: 'keep' });
    await keep.logArtifact('shared.bin', shared);
    await keep.finish();
    const drop = await lab.runs.start(workspace.id, {
      name: 'drop',
      snapshot: { kind: 'code', content: 'print(1)' },
    });
    for (let step = 0; step < 2500; step++) drop.logMetric('loss', 1 / (step + 1), step);
    drop.log('hello');
    await drop.logArtifact('shared.bin', shared);
    await drop.logArtifact('own.bin', own);
    await drop.finish();
    const running = await lab.runs.start(workspace.id, { name: 'busy' });

    const report = await lab.runs.delete([drop.id, running.id, 'missing']);
    expect(report.deleted).toHaveLength(1);
    expect(report.deleted[0]).toMatchObject({
      name: 'drop',
      metricPoints: 2500,
      logLines: 1,
      artifacts: 2,
    });
    // Only the blobs no other record uses are freed: the run's own artifact and its snapshot.
    expect(report.blobBytes).toBe(own.byteLength + 'print(1)'.length);
    expect(report.recordBytes).toBeGreaterThan(2500 * 8);
    expect(report.bytes).toBe(report.blobBytes + report.recordBytes);
    expect(report.skipped).toEqual([
      { runId: running.id, reason: 'Run “busy” is still running; end it first.' },
      { runId: 'missing', reason: 'There is no run with id missing.' },
    ]);
    expect(await store.listChildren('metrics', drop.id)).toEqual([]);
    expect(await store.listChildren('logs', drop.id)).toEqual([]);
    expect(await store.getBlob(await sha256(own))).toBeUndefined();
    expect((await store.getBlob(await sha256(shared)))?.refs).toBe(1);
    const [event] = await lab.audit(workspace.id, { limit: 1 });
    expect(event?.summary).toMatch(
      /^Deleted run “drop” with 2,500 metric points, 1 log line and 2 artifacts; freed about \d+\.\d kB$/,
    );
    await running.finish();
    lab.close();
  });

  it('collects blobs no record lists and corrects drifted reference counts', async () => {
    const { lab, workspace, store } = await openLab();
    const kept = await store.create(
      'datasets',
      workspace.id,
      { name: 'kept' },
      { blobs: [{ data: new Uint8Array([1, 2]) }] },
    );
    const db = store.database;
    const orphan = {
      hash: 'a'.repeat(64),
      size: 4096,
      type: 'application/octet-stream',
      data: new ArrayBuffer(4096),
      refs: 1,
    };
    await db.put('blobs', orphan);
    const hash = kept.blobRefs?.[0] as string;
    await db.put('blobRefs', { hash, refs: 5, size: 2 });

    const result = await lab.garbageCollect(workspace.id);
    expect(result).toEqual({ removed: 1, bytes: 4096, repaired: 1, kept: 1 });
    expect(await store.getBlob(orphan.hash)).toBeUndefined();
    expect((await store.getBlob(hash))?.refs).toBe(1);
    expect((await lab.audit(workspace.id, { limit: 1 }))[0]?.summary).toBe(
      'Removed 1 unused blob (4.0 kB), corrected 1 reference counts',
    );
    expect(await lab.garbageCollect()).toEqual({ removed: 0, bytes: 0, repaired: 0, kept: 1 });
    lab.close();
  });
});

describe('lab exports', () => {
  it('records exports in the trail after making them', async () => {
    const { lab, workspace } = await openLab();
    const before = (await lab.audit(workspace.id)).length;
    const backup = await lab.exportWorkspace(workspace.id);
    const manifest = JSON.parse(strFromU8(unzipSync(backup)['manifest.json'] as Uint8Array)) as {
      audit: unknown[];
    };
    expect(manifest.audit).toHaveLength(before);
    const jsonl = await lab.exportAuditJsonl(workspace.id);
    expect(jsonl.trimEnd().split('\n')).toHaveLength(before + 1);
    const [latest, previous] = await lab.audit(workspace.id, { limit: 2 });
    expect(previous).toMatchObject({
      action: 'export',
      summary: 'Exported the workspace as a backup file',
    });
    expect(latest).toMatchObject({
      action: 'export',
      summary: `Exported the activity trail (${before + 1} events) as JSON Lines`,
    });
    expect(await lab.verifyAudit(workspace.id)).toMatchObject({ ok: true, checked: before + 2 });
    lab.close();
  });
});
