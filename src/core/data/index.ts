export * from './types';
export { createCsvImporter, parseCsv } from './csv/importer';
export type { CsvImporter, CsvOptions, ImportProgress, RaggedRows } from './csv/importer';
export { parseJson, parseJsonLines } from './json';
export type { JsonOptions } from './json';
export { parseParquet } from './parquet';
export type { ParquetOptions } from './parquet';
export { formatMissingList, isDefaultMissing, parseMissingList } from './missing';
export { profileTable, profileTableAsync } from './profile/profile';
export type * from './profile/types';
export { DEFAULT_PROFILE_OPTIONS } from './profile/types';
export { detectFormat, formatProfileReport, profileCommand } from './profile-command';
export type {
  ProfileCommandOptions,
  ProfileCommandResult,
  ProfileReport,
  ProfileReportColumn,
  ProfileReportWarning,
} from './profile-command';
