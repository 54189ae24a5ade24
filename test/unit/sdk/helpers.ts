import { localChannel, uniqueDbName } from '../store/helpers';
import { Lab } from '../../../src/sdk/lab';
import {
  runLockName,
  type LockManagerLike,
  type Timers,
  type TrackingOptions,
} from '../../../src/sdk/tracking';
import type { WorkspaceStore } from '../../../src/store/workspace-store';

/** A clock that moves only when told to, and ids in creation order. */
export function manualClock(start = 1_800_000_000_000) {
  let time = start;
  let id = 0;
  return {
    now: () => time,
    advance: (ms: number) => (time += ms),
    newId: () => `id-${String(++id).padStart(5, '0')}`,
  };
}

/** Timers that fire only when the test says so. */
export function manualTimers(): Timers & { fire(): void; readonly pending: number } {
  const callbacks = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout(callback) {
      callbacks.set(++next, callback);
      return next;
    },
    clearTimeout(handle) {
      callbacks.delete(handle as number);
    },
    fire() {
      const due = [...callbacks.values()];
      callbacks.clear();
      due.forEach((callback) => callback());
    },
    get pending() {
      return callbacks.size;
    },
  };
}

/** Web Locks as another tab would see them: `held` can be changed to play a second tab. */
export function fakeLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async request(name, callback) {
      held.add(name);
      try {
        await callback();
      } finally {
        held.delete(name);
      }
    },
    async query() {
      return { held: [...held].map((name) => ({ name })) };
    },
  };
}

export { runLockName };

export async function openLab(tracking: TrackingOptions = {}) {
  const clock = manualClock();
  const lab = await Lab.open({
    dbName: uniqueDbName(),
    channel: localChannel(),
    now: clock.now,
    newId: clock.newId,
    tracking: { locks: null, ...tracking },
  });
  const workspace = await lab.createWorkspace('Course');
  return { lab, clock, workspace, store: lab.store };
}

/** A stored dataset version with a known content hash, as the data import leaves one. */
export async function datasetVersion(store: WorkspaceStore, workspaceId: string, name = 'iris') {
  const dataset = await store.create('datasets', workspaceId, { name, description: '', tags: [] });
  return store.create('datasetVersions', workspaceId, {
    datasetId: dataset.id,
    version: 1,
    parentId: null,
    rows: 150,
    contentHash: name
      .padEnd(64, '0')
      .slice(0, 64)
      .replace(/[^0-9a-f]/g, 'a'),
  });
}
