import { AuditChainVerifier, type ChainVerification } from '../core/tracking/audit-chain';
import { canonicalJson } from '../core/tracking/canonical-json';
import { StoreError } from './errors';
import type { AuditEvent, Workspace } from './schema';
import type { WorkspaceStore } from './workspace-store';

async function eachEvent(
  store: WorkspaceStore,
  workspaceId: string,
  visit: (event: AuditEvent) => boolean | void,
): Promise<Workspace> {
  const tx = store.database.transaction(['workspaces', 'audit'], 'readonly');
  const workspace = (await tx.objectStore('workspaces').get(workspaceId)) as Workspace | undefined;
  if (!workspace)
    throw new StoreError('not-found', `There is no workspace with id ${workspaceId}.`);
  const range = IDBKeyRange.bound([workspaceId, 0], [workspaceId, Number.MAX_SAFE_INTEGER]);
  let cursor = await tx.objectStore('audit').index('byWorkspaceSeq').openCursor(range);
  while (cursor) {
    if (visit(cursor.value as AuditEvent) === false) break;
    cursor = await cursor.continue();
  }
  return workspace;
}

/**
 * Walks a workspace's audit trail in seq order and checks every link of its hash chain, and
 * that no event is missing from the end (the workspace counts its events).
 */
export async function verifyAuditChain(
  store: WorkspaceStore,
  workspaceId: string,
): Promise<ChainVerification> {
  const verifier = new AuditChainVerifier();
  const workspace = await eachEvent(store, workspaceId, (event) => verifier.push(event));
  return verifier.finish(workspace.auditSeq);
}

/**
 * The audit trail as JSON Lines, oldest first: one event per line, keys in canonical order, so
 * each line hashes to the event's own `hash` and the file can be verified on its own.
 */
export async function exportAuditJsonl(
  store: WorkspaceStore,
  workspaceId: string,
): Promise<string> {
  const lines: string[] = [];
  await eachEvent(store, workspaceId, (event) => {
    lines.push(canonicalJson(event));
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
