import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, countBlobCalls, openLab } from './fixtures';
import { seededRandom } from '../../src/core/random';

const ROWS = 30_000;

/** A CSV of a few MB (so the data worker reads it in several slices) with every kind of chart. */
function generateCsv(): string {
  const random = seededRandom(7);
  const lines = ['id,height,weight,species,when'];
  const species = ['setosa', 'versicolor', 'virginica'];
  for (let i = 0; i < ROWS; i++) {
    const height = (random() * 10).toFixed(3);
    const weight = (Number(height) * 2 + random()).toFixed(3);
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${i + 1},${height},${weight},${species[i % 3]},2024-0${1 + (i % 9)}-${day}`);
  }
  return `${lines.join('\n')}\n`;
}

test('a file read in slices is imported, shown, and its charts are drawn once scrolled to', async ({
  page,
  pageErrors,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-e2e-large-'));
  try {
    const path = join(dir, 'plants.csv');
    await writeFile(path, generateCsv());
    await openLab(page);
    await page
      .getByRole('navigation', { name: 'Lab' })
      .getByRole('link', { name: /^Data/ })
      .click();
    // The page shows the table the import handed over: it reads none of it back from storage.
    const blobReads = await countBlobCalls(page, ['get', 'getAll']);
    await page.getByTestId('import-file').setInputFiles(path);
    await expect(page.getByTestId('notice')).toContainText(
      `Imported plants.csv: ${ROWS.toLocaleString('en-US')} rows, 5 columns`,
    );

    const view = page.getByTestId('dataset-view');
    await expect(view.getByTestId('data-row').first()).toContainText('setosa');
    await expect(
      view.locator('[data-testid="profile-row"][data-column="height"] [data-testid="histogram"]'),
    ).toBeVisible();

    // Below the fold the charts wait: nothing of them is computed until they are scrolled near.
    const panels = view.getByTestId('explore-panel');
    await expect(panels).toHaveCount(5);
    await expect(view.getByTestId('heatmap')).toHaveCount(0);

    await view.getByTestId('explore').scrollIntoViewIfNeeded();
    const heatmap = view.getByTestId('heatmap');
    await expect(heatmap).toHaveAttribute('data-measured', 'true');
    await expect(heatmap.locator('svg')).toBeVisible();
    // height, weight and species (the ID column is left out; dates are not measured).
    await expect(heatmap.locator('g.cell')).toHaveCount(9);
    await expect(heatmap.getByText(/30,000 rows/)).toBeVisible();
    const strong = heatmap.getByRole('button', {
      name: /^weight × height: Pearson r (0\.9\d|1\.00)$/,
    });
    await expect(strong).toHaveCount(1);

    for (let i = 0; i < 5; i++) {
      await panels.nth(i).scrollIntoViewIfNeeded();
      await expect(panels.nth(i).locator('svg').first()).toBeVisible();
    }
    const boxes = view.getByTestId('box-plot').getByTestId('box');
    await expect(boxes).toHaveCount(3);
    await expect(view.getByTestId('lazy-reserved')).toHaveCount(0);
    expect(await blobReads()).toBe(0);
    expect(pageErrors).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a table of 3,000 columns: the profile pages and finds columns, the table draws those in view', async ({
  page,
  pageErrors,
}) => {
  const columns = 3_000;
  const header = Array.from({ length: columns }, (_, c) => `c${c}`).join(',');
  const lines = Array.from({ length: 20 }, (_, r) =>
    Array.from({ length: columns }, (_, c) => (r * 31 + c) % 97).join(','),
  );
  await openLab(page);
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-file').setInputFiles({
    name: 'wide.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([header, ...lines].join('\n')),
  });
  await expect(page.getByTestId('notice')).toContainText(
    'Imported wide.csv: 20 rows, 3,000 columns',
  );
  const view = page.getByTestId('dataset-view');
  await expect(view.getByTestId('profile-shown')).toHaveText('100 of 3,000 columns shown');
  await expect(view.getByTestId('profile-row')).toHaveCount(100);
  await view.getByTestId('profile-more').click();
  await expect(view.getByTestId('profile-row')).toHaveCount(200);
  await view.getByTestId('profile-find').fill('c2999');
  await expect(view.getByTestId('profile-row')).toHaveCount(1);
  await expect(view.getByTestId('profile-shown')).toHaveText(
    '1 of 1 matching columns shown (3,000 in all)',
  );
  // Its smallest value, in the profile's Min column.
  const lowest = Math.min(...Array.from({ length: 20 }, (_, r) => (r * 31 + 2999) % 97));
  await expect(
    view.locator('[data-testid="profile-row"][data-column="c2999"] td').nth(5),
  ).toHaveText(String(lowest));

  // The table draws a few dozen of its 3,000 columns, and the last ones once scrolled to.
  const grid = view.getByTestId('data-table');
  const headers = grid.locator('[role="columnheader"][aria-colindex]');
  expect(await headers.count()).toBeLessThan(60);
  await grid.evaluate((element) => (element.scrollLeft = element.scrollWidth));
  await expect(headers.last()).toHaveText(/c2999/);
  await expect(headers.last()).toHaveAttribute('aria-colindex', '3001');
  await expect(
    grid.locator('[data-testid="data-row"][aria-rowindex="2"] [role="gridcell"]').last(),
  ).toHaveText(String(2999 % 97));
  expect(pageErrors).toEqual([]);
});
