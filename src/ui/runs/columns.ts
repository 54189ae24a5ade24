import type { TrackedValue } from '../../core/tracking/compare';
import type { RunRecord } from '../../sdk';
import { formatNumber } from '../data/format';
import { formatTime } from '../format';

/** What a runs table knows besides the runs: names to show for the ids runs hold. */
export interface RunContext {
  experiments: ReadonlyMap<string, string>;
  /** Dataset version id → “name vN”. */
  datasetVersions: ReadonlyMap<string, string>;
  runNames: ReadonlyMap<string, string>;
  now: number;
}

export type ColumnKind = 'attribute' | 'param' | 'metric';

export interface Column {
  /** `attr:status`, `param:max_iter`, `metric:accuracy`. */
  id: string;
  kind: ColumnKind;
  label: string;
  value(run: RunRecord, context: RunContext): TrackedValue | undefined;
  text(run: RunRecord, context: RunContext): string;
  numeric: boolean;
}

export const runDuration = (run: RunRecord, now: number): number | null =>
  run.durationMs ?? (run.startedAt ? now - run.startedAt : null);

/** A run's duration as people read it: 340 ms, 15.7 s, 3 min 12 s, 2 h 5 min. */
export function formatRunDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const paramText = (value: TrackedValue | undefined): string =>
  value === undefined
    ? ''
    : value === null
      ? 'null'
      : typeof value === 'number'
        ? formatNumber(value)
        : String(value);

const attribute = (
  key: string,
  label: string,
  value: (run: RunRecord, context: RunContext) => TrackedValue | undefined,
  text?: (run: RunRecord, context: RunContext) => string,
  numeric = false,
): Column => ({
  id: `attr:${key}`,
  kind: 'attribute',
  label,
  value,
  text: text ?? ((run, context) => paramText(value(run, context))),
  numeric,
});

const inputsText = (run: RunRecord, context: RunContext) =>
  run.inputs
    .map((input) => context.datasetVersions.get(input.datasetVersionId) ?? 'deleted version')
    .join(', ');

export const ATTRIBUTE_COLUMNS: readonly Column[] = [
  attribute('name', 'Run', (run) => run.name),
  attribute('status', 'Status', (run) => run.status),
  attribute(
    'experiment',
    'Experiment',
    (run, context) => context.experiments.get(run.experimentId) ?? null,
  ),
  attribute(
    'created',
    'Created',
    (run) => run.createdAt,
    (run) => formatTime(run.createdAt),
    true,
  ),
  attribute(
    'duration',
    'Duration',
    (run, context) => runDuration(run, context.now),
    (run, context) => {
      const duration = runDuration(run, context.now);
      return duration === null ? '' : formatRunDuration(duration);
    },
    true,
  ),
  attribute('dataset', 'Dataset', inputsText),
  attribute('backend', 'Backend', (run) => run.backend),
  attribute('device', 'Device', (run) => run.device),
  attribute('seed', 'Seed', (run) => run.seed, undefined, true),
  attribute('parent', 'Parent run', (run, context) =>
    run.parentRunId ? (context.runNames.get(run.parentRunId) ?? '') : null,
  ),
  attribute('source', 'Source', (run) => run.tags.source ?? null),
];

export const paramColumn = (key: string): Column => ({
  id: `param:${key}`,
  kind: 'param',
  label: key,
  value: (run) => run.params[key],
  text: (run) => paramText(run.params[key]),
  numeric: false,
});

export const metricColumn = (key: string): Column => ({
  id: `metric:${key}`,
  kind: 'metric',
  label: key,
  value: (run) => run.summary[key]?.latest ?? undefined,
  text: (run) => {
    const summary = run.summary[key];
    return summary ? formatNumber(summary.latest) : '';
  },
  numeric: true,
});

export function columnById(id: string): Column | null {
  const split = id.indexOf(':');
  const kind = id.slice(0, split);
  const key = id.slice(split + 1);
  if (split < 1 || !key) return null;
  if (kind === 'param') return paramColumn(key);
  if (kind === 'metric') return metricColumn(key);
  return ATTRIBUTE_COLUMNS.find((column) => column.id === id) ?? null;
}

/** The final scores a table shows first when the user has not picked columns. */
const PREFERRED_METRICS = [
  'accuracy',
  'roc_auc',
  'f1_macro',
  'r2',
  'rmse',
  'mae',
  'log_loss',
  'fit_seconds',
];

export function defaultColumns(metricKeys: readonly string[]): string[] {
  const validation = metricKeys.filter((key) => key.startsWith('val_') && !key.includes('/'));
  const preferred = PREFERRED_METRICS.filter((key) => metricKeys.includes(key));
  const metrics = [...new Set([...preferred.slice(0, 3), ...validation.slice(0, 1)])];
  return [
    'attr:status',
    'attr:experiment',
    'attr:created',
    'attr:duration',
    'param:learner',
    ...metrics.map((key) => `metric:${key}`),
  ];
}

export const STATUS_LABELS: Record<RunRecord['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  finished: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
