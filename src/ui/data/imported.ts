import type { Table } from '../../core/table';
import type { DatasetVersionRecord } from '../../sdk/datasets';

/**
 * What an import made: the dataset to select and, when the import hands it over, the stored
 * version with its table, which the view shows as it is instead of reading it back from storage.
 */
export interface ImportedTable {
  datasetId: string;
  stored?: { version: DatasetVersionRecord; table: Table };
}
