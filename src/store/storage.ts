export interface StorageStatus {
  /** Bytes this origin uses, as the browser estimates it. */
  usage: number | null;
  /** Bytes this origin may use. */
  quota: number | null;
  /** Whether the browser promised not to evict this origin's data under storage pressure. */
  persisted: boolean | null;
}

interface StorageManagerLike {
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

const storageManager = (): StorageManagerLike | undefined =>
  (globalThis.navigator as { storage?: StorageManagerLike } | undefined)?.storage;

export async function storageStatus(manager = storageManager()): Promise<StorageStatus> {
  const estimate = await manager?.estimate?.().catch(() => undefined);
  const persisted = await manager?.persisted?.().catch(() => null);
  return {
    usage: estimate?.usage ?? null,
    quota: estimate?.quota ?? null,
    persisted: persisted ?? null,
  };
}

/** Asks the browser to keep this origin's data; returns whether it agreed. */
export async function requestPersistence(manager = storageManager()): Promise<boolean> {
  if (!manager?.persist) return false;
  if (await manager.persisted?.()) return true;
  return manager.persist().catch(() => false);
}
