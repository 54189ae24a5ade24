import type { WorkspaceStore } from '../../store/workspace-store';

/**
 * Object URLs for stored images, shared by every cell that shows the same image. The table is
 * virtualised, so cells come and go while scrolling; keeping the most recent URLs avoids reading
 * the same blob again. Older URLs are revoked so the cache stays bounded.
 */
const MAX_URLS = 400;
const urls = new Map<string, Promise<string | null>>();

export function imageUrl(store: WorkspaceStore, hash: string): Promise<string | null> {
  const cached = urls.get(hash);
  if (cached) {
    urls.delete(hash);
    urls.set(hash, cached);
    return cached;
  }
  const loading = store
    .getBlob(hash)
    .then((blob) =>
      blob ? URL.createObjectURL(new Blob([blob.data], { type: blob.type })) : null,
    );
  urls.set(hash, loading);
  loading.catch(() => urls.delete(hash));
  while (urls.size > MAX_URLS) {
    const [oldest, url] = urls.entries().next().value as [string, Promise<string | null>];
    urls.delete(oldest);
    void url.then((value) => value && URL.revokeObjectURL(value)).catch(() => undefined);
  }
  return loading;
}
