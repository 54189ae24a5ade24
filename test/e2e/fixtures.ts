import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';

export interface LabFixtures {
  /** Launch Chromium with a WebGPU adapter (SwiftShader here): slow, for small correctness checks. */
  webgpu: boolean;
  /**
   * Put the browser profile on a tmpfs of this many MB, so that IndexedDB hits a real
   * QuotaExceededError when it fills up (0: the normal disk). Mounting needs root.
   */
  diskMb: number;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen during the test. */
  pageErrors: string[];
}

export const test = base.extend<LabFixtures>({
  webgpu: [false, { option: true }],
  diskMb: [0, { option: true }],
  context: async ({ webgpu, diskMb }, use) => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'bunsen-e2e-'));
    if (diskMb) mountSmallDisk(userDataDir, diskMb);
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: findChromium(),
      headless: true,
      args: chromiumArgs({ webgpu }),
      viewport: { width: 1280, height: 800 },
    });
    await use(context);
    await context.close();
    if (diskMb) execFileSync('umount', [userDataDir]);
    await rm(userDataDir, { recursive: true, force: true });
  },
  pageErrors: async ({ context }, use) => {
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
    };
    context.pages().forEach(watch);
    context.on('page', watch);
    await use(errors);
  },
  page: async ({ context, pageErrors }, use) => {
    void pageErrors;
    const page = context.pages()[0] ?? (await context.newPage());
    await use(page);
  },
});

export { expect };

function mountSmallDisk(dir: string, megabytes: number) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(
      `This test fills a small disk to get a real QuotaExceededError, and mounting a ${megabytes} MB ` +
        `tmpfs failed (run the browser tests as root, as CI does): ${(error as Error).message}`,
    );
  }
}

/** Clicks an area of the lab in the side navigation. */
export async function goTo(page: Page, area: 'Overview' | 'Activity' | 'Compute' | 'Storage') {
  await page
    .getByRole('navigation', { name: 'Lab' })
    .getByRole('link', { name: new RegExp(area) })
    .click();
}

/** Opens the lab and waits until the app shell is interactive. */
export async function openLab(page: Page, path = '') {
  await page.goto(path);
  await expect(page.getByTestId('app-ready')).toBeAttached();
}

/** The profile's row of a column in the Data page's dataset view. */
export const profileRow = (page: Page, column: string) =>
  page.getByTestId('dataset-view').locator(`[data-testid="profile-row"][data-column="${column}"]`);

/** Imports one of the shipped samples from the Data page and waits for its notice. */
export async function importSample(page: Page, sample: string) {
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-source-sample').click();
  await page.getByTestId('import-sample').selectOption(sample);
  await page.getByTestId('import-sample-go').click();
  await expect(page.getByTestId('notice')).toContainText(`Imported ${sample}.csv`);
}

/**
 * Counts, from now on, the page's own calls of `methods` on the `blobs` store (where dataset
 * columns and images are kept): what the page reads or writes there itself, not its workers.
 * Returns a function that reads the count.
 */
export async function countBlobCalls(
  page: Page,
  methods: readonly ('get' | 'getAll' | 'add' | 'put')[],
): Promise<() => Promise<number>> {
  const key = `blobCalls:${methods.join(',')}`;
  await page.evaluate(
    ({ key, methods }) => {
      const counts = window as unknown as Record<string, number>;
      counts[key] = 0;
      for (const method of methods) {
        const original = IDBObjectStore.prototype[method] as (...args: unknown[]) => IDBRequest;
        IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: unknown[]) {
          if (this.name === 'blobs') counts[key] = (counts[key] ?? 0) + 1;
          return original.apply(this, args);
        } as never;
      }
    },
    { key, methods },
  );
  return () => page.evaluate((key) => (window as unknown as Record<string, number>)[key] ?? 0, key);
}
