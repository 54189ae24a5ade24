import type { ImportFormat, ImportMeta, ImportWarning } from '../core/data';
import type { FolderKind } from '../core/data/folder';
import type { ImportTransform } from '../store/datasets';
import type { DataFolderRequest, DataImportOptions } from './data-api';

/** The import warnings a version keeps; past this many, a last one says how many more. */
export const KEPT_IMPORT_WARNINGS = 50;

/** What the importer noticed (formatted numbers, ragged rows…), kept with the version. */
function keptWarnings(warnings: readonly ImportWarning[]) {
  const kept = warnings.slice(0, KEPT_IMPORT_WARNINGS).map((warning) => ({
    code: warning.code as string,
    message: warning.message,
    ...(warning.column === undefined ? {} : { column: warning.column }),
    ...(warning.line === undefined ? {} : { line: warning.line }),
  }));
  const more = warnings.length - kept.length;
  if (more > 0) {
    kept.push({ code: 'more', message: `…and ${more.toLocaleString('en-US')} more.` });
  }
  return kept;
}

/**
 * How an imported version was made, as its lineage records it: the file, its format, the
 * options the user chose, what was detected and what the importer noticed. One definition for
 * the worker, which stores the imports it reads, and for the page, which stores those of an
 * importer that does not.
 */
export function importTransform(
  fileName: string,
  format: ImportFormat,
  options: DataImportOptions,
  meta: ImportMeta,
  warnings: readonly ImportWarning[] = [],
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
    ...(warnings.length ? { warnings: keptWarnings(warnings) } : {}),
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
