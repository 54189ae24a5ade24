import type { Lab, RunRecord } from '../../sdk';
import type { DatasetVersionRecord } from '../../sdk/datasets';
import type { RunContext } from './columns';

export interface DatasetVersionInfo {
  label: string;
  datasetId: string;
  version: DatasetVersionRecord;
}

export interface LoadedContext extends RunContext {
  versions: ReadonlyMap<string, DatasetVersionInfo>;
}

/** Names for the experiment, dataset-version and parent-run ids the runs refer to. */
export async function loadRunContext(
  lab: Lab,
  workspaceId: string,
  runs: readonly RunRecord[],
): Promise<LoadedContext> {
  const [experiments, datasets] = await Promise.all([
    lab.experiments.list(workspaceId),
    lab.datasets.list(workspaceId),
  ]);
  const versions = new Map<string, DatasetVersionInfo>();
  await Promise.all(
    datasets.map(async (summary) => {
      for (const version of await lab.datasets.versions(summary.dataset.id)) {
        versions.set(version.id, {
          label: `${summary.dataset.name} v${version.version}`,
          datasetId: summary.dataset.id,
          version,
        });
      }
    }),
  );
  return {
    experiments: new Map(experiments.map((experiment) => [experiment.id, experiment.name])),
    datasetVersions: new Map([...versions].map(([id, info]) => [id, info.label])),
    versions,
    runNames: new Map(runs.map((run) => [run.id, run.name])),
    now: Date.now(),
  };
}
