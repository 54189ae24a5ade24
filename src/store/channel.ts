export type Change =
  | { type: 'workspaces' }
  | { type: 'entities'; workspaceId: string; kinds: string[] }
  /** New metric points or log lines of an active run: for live charts, not for reloading lists. */
  | { type: 'telemetry'; workspaceId: string; runId: string };

/** Tells other tabs (and this one) what changed, so every open view can refresh. */
export interface ChangeChannel {
  post(change: Change): void;
  subscribe(listener: (change: Change) => void): () => void;
  close(): void;
}

export function broadcastChannel(name: string): ChangeChannel {
  const listeners = new Set<(change: Change) => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined;
  const deliver = (change: Change) => listeners.forEach((listener) => listener(change));
  channel?.addEventListener('message', (event: MessageEvent<Change>) => deliver(event.data));
  return {
    post(change) {
      deliver(change);
      channel?.postMessage(change);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
    },
  };
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const localQueues = new Map<string, Promise<unknown>>();

function withLocalLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const previous = localQueues.get(name) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  localQueues.set(name, settled);
  void settled.then(() => {
    if (localQueues.get(name) === settled) localQueues.delete(name);
  });
  return next;
}

/**
 * Runs `work` while holding a Web Lock shared by every tab of this origin; where Web Locks are
 * missing (Node), the lock is held within this process only.
 */
export function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks ? locks.request(name, work) : withLocalLock(name, work);
}
