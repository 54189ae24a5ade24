/**
 * Turns what the browser hands over for a folder (a drop's FileSystemEntry tree, or the flat
 * file list of an `<input webkitdirectory>`) into paths below the imported folder and the files
 * themselves. The shapes are structural so the walker can be tested with plain objects.
 */

export interface PickedFolder {
  folderName: string;
  files: { path: string; file: File }[];
}

export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}

export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}

export interface DirectoryReaderLike {
  readEntries(
    success: (entries: EntryLike[]) => void,
    failure?: (error: DOMException) => void,
  ): void;
}

export interface DirectoryEntryLike extends EntryLike {
  createReader(): DirectoryReaderLike;
}

const isDirectory = (entry: EntryLike): entry is DirectoryEntryLike => entry.isDirectory;
const isFile = (entry: EntryLike): entry is FileEntryLike => entry.isFile;

const readBatch = (reader: DirectoryReaderLike) =>
  new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));

const fileOf = (entry: FileEntryLike) =>
  new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** Every entry of a directory: readEntries hands them over in batches until one is empty. */
export async function readAllEntries(directory: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = directory.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await readBatch(reader);
    if (!batch.length) return all;
    all.push(...batch);
  }
}

/**
 * Walks dropped entries depth-first. One dropped folder is the imported folder (paths are
 * relative to it, so its sub-folders are the labels); several dropped items are read as if they
 * sat together in one folder, so dropping the folders `cat` and `dog` labels their files too.
 */
export async function walkEntries(
  roots: readonly EntryLike[],
  options: { signal?: AbortSignal; onFile?: (count: number) => void } = {},
): Promise<PickedFolder> {
  const files: { path: string; file: File }[] = [];
  const single = roots.length === 1 && isDirectory(roots[0] as EntryLike);
  async function visit(entry: EntryLike, prefix: string) {
    options.signal?.throwIfAborted();
    if (isDirectory(entry)) {
      const inside = `${prefix}${entry.name}/`;
      for (const child of await readAllEntries(entry)) await visit(child, inside);
    } else if (isFile(entry)) {
      const path = `${prefix}${entry.name}`;
      try {
        files.push({ path, file: await fileOf(entry) });
      } catch (error) {
        throw new Error(`${path} could not be read (${(error as Error).message}).`, {
          cause: error,
        });
      }
      options.onFile?.(files.length);
    }
  }
  if (single) {
    for (const child of await readAllEntries(roots[0] as DirectoryEntryLike))
      await visit(child, '');
  } else {
    for (const root of roots) await visit(root, '');
  }
  const folderName = single
    ? (roots[0] as EntryLike).name
    : roots.length === 1
      ? (roots[0] as EntryLike).name.replace(/\.[^.]+$/, '')
      : roots
          .slice(0, 3)
          .map((root) => root.name)
          .join(' + ') + (roots.length > 3 ? ' …' : '');
  return { folderName: folderName || 'Folder', files };
}

/** The files of an `<input webkitdirectory>`: each path starts with the chosen folder's name. */
export function pickedFolder(list: ArrayLike<File>): PickedFolder {
  const files: { path: string; file: File }[] = [];
  let folderName = '';
  for (let i = 0; i < list.length; i++) {
    const file = list[i] as File;
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    if (slash > 0) {
      folderName ||= relative.slice(0, slash);
      files.push({ path: relative.slice(slash + 1), file });
    } else files.push({ path: relative, file });
  }
  return { folderName: folderName || 'Folder', files };
}
