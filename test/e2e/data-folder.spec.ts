import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, countBlobCalls, openLab } from './fixtures';
import { greyPng as png } from '../fixtures/png';

let root = '';
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bunsen-folder-'));
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeTree(files: Record<string, Buffer | string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function openData(page: Page) {
  await openLab(page);
  await page.getByRole('navigation', { name: 'Lab' }).getByRole('link', { name: /^Data/ }).click();
  await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
}

/** The grey level of the thumbnail's top-left pixel, read back through a canvas. */
const thumbnailPixels = (page: Page) =>
  page.getByTestId('image-thumbnail').evaluateAll((images) =>
    (images as HTMLImageElement[]).map((image) => {
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.drawImage(image, 0, 0);
      const [red] = context.getImageData(0, 0, 1, 1).data;
      return { width: image.naturalWidth, height: image.naturalHeight, level: red };
    }),
  );

test('imports a folder of images chosen with the folder picker, labels from sub-folders', async ({
  page,
  pageErrors,
}) => {
  await writeTree({
    'pets/cat/c1.png': png(4, 3, 40),
    'pets/cat/c2.png': png(4, 3, 80),
    'pets/dog/d1.png': png(2, 5, 160),
    'pets/dog/d2.png': png(2, 5, 200),
    'pets/.DS_Store': 'x',
    'pets/notes.pdf': '%PDF-1.4',
  });
  await openData(page);
  // The data worker stores the folder: the page writes none of its images or columns.
  const blobWrites = await countBlobCalls(page, ['add', 'put']);
  await page.getByTestId('import-folder').setInputFiles(join(root, 'pets'));

  const summary = page.getByTestId('import-folder-summary');
  await expect(summary).toContainText('Imported pets: 4 images with 2 labels (cat, dog).');
  expect(await blobWrites()).toBe(0);
  await expect(summary).toContainText(
    'Skipped 2 files: .DS_Store (hidden or system file), notes.pdf (not an image or a text file).',
  );
  const row = page.getByTestId('dataset-row').filter({ hasText: 'pets' });
  await expect(row.getByTestId('dataset-rows')).toHaveText('4');

  const view = page.getByTestId('dataset-view');
  await expect(view.getByTestId('data-row')).toHaveCount(4);
  await expect(view.getByTestId('data-row').nth(0)).toContainText('cat/c1.png');
  await expect(view.getByTestId('data-row').nth(3)).toContainText('dog/d2.png');
  await expect(view.getByTestId('image-thumbnail')).toHaveCount(4);
  await expect
    .poll(() => thumbnailPixels(page))
    .toEqual([
      { width: 4, height: 3, level: 40 },
      { width: 4, height: 3, level: 80 },
      { width: 2, height: 5, level: 160 },
      { width: 2, height: 5, level: 200 },
    ]);
  const image = view.locator('[data-testid="profile-row"][data-column="image"]');
  await expect(image).toContainText('image');
  const width = view.locator('[data-testid="profile-row"][data-column="width"]');
  await expect(width.getByTestId('profile-mean')).toHaveText('3');

  // Thumbnails come from the stored blobs, so they survive a reload.
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeAttached();
  await page.getByTestId('dataset-row').filter({ hasText: 'pets' }).click();
  await expect(page.getByTestId('image-thumbnail')).toHaveCount(4);
  expect(pageErrors).toEqual([]);
});

test('imports a folder of text files in several encodings', async ({ page, pageErrors }) => {
  await writeTree({
    'reviews/pos/a.txt': 'A lovely, warm film.',
    'reviews/pos/b.md': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Great fun')]),
    'reviews/neg/c.txt': Buffer.from([0x54, 0x72, 0xe8, 0x73, 0x20, 0x6c, 0x65, 0x6e, 0x74]),
    'reviews/neg/cover.png': png(1, 1, 0),
  });
  await openData(page);
  await page.getByTestId('import-folder').setInputFiles(join(root, 'reviews'));
  const summary = page.getByTestId('import-folder-summary');
  await expect(summary).toContainText('Imported reviews: 3 text files with 2 labels (neg, pos).');
  await expect(summary).toContainText('The folder also holds 1 image.');
  await expect(summary).toContainText('neg/cover.png (other kind)');
  await expect(summary).toContainText('read as Latin-1');
  const view = page.getByTestId('dataset-view');
  await expect(view.getByTestId('data-row')).toHaveCount(3);
  await expect(view.getByTestId('data-row').nth(0)).toContainText('Très lent');
  await expect(view.getByTestId('data-row').nth(2)).toContainText('Great fun');
  await expect(view.locator('[data-testid="profile-row"][data-column="text"]')).toContainText(
    'text',
  );

  // The same folder read for its images instead.
  await page.getByTestId('import-folder-kind').selectOption('images');
  await page.getByTestId('import-folder').setInputFiles(join(root, 'reviews'));
  await expect(summary).toContainText('Imported reviews: 1 image with 1 label (neg).');
  await expect(summary).toContainText('Skipped 3 files: neg/c.txt (other kind)');
  await expect(page.getByTestId('dataset-row')).toHaveCount(2);
  expect(pageErrors).toEqual([]);
});

test('a dropped folder is walked in batches; a damaged image stores nothing', async ({ page }) => {
  await openData(page);
  const drop = (files: { path: string; bytes: number[] }[]) =>
    page.getByTestId('import-panel').evaluate((panel, list) => {
      // A directory tree made of FileSystemEntry look-alikes: Chromium cannot build real entries
      // from a script, but the panel only uses the entry interface. Readers hand out two
      // entries per call, as real ones hand out batches, to check the walker keeps reading.
      type Node = { name: string; children?: Map<string, Node>; file?: File };
      const tree: Node = { name: 'shapes', children: new Map() };
      for (const { path, bytes } of list) {
        const parts = path.split('/');
        let node = tree;
        for (const part of parts.slice(0, -1)) {
          if (!node.children?.has(part))
            node.children?.set(part, { name: part, children: new Map() });
          node = node.children?.get(part) as Node;
        }
        const name = parts.at(-1) as string;
        node.children?.set(name, { name, file: new File([new Uint8Array(bytes)], name) });
      }
      const entry = (node: Node): object =>
        node.children
          ? {
              isFile: false,
              isDirectory: true,
              name: node.name,
              createReader() {
                const rest = [...(node.children as Map<string, Node>).values()].map(entry);
                return { readEntries: (done: (e: object[]) => void) => done(rest.splice(0, 2)) };
              },
            }
          : {
              isFile: true,
              isDirectory: false,
              name: node.name,
              file: (done: (file: File) => void) => done(node.file as File),
            };
      const root = entry(tree);
      const event = new DragEvent('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'dataTransfer', {
        value: {
          items: [{ kind: 'file', webkitGetAsEntry: () => root }],
          files: [],
        },
      });
      panel.dispatchEvent(event);
    }, files);

  const square = [...png(3, 3, 90)];
  const circle = [...png(3, 3, 30)];
  await drop([
    { path: 'square/s1.png', bytes: square },
    { path: 'square/s2.png', bytes: [...png(3, 3, 91)] },
    { path: 'square/s3.png', bytes: [...png(3, 3, 92)] },
    { path: 'circle/c1.png', bytes: circle },
    { path: 'circle/broken.png', bytes: [...png(3, 3, 10).subarray(0, 40)] },
  ]);
  const error = page.getByTestId('import-error');
  await expect(error).toContainText('shapes could not be imported');
  await expect(error).toContainText('circle/broken.png');
  await expect(error).toContainText('Nothing was stored.');
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);

  await drop([
    { path: 'square/s1.png', bytes: square },
    { path: 'square/s2.png', bytes: [...png(3, 3, 91)] },
    { path: 'square/s3.png', bytes: [...png(3, 3, 92)] },
    { path: 'circle/c1.png', bytes: circle },
    { path: 'loose.png', bytes: circle },
  ]);
  await expect(page.getByTestId('import-folder-summary')).toContainText(
    'Imported shapes: 5 images with 2 labels (circle, square).',
  );
  const view = page.getByTestId('dataset-view');
  await expect(view.getByTestId('data-row')).toHaveCount(5);
  await expect(view.getByTestId('image-thumbnail')).toHaveCount(5);
  await expect(view.locator('[data-testid="profile-row"][data-column="image"]')).toContainText('4');
});

test('imports the text classification sample with one click', async ({ page, pageErrors }) => {
  await openData(page);
  await page.getByTestId('import-source-sample').click();
  await page.getByTestId('import-sample').selectOption('spam-assassin');
  await expect(page.getByTestId('import-panel')).toContainText('PDDL-1.0');
  await page.getByTestId('import-sample-go').click();
  await expect(page.getByTestId('notice')).toContainText(
    'Imported spam-assassin.csv: 6,046 rows, 3 columns',
  );
  const view = page.getByTestId('dataset-view');
  await expect(view.locator('[data-testid="profile-row"][data-column="subject"]')).toContainText(
    'text',
  );
  await expect(view.locator('[data-testid="profile-row"][data-column="label"]')).toContainText(
    'categorical',
  );
  expect(pageErrors).toEqual([]);
});
