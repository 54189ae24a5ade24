import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  classifyPath,
  describeSkipped,
  labelOf,
  planFolder,
  profileImages,
  readFolder,
  readImageHeader,
  type FolderEntry,
  type FolderItem,
  type FolderPlan,
} from '../../../../src/core/data/folder';
import { profileTable } from '../../../../src/core/data';
import { isStringColumn, valueAt, type Table } from '../../../../src/core/table';
import { seededRandom } from '../../../../src/core/random';
import { greyPng } from '../../../fixtures/png';

/** A grey-level PNG whose every pixel is `level`. */
const png = (width: number, height: number, level: number): Uint8Array =>
  new Uint8Array(greyPng(width, height, level));

const sha = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A folder held in memory: path → bytes. */
function folder(files: Record<string, Uint8Array | string>) {
  const paths = Object.keys(files);
  const bytes = paths.map((path) => {
    const value = files[path] as Uint8Array | string;
    return typeof value === 'string' ? new TextEncoder().encode(value) : value;
  });
  const entries: FolderEntry[] = paths.map((path, i) => ({
    path,
    size: (bytes[i] as Uint8Array).length,
  }));
  const read = async (item: FolderItem) => bytes[item.source] as Uint8Array;
  return { entries, read };
}

function planned(entries: FolderEntry[], options: Parameters<typeof planFolder>[1] = {}) {
  const result = planFolder(entries, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.plan;
}

async function readOk(plan: FolderPlan, read: (item: FolderItem) => Promise<Uint8Array>) {
  const result = await readFolder(plan, { read, hash: sha });
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

const cells = (table: Table, name: string) =>
  Array.from({ length: table.rowCount }, (_, row) => valueAt(table.column(name), row));

describe('classifying and labelling paths', () => {
  it('tells images, text, unknown and skipped files apart', () => {
    expect(classifyPath('cat/a.PNG')).toBe('image');
    expect(classifyPath('cat/a.jpeg')).toBe('image');
    expect(classifyPath('pos/review.txt')).toBe('text');
    expect(classifyPath('pos/README')).toBe('maybe-text');
    expect(classifyPath('.DS_Store')).toEqual({ skip: 'hidden' });
    expect(classifyPath('cat/.git/config')).toEqual({ skip: 'hidden' });
    expect(classifyPath('__MACOSX/cat/a.png')).toEqual({ skip: 'hidden' });
    expect(classifyPath('cat/Thumbs.db')).toEqual({ skip: 'hidden' });
    expect(classifyPath('notes.pdf')).toEqual({ skip: 'unsupported' });
  });

  it('takes the label from the first folder below the imported one', () => {
    expect(labelOf('cat/a.png')).toBe('cat');
    expect(labelOf('cat/kittens/b.png')).toBe('cat');
    expect(labelOf('top.png')).toBeNull();
    expect(labelOf('/dog//c.png')).toBe('dog');
  });
});

describe('planFolder', () => {
  it('sorts the rows by path and lists the labels', () => {
    const plan = planned([
      { path: 'dog/b.png', size: 10 },
      { path: 'cat/a.png', size: 10 },
      { path: 'loose.png', size: 10 },
      { path: 'cat/c.png', size: 10 },
    ]);
    expect(plan.kind).toBe('images');
    expect(plan.items.map((item) => item.path)).toEqual([
      'cat/a.png',
      'cat/c.png',
      'dog/b.png',
      'loose.png',
    ]);
    expect(plan.items.map((item) => item.label)).toEqual(['cat', 'cat', 'dog', null]);
    expect(plan.labels).toEqual(['cat', 'dog']);
    expect(plan.bytes).toBe(40);
  });

  it('imports the kind a mixed folder holds more of and lists what it skipped', () => {
    const plan = planned([
      { path: 'a/1.txt', size: 5 },
      { path: 'a/2.txt', size: 5 },
      { path: 'a/x.png', size: 5 },
      { path: '.DS_Store', size: 5 },
      { path: 'notes.pdf', size: 5 },
    ]);
    expect(plan.kind).toBe('texts');
    expect(plan.counts).toEqual({ images: 1, texts: 2 });
    expect(plan.skipped).toEqual([
      { path: '.DS_Store', reason: 'hidden' },
      { path: 'a/x.png', reason: 'other-kind' },
      { path: 'notes.pdf', reason: 'unsupported' },
    ]);
    expect(describeSkipped(plan.skipped)).toBe(
      'skipped 3 files: .DS_Store (hidden or system file), a/x.png (other kind), notes.pdf (not an image or a text file)',
    );
    expect(
      planned([
        { path: 'a/1.txt', size: 1 },
        { path: 'a/x.png', size: 1 },
      ]).kind,
    ).toBe('images');
    expect(
      planned(
        [
          { path: 'a/1.txt', size: 1 },
          { path: 'a/x.png', size: 1 },
        ],
        { kind: 'texts' },
      ).kind,
    ).toBe('texts');
  });

  it('shortens long skip lists', () => {
    const skipped = Array.from({ length: 7 }, (_, i) => ({
      path: `f${i}.zip`,
      reason: 'unsupported' as const,
    }));
    expect(describeSkipped(skipped, 2)).toBe(
      'skipped 7 files: f0.zip (not an image or a text file), f1.zip (not an image or a text file) …',
    );
  });

  it('rejects an empty folder and one with nothing usable, naming what it found', () => {
    const empty = planFolder([], { folderName: 'pets' });
    expect(empty).toEqual({
      ok: false,
      error: { code: 'empty', message: 'The folder “pets” is empty: it holds no files.' },
    });
    const useless = planFolder([
      { path: '.DS_Store', size: 1 },
      { path: 'notes.pdf', size: 1 },
    ]);
    expect(useless.ok).toBe(false);
    if (!useless.ok) {
      expect(useless.error.code).toBe('empty');
      expect(useless.error.message).toContain('holds no images or text files');
      expect(useless.error.message).toContain('notes.pdf (not an image or a text file)');
    }
  });

  it('names a file over the size limit', () => {
    const result = planFolder([{ path: 'big/huge.txt', size: 100 }], {
      limits: { maxTextBytes: 10 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('too-large');
      expect(result.error.field).toBe('big/huge.txt');
    }
  });
});

describe('readImageHeader', () => {
  it('reads the size of a PNG', () => {
    expect(readImageHeader(png(3, 5, 0))).toEqual({ ok: true, format: 'png', width: 3, height: 5 });
  });

  it('reads GIF, BMP, JPEG and WebP headers', () => {
    const gif = new Uint8Array([...new TextEncoder().encode('GIF89a'), 7, 0, 9, 0, 0, 0]);
    expect(readImageHeader(gif)).toMatchObject({ format: 'gif', width: 7, height: 9 });
    const bmp = new Uint8Array(30);
    bmp.set([0x42, 0x4d]);
    bmp[14] = 40;
    new DataView(bmp.buffer).setInt32(18, 12, true);
    new DataView(bmp.buffer).setInt32(22, -4, true);
    expect(readImageHeader(bmp)).toMatchObject({ format: 'bmp', width: 12, height: 4 });
    // SOI, an APP0 segment of 4 bytes, then SOF0 with height 6 and width 11.
    const jpeg = new Uint8Array([
      0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 6, 0, 11, 1, 1, 0x11, 0,
    ]);
    expect(readImageHeader(jpeg)).toMatchObject({ format: 'jpeg', width: 11, height: 6 });
    const webp = new Uint8Array(30);
    webp.set(new TextEncoder().encode('RIFF'), 0);
    webp.set(new TextEncoder().encode('WEBPVP8X'), 8);
    webp.set([19, 0, 0, 29, 0, 0], 24);
    expect(readImageHeader(webp)).toMatchObject({ format: 'webp', width: 20, height: 30 });
  });

  it('says why bytes are not an image', () => {
    expect(readImageHeader(new Uint8Array(0))).toEqual({
      ok: false,
      message: 'it is empty (0 bytes)',
    });
    expect(readImageHeader(new TextEncoder().encode('hello'))).toEqual({
      ok: false,
      message: 'it is not a PNG, JPEG, GIF, WebP or BMP image',
    });
    expect(readImageHeader(png(2, 2, 0).subarray(0, 14))).toMatchObject({ ok: false });
  });

  it('never throws on random bytes (200 seeds)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const random = seededRandom(seed);
      const length = Math.floor(random() * 64);
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      // Start some of them with a real signature, so the format parsers see garbage too.
      const prefixes = [
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        [0xff, 0xd8, 0xff],
        [0x42, 0x4d],
      ];
      const prefix = prefixes[seed % 4];
      if (prefix) bytes.set(prefix.slice(0, length));
      const header = readImageHeader(bytes);
      if (header.ok) {
        expect(header.width).toBeGreaterThan(0);
        expect(header.height).toBeGreaterThan(0);
      } else expect(header.message).toMatch(/\w/);
    }
  });
});

describe('readFolder with images', () => {
  it('builds image, label, file and size columns with content hashes', async () => {
    const cat = png(2, 3, 10);
    const dog = png(4, 1, 200);
    const { entries, read } = folder({
      'dog/d1.png': dog,
      'cat/c1.png': cat,
      'cat/c2.png': cat,
      'top.png': png(1, 1, 0),
      '.DS_Store': 'x',
    });
    const result = await readOk(planned(entries), read);
    const { table } = result;
    expect(table.names).toEqual(['image', 'label', 'file', 'width', 'height', 'bytes']);
    expect(table.column('image').type).toBe('image');
    expect(cells(table, 'label')).toEqual(['cat', 'cat', 'dog', null]);
    expect(cells(table, 'file')).toEqual(['cat/c1.png', 'cat/c2.png', 'dog/d1.png', 'top.png']);
    expect(cells(table, 'width')).toEqual([2, 2, 4, 1]);
    expect(cells(table, 'height')).toEqual([3, 3, 1, 1]);
    expect(cells(table, 'image')[0]).toBe(await sha(cat));
    expect(cells(table, 'image')[0]).toBe(cells(table, 'image')[1]);
    // The two copies of the cat are stored once.
    expect(result.images.map((image) => image.hash).sort()).toEqual(
      [await sha(cat), await sha(dog), await sha(png(1, 1, 0))].sort(),
    );
    expect(result.images.every((image) => image.type === 'image/png')).toBe(true);
    expect(result.skipped).toEqual([{ path: '.DS_Store', reason: 'hidden' }]);

    const profile = profileImages(profileTable(table, { target: 'label' }), table);
    const image = profile.columns.find((column) => column.name === 'image');
    expect(image).toMatchObject({ count: 4, missing: 0, distinct: 3, top: [], length: null });
    expect(profile.warnings).toContainEqual(
      expect.objectContaining({ code: 'duplicates', column: 'image', value: 1 }),
    );
    const width = profile.columns.find((column) => column.name === 'width');
    expect([width?.min, width?.max]).toEqual([1, 4]);
  });

  it('leaves the label missing when no file sits in a sub-folder', async () => {
    const { entries, read } = folder({ 'a.png': png(1, 1, 0), 'b.png': png(1, 2, 0) });
    const plan = planned(entries);
    expect(plan.labels).toEqual([]);
    const { table } = await readOk(plan, read);
    expect(cells(table, 'label')).toEqual([null, null]);
    const profile = profileTable(table, { target: 'label' });
    expect(profile.columns.find((column) => column.name === 'label')?.missing).toBe(2);
  });

  it('fails on a 0-byte or damaged image, naming the file', async () => {
    const empty = folder({ 'cat/a.png': png(1, 1, 0), 'cat/empty.png': new Uint8Array(0) });
    const result = await readFolder(planned(empty.entries), { read: empty.read, hash: sha });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'unreadable',
        message: 'cat/empty.png: this image cannot be read: it is empty (0 bytes).',
        field: 'cat/empty.png',
      },
    });
    const fake = folder({ 'dog/fake.jpg': 'not really a jpeg' });
    const failed = await readFolder(planned(fake.entries), { read: fake.read, hash: sha });
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error.message).toContain('dog/fake.jpg');
      expect(failed.error.message).toContain('not a PNG, JPEG, GIF, WebP or BMP image');
    }
  });

  it('reports a decoder failure as a damaged image', async () => {
    const { entries, read } = folder({ 'cat/broken.png': png(2, 2, 0) });
    const result = await readFolder(planned(entries), {
      read,
      hash: sha,
      decodeImage: () => Promise.reject(new Error('The source image could not be decoded.')),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        'cat/broken.png: this PNG image is damaged (The source image could not be decoded.).',
      );
    }
  });

  it('uses the decoded size when a decoder is given', async () => {
    const { entries, read } = folder({ 'cat/a.png': png(2, 2, 0) });
    const result = await readFolder(planned(entries), {
      read,
      hash: sha,
      decodeImage: async () => ({ width: 8, height: 9 }),
    });
    expect(result.ok && cells(result.table, 'width')).toEqual([8]);
  });

  it('stops when cancelled and returns nothing partial', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`cat/${String(i).padStart(2, '0')}.png`] = png(1, 1, i);
    const { entries, read } = folder(files);
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await readFolder(planned(entries), {
      read,
      hash: sha,
      signal: controller.signal,
      onProgress: ({ done }) => {
        seen.push(done);
        if (done === 5) controller.abort();
      },
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'The import was cancelled.' },
    });
    expect(seen.at(-1)).toBe(5);
  });

  it('gives the same table and the same first error whatever order reads finish in', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 24; i++)
      files[`c${i % 3}/${String(i).padStart(2, '0')}.png`] = png(1, 1, i);
    const good = folder(files);
    const bad = folder({
      ...files,
      'c1/05x.png': new Uint8Array(0),
      'c2/09x.png': new Uint8Array(0),
    });
    for (let seed = 0; seed < 5; seed++) {
      const random = seededRandom(seed);
      const slow =
        (read: (item: FolderItem) => Promise<Uint8Array>) => async (item: FolderItem) => {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
          return read(item);
        };
      const result = await readFolder(planned(good.entries), {
        read: slow(good.read),
        hash: sha,
        concurrency: 5,
      });
      expect(result.ok && cells(result.table, 'file')).toEqual(Object.keys(files).sort());
      if (!result.ok) throw new Error(result.error.message);
      // Images are listed once each, in the order their rows come.
      expect(result.images.map((image) => image.hash)).toEqual([
        ...new Set(cells(result.table, 'image')),
      ]);
      const failed = await readFolder(planned(bad.entries), {
        read: slow(bad.read),
        hash: sha,
        concurrency: 5,
      });
      expect(!failed.ok && failed.error.field).toBe('c1/05x.png');
    }
  });

  it('names a file that cannot be read', async () => {
    const { entries } = folder({ 'cat/a.png': png(1, 1, 0) });
    const result = await readFolder(planned(entries), {
      read: () => Promise.reject(new Error('NotReadableError')),
      hash: sha,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'unreadable', field: 'cat/a.png' });
    }
  });
});

describe('readFolder with text files', () => {
  it('decodes UTF-8 with and without a BOM and Latin-1, one encoding per file', async () => {
    const { entries, read } = folder({
      'pos/a.txt': 'Très bien\n',
      'pos/b.md': new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Great')]),
      'neg/c.txt': new Uint8Array([0x6e, 0x75, 0x6c, 0x20, 0xe0, 0x20, 0x63, 0xf4, 0x74, 0xe9]),
      'neg/NOTES': 'plain text without an extension',
      'loose.txt': 'no label',
      'neg/empty.txt': '',
      'neg/blob.dat': new Uint8Array([0, 1, 2]),
      'neg/binary': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    });
    const plan = planned(entries);
    expect(plan.kind).toBe('texts');
    const result = await readOk(plan, read);
    const { table } = result;
    expect(table.names).toEqual(['text', 'label', 'file']);
    expect(table.column('text').type).toBe('text');
    expect(cells(table, 'file')).toEqual([
      'loose.txt',
      'neg/NOTES',
      'neg/c.txt',
      'neg/empty.txt',
      'pos/a.txt',
      'pos/b.md',
    ]);
    expect(cells(table, 'text')).toEqual([
      'no label',
      'plain text without an extension',
      'nul à côté',
      null,
      'Très bien\n',
      'Great',
    ]);
    expect(cells(table, 'label')).toEqual([null, 'neg', 'neg', 'neg', 'pos', 'pos']);
    const label = table.column('label');
    expect(isStringColumn(label) && label.type).toBe('categorical');
    expect(result.skipped).toEqual([
      { path: 'neg/binary', reason: 'binary' },
      { path: 'neg/blob.dat', reason: 'unsupported' },
    ]);
    expect(result.warnings.map((warning) => warning.code)).toEqual([
      'encoding-fallback',
      'all-missing',
    ]);
    expect(result.warnings[0]?.message).toContain('neg/c.txt');
    expect(result.warnings[1]?.message).toContain('neg/empty.txt');
  });

  it('names a file that mixes encodings', async () => {
    const { entries, read } = folder({
      'pos/mixed.txt': new Uint8Array([...new TextEncoder().encode('é ok\n'), 0xff, 0x41]),
    });
    const result = await readFolder(planned(entries), { read, hash: sha });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'encoding', field: 'pos/mixed.txt' });
      expect(result.error.message).toContain('line 2');
    }
  });

  it('fails clearly when every candidate turns out to be binary', async () => {
    const { entries, read } = folder({ 'a/x': new Uint8Array([1, 0, 2, 0]) });
    const result = await readFolder(planned(entries), { read, hash: sha });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('empty');
      expect(result.error.message).toContain('a/x (not text)');
    }
  });
});
