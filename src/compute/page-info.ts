/** What only the page (not a worker) can tell about memory and storage; all optional. */
export interface PageMemoryInfo {
  jsHeapLimitBytes?: number;
  jsHeapUsedBytes?: number;
  storageQuotaBytes?: number;
  storageUsageBytes?: number;
}

interface ChromiumMemory {
  jsHeapSizeLimit: number;
  usedJSHeapSize: number;
}

export async function pageMemoryInfo(): Promise<PageMemoryInfo> {
  const memory = (performance as Performance & { memory?: ChromiumMemory }).memory;
  const info: PageMemoryInfo = {
    jsHeapLimitBytes: memory?.jsHeapSizeLimit,
    jsHeapUsedBytes: memory?.usedJSHeapSize,
  };
  try {
    const estimate = await navigator.storage?.estimate();
    info.storageQuotaBytes = estimate?.quota;
    info.storageUsageBytes = estimate?.usage;
  } catch {
    // Storage estimates are refused in some private modes; the rest is still worth showing.
  }
  return info;
}
