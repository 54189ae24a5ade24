import { test, expect, openLab, profileRow } from './fixtures';
import type { Page } from '@playwright/test';

const CSV = [
  'height,species,when',
  '1.5,setosa,2024-01-01',
  '2.5,versicolor,2024-01-02',
  '3.5,setosa,2024-01-03',
  ',virginica,2024-01-04',
  '4.5,setosa,2024-01-05',
].join('\n');

async function openData(page: Page) {
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
}

async function choose(page: Page, name: string, text: string) {
  await page.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });
}

test('imports a CSV, shows its profile and rows, keeps it across reloads, deletes it', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  await expect(page.getByTestId('no-datasets')).toBeVisible();

  await choose(page, 'plants.csv', CSV);
  await expect(page.getByTestId('notice')).toContainText('Imported plants.csv: 5 rows, 3 columns');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);

  const row = page.getByTestId('dataset-row').filter({ hasText: 'plants' });
  await expect(row.getByTestId('dataset-rows')).toHaveText('5');
  await expect(row.getByTestId('dataset-columns')).toHaveText('3');

  const view = page.getByTestId('dataset-view');
  const height = view.locator('[data-testid="profile-row"][data-column="height"]');
  await expect(height.getByTestId('profile-mean')).toHaveText('3');
  await expect(height.locator('td').nth(1)).toHaveText('1');
  // The quartiles of 1.5, 2.5, 3.5 and 4.5, and all five percentiles on hover.
  const quartiles = height.getByTestId('profile-quartiles');
  await expect(quartiles).toHaveText(/25%\s*2\.25\s*50%\s*3\s*75%\s*3\.75/);
  await expect(quartiles).toHaveAttribute(
    'title',
    '5% 1.65 · 25% 2.25 · median 3 · 75% 3.75 · 95% 4.35',
  );
  await expect(
    view
      .locator('[data-testid="profile-row"][data-column="species"]')
      .getByTestId('profile-quartiles'),
  ).toHaveText('—');
  await expect(height.getByTestId('histogram')).toBeVisible();
  await expect(
    view.locator('[data-testid="profile-row"][data-column="species"] [data-testid="bar-chart"]'),
  ).toBeVisible();
  await expect(view.getByTestId('data-row')).toHaveCount(5);
  await expect(view.getByTestId('data-row').first()).toContainText('setosa');

  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'plants' })).toBeVisible();
  await expect(page.getByTestId('data-row')).toHaveCount(5);

  await page.getByTestId('dataset-row').getByTestId('dataset-rename').click();
  await page.getByTestId('rename-input').fill('flowers');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'flowers' })).toBeVisible();

  await page.getByTestId('dataset-delete').click();
  const dialog = page.getByTestId('confirm-dialog');
  const confirm = dialog.getByRole('button', { name: 'Delete dataset' });
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('confirm-text').fill('flowers');
  await confirm.click();
  await expect(page.getByTestId('no-datasets')).toBeVisible();
  await expect(page.getByTestId('dataset-view')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('an import stored by the data worker appears in another open tab and survives a reload', async ({
  context,
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const other = await context.newPage();
  await openLab(other);
  await openData(other);
  await expect(other.getByTestId('no-datasets')).toBeVisible();

  await choose(page, 'plants.csv', CSV);
  await expect(page.getByTestId('notice')).toContainText('Imported plants.csv: 5 rows, 3 columns');
  await expect(page.getByTestId('data-row')).toHaveCount(5);

  // The other tab was told by the store, as of any change, and reads the version back.
  const elsewhere = other.getByTestId('dataset-row').filter({ hasText: 'plants' });
  await expect(elsewhere.getByTestId('dataset-rows')).toHaveText('5');
  await elsewhere.click();
  await expect(other.getByTestId('data-row')).toHaveCount(5);

  const stored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const [summary] = await lab.datasets.list(workspace!.id);
    const events = await lab.audit(workspace!.id, { limit: 2 });
    return {
      transform: summary?.latest?.transform,
      summaries: events.map((event) => event.summary),
      verified: (await lab.verifyAudit(workspace!.id)).ok,
    };
  });
  expect(stored.transform).toMatchObject({ kind: 'import', fileName: 'plants.csv', format: 'csv' });
  expect(stored.summaries).toEqual([
    'Imported plants.csv as version 1 of “plants”',
    'Created dataset “plants”',
  ]);
  expect(stored.verified).toBe(true);

  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'plants' })).toBeVisible();
  await expect(page.getByTestId('data-row')).toHaveCount(5);
  await expect(page.getByTestId('data-row').first()).toContainText('setosa');
  expect(pageErrors).toEqual([]);
});

test('a malformed file shows where it is wrong and stores nothing', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  await choose(page, 'broken.csv', 'a,b\n1,2\n3,"4\n5,6\n');
  const error = page.getByTestId('import-error');
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText('broken.csv could not be imported');
  await expect(error).toContainText('line 3');
  await expect(page.getByTestId('no-datasets')).toBeVisible();
  const stored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    return lab.store.countByKind(workspace!.id);
  });
  expect(stored.datasets).toBe(0);
  expect(stored.datasetVersions).toBe(0);
  expect(pageErrors).toEqual([]);
});

test('the table renders only the visible rows of a large dataset', async ({ page, pageErrors }) => {
  await openLab(page);
  await openData(page);
  // 200,000 rows: each column is over a megabyte, which the data worker stores as a Blob value
  // made on its blob maker's thread while it profiles.
  const lines = ['id,value'];
  for (let i = 0; i < 200_000; i++) lines.push(`${i},${(i * 7) % 13}`);
  await choose(page, 'large.csv', lines.join('\n'));
  await expect(page.getByTestId('notice')).toContainText('200,000 rows');
  const table = page.getByTestId('data-table');
  const rendered = await table.getByTestId('data-row').count();
  expect(rendered).toBeLessThan(60);
  await table.evaluate((element) => (element.scrollTop = 28 * 50_000));
  await expect(table.getByTestId('data-row').filter({ hasText: '50,001' })).toBeVisible();
  expect(await table.getByTestId('data-row').count()).toBeLessThan(60);

  // Read back from storage after a reload: the same rows.
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'large' })).toBeVisible();
  const reloaded = page.getByTestId('data-table');
  await expect(reloaded.getByTestId('data-row').first()).toBeVisible();
  await reloaded.evaluate((element) => (element.scrollTop = 28 * 199_990));
  const last = reloaded.getByTestId('data-row').filter({ hasText: '199,999' });
  await expect(last).toBeVisible();
  // Row 199,999 holds id 199,998, whose value is 199,998 × 7 mod 13 = 3.
  await expect(last.getByRole('gridcell')).toHaveText(['199998', '3']);
  expect(pageErrors).toEqual([]);
});

test('a dropped file imports, and Cancel stops a long import without storing it', async ({
  page,
}) => {
  await openLab(page);
  await openData(page);
  const drop = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x,label\n1,<b>bold</b>\n2,plain\n'], 'dropped.csv'));
    return transfer;
  });
  await page.getByTestId('import-panel').dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'dropped' })).toBeVisible();
  await expect(page.getByTestId('data-row').first()).toContainText('<b>bold</b>');
  await expect(page.getByTestId('data-table').locator('b')).toHaveCount(0);

  const long = await page.evaluateHandle(() => {
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 1_500_000; i++) lines.push(`${i},${i % 7}.5,x${i % 11},${i * 3}`);
    const transfer = new DataTransfer();
    transfer.items.add(new File([lines.join('\n')], 'long.csv'));
    return transfer;
  });
  await page.getByTestId('import-panel').dispatchEvent('drop', { dataTransfer: long });
  await page.getByTestId('import-cancel').click();
  await expect(page.getByTestId('notice')).toContainText('cancelled');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('a chosen delimiter overrides detection and is recorded with the version', async ({
  page,
}) => {
  await openLab(page);
  await openData(page);
  await page.getByTestId('import-delimiter').selectOption(',');
  await choose(page, 'semi.csv', 'a;b\n1;2\n3;4\n');
  const row = page.getByTestId('dataset-row').filter({ hasText: 'semi' });
  await expect(row.getByTestId('dataset-columns')).toHaveText('1');
  await page.getByTestId('import-delimiter').selectOption('auto');
  await choose(page, 'semi-detected.csv', 'a;b\n1;2\n3;4\n');
  const detected = page.getByTestId('dataset-row').filter({ hasText: 'semi-detected' });
  await expect(detected.getByTestId('dataset-columns')).toHaveText('2');
  // A delimiter that detection does not consider, typed under Other…
  await page.getByTestId('import-delimiter').selectOption('other');
  await choose(page, 'colon.csv', 'a:b:c\n1:2:x\n3:4:y\n');
  await expect(page.getByTestId('import-error')).toContainText(
    'colon.csv could not be imported: Type the character that separates the fields',
  );
  await page.getByTestId('import-delimiter-other').fill(':');
  await choose(page, 'colon.csv', 'a:b:c\n1:2:x\n3:4:y\n');
  const colon = page.getByTestId('dataset-row').filter({ hasText: 'colon' });
  await expect(colon.getByTestId('dataset-columns')).toHaveText('3');
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await page.getByTestId('import-delimiter').selectOption('auto');
  const transforms = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const listed = await lab.datasets.list(workspace!.id);
    return listed.map((summary) => summary.latest?.transform);
  });
  expect(transforms).toEqual([
    expect.objectContaining({
      fileName: 'semi.csv',
      options: expect.objectContaining({ delimiter: ',' }),
    }),
    expect.objectContaining({
      fileName: 'semi-detected.csv',
      options: expect.objectContaining({ detectedDelimiter: ';' }),
    }),
    expect.objectContaining({
      fileName: 'colon.csv',
      options: expect.objectContaining({ delimiter: ':' }),
    }),
  ]);
});

test('a shipped sample and pasted text import; an unreachable address says why', async ({
  page,
}) => {
  await openLab(page);
  await openData(page);

  await page.getByTestId('import-source-sample').click();
  await page.getByTestId('import-sample').selectOption('penguins');
  await expect(page.getByTestId('import-panel')).toContainText('CC0');
  await page.getByTestId('import-sample-go').click();
  await expect(page.getByTestId('notice')).toContainText(
    'Imported penguins.csv: 344 rows, 7 columns',
  );

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('penguins-v1.csv');
  const text = await (
    await import('node:fs/promises')
  ).readFile((await csv.path()) as string, 'utf8');
  expect(text.split('\n')[0]).toBe(
    'island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,species',
  );
  expect(text.trim().split('\n')).toHaveLength(345);
  const parquetDownload = page.waitForEvent('download');
  await page.getByTestId('export-parquet').click();
  expect((await parquetDownload).suggestedFilename()).toBe('penguins-v1.parquet');

  await page.getByTestId('import-source-paste').click();
  await page.getByTestId('import-paste-name').fill('scores');
  await page.getByTestId('import-paste').fill('name\tscore\nada\t3\nbob\t4\n');
  await page.getByTestId('import-paste-go').click();
  await expect(page.getByTestId('notice')).toContainText('Imported scores.csv: 2 rows, 2 columns');
  await expect(page.getByTestId('import-paste')).toHaveValue('');

  await page.getByTestId('import-source-url').click();
  await page.getByTestId('import-url').fill('https://data.invalid/missing.csv');
  await page.getByTestId('import-url-go').click();
  await expect(page.getByTestId('import-error')).toContainText('missing.csv could not be imported');
  await expect(page.getByTestId('import-error')).toContainText('CORS');
  await expect(page.getByTestId('dataset-row')).toHaveCount(2);
});

test('what the importer noticed is shown with the dataset and kept across reloads', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const csv = ['item,price,code', 'a,"$1,046.92",3', 'b,$99.50,4', 'c,$12.00,07', 'd,"$2,000",5'];
  await choose(page, 'prices.csv', csv.join('\n'));
  await expect(page.getByTestId('notice')).toContainText(
    'Imported prices.csv: 4 rows, 3 columns. 2 notes on how it was read are shown with the dataset.',
  );
  const view = page.getByTestId('dataset-view');
  const notes = view.getByTestId('import-warnings');
  await expect(notes).toContainText('How prices.csv was read: 2 notes');
  await expect(notes).toContainText('Column “price” holds formatted numbers such as “$1,046.92”');
  await expect(notes).toContainText('“07” (line 4) has leading zeros');
  const price = view.locator('[data-testid="profile-row"][data-column="price"]');
  await expect(price.getByTestId('profile-mean')).toHaveText('789.605');

  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('dataset-view').getByTestId('import-warnings')).toContainText(
    'formatted numbers',
  );
  expect(pageErrors).toEqual([]);
});

test('dates that could be day or month first are read as the user chooses at import', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const csv = ['when,amount', '01/02/2024,1', '03/04/2024,2', '05/06/2024,3'].join('\n');
  await choose(page, 'either.csv', csv);
  const view = page.getByTestId('dataset-view');
  const when = () => view.locator('[data-testid="profile-row"][data-column="when"]');
  await expect(when().locator('td').first()).toHaveText('categorical');
  await expect(view.getByTestId('import-warnings')).toContainText(
    'import it again choosing the order under Dates',
  );

  await page.getByTestId('import-date-order').selectOption('mdy');
  await choose(page, 'either.csv', csv);
  await expect(page.getByTestId('notice')).toContainText('Imported either.csv: 3 rows, 2 columns.');
  await expect(page.getByTestId('shown-version')).toContainText('version 1');
  await expect(when().locator('td').first()).toHaveText('datetime');
  await expect(when().locator('td').nth(5)).toHaveText('2024-01-02');
  await expect(view.getByTestId('import-warnings')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('a profile of dates and times fits the page: figures to the precision of the values', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const lines = ['order_date,created_at,feature_000_measured_value,segment,amount'];
  for (let i = 0; i < 200; i++) {
    const time = new Date(Date.UTC(2024, 0, 1) + i * 3_600_017).toISOString().slice(0, 19);
    const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push(`${date},${time},${(i * 1.7) % 13},${'abc'[i % 3]},${i * 2}`);
  }
  await choose(page, 'orders.csv', lines.join('\n'));
  const view = page.getByTestId('dataset-view');
  const row = (column: string) => profileRow(page, column);
  // Dates: the mean and the quartiles fall between them, and are shown as dates; the exact
  // instants are in the titles.
  await expect(row('order_date').getByTestId('profile-mean')).toHaveText('2024-04-10');
  await expect(row('order_date').getByTestId('profile-mean')).toHaveAttribute(
    'title',
    '2024-04-09T12:00:00.000Z',
  );
  await expect(row('order_date').getByTestId('profile-quartiles')).toHaveText(
    /^25%\s*2024-02-20\s*50%\s*2024-04-10\s*75%\s*2024-05-29$/,
  );
  await expect(row('order_date').getByTestId('profile-quartiles')).toHaveAttribute(
    'title',
    /25% 2024-02-19T18:00:00Z/,
  );
  // Times: to the second, and the same ISO text even where the date and the time are on two lines.
  await expect(row('created_at').getByTestId('profile-mean')).toHaveText('2024-01-05T03:30:01Z');
  await expect(row('created_at').getByTestId('profile-quartiles')).toContainText(
    '2024-01-03T01:45:00Z',
  );
  // In the rows below, a time cut short by its column's width is whole on hover.
  const second = view.getByTestId('data-row').nth(1).getByRole('gridcell');
  await expect(second.nth(1)).toHaveText('2024-01-01T01:00:00Z');
  await expect(second.nth(1)).toHaveAttribute('title', '2024-01-01T01:00:00Z');
  await expect(second.nth(0)).not.toHaveAttribute('title');
  // All eleven columns fit a 1,280-pixel window: nothing to scroll sideways to.
  const table = view.getByTestId('profile-table');
  await expect(row('amount').getByTestId('histogram')).toBeVisible();
  const overflow = await table.evaluate((element) => {
    const box = element.parentElement as HTMLElement;
    return box.scrollWidth - box.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  expect(pageErrors).toEqual([]);
});

test('the missing-value list is the user’s: a -999 code is missing, “NA” a value', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const csv = ['code,score', 'NA,-999', 'FR,12.5', 'DE,-999', 'US,7'].join('\n');
  const view = page.getByTestId('dataset-view');
  const cells = (column: string) =>
    view.locator(`[data-testid="profile-row"][data-column="${column}"] td`);

  // The default list: “NA” is missing, −999 a number.
  await expect(page.getByTestId('import-missing')).toHaveValue(
    'NA, N/A, n/a, #N/A, NaN, nan, null, NULL, None, ?, -',
  );
  await expect(page.getByTestId('import-missing-default')).toHaveCount(0);
  await choose(page, 'codes.csv', csv);
  await expect(page.getByTestId('notice')).toContainText('Imported codes.csv: 4 rows, 2 columns.');
  await expect(cells('code').nth(1)).toHaveText('1');
  await expect(cells('score').nth(1)).toHaveText('0');
  await expect(cells('score').nth(5)).toHaveText('-999');
  await expect(page.getByTestId('version-origin')).toHaveText('imported from codes.csv');

  await page.getByTestId('import-missing').fill('-999');
  await choose(page, 'codes-chosen.csv', csv);
  await expect(page.getByTestId('notice')).toContainText('Imported codes-chosen.csv');
  await expect(cells('code').nth(1)).toHaveText('0');
  await expect(cells('score').nth(0)).toHaveText('numeric');
  await expect(cells('score').nth(1)).toHaveText('2');
  await expect(cells('score').nth(5)).toHaveText('7');
  await expect(page.getByTestId('version-origin')).toHaveText(
    'imported from codes-chosen.csv, reading empty cells and “-999” as missing',
  );

  await page.getByTestId('import-missing-default').click();
  await expect(page.getByTestId('import-missing')).toHaveValue(/^NA, N\/A/);
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('version-origin')).toContainText('“-999” as missing');
  expect(pageErrors).toEqual([]);
});

test('a dataset is described and tagged, found by its tags, and keeps them across reloads', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  await choose(page, 'plants.csv', CSV);
  await expect(page.getByTestId('notice')).toContainText('Imported plants.csv');
  await choose(page, 'sales.csv', 'month,amount\n2024-01,3\n2024-02,4\n');
  await expect(page.getByTestId('notice')).toContainText('Imported sales.csv');

  await page
    .getByTestId('dataset-row')
    .filter({ hasText: 'plants' })
    .getByTestId('dataset-open')
    .click();
  await expect(page.getByTestId('shown-version')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /plants/ })).toBeVisible();
  await page.getByTestId('dataset-edit').click();
  await page.getByTestId('edit-description').fill('  Heights of three species, one missing.  ');
  await page.getByTestId('edit-tags').fill('botany, teaching, botany, ');
  await page.getByTestId('edit-save').click();
  const view = page.getByTestId('dataset-view');
  await expect(view.getByTestId('dataset-description')).toHaveText(
    'Heights of three species, one missing.',
  );
  await expect(view.getByTestId('dataset-tags').locator('li')).toHaveText(['botany', 'teaching']);
  await expect(page.getByTestId('edit-tags')).toHaveCount(0);

  const filter = page.getByTestId('dataset-filter');
  await filter.fill('TEACHING');
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('dataset-row')).toHaveAttribute('data-name', 'plants');
  await expect(page.getByTestId('dataset-row').getByTestId('dataset-row-tags')).toContainText(
    'botany',
  );
  await filter.fill('species missing');
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await filter.fill('forecast');
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
  await expect(page.getByTestId('no-matching-datasets')).toContainText('“forecast”');
  await filter.fill('');
  await expect(page.getByTestId('dataset-row')).toHaveCount(2);

  const audit = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const events = await lab.store.audit(workspace!.id);
    return events.map((event) => event.summary);
  });
  expect(audit).toContain('Edited the description and tags of “plants”');

  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await page
    .getByTestId('dataset-row')
    .filter({ hasText: 'plants' })
    .getByTestId('dataset-open')
    .click();
  await expect(page.getByTestId('dataset-view').getByTestId('dataset-tags')).toContainText(
    'teaching',
  );
  expect(pageErrors).toEqual([]);
});

test('a chosen target shows its class balance, and a warning when a class is rare', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const rows = ['amount,label,paid'];
  for (let i = 0; i < 200; i++) {
    rows.push(`${i},${i % 40 === 0 ? 'fraud' : i === 7 ? '' : 'fine'},${i % 3 === 0}`);
  }
  await choose(page, 'payments.csv', rows.join('\n'));
  await expect(page.getByTestId('notice')).toContainText('Imported payments.csv: 200 rows');
  const target = page.getByTestId('profile-target');
  // “amount” has 200 values: too many to be classes.
  await expect(target.locator('option')).toHaveText(['Choose a column…', 'label', 'paid']);
  await expect(page.getByTestId('class-balance')).toHaveCount(0);

  await target.selectOption('label');
  await expect(page.getByTestId('class-balance-warning')).toHaveText(
    'Class “fraud” of target “label” is only 2.5% of rows: use a stratified split, and class weights or a metric such as balanced accuracy.',
  );
  const classes = page.getByTestId('class-balance').locator('tbody tr');
  await expect(classes).toHaveCount(2);
  await expect(classes.nth(0)).toContainText(/fine\s*194\s*97%/);
  await expect(classes.nth(1)).toContainText(/fraud\s*5\s*2\.5%/);
  await expect(page.getByTestId('dataset-view')).toContainText(
    '1 row has no class and would be left out of training.',
  );

  await target.selectOption('paid');
  await expect(page.getByTestId('class-balance-warning')).toHaveCount(0);
  await expect(page.getByTestId('class-balance-note')).toHaveText(
    'The rarest class, “true”, is 34% of the 200 rows with a class: balanced enough for a plain split and accuracy.',
  );
  expect(pageErrors).toEqual([]);
});
