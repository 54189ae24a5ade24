import { readFile } from 'node:fs/promises';
import { test, expect, openLab } from './fixtures';
import type { Page } from '@playwright/test';

/** 240 rows: a label that follows x1 + x2 with some noise, so more trees score differently. */
function pointsCsv(): string {
  let state = 424242;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ['x1,x2,x3,label'];
  for (let i = 0; i < 240; i++) {
    const x1 = next() * 4 - 2;
    const x2 = next() * 4 - 2;
    const x3 = next();
    const label = x1 * x2 + 0.6 * (next() - 0.5) > 0 ? 'yes' : 'no';
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${x3.toFixed(4)},${label}`);
  }
  return lines.join('\n');
}

const nav = (page: Page, name: RegExp) =>
  page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name }).click();

async function train(page: Page, maxIter: string) {
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Target column').selectOption('label');
  await form.getByLabel('Learner').selectOption('gbdt');
  await form.getByLabel('max_iter', { exact: true }).fill(maxIter);
  await form.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('train-run-link')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('dd[data-metric="accuracy"]')).toHaveText(/\d/);
}

test('trainings are logged as runs, compared, registered, and kept across a reload', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  await openLab(page);
  await nav(page, /^Data/);
  await page.getByTestId('import-file').setInputFiles({
    name: 'points.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(pointsCsv()),
  });
  await expect(page.getByTestId('notice')).toContainText('Imported points.csv: 240 rows');

  await nav(page, /^Train/);
  await expect(page.getByTestId('train-experiment')).toHaveAttribute(
    'placeholder',
    'points · label',
  );
  await train(page, '10');
  await train(page, '80');

  // The runs table lists both, live from the store.
  await nav(page, /^Runs/);
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first().locator('[data-status="finished"]')).toBeVisible();
  await expect(page.getByTestId('runs-table')).toContainText('points · label');

  // A filter that does not parse says where; a valid one narrows the table.
  await page.getByTestId('runs-filter').fill('params.max_iter >');
  await expect(page.getByTestId('runs-filter-error')).toBeVisible();
  await page.getByTestId('runs-filter').fill('params.max_iter > 10 and params.learner = "gbdt"');
  await expect(rows).toHaveCount(1);
  await page.getByTestId('runs-filter').fill('');
  await expect(rows).toHaveCount(2);

  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  await page.getByTestId('runs-compare').click();
  await expect(page.getByRole('heading', { name: 'Compare 2 runs' })).toBeVisible();

  // Both training curves are overlaid on one chart.
  const lossChart = page.getByTestId('compare-chart').filter({ hasText: /^loss/ });
  await expect(lossChart.locator('path[data-series]')).toHaveCount(2);
  const svgDownload = page.waitForEvent('download');
  await lossChart.getByTestId('export-svg').click();
  const svgFile = await svgDownload;
  expect(svgFile.suggestedFilename()).toBe('loss.svg');
  const svgText = await readFile((await svgFile.path()) as string, 'utf8');
  expect(svgText).toMatch(/^<\?xml[^]*<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svgText.match(/data-series=/g)).toHaveLength(2);
  const pngDownload = page.waitForEvent('download');
  await lossChart.getByTestId('export-png').click();
  const pngFile = await pngDownload;
  expect(pngFile.suggestedFilename()).toBe('loss.png');
  const png = await readFile((await pngFile.path()) as string);
  expect([...png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join('')).toBe('PNG');
  await expect(page.getByTestId('parallel-chart')).toBeVisible();
  await expect(page.getByTestId('scatter-chart')).toBeVisible();

  // Only the params that differ: max_iter, not the learner.
  const table = page.getByTestId('compare-table');
  await table.getByTestId('only-differences').check();
  await expect(table.locator('tr[data-field="max_iter"]')).toBeVisible();
  await expect(table.locator('tr[data-field="learner"]')).toHaveCount(0);

  // Register the run with the better accuracy, from its page.
  const accuracyRow = table.locator('tr[data-field="accuracy"]');
  let bestIndex = 0;
  if ((await accuracyRow.count()) > 0) {
    const cells = await accuracyRow.locator('td').allTextContents();
    const scores = cells.map((text) => Number(text.replace(/[^\d.\-e]/g, '')));
    bestIndex = scores[1]! > scores[0]! ? 1 : 0;
  }
  const bestLink = table.locator('thead th.run a').nth(bestIndex);
  const bestName = (await bestLink.textContent())?.trim() ?? '';
  await bestLink.click();
  await expect(page.getByTestId('run-title')).toHaveText(bestName);
  await expect(page.getByTestId('run-metrics').getByTestId('metric-chart').first()).toBeVisible();
  await expect(page.getByTestId('run-artifacts')).toContainText('model.json');
  await expect(page.getByTestId('run-logs')).toContainText('Training gbdt');
  await page.getByTestId('register-name').fill('points-classifier');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('registered')).toContainText('Registered as points-classifier v1');

  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('run-title')).toHaveText(bestName);
  await expect(page.getByTestId('run-model')).toHaveText('points-classifier v1');
  await nav(page, /^Runs/);
  await expect(page.getByTestId('run-row')).toHaveCount(2);

  // Deleting both frees the other run's space and keeps the one the model came from.
  await page.getByRole('checkbox', { name: 'Select every run shown' }).check();
  await page.getByTestId('runs-delete').click();
  const dialog = page.getByRole('dialog', { name: 'Delete runs' });
  await expect(dialog).toContainText('Delete 2 runs');
  await dialog.getByRole('button', { name: 'Delete 2 runs' }).click();
  await expect(page.getByTestId('runs-deleted')).toContainText(/Deleted 1 run and reclaimed \d/);
  await expect(page.getByTestId('runs-deleted')).toContainText('source of model version 1');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toContainText(bestName);

  // Experiments: rename and describe one, create and delete an empty one, and keep one whose
  // run a registered model came from.
  const experimentSelect = page.getByTestId('runs-experiment');
  await experimentSelect.selectOption({ label: 'points · label' });
  await page.getByTestId('experiment-edit').click();
  await page.getByTestId('experiment-name').fill('Points study');
  await page.getByTestId('experiment-text').fill('Interaction of x1 and x2.');
  await page.getByTestId('experiment-form').getByRole('button', { name: 'Save' }).click();
  await expect(experimentSelect.locator('option:checked')).toHaveText('Points study');
  await expect(page.getByTestId('experiment-description')).toHaveText('Interaction of x1 and x2.');
  await expect(page.getByTestId('runs-table')).toContainText('Points study');

  await page.getByTestId('experiment-new').click();
  await page.getByTestId('experiment-name').fill('points study');
  await page.getByTestId('experiment-form').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('experiment-error')).toContainText('already exists');
  await page.getByTestId('experiment-name').fill('Scratch');
  await page.getByTestId('experiment-form').getByRole('button', { name: 'Create' }).click();
  await expect(experimentSelect.locator('option:checked')).toHaveText('Scratch');
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.getByTestId('experiment-delete').click();
  await page
    .getByRole('dialog', { name: 'Delete experiment' })
    .getByRole('button', { name: 'Delete experiment' })
    .click();
  await expect(page.getByTestId('notice')).toContainText('Deleted experiment “Scratch”');
  await expect(experimentSelect.locator('option')).toHaveText(['All experiments', 'Points study']);

  await experimentSelect.selectOption({ label: 'Points study' });
  await page.getByTestId('experiment-delete').click();
  const experimentDialog = page.getByRole('dialog', { name: 'Delete experiment' });
  await experimentDialog.getByRole('textbox').fill('Points study');
  await experimentDialog.getByRole('button', { name: 'Delete experiment and 1 run' }).click();
  await expect(page.getByTestId('experiment-kept')).toContainText('source of model version 1');
  await expect(page.getByTestId('run-row')).toHaveCount(1);

  await nav(page, /^Models/);
  await expect(page.getByText('points-classifier').first()).toBeVisible();
  expect(pageErrors).toEqual([]);
});
