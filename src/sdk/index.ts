export { Lab, DEFAULT_WORKSPACE_NAME } from './lab';
export type { Workspace, AuditEvent, EntityKind, EntityRecord } from '../store/schema';
export type { StorageStatus } from '../store/storage';
export { StoreError } from '../store/errors';
