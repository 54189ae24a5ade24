import { WorkspaceStore, type StoreOptions } from '../store/workspace-store';
import { requestPersistence, storageStatus } from '../store/storage';
import type { ImportOptions } from '../store/backup';
import { exportAuditJsonl, verifyAuditChain } from '../store/audit';
import { garbageCollectBlobs } from '../store/housekeeping';
import type { Workspace } from '../store/schema';
import type { LineageDirection, LineageKind } from '../core/tracking/lineage';
import { Datasets } from './datasets';
import { workspaceLineage } from './lineage';
import { Models } from './registry';
import { Experiments, Runs, type TrackingOptions } from './tracking';

/** Backups pull in zip and schema validation code: loaded on first use, not on first paint. */
const backup = () => import('../store/backup');

export const DEFAULT_WORKSPACE_NAME = 'My workspace';

/**
 * The lab as code: what the UI does, a notebook cell or a script can do through this object.
 * It owns the workspace store; compute lives in `src/compute` and is reached lazily so that
 * opening the lab never loads a machine-learning runtime.
 */
export class Lab {
  readonly datasets: Datasets;
  readonly experiments: Experiments;
  readonly runs: Runs;
  readonly models: Models;

  private constructor(
    readonly store: WorkspaceStore,
    tracking: TrackingOptions = {},
  ) {
    this.datasets = new Datasets(store);
    this.experiments = new Experiments(store);
    this.runs = new Runs(store, tracking);
    this.models = new Models(store);
  }

  static async open(options: StoreOptions & { tracking?: TrackingOptions } = {}): Promise<Lab> {
    const { tracking, ...storeOptions } = options;
    return new Lab(await WorkspaceStore.open(storeOptions), tracking);
  }

  workspaces(): Promise<Workspace[]> {
    return this.store.listWorkspaces();
  }

  /** The workspace to show first: the one asked for if it still exists, else the first, else a new one. */
  async initialWorkspace(preferredId?: string | null): Promise<Workspace> {
    if (preferredId) {
      const preferred = await this.store.getWorkspace(preferredId);
      if (preferred) return preferred;
    }
    return this.store.ensureWorkspace(DEFAULT_WORKSPACE_NAME);
  }

  createWorkspace(name: string, description = '') {
    return this.store.createWorkspace({ name, description });
  }

  renameWorkspace(id: string, name: string) {
    return this.store.updateWorkspace(id, { name });
  }

  describeWorkspace(id: string, description: string) {
    return this.store.updateWorkspace(id, { description });
  }

  deleteWorkspace(id: string) {
    return this.store.deleteWorkspace(id);
  }

  audit(workspaceId: string, options?: { limit?: number; beforeSeq?: number }) {
    return this.store.audit(workspaceId, options);
  }

  /** The events about one record (a run, a model version …), newest first. */
  auditOf(entityId: string, options?: { limit?: number }) {
    return this.store.auditOf(entityId, options);
  }

  /** Checks the audit trail's hash chain: `{ ok, checked, firstBadSeq?, reason? }`. */
  verifyAudit(workspaceId: string) {
    return verifyAuditChain(this.store, workspaceId);
  }

  /** The audit trail as JSON Lines (oldest first); the export itself is recorded afterwards. */
  async exportAuditJsonl(workspaceId: string): Promise<string> {
    const text = await exportAuditJsonl(this.store, workspaceId);
    const count = text ? text.split('\n').length - 1 : 0;
    await this.store.recordEvent(workspaceId, {
      action: 'export',
      entityKind: 'workspaces',
      entityId: workspaceId,
      summary: `Exported the activity trail (${count} ${count === 1 ? 'event' : 'events'}) as JSON Lines`,
    });
    return text;
  }

  /** The lineage graph around a dataset version, run, model version or deployment. */
  lineage(
    workspaceId: string,
    start: { kind: LineageKind; id: string },
    direction: LineageDirection = 'both',
  ) {
    return workspaceLineage(this.store, workspaceId, start, direction);
  }

  /** Marks runs left queued or running by a closed or crashed page as interrupted; call on start. */
  recoverInterruptedRuns(workspaceId?: string) {
    return this.runs.recoverInterrupted(workspaceId);
  }

  /** Removes blobs no record uses; the sweep is recorded in the given workspace's trail. */
  garbageCollect(workspaceId?: string) {
    return garbageCollectBlobs(this.store, { workspaceId });
  }

  /** The backup file; the export is recorded after it is made, so it is not part of it. */
  async exportWorkspace(id: string): Promise<Uint8Array> {
    const bytes = await (await backup()).exportWorkspace(this.store, id);
    await this.store.recordEvent(id, {
      action: 'export',
      entityKind: 'workspaces',
      entityId: id,
      summary: 'Exported the workspace as a backup file',
    });
    return bytes;
  }

  async importWorkspace(bytes: Uint8Array, options: ImportOptions = {}) {
    return (await backup()).importWorkspace(this.store, bytes, options);
  }

  storage() {
    return storageStatus();
  }

  requestPersistentStorage() {
    return requestPersistence();
  }

  close() {
    this.store.close();
  }
}
