import { test, expect, openLab } from './fixtures';
import type { Page } from '@playwright/test';

/** 200 rows: two informative numbers, a label that follows their sum and an amount they predict. */
function trainingCsv(): string {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ['x1,x2,label,amount'];
  for (let i = 0; i < 200; i++) {
    const x1 = next() * 4 - 2;
    const x2 = next() * 4 - 2;
    const label = x1 + x2 > 0.3 ? 'high' : 'low';
    const amount = 3 * x1 - 2 * x2 + 0.1 * (next() - 0.5);
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${label},${amount.toFixed(4)}`);
  }
  return lines.join('\n');
}

async function importCsv(page: Page, name = 'points.csv', csv = trainingCsv()) {
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  const rows = csv.trim().split('\n').length - 1;
  await expect(page.getByTestId('notice')).toContainText(`Imported ${name}: ${rows} rows`);
}

async function openTrain(page: Page) {
  await page
    .getByRole('navigation', { name: 'Lab' })
    .getByRole('link', { name: /^Train/ })
    .click();
  await expect(page.getByRole('heading', { name: 'Train', level: 1 })).toBeVisible();
}

async function metric(page: Page, name: string): Promise<number> {
  const cell = page.locator(`dd[data-metric="${name}"]`);
  await expect(cell).toHaveText(/\d/, { timeout: 45_000 });
  return Number((await cell.textContent())?.replace(/[^\d.\-e]/g, ''));
}

test('trains a classifier and a regression, and cancels a long training', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  await openLab(page);
  await importCsv(page);
  await openTrain(page);

  const form = page.getByRole('form', { name: 'Training settings' });
  await expect(form.getByLabel('Dataset')).toHaveValue(/.+/);
  await form.getByLabel('Target column').selectOption('label');
  await expect(form.getByLabel('Task')).toContainText('Detected: classification');
  await form.getByLabel('Learner').selectOption('gbdt');
  await expect(form.getByLabel('max_iter', { exact: true })).toHaveValue('100');
  await form.getByLabel('max_iter', { exact: true }).fill('30');
  await expect(form.getByLabel('Test size')).toHaveValue('0.2');
  await form.getByRole('button', { name: 'Train' }).click();

  expect(await metric(page, 'accuracy')).toBeGreaterThan(0.8);
  await expect(page.getByRole('table', { name: /Confusion matrix/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /ROC curve/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Permutation importance/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Training curve/ })).toBeVisible();

  // Each training is a run; its model is registered in one click under a name from the data.
  await expect(page.getByTestId('train-run-link')).toHaveText('Open Run 1');
  await expect(page.getByTestId('register-name')).toHaveValue('points-label');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('registered')).toContainText('Registered as points-label v1');

  await form.getByLabel('Target column').selectOption('amount');
  await expect(form.getByLabel('Task')).toContainText('Detected: regression');
  await form.getByLabel('Learner').selectOption('linear');
  await form.getByRole('button', { name: 'Train' }).click();
  expect(await metric(page, 'r2')).toBeGreaterThan(0.9);
  await expect(page.getByRole('img', { name: /predicted against actual/ })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Histogram of residuals' })).toBeVisible();

  await form.getByLabel('Target column').selectOption('label');
  await form.getByLabel('Learner').selectOption('mlp');
  await form.getByLabel('max_iter', { exact: true }).fill('1000');
  await form.getByLabel('batch_size', { exact: true }).fill('16');
  await form.getByLabel('early_stopping', { exact: true }).uncheck();
  await form.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByRole('status').filter({ hasText: /step \d+ of 1000/ })).toBeVisible({
    timeout: 45_000,
  });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training cancelled' })).toBeVisible();
  await expect(form.getByRole('button', { name: 'Train' })).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await form.getByLabel('Learner').selectOption('nb');
  await form.getByRole('button', { name: 'Train' }).click();
  expect(await metric(page, 'accuracy')).toBeGreaterThan(0.8);
  expect(pageErrors).toEqual([]);
});

test('cross-validates on a chosen dataset version and reports every fold', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await openLab(page);
  await importCsv(page);
  await openTrain(page);

  const form = page.getByRole('form', { name: 'Training settings' });
  await expect(page.getByTestId('train-version')).toContainText('v1 · 200 rows (latest)');
  await form.getByLabel('Target column').selectOption('label');
  await form.getByLabel('Learner').selectOption('nb');
  await page.getByTestId('train-validation').selectOption('cv');
  await expect(form.getByLabel('Test size')).toHaveCount(0);
  await page.getByTestId('train-folds').fill('4');
  await form.getByRole('button', { name: 'Train' }).click();

  await expect(page.getByRole('heading', { name: /4-fold cross-validation/ })).toBeVisible({
    timeout: 45_000,
  });
  await expect(page.getByTestId('cv-fold')).toHaveCount(4);
  await expect(page.locator('[data-cv-mean="accuracy"]')).toHaveText(/0\.\d+ ± 0\.\d+/);
  expect(await metric(page, 'accuracy')).toBeGreaterThan(0.8);
  await expect(page.getByText('refitted on all 200 rows')).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('leaves ID-like and constant columns out by default; dropping columns makes a version', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await openLab(page);
  const lines = ['id,x1,x2,plant,label'];
  let state = 777;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < 120; i++) {
    const x1 = next() * 4 - 2;
    const x2 = next() * 4 - 2;
    lines.push(`row-${i},${x1.toFixed(3)},${x2.toFixed(3)},north,${x1 > 0 ? 'yes' : 'no'}`);
  }
  await importCsv(page, 'ids.csv', lines.join('\n'));

  // The profile flags “id” and “plant”, so the Train page starts with them unticked.
  await openTrain(page);
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Target column').selectOption('label');
  const features = form.getByTestId('train-features');
  await expect(features.locator('summary')).toHaveText(
    'Feature columns: 2 of 4 (left out: id, plant)',
  );
  await features.locator('summary').click();
  await expect(features.getByRole('checkbox', { name: /^id/ })).not.toBeChecked();
  await expect(features.getByText('a different value in every row, like an ID')).toBeVisible();
  await features.getByRole('checkbox', { name: 'x2' }).uncheck();
  await expect(features.locator('summary')).toHaveText(
    'Feature columns: 1 of 4 (left out: id, x2, plant)',
  );
  await form.getByLabel('Learner').selectOption('linear');
  await form.getByRole('button', { name: 'Train' }).click();
  expect(await metric(page, 'accuracy')).toBeGreaterThan(0.9);
  await expect(page.getByRole('img', { name: /Permutation importance/ })).toBeVisible();

  // The run records the features it was given.
  await page.getByTestId('train-run-link').click();
  await expect(page.getByText('features', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('x1', { exact: true }).first()).toBeVisible();

  // Dropping columns on the Data page stores a new version without them.
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  const view = page.getByTestId('dataset-view');
  await view.getByTestId('step-drop').click();
  await view.getByRole('group', { name: 'Columns' }).getByLabel('id').check();
  await view.getByRole('group', { name: 'Columns' }).getByLabel('plant').check();
  await view.getByTestId('prepare-apply').click();
  await expect(view.getByTestId('shown-version')).toHaveText('· version 2');
  await expect(view.locator('[data-testid="profile-row"][data-column="id"]')).toHaveCount(0);
  await expect(view.locator('[data-testid="profile-row"][data-column="x1"]')).toHaveCount(1);
  expect(pageErrors).toEqual([]);
});

test('a yes/no target trains as a boolean whose classes read true and false', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await openLab(page);
  const lines = ['x1,x2,churned'];
  for (const line of trainingCsv().split('\n').slice(1)) {
    const [x1, x2, label] = line.split(',');
    lines.push(`${x1},${x2},${label === 'high' ? 'Yes' : 'No'}`);
  }
  await importCsv(page, 'churn.csv', lines.join('\n'));
  await openTrain(page);
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Target column').selectOption('churned');
  await expect(form.getByLabel('Task')).toContainText('Detected: classification');
  await form.getByLabel('Learner').selectOption('forest');
  await form.getByRole('button', { name: 'Train' }).click();
  expect(await metric(page, 'accuracy')).toBeGreaterThan(0.8);
  const matrix = page.getByRole('table', { name: /Confusion matrix/ });
  // Its header names the answers, where a 1/0 column used to: false, then true.
  await expect(matrix.getByRole('columnheader')).toHaveText([/True.*predicted/, 'false', 'true']);
  expect(pageErrors).toEqual([]);
});
