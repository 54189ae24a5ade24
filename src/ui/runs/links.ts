export { runHref } from '../lineage/links.svelte';

/** The compare view of these runs (2 to 50), in the order given. */
export const compareHref = (runIds: readonly string[]) =>
  `#/runs?compare=${runIds.map((id) => encodeURIComponent(id)).join(',')}`;
