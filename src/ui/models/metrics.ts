import type { VersionView } from '../../sdk';

/** Metrics people look for first; the rest follow alphabetically. */
const PREFERRED = [
  'accuracy',
  'balanced_accuracy',
  'f1_macro',
  'f1',
  'auc',
  'roc_auc',
  'log_loss',
  'r2',
  'rmse',
  'mae',
  'mape',
];

const rank = (name: string) => {
  const at = PREFERRED.indexOf(name);
  return at < 0 ? PREFERRED.length : at;
};

/** The metric columns of a versions table: the names most versions have, best known first. */
export function metricColumns(versions: readonly VersionView[], limit = 3): string[] {
  const counts = new Map<string, number>();
  for (const { record } of versions) {
    for (const name of Object.keys(record.metrics)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a, countA], [b, countB]) => countB - countA || rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, limit)
    .map(([name]) => name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
