export * from './schema';
export { MIGRATIONS, SCHEMA_VERSION, migrateSnapshot, type Migration } from './migrations';
export { StoreError, type StoreErrorKind } from './errors';
export { WorkspaceStore, type StoreOptions, type BlobInput } from './workspace-store';
export {
  exportWorkspace,
  importWorkspace,
  readBackup,
  type ImportMode,
  type ImportOptions,
} from './backup';
export { verifyAuditChain, exportAuditJsonl } from './audit';
export { garbageCollectBlobs, type BlobCollection } from './housekeeping';
export { storageStatus, requestPersistence, type StorageStatus } from './storage';
export { type Change, type ChangeChannel, broadcastChannel } from './channel';
export { openDatabase } from './db';
export { sha256 } from './hash';
