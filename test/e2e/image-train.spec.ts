import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openLab } from './fixtures';
import { rgbPng as png } from '../fixtures/png';

/** A seeded generator, so the folder is the same on every run. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const SHAPES = ['bars', 'columns', 'squares'] as const;

/**
 * 20 images of each shape: a horizontal bar, a vertical bar or a centred square, in a random
 * bright colour on a dark noisy background, jittered, at sizes from 20 to 31 pixels a side. The
 * colour and size say nothing about the shape; only the pixels' layout does.
 */
async function writeShapes(root: string, perShape = 20) {
  const random = seeded(7);
  const int = (n: number) => Math.floor(random() * n);
  for (const shape of SHAPES) {
    await mkdir(join(root, 'shapes', shape), { recursive: true });
    for (let i = 0; i < perShape; i++) {
      const width = 20 + int(12);
      const height = 20 + int(12);
      const cx = width / 2 + int(5) - 2;
      const cy = height / 2 + int(5) - 2;
      const colour = [120 + int(136), 120 + int(136), 120 + int(136)] as const;
      const inside = (x: number, y: number) =>
        shape === 'bars'
          ? Math.abs(y - cy) < 2.5
          : shape === 'columns'
            ? Math.abs(x - cx) < 2.5
            : Math.abs(x - cx) < 5 && Math.abs(y - cy) < 5;
      const image = png(width, height, (x, y) =>
        inside(x, y) ? colour : [int(50), int(50), int(50)],
      );
      await writeFile(join(root, 'shapes', shape, `${String(i).padStart(2, '0')}.png`), image);
    }
  }
}

let root = '';
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bunsen-images-'));
  await writeShapes(root);
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function importShapes(page: Page) {
  await openLab(page);
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-folder').setInputFiles(join(root, 'shapes'));
  await expect(page.getByTestId('import-folder-summary')).toContainText(
    'Imported shapes: 60 images with 3 labels (bars, columns, squares).',
  );
}

async function metric(page: Page, name: string): Promise<number> {
  const cell = page.locator(`dd[data-metric="${name}"]`);
  await expect(cell).toHaveText(/\d/, { timeout: 45_000 });
  return Number((await cell.textContent())?.replace(/[^\d.\-e]/g, ''));
}

test('trains a classifier on a folder of images from their pixels', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await importShapes(page);
  // The model is to read the pixels only: keep the image and its label (version 2).
  const view = page.getByTestId('dataset-view');
  const columns = view.getByRole('group', { name: 'Columns' });
  await view.getByTestId('step-select').click();
  for (const name of ['file', 'width', 'height', 'bytes']) {
    await columns.getByLabel(name, { exact: true }).uncheck();
  }
  await view.getByTestId('prepare-apply').click();
  await expect(view.getByTestId('shown-version')).toHaveText('· version 2');
  await page
    .getByRole('navigation', { name: 'Lab' })
    .getByRole('link', { name: /^Train/ })
    .click();
  await expect(page.getByTestId('train-version')).toContainText('v2 · 60 rows (latest)');
  const form = page.getByRole('form', { name: 'Training settings' });
  await expect(form.getByLabel('Dataset')).toHaveValue(/.+/);
  await form.getByLabel('Target column').selectOption('label');
  await expect(form.getByLabel('Task')).toContainText('Detected: classification');
  await form.getByLabel('Learner').selectOption('linear');
  await form.getByRole('button', { name: 'Train' }).click();

  expect(await metric(page, 'accuracy')).toBeGreaterThanOrEqual(0.9);
  await expect(page.getByRole('table', { name: /Confusion matrix/ })).toBeVisible();

  // The model reads the images: registered, its signature lists the image column.
  await expect(page.getByTestId('register-name')).toHaveValue('shapes-label');
  // Shuffling the images, not a pixel at a time, measures what they are worth.
  await expect(
    page
      .getByRole('img', { name: /Permutation importance/ })
      .locator('text.name')
      .first(),
  ).toHaveText('image');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('registered')).toContainText('Registered as shapes-label v1');

  // Registered, it scores the image dataset in the lab; it cannot be embedded.
  await page
    .getByRole('navigation', { name: 'Lab' })
    .getByRole('link', { name: /^Deploy/ })
    .click();
  await expect(page.getByTestId('deploy-summary')).toContainText(
    'it classifies “label” into 3 classes from 1 input.',
  );
  await expect(page.getByTestId('deploy-images')).toContainText(
    'This model reads images (“image”)',
  );
  await expect(page.getByTestId('deploy-live')).toHaveCount(0);
  await page.getByTestId('score-start').click();
  await expect(page.getByTestId('score-result')).toContainText('Saved as version 3', {
    timeout: 60_000,
  });
  const scored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const workspace = (await lab.workspaces())[0]!;
    const [data] = await lab.datasets.list(workspace.id);
    const versions = await lab.datasets.versions(data!.dataset.id);
    const table = await lab.datasets.table(versions.at(-1)!.id);
    return {
      names: table.names,
      rows: table.toRows().map((row) => [row.label, row.predicted_label]),
    };
  });
  expect(scored.names.slice(-4)).toEqual([
    'predicted_label',
    'probability_bars',
    'probability_columns',
    'probability_squares',
  ]);
  const agree = scored.rows.filter(([label, predicted]) => label === predicted).length;
  expect(agree / scored.rows.length).toBeGreaterThanOrEqual(0.9);
  expect(pageErrors).toEqual([]);
});

test('AutoML searches models of a folder of images', async ({ page, pageErrors }) => {
  test.setTimeout(120_000);
  await importShapes(page);
  await page
    .getByRole('navigation', { name: 'Lab' })
    .getByRole('link', { name: /^AutoML/ })
    .click();
  await page.getByTestId('automl-target').selectOption('label');
  await page.getByTestId('automl-budget').fill('10');
  await page.getByTestId('automl-start').click();
  await expect(page.getByTestId('automl-setup')).toContainText('classification · 3 classes', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 90_000 });
  const best = Number(await page.getByTestId('automl-best-score').textContent());
  expect(best).toBeGreaterThanOrEqual(0.8);
  await expect(
    page
      .getByRole('img', { name: /Permutation importance/ })
      .locator('text.name')
      .first(),
  ).toHaveText('image');
  expect(pageErrors).toEqual([]);
});
