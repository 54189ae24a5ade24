import { test, expect, importSample, openLab } from './fixtures';

test('AutoML leaves out the columns the user unticks, and says why its search stopped', async ({
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
  const features = page.getByTestId('automl-features');
  await expect(features.locator('summary')).toHaveText('Features: 4 of 4 columns');
  await features.locator('summary').click();
  await features.getByRole('checkbox', { name: 'sepal_width' }).uncheck();
  await expect(features.locator('summary')).toHaveText('Features: 3 of 4 columns (1 left out)');
  await page.getByTestId('automl-start').click();

  const setup = page.getByTestId('automl-setup');
  await expect(setup).toContainText('sepal_width: you left it out', { timeout: 60_000 });
  await expect(setup).toContainText('150 · 3');

  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 120_000 });
  // On a busy machine the budget may run out first; either way the page says which.
  await expect(page.getByTestId('automl-stop-reason')).toHaveText(
    /^Search stopped: (Every learner was tried and .*\.|The time budget of \d+(\.\d+)? s is spent(, counting .* kept to refit the best model on all rows)?\.)$/,
  );
  expect(pageErrors).toEqual([]);
});
