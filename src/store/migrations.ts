import { chainAuditEvents } from '../core/tracking/audit-chain';
import { ENTITY_KINDS, PARENT_INDEX, type EntityKind } from './schema';

/** A snapshot of some object stores: store name → its records. */
export type StoreSnapshot = Record<string, unknown[]>;

/**
 * The migration contract. Versions are consecutive integers starting at 1 and never reused.
 * `schema` creates or changes object stores and indexes inside the upgrade transaction;
 * `migrate` is a pure function over the records of the stores it names in `touches`: it runs in
 * the upgrade transaction for a database, and on the records of an imported backup that was
 * written by an older schema, so both paths stay identical.
 */
export interface Migration {
  version: number;
  description: string;
  schema(db: IDBDatabase, tx: IDBTransaction): void;
  touches: readonly string[];
  migrate?(snapshot: StoreSnapshot): StoreSnapshot;
}

const V1_KINDS = ENTITY_KINDS.filter((kind) => kind !== 'models' && kind !== 'deployments');

function createEntityStore(db: IDBDatabase, kind: EntityKind) {
  const store = db.createObjectStore(kind, { keyPath: 'id' });
  store.createIndex('byWorkspace', 'workspaceId');
  const parent = PARENT_INDEX[kind];
  if (parent) store.createIndex(`by_${parent}`, parent);
}

interface AuditEventV1 {
  id: string;
  workspaceId: string;
  at: number;
  actor: string;
  action: string;
  entity: { kind: string; id: string };
  summary?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function migrateAuditToV2(snapshot: StoreSnapshot): StoreSnapshot {
  const events = (snapshot.audit ?? []) as AuditEventV1[];
  const ordered = [...events].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  const seqByWorkspace = new Map<string, number>();
  const audit = ordered.map((event) => {
    const seq = (seqByWorkspace.get(event.workspaceId) ?? 0) + 1;
    seqByWorkspace.set(event.workspaceId, seq);
    return {
      id: event.id,
      workspaceId: event.workspaceId,
      seq,
      at: event.at,
      actor: { id: `legacy:${event.actor}`, name: event.actor },
      action: event.action,
      entityKind: event.entity.kind,
      entityId: event.entity.id,
      summary: event.summary ?? `${event.action} ${event.entity.kind}`,
    };
  });
  const workspaces = (snapshot.workspaces ?? []).map((workspace) =>
    isRecord(workspace)
      ? {
          ...workspace,
          description: typeof workspace.description === 'string' ? workspace.description : '',
          auditSeq: seqByWorkspace.get(String(workspace.id)) ?? 0,
        }
      : workspace,
  );
  return { audit, workspaces };
}

/**
 * Seals the events written before the chain existed: per workspace, in seq order, each gets the
 * hash of the one before it. From here on a changed, removed or reordered event shows.
 */
function chainAuditForV3(snapshot: StoreSnapshot): StoreSnapshot {
  const events = (snapshot.audit ?? []) as { workspaceId: string; seq: number }[];
  const byWorkspace = new Map<string, { workspaceId: string; seq: number }[]>();
  for (const event of events) {
    byWorkspace.set(event.workspaceId, [...(byWorkspace.get(event.workspaceId) ?? []), event]);
  }
  const audit = [...byWorkspace.values()].flatMap((trail) =>
    chainAuditEvents([...trail].sort((a, b) => a.seq - b.seq)),
  );
  return { audit };
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'Initial workspace schema: workspaces, entities, blobs and an audit log.',
    touches: [],
    schema(db) {
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('workspaces', { keyPath: 'id' });
      db.createObjectStore('blobs', { keyPath: 'hash' });
      db.createObjectStore('audit', { keyPath: 'id' }).createIndex('byWorkspace', 'workspaceId');
      for (const kind of V1_KINDS) createEntityStore(db, kind);
    },
  },
  {
    version: 2,
    description:
      'Registered models and deployments; audit events get a per-workspace sequence number and a structured actor.',
    touches: ['audit', 'workspaces'],
    schema(db, tx) {
      createEntityStore(db, 'models');
      createEntityStore(db, 'deployments');
      tx.objectStore('audit').createIndex('byWorkspaceSeq', ['workspaceId', 'seq'], {
        unique: true,
      });
    },
    migrate: migrateAuditToV2,
  },
  {
    version: 3,
    description:
      'Tamper-evident audit trail (each event carries the hash of the one before); indexes for metric series by run and name, events by record, model versions by number and deployments by model version.',
    touches: ['audit'],
    schema(_db, tx) {
      tx.objectStore('audit').createIndex('byEntity', 'entityId');
      tx.objectStore('metrics').createIndex('byRunKey', ['runId', 'key']);
      tx.objectStore('logs').createIndex('byRunChunk', ['runId', 'chunk']);
      // Not unique: a v2 database may hold hand-made versions; the registry keeps numbers unique.
      tx.objectStore('modelVersions').createIndex('byModelVersion', ['modelId', 'version']);
      tx.objectStore('deployments').createIndex('by_modelVersionId', 'modelVersionId');
    },
    migrate: chainAuditForV3,
  },
  {
    version: 4,
    description:
      'Blob reference counts in a store of their own, so that a new version sharing a column rewrites a count rather than the column.',
    touches: [],
    schema(db) {
      // Filled as counts change: a blob without an entry still holds its count in its own record.
      db.createObjectStore('blobRefs', { keyPath: 'hash' });
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the record migrations after `fromVersion` (up to `toVersion`, by default the newest)
 * to a snapshot; used for old backups.
 */
export function migrateSnapshot(
  snapshot: StoreSnapshot,
  fromVersion: number,
  toVersion = SCHEMA_VERSION,
): StoreSnapshot {
  let current = snapshot;
  for (const migration of MIGRATIONS) {
    if (migration.version <= fromVersion || migration.version > toVersion || !migration.migrate)
      continue;
    const touched: StoreSnapshot = {};
    for (const store of migration.touches) touched[store] = current[store] ?? [];
    current = { ...current, ...migration.migrate(touched) };
  }
  return current;
}
