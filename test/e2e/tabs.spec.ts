import { test, expect, openLab, goTo } from './fixtures';

test('two tabs on the same workspace stay consistent', async ({ context, page }) => {
  await openLab(page);
  const other = await context.newPage();
  await openLab(other);
  await expect(other.getByTestId('workspace-select').locator('option')).toHaveText([
    'My workspace',
  ]);

  await page.getByTestId('manage-workspaces').click();
  await page.getByTestId('new-workspace-name').fill('Shared class');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(other.getByTestId('workspace-select').locator('option')).toHaveText([
    'My workspace',
    'Shared class',
  ]);

  await other.getByTestId('workspace-select').selectOption({ label: 'Shared class' });
  await goTo(other, 'Overview');
  await other.getByRole('button', { name: 'Edit description' }).click();
  await other.getByLabel('Description').fill('Edited in the second tab');
  await other.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.description')).toHaveText('Edited in the second tab');

  await page.keyboard.press('Escape');
  await goTo(page, 'Activity');
  await expect(page.getByTestId('audit-row').first()).toContainText('changed the description');
});

test('an old tab stops writing when a newer schema opens elsewhere', async ({ context, page }) => {
  await openLab(page);
  const newer = await context.newPage();
  await newer.goto('about:blank');
  await newer.goto(page.url());
  await newer.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('bunsen', 999);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
  await expect(page.getByTestId('stale-banner')).toContainText('stopped saving');
  await page.getByTestId('manage-workspaces').click();
  await page.getByTestId('new-workspace-name').fill('Too late');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('error-banner')).toContainText('Reload this tab');
});
