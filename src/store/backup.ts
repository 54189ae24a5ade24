import { strFromU8, strToU8, unzipSync, zipSync, type UnzipFileInfo } from 'fflate';
import { z } from './zod';
import { verifyAuditEvents, type ChainVerification } from '../core/tracking/audit-chain';
import { withLock } from './channel';
import { StoreError, toStoreError } from './errors';
import { sha256 } from './hash';
import { migrateSnapshot, SCHEMA_VERSION } from './migrations';
import {
  AUDIT_ACTIONS,
  ENTITY_KINDS,
  isEntityKind,
  type AuditEvent,
  type StoredBlobRecord,
  type EntityKind,
  type EntityRecord,
  type Json,
  type Workspace,
} from './schema';
import { bytesOf, storeBlob, type WorkspaceStore } from './workspace-store';

export const BACKUP_FORMAT = 'bunsen-workspace';
export const BACKUP_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
/** Fixed so that the same workspace always exports to the same bytes. */
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha-256 hex digest');

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  schemaVersion: z.number().int().min(1),
  exportedAt: z.number(),
  workspace: z.looseObject({
    id: z.string().min(1),
    name: z.string().min(1),
    createdAt: z.number(),
  }),
  records: z.record(z.string(), z.array(z.looseObject({}))),
  audit: z.array(z.looseObject({})),
  blobs: z.array(
    z.object({ hash: hashSchema, size: z.number().int().nonnegative(), type: z.string() }),
  ),
});

const recordSchema = z.looseObject({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  createdAt: z.number(),
  createdBy: z.string(),
  blobRefs: z.array(hashSchema).optional(),
});

const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonSchema),
    z.record(z.string(), jsonSchema),
  ]),
);

// Strict: the hash covers every field, so an unknown field would be dropped here and then fail
// verification with a misleading reason; it is better named as what it is.
const auditSchema = z.strictObject({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  seq: z.number().int().positive(),
  at: z.number(),
  actor: z.object({ id: z.string(), name: z.string() }),
  action: z.enum(AUDIT_ACTIONS),
  entityKind: z.string(),
  entityId: z.string(),
  summary: z.string(),
  changes: z
    .array(z.object({ field: z.string(), before: jsonSchema, after: jsonSchema }))
    .optional(),
  prevHash: hashSchema,
  hash: hashSchema,
});

const workspaceSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(120),
  description: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  auditSeq: z.number().int().nonnegative(),
});

export type Manifest = z.infer<typeof manifestSchema>;

export interface Backup {
  workspace: Workspace;
  records: Record<EntityKind, EntityRecord[]>;
  audit: AuditEvent[];
  blobs: Map<string, { type: string; data: Uint8Array }>;
  schemaVersion: number;
  /** Whether the audit trail's hash chain holds, checked before anything is written. */
  auditChain: ChainVerification;
}

const invalid = (message: string, where: string) =>
  new StoreError('invalid', `This is not a valid Bunsen workspace backup: ${message}`, where);

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const path = [where, ...(issue?.path ?? [])]
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index ? `.${String(part)}` : String(part),
    )
    .join('');
  throw invalid(`${path}: ${issue?.message ?? 'invalid value'}`, path);
}

const byCreation = (a: EntityRecord, b: EntityRecord) =>
  a.createdAt - b.createdAt || a.id.localeCompare(b.id);

/** Writes a workspace, every record in it, its audit trail and its blobs into one zip file. */
export async function exportWorkspace(
  store: WorkspaceStore,
  workspaceId: string,
): Promise<Uint8Array> {
  const db = store.database;
  const tx = db.transaction(['workspaces', 'audit', 'blobs', ...ENTITY_KINDS], 'readonly');
  const workspace = (await tx.objectStore('workspaces').get(workspaceId)) as Workspace | undefined;
  if (!workspace)
    throw new StoreError('not-found', `There is no workspace with id ${workspaceId}.`);
  const records: Record<string, EntityRecord[]> = {};
  const hashes = new Set<string>();
  for (const kind of ENTITY_KINDS) {
    const all = (await tx
      .objectStore(kind)
      .index('byWorkspace')
      .getAll(workspaceId)) as EntityRecord[];
    records[kind] = all.sort(byCreation);
    all.forEach((record) => record.blobRefs?.forEach((hash) => hashes.add(hash)));
  }
  const audit = (
    (await tx.objectStore('audit').index('byWorkspace').getAll(workspaceId)) as AuditEvent[]
  ).sort((a, b) => a.seq - b.seq);
  const stored: StoredBlobRecord[] = [];
  for (const hash of [...hashes].sort()) {
    const blob = (await tx.objectStore('blobs').get(hash)) as StoredBlobRecord | undefined;
    if (!blob) throw new StoreError('invalid', `Blob ${hash} is referenced but missing.`, hash);
    stored.push(blob);
  }
  // The bytes are read once the transaction has what it needs (see `bytesOf`).
  const files: Record<string, Uint8Array> = {};
  const blobs: Manifest['blobs'] = [];
  for (const blob of stored) {
    blobs.push({ hash: blob.hash, size: blob.size, type: blob.type });
    files[`blobs/${blob.hash}`] = new Uint8Array(await bytesOf(blob));
  }
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    schemaVersion: SCHEMA_VERSION,
    exportedAt: store.now(),
    workspace: { ...workspace },
    records,
    audit: audit.map((event) => ({ ...event })),
    blobs,
  };
  files[MANIFEST] = strToU8(JSON.stringify(manifest));
  return zipSync(files, { level: 6, mtime: ZIP_MTIME });
}

/** Reads and checks a backup file completely before anything is written. */
export async function readBackup(bytes: Uint8Array): Promise<Backup> {
  if (bytes.byteLength < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw invalid('the file is not a zip archive (it does not start with "PK").', 'file');
  }
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file: UnzipFileInfo) {
        total += file.originalSize;
        if (file.name === MANIFEST && file.originalSize > MAX_MANIFEST_BYTES) {
          throw invalid(
            `${MANIFEST} is larger than ${MAX_MANIFEST_BYTES / 1_048_576} MB.`,
            MANIFEST,
          );
        }
        if (total > MAX_TOTAL_BYTES) throw invalid('it unpacks to more than 2 GB.', file.name);
        return file.name === MANIFEST || file.name.startsWith('blobs/');
      },
    });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw invalid(`the zip archive is damaged (${(error as Error).message}).`, 'file');
  }
  const manifestBytes = files[MANIFEST];
  if (!manifestBytes) throw invalid(`${MANIFEST} is missing.`, MANIFEST);
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(manifestBytes));
  } catch (error) {
    throw invalid(`${MANIFEST} is not valid JSON (${(error as Error).message}).`, MANIFEST);
  }
  const manifest = parse(manifestSchema, json, MANIFEST);
  if (manifest.schemaVersion > SCHEMA_VERSION) {
    throw new StoreError(
      'newer-schema',
      `This backup was made by a newer version of Bunsen (schema ${manifest.schemaVersion}; this one reads up to ${SCHEMA_VERSION}). Reload to update Bunsen, then import it again.`,
      `${MANIFEST}.schemaVersion`,
    );
  }
  for (const kind of Object.keys(manifest.records)) {
    if (!isEntityKind(kind))
      throw invalid(`unknown record kind "${kind}".`, `${MANIFEST}.records.${kind}`);
  }
  const migrated = migrateSnapshot(
    { ...manifest.records, audit: manifest.audit, workspaces: [manifest.workspace] },
    manifest.schemaVersion,
  );
  const workspace = parse(workspaceSchema, migrated.workspaces?.[0], `${MANIFEST}.workspace`);
  const blobs = new Map<string, { type: string; data: Uint8Array }>();
  for (const [index, entry] of manifest.blobs.entries()) {
    const where = `${MANIFEST}.blobs[${index}]`;
    const data = files[`blobs/${entry.hash}`];
    if (!data) throw invalid(`blob ${entry.hash} is listed but its file is missing.`, where);
    if (data.byteLength !== entry.size || (await sha256(data)) !== entry.hash) {
      throw invalid(
        `blob ${entry.hash} does not match its sha-256 hash: the file is corrupted.`,
        where,
      );
    }
    blobs.set(entry.hash, { type: entry.type, data });
  }
  const records = {} as Record<EntityKind, EntityRecord[]>;
  for (const kind of ENTITY_KINDS) {
    records[kind] = (migrated[kind] ?? []).map((record, index) => {
      const where = `${MANIFEST}.records.${kind}[${index}]`;
      const parsed = parse(recordSchema, record, where) as EntityRecord;
      if (parsed.workspaceId !== workspace.id) {
        throw invalid(
          `the record belongs to another workspace (${parsed.workspaceId}).`,
          `${where}.workspaceId`,
        );
      }
      parsed.blobRefs?.forEach((hash) => {
        if (!blobs.has(hash))
          throw invalid(
            `it refers to blob ${hash}, which is not in the backup.`,
            `${where}.blobRefs`,
          );
      });
      return parsed;
    });
  }
  const audit = (migrated.audit ?? []).map((event, index) => {
    const parsed = parse(auditSchema, event, `${MANIFEST}.audit[${index}]`) as AuditEvent;
    if (parsed.workspaceId !== workspace.id) {
      throw invalid(
        'an audit event belongs to another workspace.',
        `${MANIFEST}.audit[${index}].workspaceId`,
      );
    }
    return parsed;
  });
  const lastSeq = audit.reduce((max, event) => Math.max(max, event.seq), 0);
  if (lastSeq > workspace.auditSeq) {
    throw invalid(
      `the audit trail goes up to event ${lastSeq} but the workspace counts ${workspace.auditSeq}.`,
      `${MANIFEST}.workspace.auditSeq`,
    );
  }
  const auditChain = verifyAuditEvents(audit, workspace.auditSeq);
  return { workspace, records, audit, blobs, schemaVersion: manifest.schemaVersion, auditChain };
}

export type ImportMode = 'new' | 'replace';

export interface ImportOptions {
  mode?: ImportMode;
  fileName?: string;
  /**
   * Restore a backup whose audit trail fails verification (it was edited, or events are
   * missing). Refused by default; when allowed, the import event says so and the broken trail
   * keeps failing verification, as it should.
   */
  acceptBrokenAuditTrail?: boolean;
}

/**
 * Restores a backup as one transaction: either the whole workspace is written or nothing is.
 * With mode 'new' an existing workspace with the same id is a conflict; 'replace' swaps it.
 */
export async function importWorkspace(
  store: WorkspaceStore,
  bytes: Uint8Array,
  options: ImportOptions = {},
): Promise<Workspace> {
  const backup = await readBackup(bytes);
  const { workspace, auditChain } = backup;
  if (!auditChain.ok && !options.acceptBrokenAuditTrail) {
    const index = backup.audit.findIndex((event) => event.seq >= auditChain.firstBadSeq);
    throw invalid(
      `its audit trail fails verification at event ${auditChain.firstBadSeq}: ${auditChain.reason}`,
      index < 0 ? `${MANIFEST}.workspace.auditSeq` : `${MANIFEST}.audit[${index}]`,
    );
  }
  const brokenNote = auditChain.ok
    ? ''
    : ` (its audit trail failed verification at event ${auditChain.firstBadSeq})`;
  const existing = await store.getWorkspace(workspace.id);
  if (existing && options.mode !== 'replace') {
    throw new StoreError(
      'conflict',
      `This browser already has the workspace “${existing.name}” from this backup. Replace it, or delete it first.`,
      'workspace.id',
    );
  }
  const clash = (await store.listWorkspaces()).find(
    (other) =>
      other.id !== workspace.id && other.name.toLowerCase() === workspace.name.toLowerCase(),
  );
  const name = clash ? `${workspace.name} (restored)` : workspace.name;
  const bytesToWrite = [...backup.blobs.values()].reduce(
    (sum, blob) => sum + blob.data.byteLength,
    0,
  );
  await withLock(`${store.database.name}:workspace:${workspace.id}`, async () => {
    await store.write(
      ['blobs', ...ENTITY_KINDS],
      async (tx) => {
        if (existing) await store.deleteContents(tx, workspace.id);
        await tx.objectStore('workspaces').put({ ...workspace, name });
        for (const kind of ENTITY_KINDS) {
          for (const record of backup.records[kind]) {
            for (const hash of record.blobRefs ?? []) {
              const blob = backup.blobs.get(hash) as { type: string; data: Uint8Array };
              await storeBlob(tx, hash, blob.data, blob.type);
            }
            await tx.objectStore(kind).add(record);
          }
        }
        for (const event of backup.audit) await tx.objectStore('audit').add(event);
      },
      workspace.id,
      [
        {
          action: 'import',
          entityKind: 'workspaces',
          entityId: workspace.id,
          summary: `Imported workspace “${name}” from ${options.fileName ?? 'a backup'}${existing ? ', replacing the copy that was here' : ''}${brokenNote}`,
        },
      ],
      bytesToWrite,
    );
  }).catch((error: unknown) => {
    throw toStoreError(error, { bytes: bytesToWrite });
  });
  store.channel.post({ type: 'workspaces' });
  return (await store.getWorkspace(workspace.id)) as Workspace;
}
