import type { LineageDirection, LineageKind } from '../../sdk/lineage';

const query = (values: Record<string, string | number | null | undefined>) => {
  const pairs = Object.entries(values)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
};

/** A registered model, optionally opened at one of its versions (by number). */
export const modelHref = (modelId: string, version?: number | null) =>
  `#/models${query({ model: modelId, version })}`;

/** A model version by its id: the Models page finds the model it belongs to. */
export const modelVersionHref = (versionId: string) => `#/models${query({ versionId })}`;

export const runHref = (runId: string) => `#/runs${query({ id: runId })}`;

export const datasetHref = (datasetId: string, versionId?: string) =>
  `#/data${query({ dataset: datasetId, version: versionId })}`;

export const lineageHref = (kind: LineageKind, id: string, direction?: LineageDirection) =>
  `#/lineage${query({ kind, id, direction: direction === 'both' ? null : direction })}`;

const readQuery = () => {
  const hash = location.hash;
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
};

/**
 * The query part of the hash route (`#/models?model=…`), kept in step with navigation. Pages
 * write their selection back with `replace`, which changes the address without adding a
 * history entry, so a reload reopens the same model, version or lineage.
 */
class HashQuery {
  params = $state.raw(readQuery());

  constructor() {
    addEventListener('hashchange', () => {
      this.params = readQuery();
    });
  }

  get(key: string): string | null {
    return this.params.get(key);
  }

  replace(path: string, values: Record<string, string | number | null | undefined>) {
    const next = `#${path}${query(values)}`;
    if (next === location.hash) return;
    history.replaceState(history.state, '', next);
    this.params = readQuery();
  }
}

export const hashQuery = new HashQuery();
