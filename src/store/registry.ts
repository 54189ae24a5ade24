import { checkSignature, type ModelSignature } from '../core/tracking/signature';
import { StoreError } from './errors';
import { sha256 } from './hash';
import type { EntityRecord, Json } from './schema';
import { formatBytes, type RunRecord } from './tracking';
import {
  releaseBlobs,
  retainBlob,
  storeBlob,
  validName,
  type AuditEntry,
  type WorkspaceStore,
  type WriteTx,
} from './workspace-store';

/** One move of an alias: from a version to another, onto a first version (from null) or off (to null). */
export type AliasMove = {
  alias: string;
  from: number | null;
  to: number | null;
  at: number;
  actor: string;
};

export interface ModelRecord extends EntityRecord {
  name: string;
  description: string;
  tags: string[];
  /** Alias → version number. An alias names at most one version of a model at a time. */
  aliases: Record<string, number>;
  aliasHistory: AliasMove[];
  /** The highest version number ever given: numbers are never reused, even after a deletion. */
  latestVersion: number;
  archived: boolean;
}

export type ModelArtifact = { name: string; hash: string; size: number; mediaType: string };
export type DatasetRef = { datasetVersionId: string; contentHash: string };
export type ModelCardText = { intendedUse: string; limitations: string };
export type ClassMetrics = {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
};
export type VersionStage = 'active' | 'archived';

export interface ModelVersionRecord extends EntityRecord {
  modelId: string;
  version: number;
  source: 'run' | 'onnx';
  runId: string | null;
  /** The file an imported ONNX model came from. */
  fileName: string | null;
  artifact: ModelArtifact;
  /** A ModelSignature (see signatureOf), or null when not recorded. */
  signature: Json;
  metrics: Record<string, number | null>;
  perClassMetrics: ClassMetrics[];
  datasetVersions: DatasetRef[];
  tags: string[];
  description: string;
  stage: VersionStage;
  card: ModelCardText;
}

/** Models written before the registry (schema v2) lack its fields; they read as empty. */
export function normalizeModel(record: EntityRecord): ModelRecord {
  const model = record as Partial<ModelRecord> & EntityRecord;
  return {
    ...model,
    name: typeof model.name === 'string' ? model.name : model.id,
    description: model.description ?? '',
    tags: model.tags ?? [],
    aliases: model.aliases ?? {},
    aliasHistory: model.aliasHistory ?? [],
    latestVersion: model.latestVersion ?? 0,
    archived: model.archived ?? false,
  };
}

export function normalizeVersion(record: EntityRecord): ModelVersionRecord {
  const version = record as Partial<ModelVersionRecord> & EntityRecord;
  return {
    ...version,
    modelId: String(version.modelId),
    version: typeof version.version === 'number' ? version.version : 0,
    source: version.source ?? (version.runId ? 'run' : 'onnx'),
    runId: version.runId ?? null,
    fileName: version.fileName ?? null,
    artifact: version.artifact ?? {
      name: 'model',
      hash: version.blobRefs?.[0] ?? '',
      size: 0,
      mediaType: 'application/octet-stream',
    },
    signature: version.signature ?? null,
    metrics: version.metrics ?? {},
    perClassMetrics: version.perClassMetrics ?? [],
    datasetVersions: version.datasetVersions ?? [],
    tags: version.tags ?? [],
    description: version.description ?? '',
    stage: version.stage ?? 'active',
    card: version.card ?? { intendedUse: '', limitations: '' },
  };
}

export const signatureOf = (version: ModelVersionRecord) =>
  version.signature as unknown as ModelSignature | null;

export const RESERVED_ALIASES = ['latest'];
const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_MODEL_BYTES = 2 * 1024 * 1024 * 1024;

const ONNX_MEDIA_TYPE = 'application/onnx';

export function checkAlias(alias: string): string {
  const name = alias.trim();
  if (!ALIAS_PATTERN.test(name)) {
    throw new StoreError(
      'invalid',
      `“${alias}” is not a valid alias: start with a letter, then letters, digits, “-” or “_” (at most 64).`,
      'alias',
    );
  }
  if (RESERVED_ALIASES.includes(name.toLowerCase())) {
    throw new StoreError(
      'invalid',
      `“${name}” is reserved: it always means the newest version.`,
      'alias',
    );
  }
  return name;
}

const cleanTags = (tags: readonly string[] = []) => [
  ...new Set(tags.map((tag) => tag.trim()).filter(Boolean)),
];

function checkMetrics(
  metrics: Record<string, unknown>,
  where: string,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(metrics)) {
    if (value === null || (typeof value === 'number' && Number.isFinite(value))) out[name] = value;
    else if (typeof value === 'number') out[name] = null;
    else throw new StoreError('invalid', `Metric “${name}” must be a number.`, `${where}.${name}`);
  }
  return out;
}

function checkClassMetrics(rows: readonly ClassMetrics[]): ClassMetrics[] {
  return rows.map((row, index) => {
    const numbers = [row.precision, row.recall, row.f1, row.support];
    if (
      typeof row.class !== 'string' ||
      !numbers.every((value) => typeof value === 'number' && Number.isFinite(value))
    ) {
      throw new StoreError(
        'invalid',
        'Per-class metrics need a class name and finite precision, recall, f1 and support.',
        `perClassMetrics[${index}]`,
      );
    }
    return {
      class: row.class,
      precision: row.precision,
      recall: row.recall,
      f1: row.f1,
      support: row.support,
    };
  });
}

const versionLabel = (model: ModelRecord, version: number) =>
  `version ${version} of “${model.name}”`;

async function modelVersionsOf(tx: WriteTx, modelId: string) {
  return (
    (await tx
      .objectStore('modelVersions')
      .index('byModelVersion')
      .getAll(IDBKeyRange.bound([modelId, -Infinity], [modelId, Infinity]))) as EntityRecord[]
  ).map(normalizeVersion);
}

async function requireModel(tx: WriteTx, modelId: string): Promise<ModelRecord> {
  const model = (await tx.objectStore('models').get(modelId)) as EntityRecord | undefined;
  if (!model) throw new StoreError('not-found', `There is no model with id ${modelId}.`);
  return normalizeModel(model);
}

async function requireVersion(tx: WriteTx, versionId: string): Promise<ModelVersionRecord> {
  const version = (await tx.objectStore('modelVersions').get(versionId)) as
    EntityRecord | undefined;
  if (!version)
    throw new StoreError('not-found', `There is no model version with id ${versionId}.`);
  return normalizeVersion(version);
}

async function workspaceOf(store: WorkspaceStore, kind: 'models' | 'modelVersions', id: string) {
  const record = await store.get(kind, id);
  if (!record) {
    throw new StoreError(
      'not-found',
      `There is no ${kind === 'models' ? 'model' : 'model version'} with id ${id}.`,
    );
  }
  return record.workspaceId;
}

// ── registering ───────────────────────────────────────────────────────────────────────────

export type ModelSource =
  | { kind: 'run'; runId: string; artifact: string }
  | { kind: 'onnx'; bytes: Uint8Array; fileName: string };

export interface RegisterInput {
  /** The registered model's name; a new model is created the first time a name is used. */
  name: string;
  source: ModelSource;
  signature?: unknown;
  /** Defaults to the latest value of each of the run's metrics. */
  metrics?: Record<string, number | null>;
  perClassMetrics?: ClassMetrics[];
  /** Defaults to the run's inputs. */
  datasetVersions?: { datasetVersionId: string; contentHash?: string }[];
  tags?: string[];
  description?: string;
  card?: Partial<ModelCardText>;
}

/**
 * Registers a new version of a named model in one transaction: the model (if new), the next
 * version number, the artifact blob (kept even if the run is deleted later) and the audit
 * events. A version comes from a finished run's artifact or from an imported ONNX file.
 */
export async function registerModelVersion(
  store: WorkspaceStore,
  workspaceId: string,
  input: RegisterInput,
): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  const name = validName(input.name, 'A model name');
  let signature: ModelSignature | null = null;
  if (input.signature !== undefined && input.signature !== null) {
    const checked = checkSignature(input.signature);
    if (!checked.ok)
      throw new StoreError(
        'invalid',
        `The model signature is not valid: ${checked.where} ${checked.message}`,
        checked.where,
      );
    signature = checked.signature;
  }
  const metrics = input.metrics ? checkMetrics(input.metrics, 'metrics') : undefined;
  const perClassMetrics = checkClassMetrics(input.perClassMetrics ?? []);
  let onnx: { hash: string; bytes: Uint8Array; fileName: string } | undefined;
  if (input.source.kind === 'onnx') {
    const { bytes, fileName } = input.source;
    if (!bytes.byteLength)
      throw new StoreError('invalid', `The ONNX file “${fileName}” is empty.`, 'source.bytes');
    if (bytes.byteLength > MAX_MODEL_BYTES) {
      throw new StoreError(
        'invalid',
        `The ONNX file “${fileName}” is larger than ${formatBytes(MAX_MODEL_BYTES)}.`,
        'source.bytes',
      );
    }
    onnx = { hash: await sha256(bytes), bytes, fileName };
  }
  let model: ModelRecord | undefined;
  let version: ModelVersionRecord | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions', 'runs', 'datasetVersions', 'blobs'],
    async (tx) => {
      const models = (
        (await tx.objectStore('models').index('byWorkspace').getAll(workspaceId)) as EntityRecord[]
      ).map(normalizeModel);
      model = models.find((item) => item.name.toLowerCase() === name.toLowerCase());
      const at = store.now();
      if (!model) {
        model = {
          id: store.newId(),
          workspaceId,
          createdAt: at,
          createdBy: store.actor.id,
          name,
          description: '',
          tags: [],
          aliases: {},
          aliasHistory: [],
          latestVersion: 0,
          archived: false,
        };
        await tx.objectStore('models').add(model);
        entries.push({
          action: 'create',
          entityKind: 'models',
          entityId: model.id,
          summary: `Created model “${name}”`,
        });
      }

      let artifact: ModelArtifact;
      let run: RunRecord | undefined;
      if (input.source.kind === 'run') {
        const { runId, artifact: artifactName } = input.source;
        run = (await tx.objectStore('runs').get(runId)) as RunRecord | undefined;
        if (!run || run.workspaceId !== workspaceId)
          throw new StoreError('not-found', `There is no run with id ${runId}.`, 'source.runId');
        if (run.status !== 'finished') {
          throw new StoreError(
            'invalid',
            `Run “${run.name}” is ${run.status}: only a finished run can be registered as a model.`,
            'source.runId',
          );
        }
        const found = run.artifacts.find((item) => item.name === artifactName);
        if (!found) {
          const names = run.artifacts.map((item) => `“${item.name}”`).join(', ') || 'none';
          throw new StoreError(
            'not-found',
            `Run “${run.name}” has no artifact “${artifactName}” (it has ${names}).`,
            'source.artifact',
          );
        }
        artifact = {
          name: found.name,
          hash: found.hash,
          size: found.size,
          mediaType: found.mediaType,
        };
        await retainBlob(tx, artifact.hash);
      } else {
        const file = onnx as NonNullable<typeof onnx>;
        artifact = {
          name: file.fileName,
          hash: file.hash,
          size: file.bytes.byteLength,
          mediaType: ONNX_MEDIA_TYPE,
        };
        await storeBlob(tx, file.hash, file.bytes, ONNX_MEDIA_TYPE);
      }

      const datasetVersions: DatasetRef[] = [];
      const requested = input.datasetVersions ?? run?.inputs ?? [];
      for (const [index, item] of requested.entries()) {
        const stored = (await tx.objectStore('datasetVersions').get(item.datasetVersionId)) as
          EntityRecord | undefined;
        if (!stored || stored.workspaceId !== workspaceId) {
          throw new StoreError(
            'not-found',
            `There is no dataset version with id ${item.datasetVersionId}.`,
            `datasetVersions[${index}]`,
          );
        }
        const contentHash =
          item.contentHash ?? (typeof stored.contentHash === 'string' ? stored.contentHash : '');
        if (typeof stored.contentHash === 'string' && contentHash !== stored.contentHash) {
          throw new StoreError(
            'invalid',
            `Dataset version ${item.datasetVersionId} has content hash ${stored.contentHash}, not ${contentHash}.`,
            `datasetVersions[${index}].contentHash`,
          );
        }
        datasetVersions.push({ datasetVersionId: item.datasetVersionId, contentHash });
      }

      const existing = await modelVersionsOf(tx, model.id);
      const number = Math.max(model.latestVersion, ...existing.map((item) => item.version)) + 1;
      const runMetrics: Record<string, number | null> = {};
      for (const [key, summary] of Object.entries(run?.summary ?? {}))
        runMetrics[key] = summary.latest;
      version = {
        id: store.newId(),
        workspaceId,
        createdAt: at,
        createdBy: store.actor.id,
        blobRefs: [artifact.hash],
        modelId: model.id,
        version: number,
        source: input.source.kind,
        runId: run?.id ?? null,
        fileName: onnx?.fileName ?? null,
        artifact,
        signature: signature as unknown as Json,
        metrics: metrics ?? runMetrics,
        perClassMetrics,
        datasetVersions,
        tags: cleanTags(input.tags),
        description: input.description?.trim() ?? '',
        stage: 'active',
        card: {
          intendedUse: input.card?.intendedUse ?? '',
          limitations: input.card?.limitations ?? '',
        },
      };
      await tx.objectStore('modelVersions').add(version);
      model = { ...model, latestVersion: number, updatedAt: at };
      await tx.objectStore('models').put(model);
      const from = run ? `run “${run.name}”` : `the ONNX file “${onnx?.fileName}”`;
      entries.push({
        action: 'register',
        entityKind: 'modelVersions',
        entityId: version.id,
        summary: `Registered ${versionLabel(model, number)} from ${from}`,
      });
    },
    workspaceId,
    () => entries,
    onnx?.bytes.byteLength ?? 0,
  );
  store.channel.post({ type: 'entities', workspaceId, kinds: ['models', 'modelVersions'] });
  return { model: model as ModelRecord, version: version as ModelVersionRecord };
}

// ── aliases ───────────────────────────────────────────────────────────────────────────────

function moveAlias(store: WorkspaceStore, model: ModelRecord, alias: string, to: number | null) {
  const from = model.aliases[alias] ?? null;
  const aliases = { ...model.aliases };
  if (to === null) delete aliases[alias];
  else aliases[alias] = to;
  const move: AliasMove = { alias, from, to, at: store.now(), actor: store.actor.name };
  const next: ModelRecord = {
    ...model,
    aliases,
    aliasHistory: [...model.aliasHistory, move],
    updatedAt: move.at,
  };
  const summary =
    to === null
      ? `Removed alias “${alias}” from ${versionLabel(model, from as number)}`
      : from === null
        ? `Gave ${versionLabel(model, to)} the alias “${alias}”`
        : `Moved alias “${alias}” of “${model.name}” from version ${from} to version ${to}`;
  const entry: AuditEntry = {
    action: 'alias',
    entityKind: 'models',
    entityId: model.id,
    summary,
    changes: [{ field: `aliases.${alias}`, before: from, after: to }],
  };
  return { next, entry };
}

/**
 * Points an alias at a version (moving it from the version that held it) or, with null, removes
 * it. Every move is kept in the model's alias history and the audit trail.
 */
export async function setModelAlias(
  store: WorkspaceStore,
  modelId: string,
  alias: string,
  version: number | null,
) {
  const name = checkAlias(alias);
  const workspaceId = await workspaceOf(store, 'models', modelId);
  let result: ModelRecord | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions'],
    async (tx) => {
      const model = await requireModel(tx, modelId);
      result = model;
      const current = model.aliases[name] ?? null;
      if (current === version) return;
      if (version === null) {
        if (current === null) return;
      } else {
        const [target] = (await tx
          .objectStore('modelVersions')
          .index('byModelVersion')
          .getAll([modelId, version])) as ModelVersionRecord[];
        if (!target)
          throw new StoreError(
            'not-found',
            `Model “${model.name}” has no version ${version}.`,
            'version',
          );
        if (target.stage === 'archived') {
          throw new StoreError(
            'invalid',
            `${versionLabel(model, version)} is archived; restore it before giving it an alias.`,
            'version',
          );
        }
      }
      const { next, entry } = moveAlias(store, model, name, version);
      await tx.objectStore('models').put(next);
      result = next;
      entries.push(entry);
    },
    workspaceId,
    () => entries,
  );
  if (entries.length) store.channel.post({ type: 'entities', workspaceId, kinds: ['models'] });
  return result as ModelRecord;
}

/** Aliases that point at a version, sorted. */
export const aliasesOf = (model: ModelRecord, version: number) =>
  Object.entries(model.aliases)
    .filter(([, target]) => target === version)
    .map(([alias]) => alias)
    .sort();

// ── archive ───────────────────────────────────────────────────────────────────────────────

/** Archives a version (or restores it); a version an alias points at must lose the alias first. */
export async function archiveModelVersion(
  store: WorkspaceStore,
  versionId: string,
  archived = true,
) {
  const workspaceId = await workspaceOf(store, 'modelVersions', versionId);
  let result: ModelVersionRecord | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions'],
    async (tx) => {
      const version = await requireVersion(tx, versionId);
      const model = await requireModel(tx, version.modelId);
      result = version;
      const stage: VersionStage = archived ? 'archived' : 'active';
      if (version.stage === stage) return;
      const held = aliasesOf(model, version.version);
      if (archived && held.length) {
        throw new StoreError(
          'conflict',
          `${versionLabel(model, version.version)} holds the alias${held.length > 1 ? 'es' : ''} ${held.map((alias) => `“${alias}”`).join(', ')}; move ${held.length > 1 ? 'them' : 'it'} to another version first.`,
          'aliases',
        );
      }
      result = { ...version, stage, updatedAt: store.now() };
      await tx.objectStore('modelVersions').put(result);
      entries.push({
        action: 'archive',
        entityKind: 'modelVersions',
        entityId: versionId,
        summary: archived
          ? `Archived ${versionLabel(model, version.version)}`
          : `Restored ${versionLabel(model, version.version)} from the archive`,
        changes: [{ field: 'stage', before: version.stage, after: stage }],
      });
    },
    workspaceId,
    () => entries,
  );
  if (entries.length)
    store.channel.post({ type: 'entities', workspaceId, kinds: ['modelVersions'] });
  return result as ModelVersionRecord;
}

export async function archiveModel(store: WorkspaceStore, modelId: string, archived = true) {
  const found = await store.get('models', modelId);
  if (!found) throw new StoreError('not-found', `There is no model with id ${modelId}.`);
  const model = normalizeModel(found);
  if (model.archived === archived) return model;
  return normalizeModel(
    await store.update(
      'models',
      modelId,
      { archived },
      {
        action: 'archive',
        summary: archived
          ? `Archived model “${model.name}”`
          : `Restored model “${model.name}” from the archive`,
      },
    ),
  );
}

// ── deleting ──────────────────────────────────────────────────────────────────────────────

export interface DeleteVersionOptions {
  /**
   * Also delete the deployments that serve the version(s). Without it a version a deployment
   * references is never deleted: the error names the deployment.
   */
  force?: boolean;
}

export interface ModelDeletion {
  versions: number[];
  deployments: { id: string; name: string }[];
  aliasesRemoved: string[];
  /** Blob bytes no other record uses, freed. */
  bytes: number;
}

const deploymentName = (deployment: EntityRecord) =>
  typeof deployment.name === 'string' ? deployment.name : deployment.id;

async function deleteVersionsInTx(
  store: WorkspaceStore,
  tx: WriteTx,
  model: ModelRecord,
  versions: ModelVersionRecord[],
  options: DeleteVersionOptions,
  entries: AuditEntry[],
): Promise<{ model: ModelRecord; deletion: ModelDeletion }> {
  const deletion: ModelDeletion = { versions: [], deployments: [], aliasesRemoved: [], bytes: 0 };
  const serving: { version: ModelVersionRecord; deployments: EntityRecord[] }[] = [];
  for (const version of versions) {
    const deployments = (await tx
      .objectStore('deployments')
      .index('by_modelVersionId')
      .getAll(version.id)) as EntityRecord[];
    if (deployments.length) serving.push({ version, deployments });
  }
  if (serving.length && !options.force) {
    const [first] = serving as [(typeof serving)[number]];
    const [deployment, ...more] = first.deployments as [EntityRecord, ...EntityRecord[]];
    throw new StoreError(
      'conflict',
      `${versionLabel(model, first.version.version)} is used by deployment “${deploymentName(deployment)}” (${deployment.id})${more.length ? ` and ${more.length} more` : ''}. Delete the deployment first, or delete with force to remove the deployment as well.`,
      'deployments',
    );
  }
  for (const { version, deployments } of serving) {
    for (const deployment of deployments) {
      deletion.bytes += await releaseBlobs(tx, deployment.blobRefs);
      await tx.objectStore('deployments').delete(deployment.id);
      deletion.deployments.push({ id: deployment.id, name: deploymentName(deployment) });
      entries.push({
        action: 'delete',
        entityKind: 'deployments',
        entityId: deployment.id,
        summary: `Deleted deployment “${deploymentName(deployment)}” with ${versionLabel(model, version.version)}, which it served`,
      });
    }
  }
  let current = model;
  for (const version of versions) {
    for (const alias of aliasesOf(current, version.version)) {
      const { next, entry } = moveAlias(store, current, alias, null);
      current = next;
      entries.push(entry);
      deletion.aliasesRemoved.push(alias);
    }
    deletion.bytes += await releaseBlobs(tx, version.blobRefs);
    await tx.objectStore('modelVersions').delete(version.id);
    deletion.versions.push(version.version);
    entries.push({
      action: 'delete',
      entityKind: 'modelVersions',
      entityId: version.id,
      summary: `Deleted ${versionLabel(model, version.version)}`,
    });
  }
  return { model: current, deletion };
}

export async function deleteModelVersion(
  store: WorkspaceStore,
  versionId: string,
  options: DeleteVersionOptions = {},
) {
  const workspaceId = await workspaceOf(store, 'modelVersions', versionId);
  let deletion: ModelDeletion | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions', 'deployments', 'blobs'],
    async (tx) => {
      const version = await requireVersion(tx, versionId);
      const model = await requireModel(tx, version.modelId);
      const done = await deleteVersionsInTx(store, tx, model, [version], options, entries);
      await tx.objectStore('models').put(done.model);
      deletion = done.deletion;
    },
    workspaceId,
    () => entries,
  );
  store.channel.post({
    type: 'entities',
    workspaceId,
    kinds: ['models', 'modelVersions', 'deployments'],
  });
  return deletion as ModelDeletion;
}

/** Deletes a model with all its versions, under the same deployment guard as a single version. */
export async function deleteModel(
  store: WorkspaceStore,
  modelId: string,
  options: DeleteVersionOptions = {},
) {
  const workspaceId = await workspaceOf(store, 'models', modelId);
  let deletion: ModelDeletion | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions', 'deployments', 'blobs'],
    async (tx) => {
      const model = await requireModel(tx, modelId);
      const versions = await modelVersionsOf(tx, modelId);
      const done = await deleteVersionsInTx(store, tx, model, versions, options, entries);
      await tx.objectStore('models').delete(modelId);
      entries.push({
        action: 'delete',
        entityKind: 'models',
        entityId: modelId,
        summary: `Deleted model “${model.name}”`,
      });
      deletion = done.deletion;
    },
    workspaceId,
    () => entries,
  );
  store.channel.post({
    type: 'entities',
    workspaceId,
    kinds: ['models', 'modelVersions', 'deployments'],
  });
  return deletion as ModelDeletion;
}

// ── editing and reading ───────────────────────────────────────────────────────────────────

export async function updateModel(
  store: WorkspaceStore,
  modelId: string,
  patch: { name?: string; description?: string; tags?: string[] },
) {
  const model = (await store.get('models', modelId)) as ModelRecord | undefined;
  if (!model) throw new StoreError('not-found', `There is no model with id ${modelId}.`);
  const fields: Record<string, Json> = {};
  if (patch.name !== undefined) {
    const name = validName(patch.name, 'A model name');
    const taken = (await listModelRecords(store, model.workspaceId)).some(
      (other) => other.id !== modelId && other.name.toLowerCase() === name.toLowerCase(),
    );
    if (taken) throw new StoreError('conflict', `A model named “${name}” already exists.`, 'name');
    fields.name = name;
  }
  if (patch.description !== undefined) fields.description = patch.description.trim();
  if (patch.tags !== undefined) fields.tags = cleanTags(patch.tags);
  if (!Object.keys(fields).length) return model;
  return normalizeModel(
    await store.update('models', modelId, fields, { summary: `Edited model “${model.name}”` }),
  );
}

export async function updateModelVersion(
  store: WorkspaceStore,
  versionId: string,
  patch: { description?: string; tags?: string[]; card?: Partial<ModelCardText> },
) {
  const version = (await store.get('modelVersions', versionId)) as ModelVersionRecord | undefined;
  if (!version)
    throw new StoreError('not-found', `There is no model version with id ${versionId}.`);
  const model = (await store.get('models', version.modelId)) as ModelRecord | undefined;
  const fields: Record<string, Json> = {};
  if (patch.description !== undefined) fields.description = patch.description.trim();
  if (patch.tags !== undefined) fields.tags = cleanTags(patch.tags);
  if (patch.card !== undefined) fields.card = { ...version.card, ...patch.card };
  if (!Object.keys(fields).length) return version;
  const label = model ? versionLabel(model, version.version) : `model version ${version.version}`;
  return (await store.update('modelVersions', versionId, fields, {
    summary: `Edited ${label}`,
  })) as ModelVersionRecord;
}

export async function listModelRecords(store: WorkspaceStore, workspaceId: string) {
  return (await store.list('models', workspaceId)).map(normalizeModel);
}

/** A model's versions, oldest first. */
export async function listModelVersionRecords(store: WorkspaceStore, modelId: string) {
  const versions = (await store.database.getAllFromIndex(
    'modelVersions',
    'byModelVersion',
    IDBKeyRange.bound([modelId, -Infinity], [modelId, Infinity]),
  )) as EntityRecord[];
  return versions.map(normalizeVersion).sort((a, b) => a.version - b.version);
}

/** A version by number, alias or `latest` (the newest version that is not archived). */
export async function resolveModelVersion(
  store: WorkspaceStore,
  model: ModelRecord,
  ref: number | string,
) {
  const versions = await listModelVersionRecords(store, model.id);
  let wanted: number | undefined;
  if (typeof ref === 'number') wanted = ref;
  else if (ref.toLowerCase() === 'latest')
    wanted = versions.filter((item) => item.stage === 'active').at(-1)?.version;
  else if (/^v?\d+$/i.test(ref)) wanted = Number(ref.replace(/^v/i, ''));
  else wanted = model.aliases[ref];
  const version = versions.find((item) => item.version === wanted);
  if (!version) {
    throw new StoreError(
      'not-found',
      `Model “${model.name}” has no version ${typeof ref === 'number' ? ref : `“${ref}”`}.`,
      'version',
    );
  }
  return version;
}

// ── deployments ───────────────────────────────────────────────────────────────────────────

/**
 * How a version left the lab: a zip for a web page, a copied snippet, an ONNX file, or a batch
 * of rows scored with the deployment runtime.
 */
export const DEPLOYMENT_KINDS = ['embed-zip', 'snippet', 'onnx', 'batch-score'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

export interface DeploymentRecord extends EntityRecord {
  name: string;
  kind: DeploymentKind;
  modelId: string;
  modelVersionId: string;
  version: number;
  /** Where it went: a page, a host, a file name; free text, never empty. */
  target: string;
  /** The local profile's name when it was recorded (the audit event keeps the full actor). */
  deployedBy: string;
  files: string[];
  bytes: number;
  notes: string;
  tags: string[];
  /** What the runtime evaluates: `bunsen` (the lab's format), `onnx` or `forecast`. */
  modelKind?: string;
}

export interface RecordDeploymentInput {
  modelVersionId: string;
  kind: DeploymentKind;
  target: string;
  /** Defaults to “<model>-v<version>”. */
  name?: string;
  files?: string[];
  bytes?: number;
  notes?: string;
  /** What the runtime evaluates: the lab's format, an ONNX file or a forecaster. */
  modelKind?: string;
}

const DEPLOYMENT_KIND_TEXT: Record<DeploymentKind, string> = {
  'embed-zip': 'an embed zip',
  snippet: 'a snippet',
  onnx: 'an ONNX file',
  'batch-score': 'a batch scoring',
};

export function normalizeDeployment(record: EntityRecord): DeploymentRecord {
  const deployment = record as Partial<DeploymentRecord> & EntityRecord;
  return {
    ...deployment,
    name: typeof deployment.name === 'string' ? deployment.name : deployment.id,
    kind: DEPLOYMENT_KINDS.includes(deployment.kind as DeploymentKind)
      ? (deployment.kind as DeploymentKind)
      : 'embed-zip',
    modelId: String(deployment.modelId ?? ''),
    modelVersionId: String(deployment.modelVersionId ?? ''),
    version: typeof deployment.version === 'number' ? deployment.version : 0,
    target: typeof deployment.target === 'string' ? deployment.target : '',
    deployedBy: typeof deployment.deployedBy === 'string' ? deployment.deployedBy : '',
    files: Array.isArray(deployment.files) ? deployment.files.map(String) : [],
    bytes: typeof deployment.bytes === 'number' ? deployment.bytes : 0,
    notes: deployment.notes ?? '',
    tags: deployment.tags ?? [],
  };
}

/**
 * Records that a version was deployed, in one transaction with its audit event. The event's
 * change says what the target served before (the version last deployed there, or nothing) and
 * after; the actor and time are the event's own. An archived version is refused: restore it
 * first, so that what is deployed is never hidden from the registry's lists.
 */
export async function recordModelDeployment(
  store: WorkspaceStore,
  input: RecordDeploymentInput,
): Promise<DeploymentRecord> {
  if (!DEPLOYMENT_KINDS.includes(input.kind)) {
    throw new StoreError(
      'invalid',
      `“${String(input.kind)}” is not a kind of deployment: use ${DEPLOYMENT_KINDS.join(', ')}.`,
      'kind',
    );
  }
  const target = typeof input.target === 'string' ? input.target.trim() : '';
  if (!target || target.length > 500) {
    throw new StoreError(
      'invalid',
      'A deployment needs a target (where it went: a page, a host, a file name), at most 500 characters.',
      'target',
    );
  }
  const bytes = input.bytes ?? 0;
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new StoreError('invalid', 'A deployment’s size must be a number of bytes ≥ 0.', 'bytes');
  }
  const workspaceId = await workspaceOf(store, 'modelVersions', input.modelVersionId);
  let created: DeploymentRecord | undefined;
  const entries: AuditEntry[] = [];
  await store.write(
    ['models', 'modelVersions', 'deployments'],
    async (tx) => {
      const version = await requireVersion(tx, input.modelVersionId);
      const model = await requireModel(tx, version.modelId);
      if (version.stage === 'archived') {
        throw new StoreError(
          'invalid',
          `${versionLabel(model, version.version)} is archived; restore it before deploying it.`,
          'modelVersionId',
        );
      }
      const all = (
        (await tx
          .objectStore('deployments')
          .index('byWorkspace')
          .getAll(workspaceId)) as EntityRecord[]
      ).map(normalizeDeployment);
      const previous = all
        .filter((item) => item.target === target)
        .sort((a, b) => b.createdAt - a.createdAt)[0];
      const previousModel =
        previous && previous.modelId !== model.id
          ? ((await tx.objectStore('models').get(previous.modelId)) as EntityRecord | undefined)
          : undefined;
      const name =
        input.name?.trim() ||
        `${model.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'}-v${version.version}`;
      const record: DeploymentRecord = {
        id: store.newId(),
        workspaceId,
        createdAt: store.now(),
        createdBy: store.actor.id,
        name: validName(name, 'A deployment name'),
        kind: input.kind,
        modelId: model.id,
        modelVersionId: version.id,
        version: version.version,
        target,
        deployedBy: store.actor.name,
        files: [...(input.files ?? [])].map(String),
        bytes,
        notes: input.notes?.trim() ?? '',
        tags: [],
        ...(input.modelKind ? { modelKind: input.modelKind } : {}),
      };
      await tx.objectStore('deployments').add(record);
      created = record;
      const before = previous
        ? previousModel
          ? versionLabel(normalizeModel(previousModel), previous.version)
          : versionLabel(model, previous.version)
        : null;
      entries.push({
        action: 'create',
        entityKind: 'deployments',
        entityId: record.id,
        summary: `Deployed ${versionLabel(model, version.version)} as ${DEPLOYMENT_KIND_TEXT[input.kind]} (${record.name}) to “${target}”${before ? `, replacing ${before}` : ''}`,
        changes: [
          { field: `target “${target}”`, before, after: versionLabel(model, version.version) },
        ],
      });
    },
    workspaceId,
    () => entries,
  );
  store.channel.post({ type: 'entities', workspaceId, kinds: ['deployments'] });
  return created as DeploymentRecord;
}

/** The deployments of a version, newest first. */
export async function listVersionDeployments(store: WorkspaceStore, versionId: string) {
  const records = (await store.database.getAllFromIndex(
    'deployments',
    'by_modelVersionId',
    versionId,
  )) as EntityRecord[];
  return records.map(normalizeDeployment).sort((a, b) => b.createdAt - a.createdAt);
}
