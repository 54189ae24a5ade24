import { readFile } from 'node:fs/promises';
import { test, expect, openLab, goTo } from './fixtures';
import { startServer } from '../../scripts/serve.mjs';

const waitForServiceWorker = (page: import('@playwright/test').Page) =>
  page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active as ServiceWorker;
    while (worker.state !== 'activated') {
      await new Promise((resolve) =>
        worker.addEventListener('statechange', resolve, { once: true }),
      );
    }
    return worker.state;
  });

test('after one visit the lab loads and works with the network off', async ({ context, page }) => {
  await openLab(page);
  expect(await waitForServiceWorker(page)).toBe('activated');
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  expect(cached.some((url) => /tfjs-backend-wasm.*\.wasm/.test(url))).toBe(true);
  expect(cached.some((url) => /\/manifest\.webmanifest(\?|$)/.test(url))).toBe(true);
  expect(cached.some((url) => /compute\.worker-.*\.js$/.test(url))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('workspace-title')).toHaveText('My workspace');
  await page.getByTestId('manage-workspaces').click();
  await page.getByTestId('new-workspace-name').fill('Offline notes');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('workspace-title')).toHaveText('Offline notes');
  await page.keyboard.press('Escape');

  // The compute worker and the tfjs WebAssembly binary come from the precache too.
  await goTo(page, 'Compute');
  await expect(page.getByTestId('backend-wasm')).toHaveAttribute('data-available', 'true', {
    timeout: 30_000,
  });
  await context.setOffline(false);
});

test('the manifest makes the lab installable', async ({ page }) => {
  await openLab(page);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]') as HTMLLinkElement;
    return (await fetch(link.href)).json();
  });
  expect(manifest).toMatchObject({
    name: expect.stringContaining('Bunsen'),
    display: 'standalone',
  });
  const sizes = (manifest.icons as { sizes: string }[]).map((icon) => icon.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
});

test('a newly deployed version prompts the user to reload', async ({ page }) => {
  let deployed = 1;
  // The build the other tests are served from (E2E_ROOT, as in playwright.config.ts).
  const root = process.env.E2E_ROOT ?? 'dist';
  const original = await readFile(`${root}/sw.js`, 'utf8');
  const server = await startServer({
    root,
    intercept(req, res) {
      if (!req.url?.startsWith('/sw.js')) return false;
      res.setHeader('Content-Type', 'text/javascript');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(`${original}\n// deployment ${deployed}\n`);
      return true;
    },
  });
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('app-ready')).toBeAttached();
    await waitForServiceWorker(page);
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);

    deployed = 2;
    await page.reload();
    await expect(page.getByTestId('update-prompt')).toContainText(
      'A new version of Bunsen is ready',
    );
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await expect(page.getByTestId('app-ready')).toBeAttached();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    const scriptUrl = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL,
    );
    expect(scriptUrl).toContain('/sw.js');
  } finally {
    await server.close();
  }
});
