import type { Page } from '@playwright/test';
import { test, expect, openLab } from './fixtures';

const DAY = 86_400_000;
const iso = (day: number) => new Date(Date.UTC(2024, 0, 1) + day * DAY).toISOString().slice(0, 10);
/** Promotions on an irregular schedule, so that no weekly season can stand in for them. */
const promoOn = (day: number) => (day % 7 === 3 || day % 11 === 5 ? 1 : 0);
const HISTORY = 84;
const AHEAD = 14;

/** Daily sales that a promotion lifts by 60, with a little wobble; no sales in the future rows. */
function salesCsv(ahead: number): string {
  const lines = ['date,sales,promo'];
  for (let day = 0; day < HISTORY + ahead; day++) {
    const sales = 200 + 60 * promoOn(day) + 4 * Math.sin(day * 0.9);
    lines.push(`${iso(day)},${day < HISTORY ? sales.toFixed(2) : ''},${promoOn(day)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function paste(page: Page, name: string, csv: string, rows: number) {
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await nav.getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-source-paste').click();
  await page.getByTestId('import-paste-name').fill(name);
  await page.getByTestId('import-paste').fill(csv);
  await page.getByTestId('import-paste-go').click();
  await expect(page.getByTestId('notice')).toContainText(`Imported ${name}.csv: ${rows} rows`);
}

async function openForecast(page: Page, dataset: string) {
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await nav.getByRole('link', { name: /^Forecast/ }).click();
  await page.getByTestId('forecast-dataset-select').selectOption({ label: dataset });
  await expect(page.getByTestId('forecast-time')).toHaveValue('date');
  await expect(page.getByTestId('forecast-target')).toHaveValue('sales');
}

test('A promotion known in advance: future rows in the same table drive the forecast', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await openLab(page);
  await paste(page, 'promotions', salesCsv(AHEAD), HISTORY + AHEAD);
  await openForecast(page, 'promotions');
  await expect(page.getByTestId('forecast-detected')).toContainText(`${HISTORY} daily values`);
  // A 0/1 flag is a feature, not a series name.
  await expect(page.getByTestId('forecast-series-column').getByRole('checkbox')).toHaveCount(0);

  const features = page.getByTestId('forecast-features');
  await features.getByLabel('promo').check();
  await expect(page.getByTestId('forecast-future-after')).toBeChecked();
  // More steps than there are future rows: named before anything runs.
  await page.getByTestId('forecast-horizon').fill('16');
  await expect(page.getByTestId('forecast-problem')).toContainText(
    `no row for ${iso(HISTORY + 14)} (step 15 of 16), ${iso(HISTORY + 15)} (step 16 of 16)`,
  );
  await expect(page.getByTestId('forecast-start')).toBeDisabled();
  await page.getByTestId('forecast-horizon').fill(String(AHEAD));
  await expect(page.getByTestId('forecast-features-ready')).toContainText(
    `promo: known for all ${AHEAD} forecast steps, from the ${AHEAD} rows after the last sales`,
  );
  await expect(page.getByTestId('forecast-problem')).toHaveCount(0);

  // No weekly season in these data: a period of 1 keeps the search short.
  await page.getByTestId('forecast-period').fill('1');
  await page.getByTestId('forecast-budget').fill('12');
  await page.getByTestId('forecast-start').click();
  await expect(page.getByTestId('forecast-status')).toContainText('Finished', { timeout: 60_000 });

  const uses = page.getByTestId('forecast-candidate').filter({
    has: page.getByTestId('forecast-uses-features'),
  });
  await expect(uses.filter({ hasText: /^\s*\d+\s*Regression on promo/ }).first()).toBeVisible();
  await expect(page.getByTestId('forecast-uses-features').first()).toHaveText('uses promo');

  // The forecast rises on the promotion days of the future rows and only there.
  const table = page.getByTestId('forecast-table').locator('tbody tr');
  await expect(table).toHaveCount(AHEAD);
  const rows = await table.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td, th')].map((cell) => cell.textContent!.trim())),
  );
  const on: number[] = [];
  const off: number[] = [];
  rows.forEach(([time, value], i) => {
    expect(time).toBe(iso(HISTORY + i));
    (promoOn(HISTORY + i) ? on : off).push(Number(value!.replace(/,/g, '')));
  });
  expect(on.length).toBeGreaterThan(0);
  expect(Math.min(...on)).toBeGreaterThan(Math.max(...off) + 30);

  // The search run records the features it used.
  await page.getByTestId('forecast-run').getByRole('link').click();
  const params = page.getByTestId('run-params');
  await expect(params).toContainText('features');
  await expect(params).toContainText('promo');
  await expect(params).toContainText('rows after the last target');
  expect(pageErrors).toEqual([]);
});

test('Future values from another dataset are checked before the search', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(90_000);
  await openLab(page);
  const future = ['date,promo', ...Array.from({ length: 5 }, (_, i) => `${iso(HISTORY + i)},`)];
  future[3] = `${iso(HISTORY + 2)},maybe`;
  await paste(page, 'plans', `${future.join('\n')}\n`, 5);
  await paste(page, 'history', salesCsv(0), HISTORY);
  await openForecast(page, 'history');
  // The other set-up points: a frequency and a seasonal period of one's own, and aggregation.
  await page.getByTestId('forecast-period').fill('100');
  await expect(page.getByTestId('forecast-problem')).toHaveText(
    'A seasonal period of 100 needs more than 100 values; the shortest series has 84.',
  );
  await page.getByTestId('forecast-period').fill('');
  await page.getByTestId('forecast-frequency').selectOption({ label: 'Other multiple…' });
  await page.getByTestId('forecast-frequency-custom').fill('2 days');
  await expect(page.getByTestId('forecast-problem')).toContainText(
    `Row 2: the time ${iso(1)} in “date” is not on the 2 days grid`,
  );
  await page.getByTestId('forecast-aggregate').selectOption('sum');
  await expect(page.getByTestId('forecast-detected')).toContainText(
    '42 values, one every 2 days, from 84 rows',
  );
  await expect(page.getByTestId('forecast-frequency')).toContainText('Detected: daily');
  await page.getByTestId('forecast-frequency').selectOption('');
  await page.getByTestId('forecast-aggregate').selectOption('');
  await expect(page.getByTestId('forecast-detected')).toContainText('84 daily values');

  await page.getByTestId('forecast-features').getByLabel('promo').check();
  // The history has no rows after its last sales: the page says where else to look.
  await expect(page.getByTestId('forecast-problem')).toContainText(
    'There are no rows after the last value of “sales”',
  );
  await page.getByTestId('forecast-future-dataset').check();
  await page.getByTestId('forecast-future-select').selectOption({ label: 'plans' });
  await page.getByTestId('forecast-horizon').fill('4');
  await expect(page.getByTestId('forecast-problem')).toContainText(
    '“promo” in the future rows holds text (e.g. “maybe”), not numbers',
  );
  await expect(page.getByTestId('forecast-start')).toBeDisabled();

  const good = [
    'date,promo',
    ...Array.from({ length: 3 }, (_, i) => `${iso(HISTORY + i)},${promoOn(HISTORY + i)}`),
    `${iso(HISTORY + 3)},`,
  ];
  await paste(page, 'plans2', `${good.join('\n')}\n`, 4);
  await openForecast(page, 'history');
  await page.getByTestId('forecast-features').getByLabel('promo').check();
  await page.getByTestId('forecast-future-dataset').check();
  await page.getByTestId('forecast-future-select').selectOption({ label: 'plans2' });
  await page.getByTestId('forecast-horizon').fill('4');
  await expect(page.getByTestId('forecast-problem')).toHaveText(
    `The future rows have no value of “promo” at the forecast step ${iso(HISTORY + 3)}.`,
  );
  await page.getByTestId('forecast-horizon').fill('3');
  await expect(page.getByTestId('forecast-features-ready')).toContainText(
    'promo: known for all 3 forecast steps, from plans2 v1',
  );
  await expect(page.getByTestId('forecast-start')).toBeEnabled();
  expect(pageErrors).toEqual([]);
});
