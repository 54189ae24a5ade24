import { createCsvImporter, type CsvOptions, type CsvPart, type CsvPartSettings } from './importer';
import type { ImportResult } from '../types';

/**
 * A file read in byte ranges: as a stream of chunks, or a few bytes at once (to find where a
 * record ends). A `Blob` in the page, a file descriptor in Node.
 */
export interface CsvByteSource {
  readonly size: number;
  chunks(start: number, end: number): AsyncIterable<Uint8Array>;
  read(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Reads bytes [start, end) of the source as the rest of a CSV, elsewhere (another thread),
 * reporting the bytes read; `signal` aborts once the part is no longer wanted.
 */
export type CsvPartHelper = (
  settings: CsvPartSettings,
  start: number,
  end: number,
  onProgress: (bytes: number) => void,
  signal: AbortSignal,
) => Promise<CsvPart>;

export interface SplitImportOptions extends CsvOptions {
  /** Files smaller than this are read in one piece (default 16 MiB). */
  readonly minSplitBytes?: number;
  /**
   * After each chunk read here: the bytes read so far by both readers and the rows here, e.g.
   * to report progress and let the event loop in (a cancel).
   */
  readonly onChunk?: (bytes: number, rows: number) => void | Promise<void>;
}

export interface SplitImport {
  readonly result: ImportResult;
  /** Whether the rest was read by the helper and joined (false: read here, or not split). */
  readonly joined: boolean;
}

const DEFAULT_MIN_SPLIT_BYTES = 16 * 1024 * 1024;
/** How far past the middle a line feed is looked for before the file is read in one piece. */
const BOUNDARY_SEARCH_BYTES = 1024 * 1024;

/**
 * Where the second half starts: just after the first line feed at or after the middle, or null
 * when there is none near it. Whether a record truly ends there (the line feed may be inside a
 * quoted field) is known only once the first half has been read in order; `finishWithPart`
 * checks it.
 */
async function splitPoint(source: CsvByteSource): Promise<number | null> {
  const middle = Math.floor(source.size / 2);
  const end = Math.min(source.size, middle + BOUNDARY_SEARCH_BYTES);
  const bytes = await source.read(middle, end);
  const at = bytes.indexOf(10);
  if (at < 0 || middle + at + 1 >= source.size) return null;
  return middle + at + 1;
}

/**
 * Imports a CSV in two halves at once: this thread reads the first, `helper` the second from
 * just after a line feed near the middle, with the delimiter, encoding and header the first
 * settled; the halves are then joined into the table one read would have made. When they cannot
 * be joined (the line feed was inside a quoted field, the second half holds an error or cells of
 * another type than the first's), this thread reads the second half itself, so the result and
 * its messages are always those of one read in order. Small files, and no helper, are read here
 * in one piece.
 */
export async function importCsvSplit(
  source: CsvByteSource,
  helper: CsvPartHelper | null,
  options: SplitImportOptions = {},
): Promise<SplitImport> {
  const size = source.size;
  const split =
    helper !== null && size >= (options.minSplitBytes ?? DEFAULT_MIN_SPLIT_BYTES)
      ? await splitPoint(source)
      : null;
  const importer = createCsvImporter({
    ...options,
    totalBytes: size,
    ...(split === null ? {} : { splitAt: split }),
  });
  let partBytes = 0;
  let part: Promise<CsvPart> | null = null;
  const unwanted = new AbortController();
  const readHere = async (start: number, end: number) => {
    for await (const chunk of source.chunks(start, end)) {
      if (!importer.push(chunk)) return false;
      if (split !== null && part === null && helper !== null) {
        const settings = importer.partSettings();
        if (settings) {
          const progress = (bytes: number) => {
            partBytes = bytes;
          };
          part = helper(settings, split, size, progress, unwanted.signal).catch((error: unknown) => ({ ok: false, reason: String(error) }) as const);
        }
      }
      await options.onChunk?.(importer.bytesRead + partBytes, importer.rowsRead);
    }
    return true;
  };
  if (split === null) {
    await readHere(0, size);
    return { result: importer.finish(), joined: false };
  }
  let read: boolean;
  try {
    read = await readHere(0, split);
  } catch (error) {
    unwanted.abort();
    throw error;
  }
  // Once the first half fails, its error stands (it comes first in the file).
  if (!read) unwanted.abort();
  else if (part !== null) {
    const joined = importer.finishWithPart(await part);
    if (joined) return { result: joined, joined: joined.ok };
  }
  if (read) {
    partBytes = 0;
    await readHere(split, size);
  }
  return { result: importer.finish(), joined: false };
}
