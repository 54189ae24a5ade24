import type { DatasetProfile } from '../../core/data';
import type { DatasetVersionRecord } from '../../sdk/datasets';

const REASONS: Readonly<Record<string, string>> = {
  'id-like': 'a different value in every row, like an ID',
  constant: 'a single value',
};

/**
 * The columns a version's stored profile advises against as features, with the reason: ID-like
 * columns (a model would only memorise them, and target encoding would leak the label when the
 * training rows are scored again) and constant ones. Empty when the version has no profile.
 */
export function featureAdvice(version: DatasetVersionRecord | null): Map<string, string> {
  const advice = new Map<string, string>();
  const profile = version?.profile as DatasetProfile | undefined;
  for (const warning of profile?.warnings ?? []) {
    const reason = REASONS[warning.code];
    if (reason && warning.column !== undefined && !advice.has(warning.column)) {
      advice.set(warning.column, reason);
    }
  }
  return advice;
}
