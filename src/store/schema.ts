/**
 * The workspace schema. Every entity kind lives in its own object store, keyed by `id`, with a
 * `byWorkspace` index. Large payloads never sit in records: they are content-addressed blobs that a
 * record lists in `blobRefs`.
 */
export const DB_NAME = 'bunsen';

export const ENTITY_KINDS = [
  'datasets',
  'datasetVersions',
  'experiments',
  'runs',
  'metrics',
  'logs',
  'models',
  'modelVersions',
  'deployments',
  'pipelines',
  'notebooks',
  'labelingProjects',
  'monitors',
  'events',
] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];

export const isEntityKind = (value: unknown): value is EntityKind =>
  typeof value === 'string' && (ENTITY_KINDS as readonly string[]).includes(value);

/** Secondary indexes beyond `byWorkspace`: the parent each kind is usually listed under. */
export const PARENT_INDEX: Partial<Record<EntityKind, string>> = {
  datasetVersions: 'datasetId',
  runs: 'experimentId',
  metrics: 'runId',
  logs: 'runId',
  modelVersions: 'modelId',
  events: 'monitorId',
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface EntityRecord {
  id: string;
  workspaceId: string;
  createdAt: number;
  createdBy: string;
  updatedAt?: number;
  /** sha-256 hashes (hex) of the blobs this record references. */
  blobRefs?: string[];
  [field: string]: Json | undefined;
}

export interface Workspace {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  /** Sequence number of the last audit event; audit events are numbered 1, 2, 3 … per workspace. */
  auditSeq: number;
}

export interface Actor {
  id: string;
  name: string;
}

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'import',
  'export',
  'register',
  'alias',
  'archive',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One changed field of an update: values are kept whole when small, else as a shortened preview. */
export interface AuditChange {
  field: string;
  before: Json;
  after: Json;
}

export interface AuditEvent {
  id: string;
  workspaceId: string;
  seq: number;
  at: number;
  actor: Actor;
  action: AuditAction;
  entityKind: EntityKind | 'workspaces';
  entityId: string;
  summary: string;
  /** What an update changed, field by field. */
  changes?: AuditChange[];
  /** `hash` of the event before (seq − 1), or 64 zeros for the first: the chain's link. */
  prevHash: string;
  /** sha-256 over the canonical JSON of every other field of this event. */
  hash: string;
}

/** A blob as the store hands it out: its bytes read into memory. */
export interface BlobRecord {
  hash: string;
  size: number;
  type: string;
  data: ArrayBuffer;
  /**
   * How many records list this blob in `blobRefs`; the blob is deleted when it reaches 0. Kept in
   * the `blobRefs` store (a `BlobRefsRecord`), so that sharing a blob rewrites a count, not its
   * bytes; blobs written before that store existed hold their count here until it next changes.
   */
  refs: number;
}

/**
 * A blob as it is stored. Bytes of 1 MB and more (`BLOB_VALUE_BYTES`) are kept as a `Blob`:
 * IndexedDB then hands them to the browser's blob storage as they are, where an `ArrayBuffer` is
 * first serialized (a copy on the writing thread), which made writing an imported table's columns
 * about twice as slow. Smaller bytes, and all bytes written before, are an `ArrayBuffer`.
 */
export interface StoredBlobRecord extends Omit<BlobRecord, 'data'> {
  data: ArrayBuffer | Blob;
}

/** A blob's reference count, apart from its bytes (the `blobRefs` store, keyed by `hash`). */
export interface BlobRefsRecord {
  hash: string;
  refs: number;
  /** The blob's size in bytes, so that deleting it need not read it. */
  size: number;
}

export interface MetaRecord {
  key: string;
  value: Json;
}

/**
 * What may change after a record is written. Everything else is append-only: dataset versions,
 * finished runs, metrics, model versions and events are the lineage and must never be rewritten.
 * `'draft'` kinds are user documents that are edited freely.
 */
export type Mutability = { fields: readonly string[]; whileActive?: readonly string[] } | 'draft';

export const MUTABILITY: Record<EntityKind, Mutability> = {
  datasets: { fields: ['name', 'description', 'tags'] },
  datasetVersions: { fields: ['name', 'tags', 'notes'] },
  experiments: { fields: ['name', 'description', 'tags'] },
  runs: {
    fields: ['name', 'tags', 'notes'],
    whileActive: [
      'status',
      'startedAt',
      'endedAt',
      'durationMs',
      'heartbeatAt',
      'error',
      'params',
      'summary',
      'counts',
      'artifacts',
      'outputs',
      'blobRefs',
      'backend',
      'device',
    ],
  },
  metrics: { fields: [] },
  logs: { fields: [] },
  models: {
    fields: ['name', 'description', 'tags', 'aliases', 'aliasHistory', 'latestVersion', 'archived'],
  },
  modelVersions: { fields: ['aliases', 'stage', 'tags', 'description', 'card'] },
  deployments: { fields: ['name', 'notes', 'tags'] },
  pipelines: 'draft',
  notebooks: 'draft',
  labelingProjects: 'draft',
  monitors: 'draft',
  events: { fields: [] },
};

export const RUN_STATUSES = [
  'queued',
  'running',
  'finished',
  'failed',
  'cancelled',
  'interrupted',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

export const ACTIVE_RUN_STATUSES: readonly string[] = ['queued', 'running'];

/** The run lifecycle: a finished, failed, cancelled or interrupted run never changes status again. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'failed', 'cancelled', 'interrupted'],
  running: ['finished', 'failed', 'cancelled', 'interrupted'],
  finished: [],
  failed: [],
  cancelled: [],
  interrupted: [],
};
