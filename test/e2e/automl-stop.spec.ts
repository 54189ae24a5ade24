import { test, expect, importSample, openLab } from './fixtures';

test('AutoML says why its search stopped, early once it has converged', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(150_000);
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await importSample(page, 'iris');

  await nav.getByRole('link', { name: /^AutoML/ }).click();
  await page.getByTestId('automl-target').selectOption('species');
  await page.getByTestId('automl-budget').fill('90');
  await page.getByTestId('automl-start').click();

  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 120_000 });
  // On a busy machine the budget may run out first; either way the page says which.
  await expect(page.getByTestId('automl-stop-reason')).toHaveText(
    /^Search stopped: (Every learner was tried and .*\.|The time budget of \d+(\.\d+)? s is spent\.)$/,
  );
  expect(pageErrors).toEqual([]);
});
