import type { Lab, LineageKind, ModelRecord, ModelVersionRecord } from '../../sdk';
import { lineageKey } from '../../core/tracking/lineage';
import { datasetHref, modelHref, runHref } from './links.svelte';

/** A record that can start a lineage graph, with where its own page is. */
export interface LineageEntry {
  key: string;
  kind: LineageKind;
  id: string;
  label: string;
  /** The page of the record; null when it has none. */
  href: string | null;
  createdAt: number;
}

export const KIND_LABELS: Record<LineageKind, { one: string; many: string }> = {
  datasetVersion: { one: 'Dataset version', many: 'Dataset versions' },
  run: { one: 'Run', many: 'Runs' },
  modelVersion: { one: 'Model version', many: 'Model versions' },
  deployment: { one: 'Deployment', many: 'Deployments' },
};

/** Every dataset version, run, model version and deployment of a workspace, by lineage key. */
export async function lineageCatalog(
  lab: Lab,
  workspaceId: string,
): Promise<Map<string, LineageEntry>> {
  const store = lab.store;
  const [datasets, datasetVersions, runs, models, modelVersions, deployments] = await Promise.all([
    store.list('datasets', workspaceId),
    store.list('datasetVersions', workspaceId),
    lab.runs.list(workspaceId),
    store.list('models', workspaceId) as Promise<ModelRecord[]>,
    store.list('modelVersions', workspaceId) as Promise<ModelVersionRecord[]>,
    store.list('deployments', workspaceId),
  ]);
  const datasetNames = new Map(datasets.map((dataset) => [dataset.id, String(dataset.name)]));
  const modelNames = new Map(models.map((model) => [model.id, model.name]));
  const versionsById = new Map(modelVersions.map((version) => [version.id, version]));
  const entries: LineageEntry[] = [
    ...datasetVersions.map((version) => {
      const datasetId = String(version.datasetId);
      return {
        key: lineageKey('datasetVersion', version.id),
        kind: 'datasetVersion' as const,
        id: version.id,
        label: `${datasetNames.get(datasetId) ?? 'Dataset'} v${String(version.version ?? '?')}`,
        href: datasetHref(datasetId, version.id),
        createdAt: version.createdAt,
      };
    }),
    ...runs.map((run) => ({
      key: lineageKey('run', run.id),
      kind: 'run' as const,
      id: run.id,
      label: run.name,
      href: runHref(run.id),
      createdAt: run.createdAt,
    })),
    ...modelVersions.map((version) => ({
      key: lineageKey('modelVersion', version.id),
      kind: 'modelVersion' as const,
      id: version.id,
      label: `${modelNames.get(version.modelId) ?? 'Model'} v${version.version}`,
      href: modelHref(version.modelId, version.version),
      createdAt: version.createdAt,
    })),
    ...deployments.map((deployment) => {
      const served =
        typeof deployment.modelVersionId === 'string'
          ? versionsById.get(deployment.modelVersionId)
          : undefined;
      return {
        key: lineageKey('deployment', deployment.id),
        kind: 'deployment' as const,
        id: deployment.id,
        label: typeof deployment.name === 'string' ? deployment.name : deployment.id,
        href: served ? modelHref(served.modelId, served.version) : null,
        createdAt: deployment.createdAt,
      };
    }),
  ];
  return new Map(entries.map((entry) => [entry.key, entry]));
}

/** Where to start when no record was asked for: the newest model version, run or dataset version. */
export function defaultStart(catalog: ReadonlyMap<string, LineageEntry>): LineageEntry | null {
  for (const kind of ['modelVersion', 'run', 'datasetVersion', 'deployment'] as const) {
    const newest = [...catalog.values()]
      .filter((entry) => entry.kind === kind)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (newest) return newest;
  }
  return null;
}
