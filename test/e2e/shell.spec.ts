import { test, expect, openLab, goTo } from './fixtures';

test('first load shows the lab with a workspace, under the CSP, without loading tfjs', async ({
  page,
  pageErrors,
}) => {
  const scripts: string[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.url());
  });
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportViolation(text: string): void }).reportViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      ),
    );
  });

  await openLab(page);
  await expect(page.getByTestId('workspace-title')).toHaveText('My workspace');
  await expect(page.getByTestId('workspace-select')).toHaveValue(/.+/);
  await expect(page).toHaveTitle('Overview · My workspace · Bunsen');
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await expect(nav.getByRole('link')).toHaveText([
    /Overview/,
    /Data/,
    /Train/,
    /AutoML/,
    /Forecast/,
    /Runs/,
    /Models/,
    /Deploy/,
    /Lineage/,
    /Activity/,
    /Compute/,
    /Storage/,
  ]);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    /script-src 'self' 'wasm-unsafe-eval'/,
  );

  let bytes = 0;
  for (const url of scripts) {
    const body = await page.evaluate(async (src) => (await fetch(src)).text(), url);
    expect(body, `${url} must not carry tfjs`).not.toContain('tfjs-backend');
    bytes += body.length;
  }
  expect(bytes).toBeLessThan(400_000);
  expect(violations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('workspaces can be created, switched, renamed and deleted with confirmation', async ({
  page,
}) => {
  await openLab(page);
  await page.getByTestId('manage-workspaces').click();
  const dialog = page.getByTestId('workspaces-dialog');
  await dialog.getByTestId('new-workspace-name').fill('Week 3');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('workspace-title')).toHaveText('Week 3');
  await expect(dialog.getByTestId('workspace-item')).toHaveCount(2);

  await dialog.getByTestId('new-workspace-name').fill('week 3');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('error-banner')).toContainText(
    'A workspace named “week 3” already exists',
  );

  await dialog.getByRole('button', { name: 'Rename Week 3' }).click();
  await dialog.getByLabel('New name').fill('Week 3: trees');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('workspace-title')).toHaveText('Week 3: trees');

  await dialog.getByRole('button', { name: 'Delete Week 3: trees' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  const deleteButton = confirm.getByRole('button', { name: 'Delete workspace' });
  await expect(deleteButton).toBeDisabled();
  await confirm.getByTestId('confirm-text').fill('Week 3: trees');
  await deleteButton.click();
  await expect(dialog.getByTestId('workspace-item')).toHaveCount(1);
  await expect(page.getByTestId('workspace-title')).toHaveText('My workspace');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await goTo(page, 'Activity');
  await expect(page.getByTestId('audit-row').first()).toContainText(
    'Created workspace “My workspace”',
  );

  await page.goto('#/');
  await page.reload();
  await expect(page.getByTestId('workspace-title')).toHaveText('My workspace');
});

test('the shell is keyboard-accessible and themable', async ({ page }) => {
  await openLab(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-select').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await page.getByRole('link', { name: /Activity/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/activity$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activity');
});

test('on a narrow laptop screen the navigation folds into a menu', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 700 });
  await openLab(page);
  const nav = page.getByRole('navigation', { name: 'Lab' });
  await expect(nav).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name: /Storage/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Storage & backup');
  await expect(nav).toBeHidden();
});
