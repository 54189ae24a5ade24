import type { Table } from '../table';
import { AutoMLSearch, type AutoMLResult, type SearchOptions } from './search';
import { DEFAULT_BUDGET_SECONDS } from './setup';

export interface RunAutoMLOptions extends SearchOptions {
  /** Trials to run at most; with a seed it makes the search reproducible on any machine. */
  readonly maxTrials?: number;
  /** Stop once the search has converged, before the budget is spent (default true). */
  readonly stopWhenConverged?: boolean;
}

/**
 * Set-up, search and refit within one budget (`budgetSeconds`, 60 by default): the search stops
 * early enough for the refit of its best model, or earlier once it has converged, and the
 * ensemble only takes members whose refit fits in the time left.
 */
export async function runAutoML(table: Table, options: RunAutoMLOptions): Promise<AutoMLResult> {
  const budget = options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
  const started = options.now();
  const left = () => budget - (options.now() - started) / 1000;
  const search = await AutoMLSearch.create(table, { ...options, budgetSeconds: budget });
  await search.run({
    budgetSeconds: Math.max(left(), 1e-3),
    ...(options.maxTrials !== undefined ? { maxTrials: options.maxTrials } : {}),
    ...(options.stopWhenConverged !== undefined
      ? { stopWhenConverged: options.stopWhenConverged }
      : {}),
  });
  return search.finish({ budgetSeconds: Math.max(0, left()), signal: options.signal });
}
