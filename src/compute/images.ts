import { checkCancelled, TrainingError } from '../core/errors/training-error';
import {
  isStringColumn,
  packImages,
  withPixels,
  type Column,
  type DecodedImage,
  type StringColumn,
  Table,
} from '../core/table';

/**
 * Image columns hold content hashes; features need pixels. A job that trains or scores on a
 * table decodes the images its feature columns name here, in its worker, before anything is
 * fitted: each distinct image once per job, shrunk so that its longer side is at most
 * DECODED_MAX_SIDE (the largest size the image features resize to), and attaches them to the
 * columns (`StringColumn.pixels`).
 */

/** Image features are at most 64 pixels a side; decoding larger would only cost memory. */
export const DECODED_MAX_SIDE = 64;

export interface StoredImageBytes {
  readonly data: ArrayBuffer | Uint8Array;
  readonly type: string;
}

export interface ImageResolverDeps {
  /** The stored bytes of the image with this content hash, or undefined when none is stored. */
  readonly read: (hash: string) => Promise<StoredImageBytes | undefined>;
  /** Decodes an image and shrinks it so that neither side exceeds `maxSide`. */
  readonly decode: (bytes: StoredImageBytes, maxSide: number) => Promise<DecodedImage>;
}

export interface ResolveImagesOptions {
  /** Only these columns are decoded (a model's features); every image column otherwise. */
  readonly columns?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Images read and decoded at once: both wait on the browser rather than on this thread. */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 4;

const needsPixels = (column: Column, wanted: ReadonlySet<string> | null): column is StringColumn =>
  column.type === 'image' &&
  isStringColumn(column) &&
  !column.pixels &&
  (wanted === null || wanted.has(column.name));

/** Whether any of the columns (all, or those named) holds images that still need decoding. */
export function hasUndecodedImages(table: Table, columns?: readonly string[]): boolean {
  const wanted = columns ? new Set(columns) : null;
  return table.columns.some((column) => needsPixels(column, wanted));
}

const shortHash = (hash: string) => `${hash.slice(0, 12)}…`;

/**
 * The table with every image column (of those named) decoded. Nothing is decoded when no column
 * needs it. A missing or undecodable image fails the job with a TrainingError naming the column
 * and the image; a cancel throws `cancelled`.
 */
export async function resolveImages(
  table: Table,
  deps: ImageResolverDeps,
  options: ResolveImagesOptions = {},
): Promise<Table> {
  const wanted = options.columns ? new Set(options.columns) : null;
  const targets = table.columns.filter((column) => needsPixels(column, wanted));
  if (!targets.length) return table;
  const { signal, onProgress } = options;
  // Every distinct image of every column, once, with the first column that names it.
  const owners = new Map<string, string>();
  for (const column of targets) {
    for (const hash of column.dictionary) if (!owners.has(hash)) owners.set(hash, column.name);
  }
  const hashes = [...owners.keys()];
  const decoded = new Map<string, DecodedImage>();
  const total = hashes.length;
  let done = 0;
  onProgress?.(0, total);
  const every = Math.max(1, Math.floor(total / 100));
  let next = 0;
  let failure: unknown = null;
  const lane = async () => {
    while (next < total && failure === null) {
      const hash = hashes[next++] as string;
      try {
        checkCancelled(signal);
        decoded.set(hash, await decodeOne(hash, owners.get(hash) as string, deps));
        checkCancelled(signal);
      } catch (error) {
        failure ??= error;
        return;
      }
      done++;
      if (done % every === 0 || done === total) onProgress?.(done, total);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, total));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== null) throw failure;
  const resolved = new Set(targets);
  return new Table(
    table.columns.map((column) => {
      if (!resolved.has(column as StringColumn)) return column;
      const strings = column as StringColumn;
      const images = strings.dictionary.map((hash) => decoded.get(hash) as DecodedImage);
      return withPixels(strings, packImages(strings.dictionary, images));
    }),
  );
}

async function decodeOne(
  hash: string,
  column: string,
  deps: ImageResolverDeps,
): Promise<DecodedImage> {
  const stored = await deps.read(hash);
  if (!stored) {
    throw new TrainingError(
      'invalid-input',
      `Image ${shortHash(hash)} of column “${column}” is not stored in this workspace, so its ` +
        'pixels cannot be read; import the folder again.',
      column,
    );
  }
  try {
    return await deps.decode(stored, DECODED_MAX_SIDE);
  } catch (error) {
    if (error instanceof TrainingError) throw error;
    const reason = error instanceof Error && error.message ? error.message : String(error);
    throw new TrainingError(
      'invalid-input',
      `Image ${shortHash(hash)} of column “${column}” (${stored.type || 'unknown type'}) could ` +
        `not be decoded: ${reason}.`,
      column,
    );
  }
}

/**
 * Decodes with the browser's own decoders, in a worker or on a page: createImageBitmap, then
 * drawn scaled (high-quality smoothing) onto an OffscreenCanvas and read back as RGBA.
 */
export async function decodeWithBrowser(
  stored: StoredImageBytes,
  maxSide: number,
): Promise<DecodedImage> {
  const bytes = stored.data instanceof Uint8Array ? stored.data : new Uint8Array(stored.data);
  const bitmap = await createImageBitmap(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: stored.type }),
  );
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas is available to draw it');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height);
    return { width, height, rgba: new Uint8Array(pixels.data.buffer) };
  } finally {
    bitmap.close();
  }
}
