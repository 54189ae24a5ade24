import { test, expect, importSample, openLab } from './fixtures';

test('AutoML on a shipped sample: guardrails, a live leaderboard, the best model explained', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await importSample(page, 'breast-cancer');

  await nav.getByRole('link', { name: /^AutoML/ }).click();
  await expect(page.getByRole('heading', { name: 'AutoML', level: 1 })).toBeVisible();
  await page.getByTestId('automl-target').selectOption('diagnosis');
  await page.getByTestId('automl-budget').fill('20');
  await page.getByTestId('automl-start').click();

  await expect(page.getByTestId('guardrail').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('automl-setup')).toContainText('classification · 2 classes');
  // 569 rows and 20 s: the folds are drawn three times, so a lucky split does not pick the model.
  await expect(page.getByTestId('automl-setup')).toContainText(
    '10-fold stratified cross-validation × 3',
  );
  // The leaderboard fills while the search runs.
  await expect(page.getByTestId('trial-row').nth(2)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('automl-status')).toContainText(/Searching|Building/);

  await expect(page.getByTestId('automl-best-score')).toHaveText(/0\.9\d*/, { timeout: 60_000 });
  await expect(page.getByTestId('automl-status')).toContainText('Finished');
  await expect(page.getByRole('img', { name: /Permutation importance/ })).toBeVisible();
  await expect(page.getByTestId('partial-dependence').first()).toBeVisible();

  // The search is a run with every trial as a child; its best model registers in one click.
  await expect(page.getByTestId('register-name')).toHaveValue('breast-cancer-diagnosis');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('registered')).toContainText(
    'Registered as breast-cancer-diagnosis v1',
  );

  const download = page.waitForEvent('download');
  await page.getByTestId('automl-download').click();
  expect((await download).suggestedFilename()).toBe('breast-cancer-diagnosis-automl.json');

  await page.getByTestId('automl-extend').fill('5');
  await page.getByTestId('automl-continue').click();
  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 90_000 });

  // The continuation logs into a run of its own that names the search it continues.
  await expect(page.getByTestId('register-submit')).toBeVisible();
  await nav.getByRole('link', { name: /^Runs/ }).click();
  const searches = page.locator('[data-testid="run-row"]:not(.child)');
  await expect(searches).toHaveCount(2);
  await expect(searches.filter({ hasText: 'AutoML search 1 (continued)' })).toHaveCount(1);
  await searches
    .filter({ has: page.getByRole('link', { name: 'AutoML search 1', exact: true }) })
    .getByTestId('run-fold')
    .click();
  await expect(page.locator('[data-testid="run-row"].child').first()).toContainText('Trial');
  expect(pageErrors).toEqual([]);
});

test('AutoML runs trials in parallel on trial workers, and pauses, resumes and stops them', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await importSample(page, 'iris');

  await nav.getByRole('link', { name: /^AutoML/ }).click();
  await page.getByTestId('automl-target').selectOption('species');
  await page.getByTestId('automl-budget').fill('60');
  // Three at once whatever this machine has: two trials on trial workers, one in the AutoML worker.
  await page.getByTestId('automl-concurrency-input').fill('3');
  await page.getByTestId('automl-start').click();

  await expect(page.getByTestId('automl-concurrency')).toHaveText('3', { timeout: 30_000 });
  // Once the trial workers have the data, several trials run side by side.
  await expect
    .poll(() => page.getByTestId('trial-running').count(), { timeout: 60_000, intervals: [50] })
    .toBeGreaterThan(1);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('automl-status')).toContainText('Paused');
  await expect(page.getByTestId('trial-running')).toHaveCount(0);
  const trialsWhilePaused = await page.getByTestId('trial-row').count();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('automl-status')).toContainText('Searching');
  await expect
    .poll(() => page.getByTestId('trial-row').count(), { timeout: 60_000 })
    .toBeGreaterThan(trialsWhilePaused);

  await page.getByTestId('automl-stop').click();
  await expect(page.getByTestId('automl-status')).toContainText('Finished', { timeout: 60_000 });
  await expect(page.getByTestId('trial-running')).toHaveCount(0);
  await expect(page.getByTestId('automl-best-score')).toHaveText(/0\.9\d*/);
  expect(pageErrors).toEqual([]);
});
