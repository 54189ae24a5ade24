export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const formatTime = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const KIND_LABELS: Record<string, [string, string]> = {
  workspaces: ['workspace', 'workspaces'],
  datasets: ['dataset', 'datasets'],
  datasetVersions: ['dataset version', 'dataset versions'],
  experiments: ['experiment', 'experiments'],
  runs: ['run', 'runs'],
  metrics: ['metric value', 'metric values'],
  logs: ['log line', 'log lines'],
  models: ['registered model', 'registered models'],
  modelVersions: ['model version', 'model versions'],
  deployments: ['deployment', 'deployments'],
  pipelines: ['pipeline', 'pipelines'],
  notebooks: ['notebook', 'notebooks'],
  labelingProjects: ['labeling project', 'labeling projects'],
  monitors: ['monitor', 'monitors'],
  events: ['monitor event', 'monitor events'],
};

export const kindLabel = (kind: string, count = 1) =>
  (KIND_LABELS[kind] ?? [kind, kind])[count === 1 ? 0 : 1];
