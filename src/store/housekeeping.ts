import { ENTITY_KINDS, type BlobRecord, type EntityRecord } from './schema';
import { formatBytes } from './tracking';
import type { WorkspaceStore, WriteTx } from './workspace-store';

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
  let cursor = await tx.objectStore('blobs').openCursor();
  while (cursor) {
    const blob = cursor.value as BlobRecord;
    const refs = counts.get(blob.hash) ?? 0;
    if (refs === 0) {
      await cursor.delete();
      result.removed += 1;
      result.bytes += blob.size;
    } else {
      result.kept += 1;
      if (blob.refs !== refs) {
        await cursor.update({ ...blob, refs });
        result.repaired += 1;
      }
    }
    cursor = await cursor.continue();
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
  const stores = ['blobs', ...ENTITY_KINDS];
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
