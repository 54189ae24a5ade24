import {
  lineageGraph,
  type LineageDirection,
  type LineageGraph,
  type LineageKind,
} from '../core/tracking/lineage';
import type { ModelRecord, ModelVersionRecord } from '../store/registry';
import type { RunRecord } from '../store/tracking';
import type { WorkspaceStore } from '../store/workspace-store';

export type {
  LineageDirection,
  LineageEdge,
  LineageGraph,
  LineageKind,
  LineageNode,
} from '../core/tracking/lineage';

/**
 * The lineage around one record: dataset versions → runs → model versions → deployments,
 * upstream (what it came from), downstream (what was made from it) or both.
 */
export async function workspaceLineage(
  store: WorkspaceStore,
  workspaceId: string,
  start: { kind: LineageKind; id: string },
  direction: LineageDirection = 'both',
): Promise<LineageGraph> {
  const [datasets, datasetVersions, runs, models, modelVersions, deployments] = await Promise.all([
    store.list('datasets', workspaceId),
    store.list('datasetVersions', workspaceId),
    store.list('runs', workspaceId) as Promise<RunRecord[]>,
    store.list('models', workspaceId) as Promise<ModelRecord[]>,
    store.list('modelVersions', workspaceId) as Promise<ModelVersionRecord[]>,
    store.list('deployments', workspaceId),
  ]);
  const datasetNames = new Map(datasets.map((dataset) => [dataset.id, String(dataset.name)]));
  const modelNames = new Map(models.map((model) => [model.id, model.name]));
  return lineageGraph(
    {
      datasetVersions: datasetVersions.map((version) => ({
        id: version.id,
        label: `${datasetNames.get(String(version.datasetId)) ?? 'Dataset'} v${String(version.version ?? '?')}`,
        parentId: typeof version.parentId === 'string' ? version.parentId : null,
      })),
      runs: runs.map((run) => ({
        id: run.id,
        label: run.name ?? run.id,
        inputs: (run.inputs ?? []).map((input) => input.datasetVersionId),
        parentRunId: run.parentRunId ?? null,
      })),
      modelVersions: modelVersions.map((version) => ({
        id: version.id,
        label: `${modelNames.get(version.modelId) ?? 'Model'} v${version.version}`,
        runId: version.runId ?? null,
        datasetVersionIds: (version.datasetVersions ?? []).map((ref) => ref.datasetVersionId),
      })),
      deployments: deployments.map((deployment) => ({
        id: deployment.id,
        label: typeof deployment.name === 'string' ? deployment.name : deployment.id,
        modelVersionId:
          typeof deployment.modelVersionId === 'string' ? deployment.modelVersionId : null,
      })),
    },
    start,
    direction,
  );
}
