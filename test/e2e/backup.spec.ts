import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8, strToU8, zipSync } from 'fflate';
import { test, expect, openLab, goTo } from './fixtures';
import type { Page } from '@playwright/test';

/** Fills the open workspace through the console SDK with records and binary blobs. */
async function seed(page: Page, blobBytes: number) {
  await page.evaluate(async (size) => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const id = workspace!.id;
    const column = new Float32Array(size / 4).map((_, index) => Math.sin(index));
    const dataset = await lab.store.create('datasets', id, { name: 'waves', tags: ['demo'] });
    await lab.store.create(
      'datasetVersions',
      id,
      { datasetId: dataset.id, rows: column.length },
      { blobs: [{ data: new Uint8Array(column.buffer), type: 'application/x-float32' }] },
    );
    const run = await lab.store.create('runs', id, { status: 'running', params: { lr: 0.01 } });
    await lab.store.update('runs', run.id, { status: 'finished', summary: { accuracy: 0.93 } });
    await lab.store.create('notebooks', id, { name: 'Explore', cells: [{ source: '1 + 1' }] });
  }, blobBytes);
}

async function download(page: Page) {
  await goTo(page, 'Storage');
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-workspace').click(),
  ]);
  const path = await file.path();
  return { path, name: file.suggestedFilename(), bytes: await readFile(path) };
}

const manifest = (zip: Uint8Array) => {
  const parsed = JSON.parse(strFromU8(unzipSync(zip)['manifest.json']!)) as Record<string, unknown>;
  delete parsed.exportedAt;
  return parsed;
};

test('a workspace exported, wiped and imported equals the original', async ({ page }) => {
  await openLab(page);
  await seed(page, 256 * 1024);
  const original = await download(page);
  expect(original.name).toBe('my-workspace.bunsen.zip');

  await page.getByTestId('manage-workspaces').click();
  await page.getByRole('button', { name: 'Delete My workspace' }).click();
  await page.getByTestId('confirm-text').fill('My workspace');
  await page.getByRole('button', { name: 'Delete workspace' }).click();
  await expect(page.getByTestId('workspace-item')).toHaveCount(0);
  await page.keyboard.press('Escape');
  expect(await page.evaluate(() => window.bunsen!.workspaces())).toEqual([]);

  await page.getByTestId('import-workspace').setInputFiles(original.path);
  await expect(page.getByTestId('notice')).toContainText('Restored workspace “My workspace”');
  await expect(page.getByTestId('workspace-select')).toHaveValue(/.+/);

  const again = manifest((await download(page)).bytes);
  const importEvent = (again.audit as { action: string; summary: string }[]).pop();
  expect(importEvent?.action).toBe('import');
  (again.workspace as { auditSeq: number }).auditSeq -= 1;
  expect(again).toEqual(manifest(original.bytes));
  const restoredColumn = await page.evaluate(async () => {
    const lab = window.bunsen!;
    const [workspace] = await lab.workspaces();
    const [version] = await lab.store.list('datasetVersions', workspace!.id);
    const blob = await lab.store.getBlob(version!.blobRefs![0]!);
    return Array.from(new Float32Array(blob!.data).slice(0, 3));
  });
  expect(restoredColumn).toEqual([0, Math.fround(Math.sin(1)), Math.fround(Math.sin(2))]);

  await page.getByTestId('import-workspace').setInputFiles(original.path);
  await expect(page.getByRole('dialog', { name: 'Replace workspace?' })).toContainText(
    'already has the workspace',
  );
  await page.getByRole('button', { name: 'Replace it' }).click();
  await expect(page.getByTestId('notice')).toContainText('Restored workspace');
});

test('a damaged backup is refused with a clear message and nothing changes', async ({ page }) => {
  await openLab(page);
  await goTo(page, 'Storage');
  await page.getByTestId('import-workspace').setInputFiles({
    name: 'notes.bunsen.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from('this is not a zip'),
  });
  await expect(page.getByTestId('error-banner')).toContainText(
    'This is not a valid Bunsen workspace backup: the file is not a zip archive',
  );
  expect((await page.evaluate(() => window.bunsen!.workspaces())).map((w) => w.name)).toEqual([
    'My workspace',
  ]);
});

/** A backup of a new workspace holding one incompressible blob of `megabytes` MB. */
async function bigBackup(megabytes: number) {
  const data = new Uint8Array(megabytes * 1024 * 1024);
  let state = 0x9e3779b9;
  for (let i = 0; i < data.length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 0xff;
  }
  const hash = createHash('sha256').update(data).digest('hex');
  const manifest = {
    format: 'bunsen-workspace',
    formatVersion: 1,
    schemaVersion: 2,
    exportedAt: 1,
    workspace: {
      id: 'big',
      name: 'Big class',
      description: '',
      createdAt: 1,
      updatedAt: 1,
      auditSeq: 0,
    },
    records: {
      datasetVersions: [
        { id: 'v1', workspaceId: 'big', createdAt: 1, createdBy: 'x', blobRefs: [hash] },
      ],
    },
    audit: [],
    blobs: [{ hash, size: data.length, type: 'application/octet-stream' }],
  };
  const path = join(await mkdtemp(join(tmpdir(), 'bunsen-big-')), 'big.bunsen.zip');
  await writeFile(
    path,
    zipSync(
      { 'manifest.json': strToU8(JSON.stringify(manifest)), [`blobs/${hash}`]: data },
      { level: 0 },
    ),
  );
  return path;
}

test.describe('on a small disk', () => {
  test.use({ diskMb: 96 });

  test('a full disk gives a clear message and keeps everything stored before', async ({ page }) => {
    await openLab(page);
    await page.evaluate(async () => {
      const lab = window.bunsen!;
      const [workspace] = await lab.workspaces();
      await lab.store.create('datasets', workspace!.id, { name: 'still here' });
    });
    await goTo(page, 'Storage');
    await page.getByTestId('import-workspace').setInputFiles(await bigBackup(120));
    const banner = page.getByTestId('error-banner');
    await expect(banner).toContainText('Not enough storage space');
    await expect(banner).toContainText('everything stored before is intact');

    const after = await page.evaluate(async () => {
      const lab = window.bunsen!;
      const workspaces = await lab.workspaces();
      const datasets = await lab.store.list('datasets', workspaces[0]!.id);
      return { names: workspaces.map((w) => w.name), datasets: datasets.map((d) => d.name) };
    });
    expect(after).toEqual({ names: ['My workspace'], datasets: ['still here'] });

    await page.getByTestId('manage-workspaces').click();
    await page.getByTestId('new-workspace-name').fill('Still works');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByTestId('workspace-select').locator('option:checked')).toHaveText(
      'Still works',
    );
  });
});
