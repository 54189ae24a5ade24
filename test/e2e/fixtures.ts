import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, findChromium } from './chromium';

export interface LabFixtures {
  /** Launch Chromium with a WebGPU adapter (SwiftShader here): slow, for small correctness checks. */
  webgpu: boolean;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen during the test. */
  pageErrors: string[];
}

export const test = base.extend<LabFixtures>({
  webgpu: [false, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  context: async ({ webgpu }, use) => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'bunsen-e2e-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: findChromium(),
      headless: true,
      args: chromiumArgs({ webgpu }),
      viewport: { width: 1280, height: 800 },
    });
    await use(context);
    await context.close();
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

/** Opens the lab and waits until the app shell is interactive. */
export async function openLab(page: Page, path = '') {
  await page.goto(path);
  await expect(page.getByTestId('app-ready')).toBeAttached();
}
