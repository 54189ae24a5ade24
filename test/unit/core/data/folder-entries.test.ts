import { describe, expect, it } from 'vitest';
import {
  pickedFolder,
  readAllEntries,
  walkEntries,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
} from '../../../../src/ui/data/folder-entries';

const fileEntry = (name: string, content = name): FileEntryLike => ({
  isFile: true,
  isDirectory: false,
  name,
  file: (done) => done(new File([content], name)),
});

/** A directory whose reader hands out `batch` entries per call, as browsers do (100 at a time). */
const directory = (name: string, children: EntryLike[], batch = 2): DirectoryEntryLike => ({
  isFile: false,
  isDirectory: true,
  name,
  createReader() {
    const rest = [...children];
    return { readEntries: (done) => queueMicrotask(() => done(rest.splice(0, batch))) };
  },
});

describe('walking dropped entries', () => {
  it('reads every batch of a directory until an empty one', async () => {
    const many = Array.from({ length: 7 }, (_, i) => fileEntry(`f${i}.txt`));
    expect((await readAllEntries(directory('d', many, 3))).map((e) => e.name)).toEqual(
      many.map((e) => e.name),
    );
  });

  it('makes paths relative to one dropped folder, so its sub-folders are labels', async () => {
    const root = directory('pets', [
      directory('cat', [fileEntry('a.png'), directory('kittens', [fileEntry('b.png')])]),
      directory('dog', [fileEntry('c.png'), fileEntry('d.png'), fileEntry('e.png')]),
      fileEntry('loose.png'),
    ]);
    const counts: number[] = [];
    const picked = await walkEntries([root], { onFile: (count) => counts.push(count) });
    expect(picked.folderName).toBe('pets');
    expect(picked.files.map((file) => file.path)).toEqual([
      'cat/a.png',
      'cat/kittens/b.png',
      'dog/c.png',
      'dog/d.png',
      'dog/e.png',
      'loose.png',
    ]);
    expect(await picked.files[2]?.file.text()).toBe('c.png');
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads several dropped folders as sub-folders of one', async () => {
    const picked = await walkEntries([
      directory('cat', [fileEntry('a.png')]),
      directory('dog', [fileEntry('b.png')]),
      fileEntry('c.png'),
    ]);
    expect(picked.folderName).toBe('cat + dog + c.png');
    expect(picked.files.map((file) => file.path)).toEqual(['cat/a.png', 'dog/b.png', 'c.png']);
  });

  it('names a file that cannot be read, and stops when cancelled', async () => {
    const broken: FileEntryLike = {
      isFile: true,
      isDirectory: false,
      name: 'gone.png',
      file: (_done, fail) => fail?.(new DOMException('The file was moved.', 'NotFoundError')),
    };
    await expect(walkEntries([directory('pets', [directory('cat', [broken])])])).rejects.toThrow(
      'cat/gone.png could not be read (The file was moved.).',
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      walkEntries([directory('pets', [fileEntry('a.png')])], { signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('pickedFolder', () => {
  it('strips the chosen folder from each relative path', () => {
    const file = (path: string) => {
      const f = new File(['x'], path.split('/').at(-1) as string);
      Object.defineProperty(f, 'webkitRelativePath', { value: path });
      return f;
    };
    const picked = pickedFolder([file('pets/cat/a.png'), file('pets/top.png')]);
    expect(picked.folderName).toBe('pets');
    expect(picked.files.map((entry) => entry.path)).toEqual(['cat/a.png', 'top.png']);
  });
});
