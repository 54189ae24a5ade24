import type { Page } from '@playwright/test';
import { test, expect, openLab, profileRow } from './fixtures';

/**
 * 60 flowers: three species of different sizes, a height missing in every tenth row, a rating
 * that is a number except for the word “unknown”, and one measurement per day.
 */
function flowersCsv(): string {
  const species = ['setosa', 'versicolor', 'virginica'];
  const lines = ['id,height,weight,species,rating,when'];
  for (let i = 0; i < 60; i++) {
    const kind = i % 3;
    const height = i % 10 === 4 ? '' : (20 + kind * 15 + (i % 7)).toFixed(1);
    const weight = (2 + kind * 3 + ((i * 13) % 11) / 4).toFixed(2);
    const rating = i % 12 === 5 ? 'unknown' : String(1 + (i % 5));
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push([i + 1, height, weight, species[kind], rating, day].join(','));
  }
  return lines.join('\n');
}

async function openData(page: Page) {
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
}

const view = (page: Page) => page.getByTestId('dataset-view');
const tableCount = (page: Page) => view(page).getByTestId('table-count');
const firstRow = (page: Page) => view(page).getByTestId('data-row').first();

/** Imports a CSV through the Data page's file input and waits for the notice that names it. */
async function importCsv(page: Page, name: string, text: string, notice: string) {
  await page.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });
  await expect(page.getByTestId('notice')).toContainText(notice);
}

async function apply(page: Page) {
  await view(page).getByTestId('prepare-apply').click();
}

test('sort, filter, brush, change types, derive, clean, split, see lineage, reload', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await openLab(page);
  await openData(page);
  await importCsv(page, 'flowers.csv', flowersCsv(), 'Imported flowers.csv: 60 rows, 6 columns');
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 1');
  await expect(profileRow(page, 'rating').locator('td').first()).toHaveText('categorical');

  // Sort: ascending, descending (missing heights last both ways), then back to file order.
  const sortHeight = view(page).locator('[data-testid="sort-button"][data-column="height"]');
  await sortHeight.click();
  await expect(firstRow(page)).toContainText('20');
  await expect(firstRow(page).getByRole('rowheader')).toHaveText('1');
  await sortHeight.click();
  await expect(firstRow(page)).toContainText('56');
  await expect(view(page).locator('[aria-sort="descending"]')).toHaveCount(1);
  await view(page)
    .getByTestId('data-table')
    .evaluate((element) => (element.scrollTop = 10_000));
  await expect(view(page).getByTestId('data-row').last().getByRole('gridcell').nth(1)).toHaveText(
    '',
  );
  await sortHeight.click();
  await expect(view(page).locator('[aria-sort="ascending"], [aria-sort="descending"]')).toHaveCount(
    0,
  );

  // Filter: pick a category, then a numeric range on top of it.
  const speciesFilter = view(page).locator('.filter[data-column="species"] select');
  await speciesFilter.selectOption('virginica');
  await expect(tableCount(page)).toHaveText('20');
  await view(page).locator('.filter[data-column="weight"] [data-testid="filter-min"]').fill('9');
  await expect(tableCount(page)).not.toHaveText('20');
  const narrowed = Number(await tableCount(page).textContent());
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThan(20);
  await view(page).getByTestId('clear-filters').click();
  await expect(tableCount(page)).toHaveText('60');

  // Brush a rectangle in the scatter plot: the selection filters the table.
  // Charts are drawn once scrolled near: bring the Explore section into view first.
  await view(page).getByTestId('explore').scrollIntoViewIfNeeded();
  const scatter = view(page).getByTestId('scatter-plot');
  await scatter.getByTestId('scatter-x').selectOption('height');
  await scatter.getByTestId('scatter-y').selectOption('weight');
  // Let the charts finish drawing, so nothing moves under the pointer while it drags.
  await expect(view(page).getByTestId('lazy-reserved')).toHaveCount(0);
  await expect(view(page).getByTestId('heatmap')).toHaveAttribute('data-measured', 'true');
  await expect(view(page).getByTestId('box-plot')).toHaveAttribute('aria-busy', 'false');
  // Centred, so the sticky selection bar at the top of the card cannot cover where the drag starts.
  await scatter.locator('svg').evaluate((svg) => svg.scrollIntoView({ block: 'center' }));
  const box = (await scatter.locator('svg').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.05);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.88, { steps: 8 });
  await page.mouse.up();
  const selected = view(page).getByTestId('selection-count');
  await expect(selected).toBeVisible();
  const count = Number(await selected.textContent());
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(54);
  await expect(tableCount(page)).toHaveText(String(count));
  await expect(view(page).getByTestId('table-status')).toContainText('in the selection');
  // The heatmap measures the selection's rows; all rows it reads from the stored profile.
  const heatmap = view(page).getByTestId('heatmap');
  await expect(heatmap).toContainText(`${count} rows of the selection`);
  // Heights in the brushed rectangle are all among the smaller ones.
  await sortHeight.click();
  await sortHeight.click();
  const tallest = Number(await firstRow(page).getByRole('gridcell').nth(1).textContent());
  expect(tallest).toBeLessThan(50);
  await view(page).getByTestId('selection-clear').click();
  await expect(selected).toHaveCount(0);
  await expect(tableCount(page)).toHaveText('60');
  await expect(heatmap).toContainText(/·\s+60 rows$/);
  await expect(heatmap).toHaveAttribute('data-measured', 'true');

  // The distribution chart counts rows up its axis; a click on a bar selects that category.
  const distribution = view(page).getByTestId('distribution-chart');
  await distribution.getByTestId('distribution-column').selectOption('species');
  await expect(distribution.getByTestId('distribution-y-tick').first()).toHaveText('0');
  await expect(distribution.getByTestId('distribution-bar')).toHaveCount(3);
  await distribution.getByRole('button', { name: 'virginica: 20 rows' }).click();
  await expect(selected).toHaveText('20');
  await expect(tableCount(page)).toHaveText('20');
  await view(page).getByTestId('selection-clear').click();
  await expect(tableCount(page)).toHaveText('60');

  // Change a type: the word “unknown” stops it, with the column, row and value named …
  await view(page).getByTestId('step-change-type').click();
  await view(page).getByTestId('type-column').selectOption('rating');
  await view(page).getByTestId('type-target').selectOption('integer');
  await apply(page);
  await expect(view(page).getByTestId('prepare-error')).toHaveText(
    'Column “rating”: “unknown” (row 6) is not a whole number.',
  );
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 1');
  // … and counting it as missing makes version 2.
  await view(page).getByTestId('type-tokens').fill('unknown');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
  await expect(profileRow(page, 'rating').locator('td').first()).toHaveText('integer');
  await expect(profileRow(page, 'rating').locator('td').nth(1)).toHaveText('5');

  // Derive a column: a typo is pointed at, then the right expression makes version 3.
  await view(page).getByTestId('step-derive').click();
  await view(page).getByTestId('derive-name').fill('bmi');
  await view(page).getByTestId('derive-expression').fill('weight / (heigth / 100) ^ 2');
  await apply(page);
  await expect(view(page).getByTestId('prepare-error')).toContainText(
    'There is no column “heigth”',
  );
  await expect(view(page).getByTestId('prepare-error').locator('mark')).toHaveText('heigth');
  await view(page).getByTestId('derive-expression').fill('round(weight / (height / 100) ^ 2, 1)');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 3');
  await expect(profileRow(page, 'bmi')).toBeVisible();
  await expect(profileRow(page, 'bmi').locator('td').nth(1)).toHaveText('6');

  // Drop the rows with a missing height: version 4 has 54 rows.
  await view(page).getByTestId('step-clean-missing').click();
  await view(page).getByTestId('missing-strategy').selectOption('drop');
  const cleanColumns = view(page).getByRole('group', { name: 'Columns' });
  for (const name of ['rating', 'bmi']) {
    await cleanColumns.getByRole('checkbox', { name }).uncheck();
  }
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 4');
  await expect(tableCount(page)).toHaveText('54');
  await expect(profileRow(page, 'height').locator('td').nth(1)).toHaveText('0');

  // Split train/test, stratified by species: two new datasets made from version 4.
  await view(page).getByTestId('step-split').click();
  await view(page).getByTestId('split-method').selectOption('stratified');
  await view(page).getByTestId('split-column').selectOption('species');
  await view(page).getByTestId('split-size').fill('0.25');
  await apply(page);
  await expect(page.getByTestId('notice')).toContainText(
    'Split into “flowers · train” (40 rows) and “flowers · test” (14 rows)',
  );
  await expect(page.getByTestId('dataset-row')).toHaveCount(3);
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'flowers · test' })).toBeVisible();
  await expect(view(page).getByTestId('version-origin')).toContainText('made from flowers v4');
  await expect(tableCount(page)).toHaveText('40');

  // The timeline of the source: every step, and the datasets the split made.
  await view(page).getByTestId('lineage-origin').click();
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 4');
  const items = view(page).getByTestId('version-item');
  await expect(items).toHaveCount(4);
  await expect(items.nth(0)).toContainText('Imported flowers.csv');
  await expect(items.nth(1)).toContainText('Changed “rating” to integer');
  await expect(items.nth(2)).toContainText('Derived “bmi”');
  await expect(items.nth(3)).toContainText('Dropped rows with missing “height”');
  await expect(items.nth(3).getByTestId('lineage-derived')).toHaveText([
    'flowers · train',
    'flowers · test',
  ]);
  await items.nth(0).getByTestId('version-view').click();
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 1');
  await expect(tableCount(page)).toHaveText('60');

  await page.screenshot({ path: '/tmp/data-prepare-page.png', fullPage: true });
  await view(page).screenshot({ path: '/tmp/data-prepare-view.png' });

  // A reload keeps the datasets, the versions and their lineage, and what was on screen.
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await expect(page.getByTestId('dataset-row')).toHaveCount(3);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 1');
  await expect(view(page).getByTestId('version-item')).toHaveCount(4);
  await expect(
    view(page).getByTestId('version-item').nth(3).getByTestId('lineage-derived'),
  ).toHaveCount(2);
  await view(page).getByTestId('version-item').nth(2).getByTestId('version-view').click();
  await expect(profileRow(page, 'bmi')).toBeVisible();
  const stored = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const summaries = await lab.datasets.list(workspace!.id);
    return summaries.map((summary) => ({
      name: summary.dataset.name,
      versions: summary.versions,
      parent: summary.latest?.parentId ?? null,
      transform: summary.latest?.transform.kind,
    }));
  });
  expect(stored.map((entry) => [entry.name, entry.versions, entry.transform])).toEqual([
    ['flowers', 4, 'prepare'],
    ['flowers · train', 1, 'prepare'],
    ['flowers · test', 1, 'prepare'],
  ]);
  expect(pageErrors).toEqual([]);
});

test('joins two datasets on two keys, with a suffix for clashing names', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const prices = ['store,day,price,units'];
  for (const store of ['A', 'B']) {
    for (let day = 1; day <= 3; day++)
      prices.push(`${store},${day},${store === 'A' ? day : 10 + day},0`);
  }
  await importCsv(page, 'prices.csv', prices.join('\n'), 'Imported prices.csv: 6 rows');
  // Day 4 of store B has no price: a left join keeps it with a missing price.
  const sales = 'store,day,units\nA,1,5\nA,3,7\nB,1,2\nB,3,4\nB,4,9';
  await importCsv(page, 'sales.csv', sales, 'Imported sales.csv: 5 rows');

  await view(page).getByTestId('step-join').click();
  const keys = view(page).getByTestId('join-keys');
  await expect(keys.getByTestId('join-left')).toHaveValue('store');
  await expect(keys.getByTestId('join-right')).toHaveValue('store');
  await keys.getByTestId('join-add-key').click();
  await keys.getByTestId('join-left').nth(1).selectOption('day');
  await expect(keys.getByTestId('join-right').nth(1)).toHaveValue('day');
  await view(page).getByRole('combobox', { name: 'Keep' }).selectOption('left');
  await view(page).getByTestId('join-suffix').fill('_price_list');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
  await expect(tableCount(page)).toHaveText('5');
  await expect(profileRow(page, 'price')).toBeVisible();
  await expect(profileRow(page, 'units_price_list')).toBeVisible();
  // One missing price (B, day 4); prices of B are 10 + day, so only key pairs match.
  await expect(profileRow(page, 'price').locator('td').nth(1)).toHaveText('1');
  const items = view(page).getByTestId('version-item');
  await expect(items.nth(1)).toContainText('Left join with “prices” v1 on “store”, “day”');
  expect(pageErrors).toEqual([]);
});

test('Unix seconds stored as integers: the profile says so, and one click sets up the change to date-times', async ({
  page,
  pageErrors,
}) => {
  await openLab(page);
  await openData(page);
  const lines = ['order_id,created_ts,amount'];
  for (let i = 0; i < 30; i++) {
    lines.push(`${1_700_000_000 + i},${1_700_000_000 + 86_400 * i},${(10 + (i % 7)).toFixed(2)}`);
  }
  await importCsv(page, 'orders.csv', lines.join('\n'), 'Imported orders.csv: 30 rows');
  await expect(profileRow(page, 'created_ts').locator('td').first()).toHaveText('integer');
  const warnings = view(page).getByTestId('profile-warnings');
  // Ten-digit order numbers are an ID; ten-digit seconds in a column named like a time are times.
  await expect(warnings).toContainText('Column “order_id” has a different value in every row');
  await expect(warnings).toContainText(
    'Column “created_ts” looks like Unix seconds (2023-11-14 22:13 to 2023-12-13 22:13 UTC)',
  );
  await expect(warnings).not.toContainText('Column “created_ts” has a different value');

  await view(page).getByTestId('read-unix-time').click();
  // The form is set up, and nothing is made until Apply.
  await expect(view(page).getByTestId('type-column')).toHaveValue('created_ts');
  await expect(view(page).getByTestId('type-target')).toHaveValue('datetime');
  await expect(view(page).getByRole('combobox', { name: 'Numbers are' })).toHaveValue('epoch-s');
  await expect(view(page).getByTestId('prepare-apply')).toBeFocused();
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 1');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
  await expect(profileRow(page, 'created_ts').locator('td').first()).toHaveText('datetime');
  await expect(warnings).not.toContainText('Unix');
  await expect(firstRow(page)).toContainText('2023-11-14');
  expect(pageErrors).toEqual([]);
});

const DATES_AS_NUMBERS = [
  {
    what: 'months written as YYYYMM numbers',
    column: 'period',
    cell: (i: number) => 202201 + Math.floor(i / 12) * 100 + (i % 12),
    warning: 'Column “period” looks like months written as YYYYMM (2022-01 to 2023-12)',
    button: 'read-compact-date',
    unit: 'yyyymm',
    first: '2022-01-01',
  },
  {
    what: "a spreadsheet's serial dates",
    column: 'order_date',
    cell: (i: number) => 45292 + i,
    warning:
      'Column “order_date” looks like dates as a spreadsheet stores them, days since 1899-12-30 (2024-01-01 to 2024-01-24)',
    button: 'read-excel-date',
    unit: 'excel',
    first: '2024-01-01',
  },
];

for (const example of DATES_AS_NUMBERS) {
  test(`${example.what}: the profile says so, and one click reads them as dates`, async ({
    page,
    pageErrors,
  }) => {
    await openLab(page);
    await openData(page);
    const lines = [`${example.column},sales`];
    for (let i = 0; i < 24; i++) lines.push(`${example.cell(i)},${100 + i}`);
    await importCsv(page, 'dates.csv', lines.join('\n'), 'Imported dates.csv: 24 rows');
    await expect(profileRow(page, example.column).locator('td').first()).toHaveText('integer');
    const warnings = view(page).getByTestId('profile-warnings');
    await expect(warnings).toContainText(example.warning);
    await expect(warnings).not.toContainText(`Column “${example.column}” has a different value`);
    await warnings.getByTestId(example.button).click();
    await expect(view(page).getByTestId('type-column')).toHaveValue(example.column);
    await expect(view(page).getByTestId('type-target')).toHaveValue('datetime');
    await expect(view(page).getByRole('combobox', { name: 'Numbers are' })).toHaveValue(
      example.unit,
    );
    await expect(view(page).getByTestId('prepare-apply')).toBeFocused();
    await apply(page);
    await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
    await expect(profileRow(page, example.column).locator('td').first()).toHaveText('datetime');
    await expect(firstRow(page)).toContainText(example.first);
    expect(pageErrors).toEqual([]);
  });
}

/** Five incomes, two of them -999: a code that stands for “unknown”. */
async function importIncomes(page: Page) {
  await openLab(page);
  await openData(page);
  const csv = ['id,income', '1,52000', '2,-999', '3,61000', '4,-999', '5,57000'].join('\n');
  await importCsv(page, 'incomes.csv', csv, 'Imported incomes.csv: 5 rows, 2 columns');
}

test('a code such as -999 is read as missing from Clean missing values, then filled', async ({
  page,
  pageErrors,
}) => {
  await importIncomes(page);
  await view(page).getByTestId('step-clean-missing').click();
  await view(page).getByRole('checkbox', { name: 'income' }).check();
  await view(page).getByTestId('missing-codes').click();
  // Change type on “income”, keeping its type, with the cursor where such codes go.
  await expect(view(page).getByTestId('type-column')).toHaveValue('income');
  await expect(view(page).getByTestId('type-target')).toHaveValue('integer');
  await expect(view(page).getByTestId('type-tokens')).toBeFocused();
  await page.keyboard.type('-999');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
  await expect(profileRow(page, 'income').locator('td').nth(1)).toHaveText('2');
  await expect(profileRow(page, 'income').locator('td').nth(5)).toHaveText('52000');

  await view(page).getByTestId('step-clean-missing').click();
  await view(page).getByTestId('missing-strategy').selectOption('median');
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 3');
  await expect(profileRow(page, 'income').locator('td').nth(1)).toHaveText('0');
  await expect(view(page).getByTestId('version-origin')).toContainText('Filled missing “income”');
  expect(pageErrors).toEqual([]);
});

test('the profile points out -999 as a code for missing, and one click sets up reading it so', async ({
  page,
  pageErrors,
}) => {
  await importIncomes(page);
  const warnings = view(page).getByTestId('profile-warnings');
  await expect(warnings).toContainText(
    'Column “income” holds -999 in 2 rows, while all its other values are 0 or more: probably a code for a missing value.',
  );
  await warnings.getByTestId('read-missing-code').click();
  await expect(view(page).getByTestId('type-column')).toHaveValue('income');
  await expect(view(page).getByTestId('type-target')).toHaveValue('integer');
  await expect(view(page).getByTestId('type-tokens')).toHaveValue('-999');
  await expect(view(page).getByTestId('prepare-apply')).toBeFocused();
  await apply(page);
  await expect(view(page).getByTestId('shown-version')).toHaveText('· version 2');
  await expect(profileRow(page, 'income').locator('td').nth(1)).toHaveText('2');
  await expect(view(page).getByTestId('profile-warnings')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
