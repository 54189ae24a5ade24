import type { DatasetProfile, ImportError, ImportWarning } from '../core/data';
import type { PrepareFailure, PrepareStep } from '../core/data/prepare';
import { Table } from '../core/table';
import type {
  DataFolderOutcome,
  DataImportOptions,
  DataImportOutcome,
  DataPrepareOutcome,
  DataPrepareProgress,
} from '../compute/data-api';
import type { DataFolderJob, DataImportJob, DataPrepareJob } from '../compute/data-client';
import {
  createDataset,
  createVersion,
  deleteDataset,
  listDatasets,
  listVersions,
  loadTable,
  renameDataset,
  describeDataset,
  type DatasetRecord,
  type DatasetSummary,
  type DatasetVersionRecord,
  type PrepareTransform,
} from '../store/datasets';
import { StoreError } from '../store/errors';
import type { Json } from '../store/schema';
import { validName, type WorkspaceStore } from '../store/workspace-store';
import { folderTransform, importTransform } from '../compute/data-transform';
import { rememberColumnHashes, resolveColumns } from '../compute/shared-columns';

export type { DatasetRecord, DatasetSummary, DatasetVersionRecord, PrepareTransform };
export type {
  DataFolderFile,
  DataFolderProgress,
  DataImportOptions,
  DataImportProgress,
  DataPrepareProgress,
} from '../compute/data-api';

/** Runs one import off the page's thread: the data worker in the browser. */
export type DataImporter = (job: DataImportJob) => Promise<DataImportOutcome>;

export interface ImportFileInput {
  /** The file (read in slices by the data worker) or its bytes. */
  bytes: Uint8Array | Blob;
  fileName: string;
  /** The dataset's name; by default the file name without its extension. */
  name?: string;
  options?: DataImportOptions;
  signal?: AbortSignal;
  onProgress?: DataImportJob['onProgress'];
}

export type ImportFileResult =
  | {
      ok: true;
      dataset: DatasetRecord;
      version: DatasetVersionRecord;
      /** The stored table, so a caller that shows it need not read it back. */
      table: Table;
      warnings: ImportWarning[];
    }
  | { ok: false; error: ImportError };

const browserImporter: DataImporter = async (job) =>
  (await import('../compute/data-client')).getDataClient().importFile(job);

/** Reads a folder of images or text files off the page's thread: the data worker. */
export type FolderImporter = (job: DataFolderJob) => Promise<DataFolderOutcome>;

const browserFolderImporter: FolderImporter = async (job) =>
  (await import('../compute/data-client')).getDataClient().importFolder(job);

export interface ImportFolderInput extends Omit<
  DataFolderJob,
  'onProgress' | 'onLog' | 'timeoutMs'
> {
  /** The dataset's name; by default the folder's name. */
  name?: string;
  onProgress?: DataFolderJob['onProgress'];
}

export type ImportFolderResult =
  | {
      ok: true;
      dataset: DatasetRecord;
      version: DatasetVersionRecord;
      kind: Extract<DataFolderOutcome, { ok: true }>['kind'];
      skipped: Extract<DataFolderOutcome, { ok: true }>['skipped'];
      counts: Extract<DataFolderOutcome, { ok: true }>['counts'];
      labels: string[];
      warnings: ImportWarning[];
    }
  | { ok: false; error: ImportError };

/** Runs one preparation step and profiles its outputs off the page's thread. */
export type DataPreparer = (job: DataPrepareJob) => Promise<DataPrepareOutcome>;

const browserPreparer: DataPreparer = async (job) =>
  (await import('../compute/data-client')).getDataClient().prepare(job);

/** Runs steps in this thread: for Node (scripts, the command line, tests), where there is no worker. */
export function inProcessPreparer(): DataPreparer {
  let jobs = 0;
  const service = import('../compute/data-service').then((module) => module.createDataService());
  return async (job) =>
    (await service).prepare(
      `prepare-${++jobs}`,
      {
        columns: [...job.columns],
        step: job.step,
        inputs: (job.inputs ?? []).map((input) => ({
          versionId: input.versionId,
          columns: [...input.columns],
        })),
        ...(job.profile ? { profile: job.profile } : {}),
      },
      (event) => {
        if (event.type === 'progress') job.onProgress?.(event.progress);
      },
    );
}

/** Reads folders in this thread: for Node, where there is no worker (images get header checks only). */
export function inProcessFolderImporter(): FolderImporter {
  let jobs = 0;
  const service = import('../compute/data-service').then((module) => module.createDataService());
  return async (job) => {
    const api = await service;
    const jobId = `folder-${++jobs}`;
    const cancel = () => api.cancel(jobId);
    job.signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await api.importFolder(
        jobId,
        {
          folderName: job.folderName,
          files: [...job.files],
          ...(job.kind ? { kind: job.kind } : {}),
          ...(job.encoding ? { encoding: job.encoding } : {}),
        },
        (event) => {
          if (event.type === 'progress') job.onProgress?.(event.progress);
        },
      );
    } finally {
      job.signal?.removeEventListener('abort', cancel);
    }
  };
}

export interface PrepareOptions {
  /** The input version's table when the caller already holds it (saves reading it again). */
  table?: Table;
  signal?: AbortSignal;
  onProgress?: (progress: DataPrepareProgress) => void;
}

/** What a step made: one new version, or for a split two new datasets (train and test). */
export type PrepareResult =
  | {
      ok: true;
      outputs: {
        role: PrepareTransform['role'];
        dataset: DatasetRecord;
        version: DatasetVersionRecord;
        table: Table;
        profile: DatasetProfile;
      }[];
    }
  | { ok: false; error: PrepareFailure };

/** A dataset's versions, and the versions of other datasets that came from it or it came from. */
export interface DatasetLineage {
  versions: DatasetVersionRecord[];
  /** Where version 1 came from when it was made from another dataset (a split's source). */
  origin: { dataset: DatasetRecord; version: DatasetVersionRecord } | null;
  /** Versions of other datasets made from this one's versions (split outputs). */
  derived: { dataset: DatasetRecord; version: DatasetVersionRecord }[];
}

export const datasetNameFromFile = (fileName: string) =>
  fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || fileName || 'Dataset';

/** Import, list, rename and delete datasets; read back any version's table and profile. */
export class Datasets {
  constructor(
    private readonly store: WorkspaceStore,
    private readonly importer: DataImporter = browserImporter,
    private readonly preparer: DataPreparer = browserPreparer,
    private readonly folderImporter: FolderImporter = browserFolderImporter,
  ) {}

  list(workspaceId: string): Promise<DatasetSummary[]> {
    return listDatasets(this.store, workspaceId);
  }

  versions(datasetId: string): Promise<DatasetVersionRecord[]> {
    return listVersions(this.store, datasetId);
  }

  async latestVersion(datasetId: string): Promise<DatasetVersionRecord | undefined> {
    return (await this.versions(datasetId)).at(-1);
  }

  table(versionId: string): Promise<Table> {
    return loadTable(this.store, versionId);
  }

  profile(version: DatasetVersionRecord): DatasetProfile {
    return version.profile as unknown as DatasetProfile;
  }

  async version(versionId: string): Promise<DatasetVersionRecord> {
    const version = (await this.store.get('datasetVersions', versionId)) as
      DatasetVersionRecord | undefined;
    if (!version) throw new StoreError('not-found', `There is no dataset version ${versionId}.`);
    return version;
  }

  private async dataset(datasetId: string): Promise<DatasetRecord> {
    const dataset = (await this.store.get('datasets', datasetId)) as DatasetRecord | undefined;
    if (!dataset) throw new StoreError('not-found', `There is no dataset ${datasetId}.`);
    return dataset;
  }

  /**
   * Applies a preparation step to a version in the data worker and stores what it made: a new
   * version of the same dataset (parent: the input version; transform: the step), or for a
   * split two new datasets “<name> · train” and “<name> · test” whose first versions have the
   * input version as parent. Nothing is stored when the step fails; the error says what and
   * where (column, row and value, or the span of an expression).
   */
  async prepare(
    versionId: string,
    step: PrepareStep,
    options: PrepareOptions = {},
  ): Promise<PrepareResult> {
    // Loaded on first use: the page's first paint needs none of the preparation code.
    const { describeStep, stepInputs } = await import('../core/data/prepare');
    const source = await this.version(versionId);
    const dataset = await this.dataset(source.datasetId);
    const table = options.table ?? (await this.table(versionId));
    const inputIds = stepInputs(step);
    const inputs = await Promise.all(
      inputIds.map(async (id) => ({ versionId: id, columns: (await this.table(id)).columns })),
    );
    const outcome = await this.preparer({
      columns: table.columns,
      step,
      inputs,
      profile: this.profile(source),
      signal: options.signal,
      onProgress: options.onProgress,
    });
    if (!outcome.ok) return outcome;
    options.signal?.throwIfAborted();
    const description = describeStep(step);
    const outputs = [];
    const taken = new Set((await this.list(dataset.workspaceId)).map((s) => s.dataset.name));
    for (const output of outcome.outputs) {
      const columns = resolveColumns(output.columns, table.columns);
      rememberColumnHashes(columns, output.hashes);
      const produced = new Table(columns);
      const transform: PrepareTransform = {
        kind: 'prepare',
        step: step as unknown as { [key: string]: Json },
        description,
        role: output.role,
        inputVersionIds: inputIds,
        rowsBefore: table.rowCount,
      };
      if (output.role === 'result') {
        const version = await createVersion(this.store, dataset.workspaceId, {
          datasetId: dataset.id,
          parentId: versionId,
          table: produced,
          transform,
          profile: output.profile,
        });
        outputs.push({
          role: output.role,
          dataset,
          version,
          table: produced,
          profile: output.profile,
        });
        continue;
      }
      const name = uniqueDatasetName(taken, `${dataset.name} · ${output.role}`);
      taken.add(name);
      const created = await createDataset(this.store, dataset.workspaceId, {
        name,
        description: `The ${output.role} part of “${dataset.name}” v${source.version}: ${description}.`,
        tags: [output.role],
        table: produced,
        transform,
        profile: output.profile,
        parentId: versionId,
      });
      outputs.push({ role: output.role, ...created, table: produced, profile: output.profile });
    }
    return { ok: true, outputs };
  }

  /** The versions of a dataset with the lineage that crosses into other datasets. */
  async lineage(datasetId: string): Promise<DatasetLineage> {
    const dataset = await this.dataset(datasetId);
    const versions = await this.versions(datasetId);
    const all = (await this.store.list(
      'datasetVersions',
      dataset.workspaceId,
    )) as DatasetVersionRecord[];
    const byId = new Map(all.map((version) => [version.id, version]));
    const own = new Set(versions.map((version) => version.id));
    const datasets = new Map(
      ((await this.store.list('datasets', dataset.workspaceId)) as DatasetRecord[]).map((d) => [
        d.id,
        d,
      ]),
    );
    const withDataset = (version: DatasetVersionRecord) => {
      const owner = datasets.get(version.datasetId);
      return owner ? { dataset: owner, version } : null;
    };
    const first = versions[0];
    const parent = first?.parentId ? byId.get(first.parentId) : undefined;
    const origin = parent && !own.has(parent.id) ? withDataset(parent) : null;
    const derived = all
      .filter((version) => !own.has(version.id) && version.parentId && own.has(version.parentId))
      .map(withDataset)
      .filter((entry) => entry !== null);
    return { versions, origin, derived };
  }

  rename(datasetId: string, name: string): Promise<DatasetRecord> {
    return renameDataset(this.store, datasetId, name);
  }

  /** Sets the description and the tags (separate words or phrases) a dataset is found by. */
  describe(
    datasetId: string,
    patch: { description?: string; tags?: readonly string[] },
  ): Promise<DatasetRecord> {
    return describeDataset(this.store, datasetId, patch);
  }

  remove(datasetId: string): Promise<void> {
    return deleteDataset(this.store, datasetId);
  }

  /**
   * Parses and profiles a file in the data worker, which stores it as a new dataset there, off
   * the page's thread (an importer that cannot store leaves that to this method). A parse error
   * comes back as `{ ok: false, error }` naming the line and column; nothing is stored then. A
   * storage failure (no space, another tab on a newer schema) is thrown as a StoreError.
   */
  async importFile(workspaceId: string, input: ImportFileInput): Promise<ImportFileResult> {
    const options = input.options ?? {};
    const name = validName(input.name ?? datasetNameFromFile(input.fileName), 'A dataset name');
    const outcome = await this.importer({
      bytes: input.bytes,
      fileName: input.fileName,
      options,
      save: { dbName: this.store.database.name, workspaceId, name },
      signal: input.signal,
      onProgress: input.onProgress,
    });
    if (!outcome.ok) {
      if ('error' in outcome) return outcome;
      const { kind, message, where } = outcome.storeFailure;
      throw new StoreError(kind, message, where);
    }
    input.signal?.throwIfAborted();
    const table = new Table(outcome.columns);
    const { dataset, version } =
      outcome.stored ??
      (await createDataset(this.store, workspaceId, {
        name,
        table,
        transform: importTransform(
          input.fileName,
          outcome.format,
          options,
          outcome.meta,
          outcome.warnings,
        ),
        profile: outcome.profile,
      }));
    return { ok: true, dataset, version, table, warnings: outcome.warnings };
  }

  /**
   * Reads a folder of images or text files in the data worker (labels from sub-folders) and
   * stores it as a new dataset; images are stored as blobs with the version, in one write.
   * A failure or a cancel stores nothing.
   */
  async importFolder(workspaceId: string, input: ImportFolderInput): Promise<ImportFolderResult> {
    const name = validName(input.name ?? input.folderName, 'A dataset name');
    const outcome = await this.folderImporter({
      folderName: input.folderName,
      files: input.files,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.encoding ? { encoding: input.encoding } : {}),
      save: { dbName: this.store.database.name, workspaceId, name },
      signal: input.signal,
      onProgress: input.onProgress,
    });
    if (!outcome.ok) {
      if ('error' in outcome) return outcome;
      const { kind, message, where } = outcome.storeFailure;
      throw new StoreError(kind, message, where);
    }
    input.signal?.throwIfAborted();
    const { dataset, version } =
      outcome.stored ??
      (await createDataset(this.store, workspaceId, {
        name,
        table: new Table(outcome.columns),
        transform: folderTransform(input, outcome.kind, outcome.skipped.length),
        profile: outcome.profile,
        images: outcome.images.map((image) => ({ data: image.bytes, type: image.type })),
      }));
    return {
      ok: true,
      dataset,
      version,
      kind: outcome.kind,
      skipped: outcome.skipped,
      counts: outcome.counts,
      labels: outcome.labels,
      warnings: outcome.warnings,
    };
  }
}

function uniqueDatasetName(taken: ReadonlySet<string>, base: string): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base} ${n}`)) n++;
  return `${base} ${n}`;
}
