import { seededRandom } from '../../src/core/random';
import { test, expect, openLab } from './fixtures';

/** 200 rows: `a` and noise decide the label; `settled` is the label written down afterwards. */
function leakyCsv(): string {
  const next = seededRandom(7);
  const lines = ['a,b,settled,label'];
  for (let i = 0; i < 200; i++) {
    const a = next() * 2 - 1;
    const label = a + next() - 0.5 > 0 ? 'up' : 'down';
    lines.push(`${a.toFixed(3)},${next().toFixed(3)},${label === 'up' ? 1 : 0},${label}`);
  }
  return lines.join('\n');
}

test('a column that leaks the target is kept with an alert, and one click leaves it out and searches again', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(150_000);
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await nav.getByRole('link', { name: /^Data/ }).click();
  await page.getByTestId('import-file').setInputFiles({
    name: 'leaky.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(leakyCsv()),
  });
  await expect(page.getByTestId('notice')).toContainText('Imported leaky.csv');

  await nav.getByRole('link', { name: /^AutoML/ }).click();
  await page.getByTestId('automl-target').selectOption('label');
  await page.getByTestId('automl-budget').fill('10');
  await page.getByTestId('automl-start').click();

  const setup = page.getByTestId('automl-setup');
  const leakage = setup.getByTestId('guardrail').filter({ hasText: 'target leakage' });
  await expect(leakage).toHaveAttribute('data-status', 'alert', { timeout: 60_000 });
  await expect(leakage).toContainText('“settled” alone predicts the target almost perfectly');
  await expect(leakage).toContainText('Kept: if it is not known when a prediction is made');
  await expect(setup).toContainText('200 · 3');

  await leakage.getByTestId('leave-out-leaking').click();
  await expect(setup).toContainText('settled: you left it out', { timeout: 60_000 });
  await expect(setup).toContainText('200 · 2');
  await expect(
    setup.getByTestId('guardrail').filter({ hasText: 'target leakage' }),
  ).toHaveAttribute('data-status', 'passed');
  await expect(page.getByTestId('automl-features').locator('summary')).toHaveText(
    'Features: 2 of 3 columns (1 left out)',
  );
  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 90_000 });
  expect(pageErrors).toEqual([]);
});
