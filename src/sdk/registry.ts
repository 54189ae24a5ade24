import {
  renderModelCard,
  type ModelCardData,
  type ModelCardFormat,
} from '../core/tracking/model-card';
import { StoreError } from '../store/errors';
import {
  aliasesOf,
  archiveModel,
  archiveModelVersion,
  deleteModel,
  deleteModelVersion,
  listModelRecords,
  listModelVersionRecords,
  listVersionDeployments,
  normalizeModel,
  normalizeVersion,
  recordModelDeployment,
  registerModelVersion,
  resolveModelVersion,
  setModelAlias,
  signatureOf,
  updateModel,
  updateModelVersion,
  type AliasMove,
  type ClassMetrics,
  type DeleteVersionOptions,
  type DeploymentKind,
  type DeploymentRecord,
  type ModelCardText,
  type ModelDeletion,
  type ModelRecord,
  type ModelVersionRecord,
  type RecordDeploymentInput,
} from '../store/registry';
import { readBlobBytes, type ExperimentRecord, type RunRecord } from '../store/tracking';
import type { WorkspaceStore } from '../store/workspace-store';

export type {
  AliasMove,
  ClassMetrics,
  DeploymentKind,
  DeploymentRecord,
  RecordDeploymentInput,
  ModelCardData,
  ModelCardFormat,
  ModelCardText,
  ModelDeletion,
  ModelRecord,
  ModelVersionRecord,
};

export interface ModelSummary {
  model: ModelRecord;
  versions: number;
  /** The newest version, archived or not. */
  latest: ModelVersionRecord | undefined;
}

export interface VersionView {
  record: ModelVersionRecord;
  aliases: string[];
}

export interface RegisterModelInput {
  /** The registered model's name; the first version of a new name creates the model. */
  name: string;
  /** Register an artifact of this finished run … */
  fromRunId?: string;
  /** … named so (default “model.json”). */
  artifact?: string;
  /** Or register an ONNX file brought in (already validated by the ONNX import). */
  onnxBytes?: Uint8Array;
  fileName?: string;
  /** Input schema (names, types, allowed values) and output (classes). */
  signature?: unknown;
  /** Default: the latest value of each of the run's metrics. */
  metrics?: Record<string, number | null>;
  perClassMetrics?: ClassMetrics[];
  /** Default: the run's input dataset versions. */
  datasetVersions?: (string | { datasetVersionId: string; contentHash?: string })[];
  tags?: string[];
  description?: string;
  intendedUse?: string;
  limitations?: string;
}

const CARD_TYPES: Record<ModelCardFormat, { mediaType: string; extension: string }> = {
  markdown: { mediaType: 'text/markdown', extension: 'md' },
  html: { mediaType: 'text/html', extension: 'html' },
};

const fileSafe = (text: string) =>
  text.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';

/** The model registry: named models, numbered versions, aliases, archive, deletion guards, cards. */
export class Models {
  constructor(private readonly store: WorkspaceStore) {}

  async list(
    workspaceId: string,
    options: { includeArchived?: boolean } = {},
  ): Promise<ModelSummary[]> {
    const models = (await listModelRecords(this.store, workspaceId)).filter(
      (model) => options.includeArchived || !model.archived,
    );
    return Promise.all(
      models.map(async (model) => {
        const versions = await listModelVersionRecords(this.store, model.id);
        return { model, versions: versions.length, latest: versions.at(-1) };
      }),
    );
  }

  async get(modelId: string): Promise<ModelRecord> {
    const model = await this.store.get('models', modelId);
    if (!model) throw new StoreError('not-found', `There is no model with id ${modelId}.`);
    return normalizeModel(model);
  }

  async getByName(workspaceId: string, name: string): Promise<ModelRecord | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await listModelRecords(this.store, workspaceId)).find(
      (model) => model.name.toLowerCase() === wanted,
    );
  }

  /** A model's versions, oldest first, each with the aliases that point at it. */
  async versions(modelId: string): Promise<VersionView[]> {
    const model = await this.get(modelId);
    const versions = await listModelVersionRecords(this.store, modelId);
    return versions.map((record) => ({ record, aliases: aliasesOf(model, record.version) }));
  }

  async version(versionId: string): Promise<VersionView> {
    const found = await this.store.get('modelVersions', versionId);
    if (!found)
      throw new StoreError('not-found', `There is no model version with id ${versionId}.`);
    const record = normalizeVersion(found);
    const model = await this.get(record.modelId);
    return { record, aliases: aliasesOf(model, record.version) };
  }

  /** A version of a named model by number, alias (`production`) or `latest`. */
  async resolve(workspaceId: string, name: string, ref: number | string = 'latest') {
    const model = await this.getByName(workspaceId, name);
    if (!model) throw new StoreError('not-found', `There is no model named “${name}”.`);
    return resolveModelVersion(this.store, model, ref);
  }

  register(workspaceId: string, input: RegisterModelInput) {
    if ((input.fromRunId === undefined) === (input.onnxBytes === undefined)) {
      throw new StoreError(
        'invalid',
        'Register either from a run (fromRunId) or from an ONNX file (onnxBytes).',
        'source',
      );
    }
    return registerModelVersion(this.store, workspaceId, {
      name: input.name,
      source: input.fromRunId
        ? { kind: 'run', runId: input.fromRunId, artifact: input.artifact ?? 'model.json' }
        : {
            kind: 'onnx',
            bytes: input.onnxBytes as Uint8Array,
            fileName: input.fileName ?? 'model.onnx',
          },
      signature: input.signature,
      metrics: input.metrics,
      perClassMetrics: input.perClassMetrics,
      datasetVersions: input.datasetVersions?.map((item) =>
        typeof item === 'string' ? { datasetVersionId: item } : item,
      ),
      tags: input.tags,
      description: input.description,
      card: { intendedUse: input.intendedUse ?? '', limitations: input.limitations ?? '' },
    });
  }

  /** Points `alias` at a version number (moving it off its previous version); null removes it. */
  setAlias(modelId: string, alias: string, version: number | null) {
    return setModelAlias(this.store, modelId, alias, version);
  }

  async aliasHistory(modelId: string): Promise<AliasMove[]> {
    return (await this.get(modelId)).aliasHistory;
  }

  archiveVersion(versionId: string, archived = true) {
    return archiveModelVersion(this.store, versionId, archived);
  }

  archiveModel(modelId: string, archived = true) {
    return archiveModel(this.store, modelId, archived);
  }

  /** Refused while a deployment serves the version, unless `force` (which deletes it too). */
  deleteVersion(versionId: string, options: DeleteVersionOptions = {}): Promise<ModelDeletion> {
    return deleteModelVersion(this.store, versionId, options);
  }

  deleteModel(modelId: string, options: DeleteVersionOptions = {}): Promise<ModelDeletion> {
    return deleteModel(this.store, modelId, options);
  }

  /**
   * Records that a version went out (`embed-zip`, `snippet`, `onnx` or `batch-score`) to a
   * target. Audited with what the target served before; shown on the version and in the
   * lineage; a version with deployments is only deleted with `force`.
   */
  recordDeployment(input: RecordDeploymentInput): Promise<DeploymentRecord> {
    return recordModelDeployment(this.store, input);
  }

  /** The deployments of a version, newest first. */
  deployments(versionId: string): Promise<DeploymentRecord[]> {
    return listVersionDeployments(this.store, versionId);
  }

  update(modelId: string, patch: { name?: string; description?: string; tags?: string[] }) {
    return updateModel(this.store, modelId, patch);
  }

  /** Description, tags and the card's user-written text (intended use, limitations). */
  updateVersion(
    versionId: string,
    patch: { description?: string; tags?: string[]; card?: Partial<ModelCardText> },
  ) {
    return updateModelVersion(this.store, versionId, patch);
  }

  async artifact(versionId: string) {
    const { record } = await this.version(versionId);
    return readBlobBytes(
      this.store,
      record.artifact.hash,
      `the artifact of model version ${record.version}`,
    );
  }

  /** Everything known about a version, gathered for its model card. */
  async cardData(versionId: string): Promise<ModelCardData> {
    const { record, aliases } = await this.version(versionId);
    const model = await this.get(record.modelId);
    const run = record.runId
      ? ((await this.store.get('runs', record.runId)) as RunRecord | undefined)
      : undefined;
    const experiment = run
      ? ((await this.store.get('experiments', run.experimentId)) as ExperimentRecord | undefined)
      : undefined;
    const data = await Promise.all(
      record.datasetVersions.map(async (ref) => {
        const version = await this.store.get('datasetVersions', ref.datasetVersionId);
        const dataset =
          version && typeof version.datasetId === 'string'
            ? await this.store.get('datasets', version.datasetId)
            : undefined;
        return {
          name: typeof dataset?.name === 'string' ? dataset.name : 'Deleted dataset',
          version: typeof version?.version === 'number' ? version.version : null,
          rows: typeof version?.rows === 'number' ? version.rows : null,
          contentHash: ref.contentHash,
        };
      }),
    );
    const registration = (await this.store.auditOf(versionId)).find(
      (event) => event.action === 'register',
    );
    return {
      modelName: model.name,
      modelDescription: model.description,
      version: record.version,
      createdAt: record.createdAt,
      createdBy: registration?.actor.name ?? record.createdBy,
      description: record.description,
      stage: record.stage,
      aliases,
      tags: record.tags,
      source:
        record.source === 'run'
          ? {
              kind: 'run',
              runName: run?.name ?? 'deleted run',
              runId: record.runId ?? '',
              experiment: experiment?.name ?? '—',
            }
          : { kind: 'onnx', fileName: record.fileName ?? record.artifact.name },
      params: run?.params ?? {},
      seed: run?.seed ?? null,
      backend: run?.backend ?? null,
      data,
      metrics: record.metrics,
      perClassMetrics: record.perClassMetrics,
      signature: signatureOf(record),
      intendedUse: record.card.intendedUse,
      limitations: record.card.limitations,
    };
  }

  async renderCard(versionId: string, format: ModelCardFormat): Promise<string> {
    return renderModelCard(await this.cardData(versionId), format);
  }

  /** Renders a card for download and records the export in the audit trail. */
  async exportCard(versionId: string, format: ModelCardFormat) {
    const data = await this.cardData(versionId);
    const text = renderModelCard(data, format);
    const { mediaType, extension } = CARD_TYPES[format];
    const fileName = `${fileSafe(data.modelName)}-v${data.version}-model-card.${extension}`;
    const { record } = await this.version(versionId);
    await this.store.recordEvent(record.workspaceId, {
      action: 'export',
      entityKind: 'modelVersions',
      entityId: versionId,
      summary: `Exported the model card of version ${data.version} of “${data.modelName}” as ${format === 'html' ? 'HTML' : 'Markdown'}`,
    });
    return { fileName, mediaType, text };
  }
}
