import { readFile } from 'node:fs/promises';
import { test, expect, openLab } from './fixtures';
import type { Page } from '@playwright/test';

/** 160 rows: two numbers and a label that follows their sum, with a little noise. */
function pointsCsv(): string {
  let state = 2024;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ['x1,x2,label'];
  for (let i = 0; i < 160; i++) {
    const x1 = next() * 4 - 2;
    const x2 = next() * 4 - 2;
    const label = x1 + x2 + 0.3 * (next() - 0.5) > 0 ? 'high' : 'low';
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${label}`);
  }
  return lines.join('\n');
}

const nav = (page: Page, area: RegExp) =>
  page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: area }).click();

/** Trains a classifier on the Train page and registers it from the run it logged. */
async function trainAndRegister(page: Page, learner: string, expectedVersion: number) {
  await nav(page, /^Train/);
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Target column').selectOption('label');
  await form.getByLabel('Learner').selectOption(learner);
  await form.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('dd[data-metric="accuracy"]')).toHaveText(/\d/, { timeout: 60_000 });
  const register = page.getByTestId('register-model');
  await expect(register.getByTestId('register-name')).toHaveValue('points-label');
  await register.getByTestId('register-submit').click();
  await expect(register.getByTestId('registered')).toContainText(
    `points-label v${expectedVersion}`,
  );
}

test('registers two runs, moves an alias, exports a card, traces lineage and verifies the trail', async ({
  page,
  pageErrors,
}) => {
  test.setTimeout(240_000);
  await openLab(page);
  await nav(page, /^Data/);
  await page.getByTestId('import-file').setInputFiles({
    name: 'points.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(pointsCsv()),
  });
  await expect(page.getByTestId('notice')).toContainText('Imported points.csv: 160 rows');

  await trainAndRegister(page, 'nb', 1);
  await trainAndRegister(page, 'knn', 2);

  // Models: both versions, each from its run.
  await nav(page, /^Models/);
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await page
    .getByTestId('model-row')
    .filter({ hasText: 'points-label' })
    .getByTestId('model-open')
    .click();
  const versions = page.getByTestId('version-row');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toHaveAttribute('data-version', '2');

  // Alias production on v1, then moved to v2: both moves are in the history.
  await page.getByRole('button', { name: 'Open version 1' }).click();
  await expect(page.getByTestId('version-detail')).toContainText('Version 1');
  await page.getByTestId('alias-name').fill('production');
  await expect(page.getByTestId('alias-version')).toHaveValue('1');
  await page.getByTestId('alias-set').click();
  await expect(versions.filter({ hasText: 'production' })).toHaveAttribute('data-version', '1');

  await page.getByRole('button', { name: 'Open version 2' }).click();
  await expect(page.getByTestId('alias-version')).toHaveValue('2');
  await page.getByTestId('alias-name').fill('production');
  await expect(page.getByTestId('alias-set')).toHaveText('Move from v1');
  await page.getByTestId('alias-set').click();
  await expect(versions.filter({ hasText: 'production' })).toHaveAttribute('data-version', '2');
  const moves = page.getByTestId('alias-move');
  await expect(moves).toHaveCount(2);
  await expect(moves.nth(0)).toContainText('production moved from v1 to v2');
  await expect(moves.nth(1)).toContainText('production set on v1');

  // A version an alias points at cannot be archived until the alias moves.
  await expect(page.getByTestId('version-archive')).toBeDisabled();

  // The model card: generated from the run, with per-class metrics and the user's text.
  const card = page.getByTestId('model-card');
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Model card: points-label v2');
  await expect(card.getByTestId('card-per-class').locator('tbody tr')).toHaveCount(2);
  await expect(card.getByTestId('signature')).toContainText('x1');
  await card.getByTestId('card-edit').click();
  await card.getByTestId('card-intended-use').fill('Teaching how a label follows x1 + x2.');
  await card.getByTestId('card-limitations').fill('Only seen points in [-2, 2].');
  await card.getByTestId('card-save').click();
  await expect(card).toContainText('Teaching how a label follows x1 + x2.');
  const download = page.waitForEvent('download');
  await card.getByTestId('card-export-markdown').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('points-label-v2-model-card.md');
  const markdown = await readFile(await file.path(), 'utf8');
  expect(markdown).toContain('# Model card: points-label v2');
  expect(markdown).toContain('Teaching how a label follows x1 + x2.');
  expect(markdown).toContain('Aliases: production.');

  // Lineage from the model version, then from the dataset: both runs and both versions.
  await page.getByTestId('version-lineage').click();
  await expect(page).toHaveURL(/#\/lineage\?kind=modelVersion&id=/);
  const nodes = page.getByTestId('lineage-node');
  await expect(nodes).toHaveCount(3);
  await expect(nodes.and(page.locator('[data-kind="datasetVersion"]'))).toHaveAttribute(
    'data-label',
    'points v1',
  );
  await nodes
    .and(page.locator('[data-kind="datasetVersion"]'))
    .getByTestId('lineage-retrace')
    .click();
  await expect(page.getByTestId('lineage-start')).toHaveValue(/^datasetVersion:/);
  await expect(nodes).toHaveCount(5);
  await expect(nodes.and(page.locator('[data-kind="run"]'))).toHaveCount(2);
  await expect(nodes.and(page.locator('[data-kind="modelVersion"]'))).toHaveCount(2);
  await expect(page.locator('[data-testid="lineage-graph"] path.edge')).toHaveCount(4);
  // Arrow keys follow the edges; Enter opens a record's page.
  await nodes.and(page.locator('[data-kind="datasetVersion"]')).getByRole('link').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', /^Run Run [12]$/);
  const first = nodes.and(page.locator('[data-label="points-label v1"]')).getByRole('link');
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/models\?model=[^&]+&version=1$/);
  await expect(page.getByTestId('version-detail')).toContainText('Version 1');

  // Activity: the registrations and alias moves, and an intact chain.
  await nav(page, /^Activity/);
  await page.getByTestId('filter-action').selectOption('register');
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  await expect(page.getByTestId('audit-row').first()).toContainText(
    'Registered version 2 of “points-label”',
  );
  await page.getByTestId('filter-action').selectOption('alias');
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  await expect(page.getByTestId('audit-row').first()).toContainText(
    'Moved alias “production” of “points-label” from version 1 to version 2',
  );
  await page.getByTestId('verify-chain').click();
  await expect(page.getByTestId('chain-status')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('chain-status')).toContainText('Chain intact');

  // Everything survives a reload.
  await page.goto('#/models');
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await page
    .getByTestId('model-row')
    .filter({ hasText: 'points-label' })
    .getByTestId('model-open')
    .click();
  await expect(versions).toHaveCount(2);
  await expect(versions.filter({ hasText: 'production' })).toHaveAttribute('data-version', '2');
  await expect(moves).toHaveCount(2);
  await expect(page.getByTestId('model-card')).toContainText('Teaching how a label follows');
  await nav(page, /^Activity/);
  await page.getByTestId('verify-chain').click();
  await expect(page.getByTestId('chain-status')).toHaveAttribute('data-ok', 'true');

  // A version a deployment serves is not deleted: the refusal names the deployment, and only a
  // second, typed confirmation deletes both.
  await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const model = await lab.models.getByName(workspace!.id, 'points-label');
    const [first] = await lab.models.versions(model!.id);
    await lab.store.create('deployments', workspace!.id, {
      name: 'points-widget',
      modelVersionId: first!.record.id,
    });
  });
  await nav(page, /^Models/);
  await page.getByRole('button', { name: 'Open version 1' }).click();
  await page.getByTestId('version-delete').click();
  const dialog = page.getByTestId('confirm-dialog').filter({ visible: true });
  await expect(dialog).toContainText('Nothing a deployment serves is deleted silently');
  await dialog.getByRole('button', { name: 'Delete version' }).click();
  await expect(page.getByTestId('delete-refused')).toContainText('deployment “points-widget”');
  await expect(versions).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete with its deployments…' }).click();
  await dialog.getByTestId('confirm-text').fill('points-label');
  await dialog.getByRole('button', { name: 'Delete everything' }).click();
  await expect(versions).toHaveCount(1);
  await expect(page.getByTestId('notice')).toContainText(
    'Deleted version 1 of “points-label”; deleted deployment “points-widget”',
  );

  // Housekeeping: run 1 is no longer registered, so it can go; then unused files are collected.
  await nav(page, /^Storage/);
  await expect(page.getByTestId('sweep-summary')).toContainText(
    /^1 run will be deleted, with [\d.]+ KB of artifacts; 1 registered run will stay\.$/,
  );
  await page.getByTestId('sweep-delete').click();
  await page
    .getByTestId('confirm-dialog')
    .filter({ visible: true })
    .getByRole('button', { name: 'Delete runs' })
    .click();
  await expect(page.getByTestId('sweep-report')).toContainText(/Deleted 1 run and reclaimed \d/);
  await expect(page.getByTestId('sweep-summary')).toHaveText(
    'No run will be deleted; 1 registered run will stay.',
  );
  await page.getByTestId('collect-blobs').click();
  await expect(page.getByTestId('collect-report')).toContainText(/Nothing to collect|Removed \d/);

  // A trail edited behind the lab's back: the view names the first bad event and why.
  await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const [third] = await lab.audit(workspace!.id, { limit: 1, beforeSeq: 4 });
    await lab.store.database.put('audit', { ...third!, summary: 'Imported nothing at all' });
  });
  await nav(page, /^Activity/);
  await page.getByTestId('verify-chain').click();
  const verdict = page.getByTestId('chain-status');
  await expect(verdict).toHaveAttribute('data-ok', 'false');
  await expect(verdict).toContainText('Chain broken at event 3.');
  await expect(verdict).toContainText('its content does not match its hash');
  await expect(page.locator('tr.flagged')).toHaveAttribute('data-seq', '3');
  expect(pageErrors).toEqual([]);
});
