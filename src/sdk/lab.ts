import { WorkspaceStore, type StoreOptions } from '../store/workspace-store';
import { requestPersistence, storageStatus } from '../store/storage';
import type { ImportMode } from '../store/backup';
import type { Workspace } from '../store/schema';
import { Datasets } from './datasets';

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

  private constructor(readonly store: WorkspaceStore) {
    this.datasets = new Datasets(store);
  }

  static async open(options: StoreOptions = {}): Promise<Lab> {
    return new Lab(await WorkspaceStore.open(options));
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

  async exportWorkspace(id: string): Promise<Uint8Array> {
    return (await backup()).exportWorkspace(this.store, id);
  }

  async importWorkspace(bytes: Uint8Array, options: { mode?: ImportMode; fileName?: string } = {}) {
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
