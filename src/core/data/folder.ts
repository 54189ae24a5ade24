import { checkCancelled, TrainingError } from '../errors/training-error';
import { numberColumn, stringColumn, Table, type Column } from '../table';
import { describeBinary, TextStreamDecoder } from './encoding';
import type { ColumnProfile, DatasetProfile, ProfileWarning } from './profile/types';
import { cancelledError, type EncodingOption, type ImportError, type ImportWarning } from './types';

/**
 * A folder import turns a tree of files into one table, one row per file. The first folder
 * below the imported one names each file's label (torchvision's ImageFolder convention:
 * `pets/cat/a.png` and `pets/cat/kittens/b.png` are both “cat”); files directly in the
 * imported folder have no label. Images become a column of content hashes that name blobs
 * stored beside the version, so the table stays small, immutable and content-addressed.
 */

export type FolderKind = 'images' | 'texts';

/** A file as the browser lists it: its path below the imported folder, with `/` separators. */
export interface FolderEntry {
  readonly path: string;
  readonly size: number;
}

export type SkipReason = 'hidden' | 'unsupported' | 'binary' | 'other-kind';

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

export interface FolderItem {
  /** The entry's position in the list given to `planFolder`. */
  readonly source: number;
  readonly path: string;
  readonly label: string | null;
  /** True for text files whose extension does not say they are text: their bytes decide. */
  readonly sniff: boolean;
}

export interface FolderPlan {
  readonly kind: FolderKind;
  /** Sorted by path, so the same folder always gives the same rows. */
  readonly items: readonly FolderItem[];
  readonly skipped: readonly SkippedFile[];
  readonly counts: { readonly images: number; readonly texts: number };
  readonly labels: readonly string[];
  readonly bytes: number;
}

export interface FolderLimits {
  readonly maxFiles: number;
  readonly maxTotalBytes: number;
  readonly maxTextBytes: number;
  readonly maxImageBytes: number;
}

export const DEFAULT_FOLDER_LIMITS: FolderLimits = {
  maxFiles: 200_000,
  maxTotalBytes: 2 * 1024 ** 3,
  maxTextBytes: 16 * 1024 ** 2,
  maxImageBytes: 64 * 1024 ** 2,
};

export type FolderPlanResult =
  | { readonly ok: true; readonly plan: FolderPlan }
  | { readonly ok: false; readonly error: ImportError };

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'jfif', 'gif', 'webp', 'bmp', 'dib']);
const TEXT_EXTENSIONS = new Set([
  'txt',
  'text',
  'md',
  'markdown',
  'rst',
  'csv',
  'tsv',
  'json',
  'jsonl',
  'xml',
  'html',
  'htm',
  'log',
  'tex',
  'srt',
  'eml',
]);
/** Formats that are never plain text or a supported image, skipped without reading them. */
const OTHER_EXTENSIONS = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'odt',
  'ods',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  '7z',
  'rar',
  'tar',
  'exe',
  'dll',
  'so',
  'dylib',
  'bin',
  'dat',
  'iso',
  'dmg',
  'mp3',
  'wav',
  'flac',
  'ogg',
  'm4a',
  'mp4',
  'mov',
  'avi',
  'mkv',
  'webm',
  'tif',
  'tiff',
  'heic',
  'heif',
  'avif',
  'svg',
  'ico',
  'psd',
  'raw',
  'cr2',
  'nef',
  'parquet',
  'npy',
  'npz',
  'pkl',
  'h5',
  'onnx',
  'ttf',
  'otf',
  'woff',
  'woff2',
  'sqlite',
  'db',
]);
const HIDDEN_NAMES = new Set(['thumbs.db', 'desktop.ini', 'icon\r']);

const segmentsOf = (path: string) => path.split('/').filter((segment) => segment !== '');

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

export type FileClass = 'image' | 'text' | 'maybe-text' | { readonly skip: SkipReason };

/** What a file is by its path alone; a `maybe-text` file is read and kept if it is text. */
export function classifyPath(path: string): FileClass {
  const segments = segmentsOf(path);
  const name = segments.at(-1) ?? '';
  if (segments.some((segment) => segment.startsWith('.') || segment === '__MACOSX')) {
    return { skip: 'hidden' };
  }
  if (HIDDEN_NAMES.has(name.toLowerCase())) return { skip: 'hidden' };
  const extension = extensionOf(name);
  if (IMAGE_EXTENSIONS.has(extension)) return 'image';
  if (TEXT_EXTENSIONS.has(extension)) return 'text';
  if (OTHER_EXTENSIONS.has(extension)) return { skip: 'unsupported' };
  return 'maybe-text';
}

/** The label of a file: the first folder below the imported one, or null at the top level. */
export function labelOf(path: string): string | null {
  const segments = segmentsOf(path);
  return segments.length > 1 ? (segments[0] as string) : null;
}

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en')} ${count === 1 ? one : many}`;

const REASONS: Record<SkipReason, string> = {
  hidden: 'hidden or system file',
  unsupported: 'not an image or a text file',
  binary: 'not text',
  'other-kind': 'other kind',
};

/** “skipped 3 files: .DS_Store (hidden or system file), notes.pdf (not an image or a text file) …” */
export function describeSkipped(skipped: readonly SkippedFile[], shown = 5): string {
  if (!skipped.length) return '';
  const names = skipped
    .slice(0, shown)
    .map((file) => `${file.path} (${REASONS[file.reason]})`)
    .join(', ');
  return `skipped ${plural(skipped.length, 'file')}: ${names}${skipped.length > shown ? ' …' : ''}`;
}

/**
 * Decides what a folder holds and which files become rows. A folder of images and text files
 * imports the kind it has more of (images on a tie) unless `kind` says which; the other kind's
 * files are skipped and listed, as are hidden files and formats that are neither.
 */
export function planFolder(
  entries: readonly FolderEntry[],
  options: { kind?: FolderKind; folderName?: string; limits?: Partial<FolderLimits> } = {},
): FolderPlanResult {
  const limits = { ...DEFAULT_FOLDER_LIMITS, ...options.limits };
  const where = options.folderName ? `The folder “${options.folderName}”` : 'The folder';
  if (!entries.length) {
    return {
      ok: false,
      error: { code: 'empty', message: `${where} is empty: it holds no files.` },
    };
  }
  const images: FolderItem[] = [];
  const texts: FolderItem[] = [];
  const skipped: SkippedFile[] = [];
  entries.forEach((entry, source) => {
    const path = segmentsOf(entry.path).join('/');
    const kind = classifyPath(path);
    if (typeof kind === 'object') {
      skipped.push({ path, reason: kind.skip });
      return;
    }
    const item = { source, path, label: labelOf(path), sniff: kind === 'maybe-text' };
    (kind === 'image' ? images : texts).push(item);
  });
  const kind = options.kind ?? (images.length >= texts.length ? 'images' : 'texts');
  const chosen = kind === 'images' ? images : texts;
  const other = kind === 'images' ? texts : images;
  for (const item of other) skipped.push({ path: item.path, reason: 'other-kind' });
  skipped.sort(byPath);
  if (!chosen.length) {
    const what = options.kind
      ? kind === 'images'
        ? 'images'
        : 'text files'
      : 'images or text files';
    return {
      ok: false,
      error: {
        code: 'empty',
        message: `${where} holds no ${what} (PNG, JPEG, GIF, WebP, BMP; .txt, .md or other text): ${describeSkipped(skipped)}.`,
      },
    };
  }
  if (chosen.length > limits.maxFiles) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `${where} holds ${plural(chosen.length, 'file')}; at most ${limits.maxFiles.toLocaleString('en')} can be imported at once.`,
      },
    };
  }
  let bytes = 0;
  const maxFileBytes = kind === 'images' ? limits.maxImageBytes : limits.maxTextBytes;
  for (const item of chosen) {
    const size = (entries[item.source] as FolderEntry).size;
    if (size > maxFileBytes) {
      return {
        ok: false,
        error: {
          code: 'too-large',
          message: `${item.path} is ${formatMiB(size)}; ${kind === 'images' ? 'an image' : 'a text file'} may be at most ${formatMiB(maxFileBytes)}.`,
          field: item.path,
        },
      };
    }
    bytes += size;
  }
  if (bytes > limits.maxTotalBytes) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `The ${kind === 'images' ? 'images' : 'text files'} add up to ${formatMiB(bytes)}; at most ${formatMiB(limits.maxTotalBytes)} can be imported at once.`,
      },
    };
  }
  chosen.sort(byPath);
  const labels = [...new Set(chosen.map((item) => item.label).filter((l) => l !== null))].sort();
  return {
    ok: true,
    plan: {
      kind,
      items: chosen,
      skipped,
      counts: { images: images.length, texts: texts.length },
      labels,
      bytes,
    },
  };
}

const formatMiB = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

// ── image headers ───────────────────────────────────────────────────────────────────────────

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

export const IMAGE_MIME: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

export type ImageHeader =
  | {
      readonly ok: true;
      readonly format: ImageFormat;
      readonly width: number;
      readonly height: number;
    }
  | { readonly ok: false; readonly message: string };

const u16be = (b: Uint8Array, at: number) => ((b[at] as number) << 8) | (b[at + 1] as number);
const u16le = (b: Uint8Array, at: number) => (b[at] as number) | ((b[at + 1] as number) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] as number) << 16);
const u32be = (b: Uint8Array, at: number) => u16be(b, at) * 65536 + u16be(b, at + 2);
const i32le = (b: Uint8Array, at: number) => u16le(b, at) | (u16le(b, at + 2) << 16);
const ascii = (b: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...b.subarray(at, at + length));

const truncated = (format: string): ImageHeader => ({
  ok: false,
  message: `its ${format} header is cut short or damaged`,
});

function jpegSize(b: Uint8Array): ImageHeader {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return truncated('JPEG');
    const marker = b[at + 1] as number;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const isFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return { ok: true, format: 'jpeg', height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) break;
    at += 2 + u16be(b, at + 2);
  }
  return truncated('JPEG');
}

function webpSize(b: Uint8Array): ImageHeader {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30) {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return truncated('WebP');
    return {
      ok: true,
      format: 'webp',
      width: u16le(b, 26) & 0x3fff,
      height: u16le(b, 28) & 0x3fff,
    };
  }
  if (chunk === 'VP8L' && b.length >= 25) {
    if (b[20] !== 0x2f) return truncated('WebP');
    const [b0, b1, b2, b3] = [b[21], b[22], b[23], b[24]] as number[] as [
      number,
      number,
      number,
      number,
    ];
    return {
      ok: true,
      format: 'webp',
      width: 1 + (((b1 & 0x3f) << 8) | b0),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (chunk === 'VP8X' && b.length >= 30) {
    return { ok: true, format: 'webp', width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
  }
  return truncated('WebP');
}

/**
 * The format and pixel size of an image from its first bytes, without decoding it. The bytes,
 * not the file name, decide the format, as browsers do.
 */
export function readImageHeader(b: Uint8Array): ImageHeader {
  if (b.length === 0) return { ok: false, message: 'it is empty (0 bytes)' };
  const header = sniffImage(b);
  if (header.ok && !(header.width > 0 && header.height > 0)) {
    return { ok: false, message: `its header gives a size of ${header.width}×${header.height}` };
  }
  return header;
}

function sniffImage(b: Uint8Array): ImageHeader {
  if (b.length >= 8 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a) {
    if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return truncated('PNG');
    return { ok: true, format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegSize(b);
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) {
    if (b.length < 10) return truncated('GIF');
    return { ok: true, format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  }
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webpSize(b);
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) {
    if (b.length < 26) return truncated('BMP');
    const dib = u16le(b, 14);
    if (dib === 12) return { ok: true, format: 'bmp', width: u16le(b, 18), height: u16le(b, 20) };
    return {
      ok: true,
      format: 'bmp',
      width: Math.abs(i32le(b, 18)),
      height: Math.abs(i32le(b, 22)),
    };
  }
  return { ok: false, message: 'it is not a PNG, JPEG, GIF, WebP or BMP image' };
}

// ── reading ─────────────────────────────────────────────────────────────────────────────────

export interface StoredImage {
  readonly hash: string;
  readonly bytes: Uint8Array;
  readonly type: string;
}

export interface FolderReadProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

export interface FolderReadOptions {
  /** The bytes of a planned file (a File's arrayBuffer in the browser). */
  readonly read: (item: FolderItem) => Promise<Uint8Array>;
  /** Hex sha-256 of an image's bytes: the name its blob is stored under. */
  readonly hash: (bytes: Uint8Array) => Promise<string>;
  /**
   * Decodes an image completely and resolves to its size, or rejects when it is damaged
   * (createImageBitmap in a worker). Without it only the header is checked.
   */
  readonly decodeImage?: (
    bytes: Uint8Array,
    type: string,
  ) => Promise<{ width: number; height: number }>;
  readonly encoding?: EncodingOption;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FolderReadProgress) => void;
  /** Files read, decoded and hashed at once: reading and decoding wait on the browser, not on us. */
  readonly concurrency?: number;
}

export type FolderReadResult =
  | {
      readonly ok: true;
      readonly table: Table;
      /** Each distinct image once, to be stored with the version that names it. */
      readonly images: readonly StoredImage[];
      readonly skipped: readonly SkippedFile[];
      readonly warnings: readonly ImportWarning[];
    }
  | { readonly ok: false; readonly error: ImportError };

class FolderFileError extends Error {
  constructor(readonly error: ImportError) {
    super(error.message);
  }
}

const fail = (code: ImportError['code'], path: string, message: string): never => {
  throw new FolderFileError({ code, message: `${path}: ${message}.`, field: path });
};

const listNames = (paths: readonly string[], shown = 5) =>
  paths.slice(0, shown).join(', ') + (paths.length > shown ? ' …' : '');

/**
 * Reads every planned file and builds the table. Any unreadable, damaged or empty image fails
 * the whole import with an error naming the file; a cancel returns `cancelled`. Either way no
 * partial table comes back, so nothing partial can be stored.
 */
export async function readFolder(
  plan: FolderPlan,
  options: FolderReadOptions,
): Promise<FolderReadResult> {
  try {
    return plan.kind === 'images'
      ? await readImages(plan, options)
      : await readTexts(plan, options);
  } catch (error) {
    if (error instanceof FolderFileError) return { ok: false, error: error.error };
    if (error instanceof TrainingError && error.kind === 'cancelled') {
      return { ok: false, error: cancelledError() };
    }
    throw error;
  }
}

function progressReporter(total: number, options: FolderReadOptions) {
  const every = Math.max(1, Math.floor(total / 200));
  let bytes = 0;
  return (done: number, size: number) => {
    bytes += size;
    if (done % every === 0 || done === total) options.onProgress?.({ done, total, bytes });
  };
}

async function readBytes(item: FolderItem, options: FolderReadOptions): Promise<Uint8Array> {
  checkCancelled(options.signal);
  try {
    const bytes = await options.read(item);
    checkCancelled(options.signal);
    return bytes;
  } catch (error) {
    if (error instanceof TrainingError) throw error;
    return fail(
      'unreadable',
      item.path,
      `the file could not be read (${(error as Error).message})`,
    );
  }
}

/**
 * Runs `task` for indices 0…n−1 with at most `limit` in flight, started in order. After a
 * failure nothing new starts; the tasks in flight finish, and the failure of the lowest index is
 * thrown. Every lower index had started by then, so the error does not depend on timing.
 */
async function forEachLimited(
  n: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { index: number; error: unknown } | null = null;
  // Read through a function: lanes set it across awaits, which narrowing cannot see.
  const failed = () => failure;
  async function lane() {
    while (next < n && !failed()) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        const known = failed();
        if (!known || index < known.index) failure = { index, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, n)) }, lane));
  const last = failed();
  if (last) throw last.error;
}

const DEFAULT_CONCURRENCY = 8;

async function readImages(plan: FolderPlan, options: FolderReadOptions): Promise<FolderReadResult> {
  const n = plan.items.length;
  const hashes: string[] = new Array<string>(n);
  const found: StoredImage[] = new Array<StoredImage>(n);
  const widths = new Float64Array(n);
  const heights = new Float64Array(n);
  const sizes = new Float64Array(n);
  const report = progressReporter(n, options);
  let done = 0;
  await forEachLimited(n, options.concurrency ?? DEFAULT_CONCURRENCY, async (i) => {
    const item = plan.items[i] as FolderItem;
    const bytes = await readBytes(item, options);
    const header = readImageHeader(bytes);
    if (!header.ok) fail('unreadable', item.path, `this image cannot be read: ${header.message}`);
    const { format } = header as Extract<ImageHeader, { ok: true }>;
    let { width, height } = header as Extract<ImageHeader, { ok: true }>;
    if (options.decodeImage) {
      try {
        ({ width, height } = await options.decodeImage(bytes, IMAGE_MIME[format]));
      } catch (error) {
        checkCancelled(options.signal);
        const reason = (error as Error).message || 'the browser could not decode it';
        fail('unreadable', item.path, `this ${format.toUpperCase()} image is damaged (${reason})`);
      }
    }
    const hash = await options.hash(bytes);
    checkCancelled(options.signal);
    found[i] = { hash, bytes, type: IMAGE_MIME[format] };
    hashes[i] = hash;
    widths[i] = width;
    heights[i] = height;
    sizes[i] = bytes.byteLength;
    report(++done, bytes.byteLength);
  });
  // In row order, so the same folder always lists its images the same way.
  const images = new Map<string, StoredImage>();
  for (const image of found) if (!images.has(image.hash)) images.set(image.hash, image);
  const table = new Table([
    stringColumn('image', hashes, 'image'),
    labelColumn(plan),
    stringColumn(
      'file',
      plan.items.map((item) => item.path),
    ),
    numberColumn('width', widths, 'integer'),
    numberColumn('height', heights, 'integer'),
    numberColumn('bytes', sizes, 'integer'),
  ]);
  return { ok: true, table, images: [...images.values()], skipped: plan.skipped, warnings: [] };
}

const labelColumn = (plan: FolderPlan, items = plan.items): Column =>
  stringColumn(
    'label',
    items.map((item) => item.label),
  );

async function readTexts(plan: FolderPlan, options: FolderReadOptions): Promise<FolderReadResult> {
  const n = plan.items.length;
  const decoded: ({ text: string; latin1: boolean } | null)[] = new Array(n);
  const report = progressReporter(n, options);
  let done = 0;
  await forEachLimited(n, options.concurrency ?? DEFAULT_CONCURRENCY, async (i) => {
    const item = plan.items[i] as FolderItem;
    const bytes = await readBytes(item, options);
    report(++done, bytes.byteLength);
    if (describeBinary(bytes)) {
      decoded[i] = null;
      return;
    }
    const decoder = new TextStreamDecoder(options.encoding ?? 'auto');
    const step = decoder.decode(bytes, true);
    if (!step.ok) {
      const line = step.textBefore.split('\n').length;
      fail(
        'encoding',
        item.path,
        `line ${line} is not valid UTF-8, and the text before it is not plain ASCII, so the encoding cannot be told; save the file as UTF-8`,
      );
    }
    const text = (step as Extract<typeof step, { ok: true }>).text;
    decoded[i] = {
      text,
      latin1: decoder.encoding === 'windows-1252' && options.encoding !== 'latin1',
    };
  });
  const kept: FolderItem[] = [];
  const texts: (string | null)[] = [];
  const skipped = [...plan.skipped];
  const empty: string[] = [];
  const latin1: string[] = [];
  plan.items.forEach((item, i) => {
    const file = decoded[i];
    if (!file) {
      skipped.push({ path: item.path, reason: 'binary' });
      return;
    }
    if (file.latin1) latin1.push(item.path);
    if (file.text.trim() === '') empty.push(item.path);
    kept.push(item);
    texts.push(file.text.trim() === '' ? null : file.text);
  });
  skipped.sort(byPath);
  if (!kept.length) {
    return {
      ok: false,
      error: {
        code: 'empty',
        message: `The folder holds no readable text files: ${describeSkipped(skipped)}.`,
      },
    };
  }
  const warnings: ImportWarning[] = [];
  if (latin1.length) {
    warnings.push({
      code: 'encoding-fallback',
      message: `${plural(latin1.length, 'file is', 'files are')} not valid UTF-8 and ${latin1.length === 1 ? 'was' : 'were'} read as Latin-1 (windows-1252): ${listNames(latin1)}.`,
      column: 'text',
    });
  }
  if (empty.length) {
    warnings.push({
      code: 'all-missing',
      message: `${plural(empty.length, 'file is', 'files are')} empty; ${empty.length === 1 ? 'its' : 'their'} text is missing: ${listNames(empty)}.`,
      column: 'text',
    });
  }
  const table = new Table([
    stringColumn('text', texts, 'text'),
    labelColumn(plan, kept),
    stringColumn(
      'file',
      kept.map((item) => item.path),
    ),
  ]);
  return { ok: true, table, images: [], skipped, warnings };
}

// ── profile ─────────────────────────────────────────────────────────────────────────────────

/**
 * Adjusts a profile to image columns: their values are content hashes, so the most frequent
 * hashes and the hashes' lengths say nothing, while images that are exact copies of each other
 * deserve a warning. Count, missing and distinct stay as profiled.
 */
export function profileImages(profile: DatasetProfile, table: Table): DatasetProfile {
  const warnings: ProfileWarning[] = [...profile.warnings];
  const columns = profile.columns.map((column): ColumnProfile => {
    if (column.type !== 'image') return column;
    const copies = column.count - column.distinct;
    if (column.distinctExact && copies > 0) {
      warnings.push({
        code: 'duplicates',
        message: `${plural(copies, 'image in', 'images in')} “${column.name}” ${copies === 1 ? 'is an exact copy' : 'are exact copies'} of another.`,
        column: column.name,
        value: copies,
      });
    }
    return { ...column, top: [], length: null };
  });
  if (!table.columns.some((column) => column.type === 'image')) return profile;
  return { ...profile, columns, warnings };
}
