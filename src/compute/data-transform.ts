import type { ImportFormat, ImportMeta } from '../core/data';
import type { FolderKind } from '../core/data/folder';
import type { ImportTransform } from '../store/datasets';
import type { DataFolderRequest, DataImportOptions } from './data-api';

/**
 * How an imported version was made, as its lineage records it: the file, its format, the
 * options the user chose and what was detected. One definition for the worker, which stores
 * the imports it reads, and for the page, which stores those of an importer that does not.
 */
export function importTransform(
  fileName: string,
  format: ImportFormat,
  options: DataImportOptions,
  meta: ImportMeta,
): ImportTransform {
  const chosen: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) chosen[key] = value as string | boolean | string[];
  }
  return {
    kind: 'import',
    fileName,
    format,
    options: {
      ...chosen,
      ...(meta.delimiter ? { detectedDelimiter: meta.delimiter } : {}),
      ...(meta.encoding ? { detectedEncoding: meta.encoding } : {}),
    },
  };
}

/** How a version imported from a folder was made: the folder, the kind of file, what was left. */
export function folderTransform(
  request: Pick<DataFolderRequest, 'folderName' | 'encoding'> & { files: readonly unknown[] },
  kind: FolderKind,
  skipped: number,
): ImportTransform {
  return {
    kind: 'import',
    fileName: request.folderName,
    format: 'folder',
    options: {
      kind,
      files: request.files.length,
      skipped,
      ...(request.encoding ? { encoding: request.encoding } : {}),
    },
  };
}
