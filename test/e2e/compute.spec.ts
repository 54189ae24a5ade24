import type { Page, Worker } from '@playwright/test';
import { test, expect, openLab, goTo } from './fixtures';

async function openCompute(page: Page) {
  await openLab(page);
  await goTo(page, 'Compute');
  await expect(page.getByTestId('device-info').getByTestId('backend-list')).toBeVisible({
    timeout: 30_000,
  });
}

/** Leaves only `keep` ticked among the backends to measure. */
async function measureOnly(page: Page, keep: string[]) {
  for (const box of await page.locator('[data-testid^="bench-backend-"]').all()) {
    const backend = (await box.getAttribute('data-testid'))?.replace('bench-backend-', '') ?? '';
    await box.setChecked(keep.includes(backend));
  }
}

function computeWorker(page: Page): Worker {
  const worker = page.workers().find((candidate) => candidate.url().includes('compute.worker'));
  if (!worker) throw new Error(`No compute worker among ${page.workers().map((w) => w.url())}`);
  return worker;
}

async function resultsOf(page: Page) {
  const rows = page.getByTestId('benchmark-results').locator('tbody tr');
  const results: Record<
    string,
    Record<'gflops' | 'size' | 'samplesPerSecond' | 'seconds', number>
  > = {};
  for (const row of await rows.all()) {
    const backend = (await row.getAttribute('data-testid'))?.replace('result-', '') ?? '';
    const number = async (testId: string) =>
      Number((await row.getByTestId(testId).innerText()).split(' ')[0]?.replace(/,/g, ''));
    const matmul = await row.getByTestId(`gflops-${backend}`).innerText();
    results[backend] = {
      gflops: await number(`gflops-${backend}`),
      size: Number(/\((\d+)²\)/.exec(matmul)?.[1]),
      samplesPerSecond: await number(`samples-${backend}`),
      seconds: await number(`took-${backend}`),
    };
  }
  return results;
}

test('shows the backends and benchmarks each available one', async ({ page, pageErrors }) => {
  test.setTimeout(120_000);
  await openCompute(page);

  const webgpu = page.getByTestId('backend-webgpu');
  await expect(webgpu).toHaveAttribute('data-available', 'false');
  await expect(webgpu).toContainText('WebGPU: no adapter (navigator.gpu.requestAdapter()');
  for (const backend of ['webgl', 'wasm', 'cpu']) {
    await expect(page.getByTestId(`backend-${backend}`)).toHaveAttribute('data-available', 'true');
  }
  await expect(page.getByTestId('default-backend')).toHaveCount(1);
  await expect(page.getByTestId('backend-wasm')).toContainText('default');
  await expect(page.getByTestId('passed-over-webgl')).toContainText('the renderer is software');
  await expect(page.getByTestId('webgl-renderer')).not.toBeEmpty();
  await expect(page.getByTestId('cores')).toHaveText(/^\d+$/);

  await page.getByTestId('run-benchmark').click();
  await expect(page.getByTestId('benchmark-progress')).toContainText(/%/);
  await expect(page.getByTestId('recommendation')).toContainText('This device trains fastest on', {
    timeout: 90_000,
  });

  const results = await resultsOf(page);
  expect(Object.keys(results)).toEqual(['webgl', 'wasm', 'cpu']);
  for (const [backend, result] of Object.entries(results)) {
    expect(result.gflops, backend).toBeGreaterThan(0);
    expect(result.samplesPerSecond, backend).toBeGreaterThan(0);
  }
  test.info().annotations.push({ type: 'benchmark', description: JSON.stringify(results) });
  expect(pageErrors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
});

test.describe('with a WebGPU adapter', () => {
  test.use({ webgpu: true });

  test('detects the fallback adapter and benchmarks WebGPU', async ({ page }) => {
    test.setTimeout(90_000);
    await openCompute(page);
    await expect(page.getByTestId('backend-webgpu')).toHaveAttribute('data-available', 'true');
    await expect(page.getByTestId('webgpu-adapter')).toBeVisible();
    await expect(page.getByTestId('fallback-adapter')).toBeVisible();
    await expect(page.getByTestId('webgpu-limits')).toContainText('max buffer');
    await expect(page.getByTestId('default-backend')).toHaveCount(1);
    await expect(page.getByTestId('backend-wasm')).toContainText('default');
    await expect(page.getByTestId('passed-over-webgpu')).toContainText(
      'only a software fallback adapter is available, which is slower than WASM',
    );

    await measureOnly(page, ['webgpu']);
    await page.getByTestId('run-benchmark').click();
    await expect(page.getByTestId('recommendation')).toContainText('fastest on WebGPU', {
      timeout: 60_000,
    });
    const results = await resultsOf(page);
    expect(results.webgpu?.samplesPerSecond).toBeGreaterThan(0);
    test.info().annotations.push({ type: 'benchmark', description: JSON.stringify(results) });
  });
});

test('cancelling a running benchmark leaves the page usable', async ({ page }) => {
  test.setTimeout(90_000);
  await openCompute(page);
  await page.getByTestId('run-benchmark').click();
  await expect(page.getByTestId('benchmark-progress')).toContainText(/matrix products|training/);
  await page.getByTestId('cancel-benchmark').click();
  await expect(page.getByTestId('benchmark-status')).toHaveText('Benchmark cancelled.');
  await expect(page.getByTestId('cancel-benchmark')).toBeHidden();

  await measureOnly(page, ['wasm']);
  await page.getByTestId('run-benchmark').click();
  await expect(page.getByTestId('recommendation')).toContainText('fastest on WASM', {
    timeout: 60_000,
  });
});

test('a crashed worker fails the benchmark, not the page, and a re-run works', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(90_000);
  await openCompute(page);
  await page.getByTestId('run-benchmark').click();
  await expect(page.getByTestId('benchmark-progress')).toContainText(/matrix products|training/);

  await computeWorker(page).evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated crash');
    });
  });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The worker crashed');
  await expect(alert).toContainText('simulated crash');
  await expect(page.getByTestId('run-benchmark')).toBeEnabled();

  await measureOnly(page, ['wasm']);
  await page.getByTestId('run-benchmark').click();
  await expect(page.getByTestId('recommendation')).toContainText('fastest on WASM', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('benchmark-error')).toBeHidden();
  expect(pageErrors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
});
