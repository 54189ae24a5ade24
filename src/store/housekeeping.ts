import { ENTITY_KINDS, type EntityRecord } from './schema';
import { formatBytes } from './tracking';
import { countOf, setCount, type WorkspaceStore, type WriteTx } from './workspace-store';

export interface BlobCollection {
  /** Blobs no record of any workspace lists, now deleted. */
  removed: number;
  bytes: number;
  /** Blobs whose reference count disagreed with the records that list them, now corrected. */
  repaired: number;
  kept: number;
}

async function collect(tx: WriteTx): Promise<BlobCollection> {
  const counts = new Map<string, number>();
  for (const kind of ENTITY_KINDS) {
    let cursor = await tx.objectStore(kind).openCursor();
    while (cursor) {
      for (const hash of new Set((cursor.value as EntityRecord).blobRefs ?? [])) {
        counts.set(hash, (counts.get(hash) ?? 0) + 1);
      }
      cursor = await cursor.continue();
    }
  }
  const result: BlobCollection = { removed: 0, bytes: 0, repaired: 0, kept: 0 };
  const blobs = tx.objectStore('blobs');
  const refStore = tx.objectStore('blobRefs');
  const kept = new Set<string>();
  // Keys only: sizes and counts are in `blobRefs`, so no blob's bytes are read here (but for a
  // blob stored before that store, whose count is read from its record once).
  for (const hash of (await blobs.getAllKeys()) as string[]) {
    const refs = counts.get(hash) ?? 0;
    const stored = await countOf(tx, hash);
    const size = stored?.size ?? 0;
    if (refs === 0) {
      await blobs.delete(hash);
      await refStore.delete(hash);
      result.removed += 1;
      result.bytes += size;
    } else {
      kept.add(hash);
      result.kept += 1;
      if (stored?.refs !== refs) {
        await setCount(tx, { hash, refs, size });
        result.repaired += 1;
      }
    }
  }
  // Counts left without their blob.
  for (const hash of (await refStore.getAllKeys()) as string[]) {
    if (!kept.has(hash)) await refStore.delete(hash);
  }
  return result;
}

/**
 * Deletes blobs that no record lists and corrects reference counts that drifted, in one
 * transaction over every store (blobs are shared between workspaces, so all are counted).
 * With `workspaceId` the sweep is recorded in that workspace's audit trail.
 */
export async function garbageCollectBlobs(
  store: WorkspaceStore,
  options: { workspaceId?: string } = {},
): Promise<BlobCollection> {
  let result: BlobCollection = { removed: 0, bytes: 0, repaired: 0, kept: 0 };
  const stores = ['blobs', 'blobRefs', ...ENTITY_KINDS];
  if (options.workspaceId) {
    await store.write(
      stores,
      async (tx) => {
        result = await collect(tx);
      },
      options.workspaceId,
      () => [
        {
          action: 'delete',
          entityKind: 'workspaces',
          entityId: options.workspaceId as string,
          summary: `Removed ${result.removed} unused ${result.removed === 1 ? 'blob' : 'blobs'} (${formatBytes(result.bytes)})${result.repaired ? `, corrected ${result.repaired} reference counts` : ''}`,
        },
      ],
    );
  } else {
    const tx = store.database.transaction(stores, 'readwrite') as WriteTx;
    result = await collect(tx);
    await tx.done;
  }
  return result;
}
