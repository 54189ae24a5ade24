import type { DatasetProfile, ImportError, ImportWarning } from '../core/data';
import { Table } from '../core/table';
import type { DataImportOptions, DataImportOutcome } from '../compute/data-api';
import type { DataImportJob } from '../compute/data-client';
import {
  createDataset,
  deleteDataset,
  listDatasets,
  listVersions,
  loadTable,
  renameDataset,
  type DatasetRecord,
  type DatasetSummary,
  type DatasetVersionRecord,
} from '../store/datasets';
import type { WorkspaceStore } from '../store/workspace-store';

export type { DatasetRecord, DatasetSummary, DatasetVersionRecord };
export type { DataImportOptions, DataImportProgress } from '../compute/data-api';

/** Runs one import off the page's thread: the data worker in the browser. */
export type DataImporter = (job: DataImportJob) => Promise<DataImportOutcome>;

export interface ImportFileInput {
  bytes: Uint8Array;
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
      warnings: ImportWarning[];
    }
  | { ok: false; error: ImportError };

const browserImporter: DataImporter = async (job) =>
  (await import('../compute/data-client')).getDataClient().importFile(job);

export const datasetNameFromFile = (fileName: string) =>
  fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || fileName || 'Dataset';

/** Import, list, rename and delete datasets; read back any version's table and profile. */
export class Datasets {
  constructor(
    private readonly store: WorkspaceStore,
    private readonly importer: DataImporter = browserImporter,
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

  rename(datasetId: string, name: string): Promise<DatasetRecord> {
    return renameDataset(this.store, datasetId, name);
  }

  remove(datasetId: string): Promise<void> {
    return deleteDataset(this.store, datasetId);
  }

  /**
   * Parses and profiles a file in the data worker, then stores it as a new dataset. A parse
   * error comes back as `{ ok: false, error }` naming the line and column; nothing is stored then.
   */
  async importFile(workspaceId: string, input: ImportFileInput): Promise<ImportFileResult> {
    const options = input.options ?? {};
    const outcome = await this.importer({
      bytes: input.bytes,
      fileName: input.fileName,
      options,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    if (!outcome.ok) return outcome;
    input.signal?.throwIfAborted();
    const { dataset, version } = await createDataset(this.store, workspaceId, {
      name: input.name ?? datasetNameFromFile(input.fileName),
      table: new Table(outcome.columns),
      transform: {
        kind: 'import',
        fileName: input.fileName,
        format: outcome.format,
        options: {
          ...stripUndefined(options),
          ...(outcome.meta.delimiter ? { detectedDelimiter: outcome.meta.delimiter } : {}),
          ...(outcome.meta.encoding ? { detectedEncoding: outcome.meta.encoding } : {}),
        },
      },
      profile: outcome.profile,
    });
    return { ok: true, dataset, version, warnings: outcome.warnings };
  }
}

function stripUndefined(options: DataImportOptions): Record<string, string | boolean | string[]> {
  const out: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) out[key] = value as string | boolean | string[];
  }
  return out;
}
