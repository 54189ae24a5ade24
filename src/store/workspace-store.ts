import type { IDBPTransaction } from 'idb';
import { GENESIS_HASH, hashAuditEvent } from '../core/tracking/audit-chain';
import { canonicalJson } from '../core/tracking/canonical-json';
import { broadcastChannel, withLock, type Change, type ChangeChannel } from './channel';
import { openDatabase, type Database } from './db';
import { StoreError, toStoreError } from './errors';
import { sha256 } from './hash';
import { takeBlob } from './prepared-blobs';
import {
  ACTIVE_RUN_STATUSES,
  DB_NAME,
  ENTITY_KINDS,
  MUTABILITY,
  PARENT_INDEX,
  RUN_TRANSITIONS,
  type Actor,
  type AuditAction,
  type AuditChange,
  type AuditEvent,
  type BlobRecord,
  type BlobRefsRecord,
  type StoredBlobRecord,
  type EntityKind,
  type EntityRecord,
  type Json,
  type RunStatus,
  type Workspace,
} from './schema';

export interface StoreOptions {
  dbName?: string;
  now?: () => number;
  newId?: () => string;
  channel?: ChangeChannel;
}

export interface BlobInput {
  data: Uint8Array;
  type?: string;
}

export interface NewRecord {
  id?: string;
  blobRefs?: string[];
  [field: string]: Json | undefined;
}

export interface AuditEntry {
  action: AuditAction;
  entityKind: AuditEvent['entityKind'];
  entityId: string;
  summary: string;
  changes?: AuditChange[];
}

export interface UpdateOptions {
  summary?: string;
  action?: AuditAction;
}

export type WriteTx = IDBPTransaction<unknown, string[], 'readwrite'>;

const MAX_NAME_LENGTH = 120;

export function validName(value: string, what: string): string {
  const name = value.trim();
  if (!name) throw new StoreError('invalid', `${what} cannot be empty.`, 'name');
  if (name.length > MAX_NAME_LENGTH) {
    throw new StoreError(
      'invalid',
      `${what} is longer than ${MAX_NAME_LENGTH} characters.`,
      'name',
    );
  }
  return name;
}

function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every(
      (item) => item === undefined || isJsonValue(item, depth + 1),
    );
  }
  return false;
}

/**
 * The only code that reads and writes the workspace database. Every mutation runs in one
 * transaction that also appends its audit events and bumps the workspace's audit sequence, so a
 * record never exists without the event that explains it. After a newer schema is opened in
 * another tab this instance turns read-only and says so, instead of writing an old shape.
 */
export class WorkspaceStore {
  readonly now: () => number;
  readonly newId: () => string;
  private stale = false;
  private staleListeners = new Set<() => void>();

  private constructor(
    private db: Database,
    readonly channel: ChangeChannel,
    private actorRecord: Actor,
    options: StoreOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  }

  static async open(options: StoreOptions = {}): Promise<WorkspaceStore> {
    const name = options.dbName ?? DB_NAME;
    const opened: { store?: WorkspaceStore } = {};
    const db = await openDatabase({ name, onVersionChange: () => opened.store?.markStale() });
    const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
    const actor = await loadOrCreateActor(db, newId);
    opened.store = new WorkspaceStore(
      db,
      options.channel ?? broadcastChannel(`${name}:changes`),
      actor,
      { ...options, newId },
    );
    return opened.store;
  }

  get isStale() {
    return this.stale;
  }

  onStale(listener: () => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  onChange(listener: (change: Change) => void): () => void {
    return this.channel.subscribe(listener);
  }

  close() {
    this.db.close();
    this.channel.close();
  }

  private markStale() {
    this.stale = true;
    this.staleListeners.forEach((listener) => listener());
  }

  private ensureWritable() {
    if (this.stale) {
      throw new StoreError(
        'stale-schema',
        'A newer version of Bunsen is open in another tab, so this tab has stopped saving to avoid overwriting newer data. Reload this tab to continue.',
      );
    }
  }

  private ensureReadable() {
    if (this.stale) this.ensureWritable();
  }

  // ── who ───────────────────────────────────────────────────────────────────────────────────

  get actor(): Actor {
    return this.actorRecord;
  }

  async setActorName(name: string) {
    this.ensureWritable();
    const actor = { ...this.actorRecord, name: validName(name, 'Your name') };
    await this.db.put('meta', { key: 'actor', value: { ...actor } });
    this.actorRecord = actor;
  }

  // ── workspaces ────────────────────────────────────────────────────────────────────────────

  async listWorkspaces(): Promise<Workspace[]> {
    this.ensureReadable();
    const all = (await this.db.getAll('workspaces')) as Workspace[];
    return all.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  async getWorkspace(id: string): Promise<Workspace | undefined> {
    this.ensureReadable();
    return (await this.db.get('workspaces', id)) as Workspace | undefined;
  }

  async createWorkspace(input: { name: string; description?: string }): Promise<Workspace> {
    this.ensureWritable();
    const name = validName(input.name, 'A workspace name');
    const at = this.now();
    const workspace: Workspace = {
      id: this.newId(),
      name,
      description: input.description?.trim() ?? '',
      createdAt: at,
      updatedAt: at,
      auditSeq: 0,
    };
    await this.write(
      ['workspaces'],
      async (tx) => {
        await ensureUniqueName(tx, name, workspace.id);
        await tx.objectStore('workspaces').add(workspace);
      },
      workspace.id,
      [
        {
          action: 'create',
          entityKind: 'workspaces',
          entityId: workspace.id,
          summary: `Created workspace “${name}”`,
        },
      ],
    );
    this.channel.post({ type: 'workspaces' });
    return (await this.getWorkspace(workspace.id)) as Workspace;
  }

  /** Creates a first workspace unless one exists; safe when several tabs start at once. */
  async ensureWorkspace(name: string): Promise<Workspace> {
    return withLock(`${this.db.name}:bootstrap`, async () => {
      const [first] = await this.listWorkspaces();
      return first ?? this.createWorkspace({ name });
    });
  }

  async updateWorkspace(id: string, patch: { name?: string; description?: string }) {
    this.ensureWritable();
    const current = await this.requireWorkspace(id);
    const name =
      patch.name === undefined ? current.name : validName(patch.name, 'A workspace name');
    const description = patch.description?.trim() ?? current.description;
    const changes = [
      name !== current.name ? `renamed “${current.name}” to “${name}”` : '',
      description !== current.description ? 'changed the description' : '',
    ].filter(Boolean);
    if (!changes.length) return current;
    await this.write(
      [],
      async (tx) => {
        if (name !== current.name) await ensureUniqueName(tx, name, id);
        const fresh = (await tx.objectStore('workspaces').get(id)) as Workspace;
        await tx
          .objectStore('workspaces')
          .put({ ...fresh, name, description, updatedAt: this.now() });
      },
      id,
      [
        {
          action: 'update',
          entityKind: 'workspaces',
          entityId: id,
          summary: `Workspace: ${changes.join(', ')}`,
        },
      ],
    );
    this.channel.post({ type: 'workspaces' });
    return (await this.getWorkspace(id)) as Workspace;
  }

  /** Deletes a workspace, everything in it and its audit trail; blobs no one else uses go too. */
  async deleteWorkspace(id: string) {
    this.ensureWritable();
    await this.requireWorkspace(id);
    await withLock(`${this.db.name}:workspace:${id}`, async () => {
      const tx = this.db.transaction(
        ['workspaces', 'audit', 'blobs', 'blobRefs', ...ENTITY_KINDS],
        'readwrite',
      );
      await this.deleteContents(tx, id);
      await tx.objectStore('workspaces').delete(id);
      await this.commit(tx);
    });
    this.channel.post({ type: 'workspaces' });
  }

  private async requireWorkspace(id: string): Promise<Workspace> {
    const workspace = await this.getWorkspace(id);
    if (!workspace) throw new StoreError('not-found', `There is no workspace with id ${id}.`);
    return workspace;
  }

  /** Removes every record, audit event and blob reference of a workspace inside `tx`. */
  async deleteContents(tx: WriteTx, workspaceId: string) {
    for (const kind of ENTITY_KINDS) {
      const store = tx.objectStore(kind);
      const records = (await store.index('byWorkspace').getAll(workspaceId)) as EntityRecord[];
      for (const record of records) {
        await releaseBlobs(tx, record.blobRefs);
        await store.delete(record.id);
      }
    }
    const audit = tx.objectStore('audit');
    for (const key of await audit.index('byWorkspace').getAllKeys(workspaceId))
      await audit.delete(key);
  }

  // ── entities ──────────────────────────────────────────────────────────────────────────────

  async create(
    kind: EntityKind,
    workspaceId: string,
    fields: NewRecord,
    options: { blobs?: BlobInput[]; summary?: string } = {},
  ): Promise<EntityRecord> {
    this.ensureWritable();
    const hashed = uniqueByHash(await hashBlobs(options.blobs ?? []));
    const alreadyStored = (fields.blobRefs ?? []).filter(
      (hash) => !hashed.some((blob) => blob.hash === hash),
    );
    const record: EntityRecord = {
      ...(fields as Record<string, Json>),
      id: fields.id ?? this.newId(),
      workspaceId,
      createdAt: this.now(),
      createdBy: this.actorRecord.id,
    };
    const refs = [...new Set([...(fields.blobRefs ?? []), ...hashed.map((blob) => blob.hash)])];
    if (refs.length) record.blobRefs = refs;
    assertJson(record, kind);
    const bytes = hashed.reduce((sum, blob) => sum + blob.data.byteLength, 0);
    await this.requireWorkspace(workspaceId);
    await this.write(
      [kind, 'blobs'],
      async (tx) => {
        for (const blob of hashed) await storeBlob(tx, blob.hash, blob.data, blob.type);
        for (const hash of new Set(alreadyStored)) await retainBlob(tx, hash);
        await tx.objectStore(kind).add(record);
      },
      workspaceId,
      [
        {
          action: 'create',
          entityKind: kind,
          entityId: record.id,
          summary: options.summary ?? `Created ${describe(kind, record)}`,
        },
      ],
      bytes,
    );
    this.channel.post({ type: 'entities', workspaceId, kinds: [kind] });
    return record;
  }

  /**
   * Changes the mutable fields of a record. The record is read again inside the write
   * transaction, so two tabs changing it at once cannot lose each other's change; the audit
   * event lists each changed field with its value before and after.
   */
  async update(
    kind: EntityKind,
    id: string,
    patch: Record<string, Json>,
    options: string | UpdateOptions = {},
  ) {
    this.ensureWritable();
    const { summary, action = 'update' } =
      typeof options === 'string' ? { summary: options } : options;
    const found = await this.get(kind, id);
    if (!found) throw new StoreError('not-found', `There is no ${kind} record with id ${id}.`);
    assertMutable(kind, found, Object.keys(patch));
    let next = found;
    let changes: AuditChange[] = [];
    await this.write(
      [kind, 'blobs'],
      async (tx) => {
        const current = (await tx.objectStore(kind).get(id)) as EntityRecord | undefined;
        if (!current)
          throw new StoreError('not-found', `There is no ${kind} record with id ${id}.`);
        assertMutable(kind, current, Object.keys(patch));
        assertTransition(kind, current, patch);
        next = { ...current, ...patch, updatedAt: this.now() } as EntityRecord;
        assertJson(next, kind);
        const added = (next.blobRefs ?? []).filter((hash) => !current.blobRefs?.includes(hash));
        const dropped = (current.blobRefs ?? []).filter((hash) => !next.blobRefs?.includes(hash));
        for (const hash of added) await retainBlob(tx, hash);
        await releaseBlobs(tx, dropped);
        await tx.objectStore(kind).put(next);
        changes = describeChanges(current, patch);
      },
      found.workspaceId,
      () => [
        {
          action,
          entityKind: kind,
          entityId: id,
          summary: summary ?? `Updated ${describe(kind, next)}: ${Object.keys(patch).join(', ')}`,
          ...(changes.length ? { changes } : {}),
        },
      ],
    );
    this.channel.post({ type: 'entities', workspaceId: found.workspaceId, kinds: [kind] });
    return next;
  }

  async remove(kind: EntityKind, id: string) {
    this.ensureWritable();
    const current = await this.get(kind, id);
    if (!current) throw new StoreError('not-found', `There is no ${kind} record with id ${id}.`);
    await this.write(
      [kind, 'blobs'],
      async (tx) => {
        await releaseBlobs(tx, current.blobRefs);
        await tx.objectStore(kind).delete(id);
      },
      current.workspaceId,
      [
        {
          action: 'delete',
          entityKind: kind,
          entityId: id,
          summary: `Deleted ${describe(kind, current)}`,
        },
      ],
    );
    this.channel.post({ type: 'entities', workspaceId: current.workspaceId, kinds: [kind] });
  }

  async get(kind: EntityKind, id: string): Promise<EntityRecord | undefined> {
    this.ensureReadable();
    return (await this.db.get(kind, id)) as EntityRecord | undefined;
  }

  async list(kind: EntityKind, workspaceId: string): Promise<EntityRecord[]> {
    this.ensureReadable();
    const records = (await this.db.getAllFromIndex(
      kind,
      'byWorkspace',
      workspaceId,
    )) as EntityRecord[];
    return records.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async listChildren(kind: EntityKind, parentId: string): Promise<EntityRecord[]> {
    this.ensureReadable();
    const field = PARENT_INDEX[kind];
    if (!field) throw new StoreError('invalid', `${kind} records have no parent index.`);
    const records = (await this.db.getAllFromIndex(
      kind,
      `by_${field}`,
      parentId,
    )) as EntityRecord[];
    return records.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async countByKind(workspaceId: string): Promise<Record<EntityKind, number>> {
    this.ensureReadable();
    const counts = {} as Record<EntityKind, number>;
    for (const kind of ENTITY_KINDS) {
      counts[kind] = await this.db.countFromIndex(kind, 'byWorkspace', workspaceId);
    }
    return counts;
  }

  async getBlob(hash: string): Promise<BlobRecord | undefined> {
    this.ensureReadable();
    const tx = this.db.transaction(['blobs', 'blobRefs'], 'readonly');
    const [blob, counted] = (await Promise.all([
      tx.objectStore('blobs').get(hash),
      tx.objectStore('blobRefs').get(hash),
    ])) as [StoredBlobRecord | undefined, BlobRefsRecord | undefined];
    if (!blob) return undefined;
    const data = await bytesOf(blob);
    return counted ? { ...blob, data, refs: counted.refs } : { ...blob, data };
  }

  // ── audit ─────────────────────────────────────────────────────────────────────────────────

  /** Appends an event for an action that changes no record, such as an export. */
  async recordEvent(workspaceId: string, entry: AuditEntry) {
    await this.write([], async () => undefined, workspaceId, [entry]);
    this.channel.post({ type: 'entities', workspaceId, kinds: [] });
  }

  /** The events about one record (a run, a model …), newest first. */
  async auditOf(entityId: string, options: { limit?: number } = {}): Promise<AuditEvent[]> {
    this.ensureReadable();
    const events = (await this.db.getAllFromIndex('audit', 'byEntity', entityId)) as AuditEvent[];
    return events.sort((a, b) => b.seq - a.seq).slice(0, options.limit ?? 200);
  }

  /** The audit trail of a workspace, newest first. */
  async audit(workspaceId: string, options: { limit?: number; beforeSeq?: number } = {}) {
    this.ensureReadable();
    const upper = options.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const range = IDBKeyRange.bound([workspaceId, 0], [workspaceId, upper], false, true);
    const events: AuditEvent[] = [];
    let cursor = await this.db
      .transaction('audit')
      .store.index('byWorkspaceSeq')
      .openCursor(range, 'prev');
    while (cursor && events.length < (options.limit ?? 200)) {
      events.push(cursor.value as AuditEvent);
      cursor = await cursor.continue();
    }
    return events;
  }

  // ── transactions ──────────────────────────────────────────────────────────────────────────

  /**
   * Runs `work` and appends `entries` to the workspace's audit trail in one transaction.
   * `bytes` sizes a quota error message.
   */
  async write(
    stores: string[],
    work: (tx: WriteTx) => Promise<void>,
    workspaceId: string,
    entries: AuditEntry[] | (() => AuditEntry[]),
    bytes = 0,
  ) {
    this.ensureWritable();
    const names = [...new Set([...withBlobRefs(stores), 'workspaces', 'audit'])];
    let tx: WriteTx;
    try {
      tx = this.db.transaction(names, 'readwrite') as WriteTx;
    } catch (error) {
      throw toStoreError(error);
    }
    try {
      await work(tx);
      await this.appendAudit(tx, workspaceId, typeof entries === 'function' ? entries() : entries);
    } catch (error) {
      abortQuietly(tx);
      await tx.done.catch(() => undefined);
      throw toStoreError(error, { bytes });
    }
    await this.commit(tx, bytes);
  }

  /**
   * Appends events to the workspace's hash chain: each one carries the hash of the event before
   * it (read here, inside the same transaction, so concurrent writers cannot fork the chain).
   * An empty list writes nothing: telemetry of an active run (metric points, log lines,
   * heartbeats) is accounted for by the run's own events instead of one event per batch.
   */
  async appendAudit(tx: WriteTx, workspaceId: string, entries: AuditEntry[]) {
    const workspaces = tx.objectStore('workspaces');
    const workspace = (await workspaces.get(workspaceId)) as Workspace | undefined;
    if (!workspace)
      throw new StoreError('not-found', `There is no workspace with id ${workspaceId}.`);
    if (!entries.length) return;
    const audit = tx.objectStore('audit');
    let seq = workspace.auditSeq;
    const last = seq
      ? ((await audit.index('byWorkspaceSeq').get([workspaceId, seq])) as AuditEvent | undefined)
      : undefined;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const at = this.now();
    // The requests are placed at once and awaited together: a transaction carries them out in
    // order, and awaiting each before the next would cost a round trip per event.
    const added: Promise<unknown>[] = [];
    for (const entry of entries) {
      seq += 1;
      const sealed = {
        id: this.newId(),
        workspaceId,
        seq,
        at,
        actor: { ...this.actorRecord },
        ...entry,
        prevHash,
      };
      const event: AuditEvent = { ...sealed, hash: hashAuditEvent(sealed) };
      added.push(audit.add(event));
      prevHash = event.hash;
    }
    added.push(workspaces.put({ ...workspace, auditSeq: seq }));
    await Promise.all(added);
  }

  private async commit(tx: { done: Promise<void> }, bytes = 0) {
    try {
      await tx.done;
    } catch (error) {
      throw toStoreError(error, { bytes });
    }
  }

  get database(): Database {
    this.ensureReadable();
    return this.db;
  }
}

async function ensureUniqueName(tx: WriteTx, name: string, id: string) {
  const all = (await tx.objectStore('workspaces').getAll()) as Workspace[];
  const taken = all.some(
    (workspace) => workspace.id !== id && workspace.name.toLowerCase() === name.toLowerCase(),
  );
  if (taken)
    throw new StoreError('conflict', `A workspace named “${name}” already exists.`, 'name');
}

/**
 * Hashes blobs one after another: a digest copies its input, so hashing a dataset's columns all
 * at once would hold a second copy of the whole table.
 */
async function hashBlobs(blobs: readonly BlobInput[]): Promise<(BlobInput & { hash: string })[]> {
  const hashed: (BlobInput & { hash: string })[] = [];
  for (const blob of blobs) hashed.push({ ...blob, hash: await sha256(blob.data) });
  return hashed;
}

function uniqueByHash<T extends { hash: string }>(items: T[]): T[] {
  return [...new Map(items.map((item) => [item.hash, item])).values()];
}

function abortQuietly(tx: { abort(): void }) {
  try {
    tx.abort();
  } catch {
    // The transaction already finished or aborted itself.
  }
}

async function loadOrCreateActor(db: Database, newId: () => string): Promise<Actor> {
  const stored = (await db.get('meta', 'actor')) as { value: Actor } | undefined;
  if (stored) return stored.value;
  const actor: Actor = { id: newId(), name: 'Local user' };
  await db.put('meta', { key: 'actor', value: { ...actor } }).catch((error: unknown) => {
    throw toStoreError(error);
  });
  return actor;
}

function describe(kind: EntityKind, record: EntityRecord): string {
  const label = typeof record.name === 'string' ? ` “${record.name}”` : ` ${record.id}`;
  return `${kind.replace(/s$/, '')}${label}`;
}

function assertJson(record: EntityRecord, kind: EntityKind) {
  for (const [field, value] of Object.entries(record)) {
    if (value !== undefined && !isJsonValue(value)) {
      throw new StoreError(
        'invalid',
        `${kind}.${field} must be plain JSON data (large or binary data belongs in a blob).`,
        `${kind}.${field}`,
      );
    }
  }
}

const PREVIEW_CHARACTERS = 200;

/** A value for an audit event: whole when short, else the start of its JSON and its length. */
export function previewValue(value: Json | undefined): Json {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  if (text.length <= PREVIEW_CHARACTERS) return value;
  return `${text.slice(0, PREVIEW_CHARACTERS)}… (${text.length} characters)`;
}

export function describeChanges(
  before: Record<string, Json | undefined>,
  patch: Record<string, Json | undefined>,
): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const [field, after] of Object.entries(patch)) {
    const previous = before[field];
    const same =
      previous === after ||
      (previous !== undefined &&
        after !== undefined &&
        canonicalJson(previous) === canonicalJson(after));
    if (!same) changes.push({ field, before: previewValue(previous), after: previewValue(after) });
  }
  return changes;
}

function assertTransition(kind: EntityKind, current: EntityRecord, patch: Record<string, Json>) {
  if (kind !== 'runs' || patch.status === undefined || patch.status === current.status) return;
  const from = current.status as RunStatus;
  const to = patch.status;
  const allowed = RUN_TRANSITIONS[from] as readonly Json[] | undefined;
  if (allowed && !allowed.includes(to)) {
    throw new StoreError(
      'immutable',
      `A ${from} run cannot become ${String(to)}: runs go queued → running → finished, failed, cancelled or interrupted.`,
      'runs.status',
    );
  }
}

export function assertMutable(kind: EntityKind, current: EntityRecord, fields: string[]) {
  const rule = MUTABILITY[kind];
  if (rule === 'draft') {
    const fixed = fields.filter((field) =>
      ['id', 'workspaceId', 'createdAt', 'createdBy'].includes(field),
    );
    if (fixed.length)
      throw new StoreError(
        'immutable',
        `${kind}.${fixed[0]} cannot be changed.`,
        `${kind}.${fixed[0]}`,
      );
    return;
  }
  const active = typeof current.status === 'string' && ACTIVE_RUN_STATUSES.includes(current.status);
  const allowed = new Set([...rule.fields, ...(active ? (rule.whileActive ?? []) : [])]);
  const refused = fields.find((field) => !allowed.has(field));
  if (refused) {
    throw new StoreError(
      'immutable',
      `${kind}.${refused} cannot be changed once written: ${kind} are append-only so lineage stays true.`,
      `${kind}.${refused}`,
    );
  }
}

/**
 * A blob's reference count and size: from the `blobRefs` store, or for a blob written before that
 * store existed, from its own record (read once; the count moves to `blobRefs` when it next
 * changes). Null when the blob is not stored.
 */
export async function countOf(tx: WriteTx, hash: string): Promise<BlobRefsRecord | null> {
  const counted = (await tx.objectStore('blobRefs').get(hash)) as BlobRefsRecord | undefined;
  if (counted) return counted;
  const legacy = (await tx.objectStore('blobs').get(hash)) as StoredBlobRecord | undefined;
  return legacy ? { hash, refs: legacy.refs, size: legacy.size } : null;
}

export const setCount = (tx: WriteTx, count: BlobRefsRecord) =>
  tx.objectStore('blobRefs').put(count);

/**
 * Stores a blob, or takes one more reference to it when the same bytes are already stored: then
 * only its count is rewritten, not its bytes.
 */
async function storeBlob(
  tx: WriteTx,
  hash: string,
  data: Uint8Array,
  type = 'application/octet-stream',
) {
  const count = await countOf(tx, hash);
  if (count) {
    await setCount(tx, { ...count, refs: count.refs + 1 });
    return;
  }
  const record: StoredBlobRecord = {
    hash,
    size: data.byteLength,
    type,
    data: storedBytes(data, type),
    refs: 1,
  };
  await tx.objectStore('blobs').add(record);
  await setCount(tx, { hash, refs: 1, size: data.byteLength });
}

/**
 * From this size on, bytes are stored as a `Blob` (see `StoredBlobRecord`); smaller ones as an
 * `ArrayBuffer`. In Chromium a `Blob` value costs a file of its own: 2,000 values of 2 KB took
 * 1.3–1.5 s to write as `Blob`s against 0.16–0.35 s, and 1 MB values about as long either way.
 */
export const BLOB_VALUE_BYTES = 1 << 20;

/** What a blob record keeps in `data` for these bytes. */
function storedBytes(data: Uint8Array, type: string): ArrayBuffer | Blob {
  // A `Blob` copies the bytes the view covers, once; one made ahead for them saves that.
  if (data.byteLength >= BLOB_VALUE_BYTES) {
    return takeBlob(data, type) ?? new Blob([data as Uint8Array<ArrayBuffer>], { type });
  }
  // IndexedDB clones the value when `add` is called, so a view over a whole buffer needs no copy.
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return (whole ? data.buffer : data.slice().buffer) as ArrayBuffer;
}

/**
 * The bytes of a stored blob. Read once its transaction is over: reading a `Blob` takes longer
 * than a transaction stays open while nothing is asked of it.
 */
export async function bytesOf(blob: StoredBlobRecord): Promise<ArrayBuffer> {
  if (!(blob.data instanceof Blob)) return blob.data;
  try {
    return await blob.data.arrayBuffer();
  } catch (error) {
    throw new StoreError(
      'not-found',
      `The stored bytes of blob ${blob.hash} could not be read (${error instanceof Error ? error.message : String(error)}).`,
      blob.hash,
    );
  }
}

export async function retainBlob(tx: WriteTx, hash: string) {
  const count = await countOf(tx, hash);
  if (!count)
    throw new StoreError(
      'invalid',
      `The record refers to a blob that is not stored: ${hash}.`,
      'blobRefs',
    );
  await setCount(tx, { ...count, refs: count.refs + 1 });
}

/** Drops one reference to each blob; returns the bytes of the blobs no record uses any more. */
export async function releaseBlobs(
  tx: WriteTx,
  hashes: readonly string[] | undefined,
): Promise<number> {
  let freed = 0;
  for (const hash of hashes ?? []) {
    const count = await countOf(tx, hash);
    if (!count) continue;
    if (count.refs <= 1) {
      await tx.objectStore('blobs').delete(hash);
      await tx.objectStore('blobRefs').delete(hash);
      freed += count.size;
    } else await setCount(tx, { ...count, refs: count.refs - 1 });
  }
  return freed;
}

/** Transactions that write blobs also write their counts. */
const withBlobRefs = (stores: readonly string[]) =>
  stores.includes('blobs') ? [...stores, 'blobRefs'] : [...stores];

export { storeBlob };
