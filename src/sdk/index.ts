export { Lab, DEFAULT_WORKSPACE_NAME } from './lab';
export type { Workspace, AuditEvent, EntityKind, EntityRecord } from '../store/schema';
export type { StorageStatus } from '../store/storage';
export { StoreError } from '../store/errors';
export type { AuditChange, AuditAction, RunStatus } from '../store/schema';
export type { ChainVerification } from '../core/tracking/audit-chain';
export type { FilterParse, FilterError } from '../core/tracking/filter';
export { parseRunFilter, RUN_FILTER_FIELDS, RunHandle } from './tracking';
export type {
  ArtifactRef,
  DeleteRunsReport,
  EndedRun,
  ExperimentRecord,
  MetricSeries,
  MetricSummary,
  RunRecord,
  StartRunInput,
  TrackingOptions,
} from './tracking';
export type {
  AliasMove,
  ModelCardFormat,
  ModelDeletion,
  ModelRecord,
  ModelSummary,
  ModelVersionRecord,
  RegisterModelInput,
  VersionView,
} from './registry';
export type { LineageEdge, LineageGraph, LineageKind, LineageNode } from './lineage';
export type { BlobCollection } from '../store/housekeeping';
