import {
  cancelledError,
  createCsvImporter,
  detectFormat,
  parseJson,
  parseJsonLines,
  parseParquet,
  profileTableAsync,
  type DatasetProfile,
  type ImportError,
  type ImportFormat,
  type ImportResult,
} from '../core/data';
import {
  planFolder,
  profileImages,
  readFolder,
  type FolderItem,
  type FolderReadOptions,
} from '../core/data/folder';
import { associationMatrix } from '../core/data/associations';
import { boxesOf } from '../core/data/chart-data';
import { applyStep, PrepareError, toFailure } from '../core/data/prepare';
import { checkCancelled, TrainingError, yieldToEventLoop } from '../core/errors/training-error';
import { Table, TableError, type Column } from '../core/table';
import { createDataset, deleteDataset, type NewDataset } from '../store/datasets';
import { StoreError } from '../store/errors';
import {
  columnArray,
  columnBuffers,
  columnBytes,
  ownBuffers,
  shareColumns,
  unchangedFrom,
} from './shared-columns';
import { rememberHash, sha256 } from '../store/hash';
import { WorkspaceStore } from '../store/workspace-store';
import type {
  DataApi,
  DataAssociationsRequest,
  DataBoxStatsRequest,
  DataFolderOutcome,
  DataFolderRequest,
  DataImportOptions,
  DataImportOutcome,
  DataImportProgress,
  DataImportRequest,
  DataPrepareOutcome,
  DataPrepareOutput,
  DataPrepareRequest,
  DataImportSave,
  DataStoreFailure,
} from './data-api';
import { folderTransform, importTransform } from './data-transform';
import { forgetColumnBlobs, prepareColumnBlobs, type BlobMaker } from './blob-maker';
import { createJobRegistry } from './jobs';

const CHUNK_BYTES = 1024 * 1024;
/** The most often the parse reports its progress, in milliseconds (ten times a second). */
const PROGRESS_MS = 100;

export interface DataServiceOptions {
  /** Moves the outcome's typed arrays to the page instead of copying them (comlink.transfer). */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
  /** Decodes an image fully to check it; by default createImageBitmap where there is one. */
  decodeImage?: FolderReadOptions['decodeImage'];
  /** Opens the workspace database an import is stored in (`save`); by default IndexedDB's. */
  openStore?: (dbName: string) => Promise<WorkspaceStore>;
  /**
   * Starts a maker of `Blob`s on another thread (made once, on the first import stored): the
   * columns of an import to be stored are made into blobs there while this thread profiles them.
   * Without one, the store makes them as it writes.
   */
  blobMaker?: () => BlobMaker;
}

/** createImageBitmap decodes the whole image (in workers too), so a damaged file is caught here. */
function browserImageDecoder(): FolderReadOptions['decodeImage'] {
  if (typeof globalThis.createImageBitmap !== 'function') return undefined;
  return async (bytes, type) => {
    const bitmap = await globalThis.createImageBitmap(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type }),
    );
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  };
}

interface ParseContext {
  signal: AbortSignal;
  progress: (progress: DataImportProgress) => void;
}

/** A file the browser cannot read any more: moved, deleted or changed since it was chosen. */
const isReadError = (error: unknown): error is Error =>
  error instanceof Error && (error.name === 'NotReadableError' || error.name === 'NotFoundError');

/** A read of the chosen file's stream failed, whatever the browser calls the failure. */
class UnreadableFile extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message || reason.name : String(reason));
    this.name = 'UnreadableFile';
  }
}

const unreadable = (error: Error): ImportError => ({
  code: 'unreadable',
  message: `The file could not be read; it may have been moved, deleted or changed since it was chosen (${error.message}).`,
});

/** detectFormat looks at no more than this many leading bytes. */
const FORMAT_HEAD_BYTES = 4096;

type ImportSource = DataImportRequest['bytes'];

const sizeOf = (source: ImportSource) =>
  source instanceof Uint8Array ? source.byteLength : source.size;

async function readSlice(source: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await source.slice(start, end).arrayBuffer());
}

/** The whole input in memory: formats whose parsers need all of it at once (JSON, Parquet). */
async function readWhole(source: ImportSource): Promise<Uint8Array> {
  return source instanceof Uint8Array ? source : new Uint8Array(await source.arrayBuffer());
}

/**
 * The input in pieces: bytes in memory `size` at a time; a Blob as its stream delivers it, which
 * reads ahead of the parser by no more than a piece or two. A stream's pieces are left to the
 * collector, which keeps up with them: slices read with `Blob.arrayBuffer()` are not like that
 * in Chromium, where a slice's memory stays taken until its wrapper is collected, and detaching
 * it (`transfer(0)`) hides the memory from the collector so that it is not freed until the whole
 * file has been read. Reading stops once `signal` aborts or the caller stops asking.
 */
async function* chunksOf(
  source: ImportSource,
  size: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.byteLength; offset += size) {
      yield source.subarray(offset, offset + size);
    }
    return;
  }
  const reader = source.stream().getReader();
  try {
    while (!signal.aborted) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new UnreadableFile(error);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

async function chooseFormat(request: DataImportRequest): Promise<ImportFormat> {
  const chosen = request.options.format;
  if (chosen && chosen !== 'auto') return chosen;
  const source = request.bytes;
  const head =
    source instanceof Uint8Array
      ? source
      : await readSlice(source, 0, Math.min(source.size, FORMAT_HEAD_BYTES));
  return detectFormat(head, request.fileName);
}

function typeOptions(options: DataImportOptions) {
  return {
    encoding: options.encoding ?? 'auto',
    ...(options.missing ? { missing: options.missing } : {}),
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
}

/**
 * Feeds the CSV importer the file as it is read, yielding (so that a cancel gets through) once per
 * `CHUNK_BYTES`, and reporting progress then too, but no more often than every `PROGRESS_MS` and
 * at the end: each report redraws the page's progress bar, which at a report per `CHUNK_BYTES`
 * (some 50 a second) kept the page's thread busy on a core the import needs. Only the pieces
 * being parsed and read ahead are in memory besides the columns built.
 */
async function parseCsvInChunks(
  request: DataImportRequest,
  { signal, progress }: ParseContext,
): Promise<ImportResult> {
  const { bytes: source, options, fileName } = request;
  const totalBytes = sizeOf(source);
  const tabSeparated = /\.(tsv|tab)$/i.test(fileName);
  const importer = createCsvImporter({
    ...typeOptions(options),
    delimiter:
      options.delimiter && options.delimiter !== 'auto'
        ? options.delimiter
        : tabSeparated
          ? '\t'
          : 'auto',
    ...(options.header === undefined ? {} : { header: options.header }),
    totalBytes,
    signal,
  });
  let reported = 0;
  let lastReport = -Infinity;
  for await (const chunk of chunksOf(source, CHUNK_BYTES, signal)) {
    if (!importer.push(chunk)) break;
    if (importer.bytesRead - reported < CHUNK_BYTES && importer.bytesRead < totalBytes) continue;
    reported = importer.bytesRead;
    const now = performance.now();
    if (now - lastReport >= PROGRESS_MS || reported >= totalBytes) {
      lastReport = now;
      progress({ phase: 'parse', bytes: reported, totalBytes, rows: importer.rowsRead });
    }
    await yieldToEventLoop();
  }
  return importer.finish();
}

async function parse(
  format: ImportFormat,
  request: DataImportRequest,
  context: ParseContext,
): Promise<ImportResult> {
  const common = { ...typeOptions(request.options), signal: context.signal };
  if (format === 'csv') return parseCsvInChunks(request, context);
  const bytes = await readWhole(request.bytes);
  // Parquet's values are typed; its text cells still honour the chosen missing-value tokens.
  if (format === 'parquet') return parseParquet(bytes, common);
  if (format === 'jsonl') return parseJsonLines(bytes, common);
  return parseJson(bytes, common);
}

/**
 * Each column's hash: of the bytes of its values or codes, as the store hashes them. They are
 * remembered, so storing the columns here digests none of them again.
 */
async function hashColumns(columns: readonly Column[], signal: AbortSignal) {
  const hashes: string[] = [];
  for (const column of columns) {
    checkCancelled(signal);
    const bytes = columnBytes(column);
    const hash = await sha256(bytes);
    rememberHash(bytes, hash);
    hashes.push(hash);
  }
  return hashes;
}

const storeFailure = (error: StoreError): { ok: false; storeFailure: DataStoreFailure } => ({
  ok: false,
  storeFailure: {
    kind: error.kind,
    message: error.message,
    ...(error.where === undefined ? {} : { where: error.where }),
  },
});

interface ImportToStore {
  save: DataImportSave;
  table: Table;
  transform: NewDataset['transform'];
  profile: DatasetProfile;
  images?: NewDataset['images'];
}

type Stored = NonNullable<Extract<DataImportOutcome, { ok: true }>['stored']>;
type StoreFailed = Extract<DataImportOutcome, { ok: false }>;
type StoreProgress = Extract<DataImportProgress, { phase: 'store' }>;

/** The data worker's implementation; the worker file only exposes it. */
export function createDataService(options: DataServiceOptions = {}): DataApi {
  const jobs = createJobRegistry();
  const transfer = options.transfer ?? (<T>(value: T) => value);
  const decodeImage = options.decodeImage ?? browserImageDecoder();
  const openStore = options.openStore ?? ((dbName) => WorkspaceStore.open({ dbName }));
  let maker: BlobMaker | null = null;
  let makerFailed = false;
  /** The blob maker, started on first use; null without one, or when it cannot start. */
  const blobMaker = (): BlobMaker | null => {
    if (maker || makerFailed || !options.blobMaker) return maker;
    try {
      maker = options.blobMaker();
    } catch {
      makerFailed = true;
    }
    return maker;
  };

  /**
   * Writes an imported table as a new dataset through the same store code the page uses (same
   * records, blobs, hashes and audit events), and the store tells every open view and tab.
   * A cancel before the write stores nothing; one that arrives while the write runs removes
   * the dataset again once it is written, since the page has told the user nothing was kept.
   */
  async function storeImport(
    input: ImportToStore,
    { signal, progress }: { signal: AbortSignal; progress: (progress: StoreProgress) => void },
  ): Promise<Stored | StoreFailed> {
    if (signal.aborted) return { ok: false, error: cancelledError() };
    let store: WorkspaceStore;
    try {
      store = await openStore(input.save.dbName);
    } catch (error) {
      if (error instanceof StoreError) return storeFailure(error);
      throw error;
    }
    try {
      if (signal.aborted) return { ok: false, error: cancelledError() };
      const bytes =
        input.table.columns.reduce((sum, column) => sum + columnArray(column).byteLength, 0) +
        (input.images ?? []).reduce((sum, image) => sum + image.data.byteLength, 0);
      progress({ phase: 'store', bytes });
      const stored = await createDataset(store, input.save.workspaceId, {
        name: input.save.name,
        table: input.table,
        transform: input.transform,
        profile: input.profile,
        ...(input.images ? { images: input.images } : {}),
      });
      if (signal.aborted) {
        await deleteDataset(store, stored.dataset.id);
        return { ok: false, error: cancelledError() };
      }
      return stored;
    } catch (error) {
      if (error instanceof StoreError) return storeFailure(error);
      throw error;
    } finally {
      store.close();
    }
  }

  async function importFile(
    jobId: string,
    request: DataImportRequest,
    events: Parameters<DataApi['importFile']>[2],
  ): Promise<DataImportOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      let imported: ImportResult;
      let format: ImportFormat;
      try {
        format = await chooseFormat(request);
        imported = await parse(format, request, { signal, progress });
      } catch (error) {
        if (error instanceof UnreadableFile) return { ok: false, error: unreadable(error) };
        if (!isReadError(error)) throw error;
        return { ok: false, error: unreadable(error) };
      }
      if (!imported.ok) return { ok: false, error: imported.error };
      let profile;
      let hashes;
      // The digests (one column at a time: each copies its input) run beside the profile: the
      // browser computes them off this thread, so they cost the import no time of their own.
      // So do the blobs the store will write, on the blob maker's thread.
      const hashing = hashColumns(imported.table.columns, signal);
      hashing.catch(() => undefined);
      const maker = request.save ? blobMaker() : null;
      const preparing = maker ? prepareColumnBlobs(imported.table, maker, signal) : null;
      try {
        profile = await profileTableAsync(imported.table, {
          signal,
          onProgress: ({ done, total }) => progress({ phase: 'profile', done, total }),
        });
        hashes = await hashing;
      } catch (error) {
        if (preparing) forgetColumnBlobs(await preparing);
        if (error instanceof TrainingError && error.kind === 'cancelled') {
          return { ok: false, error: cancelledError() };
        }
        throw error;
      }
      let stored: Stored | undefined;
      if (request.save) {
        const prepared = preparing ? await preparing : [];
        const saved = await storeImport(
          {
            save: request.save,
            table: imported.table,
            transform: importTransform(
              request.fileName,
              format,
              request.options,
              imported.meta,
              imported.warnings,
            ),
            profile,
          },
          { signal, progress },
        ).finally(() => forgetColumnBlobs(prepared));
        if ('ok' in saved) return saved;
        stored = saved;
      }
      const columns = [...imported.table.columns];
      const outcome: DataImportOutcome = {
        ok: true,
        format,
        columns,
        hashes,
        rows: imported.table.rowCount,
        meta: imported.meta,
        profile,
        warnings: [...imported.warnings],
        ...(stored ? { stored } : {}),
      };
      return transfer(outcome, columnBuffers(columns));
    });
  }

  async function importFolder(
    jobId: string,
    request: DataFolderRequest,
    events: Parameters<DataApi['importFolder']>[2],
  ): Promise<DataFolderOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      const planned = planFolder(
        request.files.map((file) => ({ path: file.path, size: file.file.size })),
        { folderName: request.folderName, ...(request.kind ? { kind: request.kind } : {}) },
      );
      if (!planned.ok) return planned;
      const { plan } = planned;
      const totalBytes = plan.bytes;
      const read = await readFolder(plan, {
        read: async (item: FolderItem) =>
          new Uint8Array(
            await (
              request.files[item.source] as DataFolderRequest['files'][number]
            ).file.arrayBuffer(),
          ),
        hash: sha256,
        ...(decodeImage ? { decodeImage } : {}),
        encoding: request.encoding ?? 'auto',
        signal,
        onProgress: ({ done, total, bytes }) =>
          progress({ phase: 'read', done, total, bytes, totalBytes }),
      });
      if (!read.ok) return read;
      let profile;
      try {
        profile = profileImages(
          await profileTableAsync(read.table, {
            signal,
            target: 'label',
            onProgress: ({ done, total }) => progress({ phase: 'profile', done, total }),
          }),
          read.table,
        );
      } catch (error) {
        if (error instanceof TrainingError && error.kind === 'cancelled') {
          return { ok: false, error: cancelledError() };
        }
        throw error;
      }
      let stored: Stored | undefined;
      if (request.save) {
        const saved = await storeImport(
          {
            save: request.save,
            table: read.table,
            transform: folderTransform(request, plan.kind, read.skipped.length),
            profile,
            images: read.images.map((image) => ({ data: image.bytes, type: image.type })),
          },
          { signal, progress },
        );
        if ('ok' in saved) return saved;
        stored = saved;
      }
      const columns = [...read.table.columns];
      // Stored here, the images are not needed on the page.
      const images = stored ? [] : read.images.map((image) => ({ ...image }));
      const outcome: DataFolderOutcome = {
        ok: true,
        kind: plan.kind,
        columns,
        rows: read.table.rowCount,
        profile,
        images,
        skipped: [...read.skipped],
        counts: { ...plan.counts },
        labels: [...plan.labels],
        warnings: [...read.warnings],
        ...(stored ? { stored } : {}),
      };
      const imageBuffers = new Set(images.map((image) => image.bytes.buffer as ArrayBuffer));
      return transfer(outcome, [...columnBuffers(columns), ...imageBuffers]);
    });
  }

  async function prepare(
    jobId: string,
    request: DataPrepareRequest,
    events: Parameters<DataApi['prepare']>[2],
  ): Promise<DataPrepareOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      progress({ phase: 'prepare' });
      let produced;
      try {
        const tables = new Map(
          request.inputs.map((input) => [input.versionId, new Table(input.columns)] as const),
        );
        produced = applyStep(new Table(request.columns), request.step, { tables });
      } catch (error) {
        if (error instanceof PrepareError) return { ok: false, error: toFailure(error) };
        if (error instanceof TableError) {
          return { ok: false, error: { code: 'invalid-step', message: error.message } };
        }
        throw error;
      }
      const outputs: DataPrepareOutput[] = [];
      try {
        for (const [index, { role, table }] of produced.entries()) {
          await yieldToEventLoop();
          const columns = shareColumns(table.columns, request.columns);
          const profile = await profileTableAsync(table, {
            signal,
            onProgress: ({ done, total }) =>
              progress({ phase: 'profile', output: index, outputs: produced.length, done, total }),
            ...(request.profile
              ? {
                  reuse: {
                    profile: request.profile,
                    columns: unchangedFrom(columns, table.columns, request.columns),
                  },
                }
              : {}),
          });
          const hashes: (string | null)[] = [];
          for (const column of columns) {
            checkCancelled(signal);
            hashes.push('shared' in column ? null : await sha256(columnBytes(column)));
          }
          outputs.push({ role, columns, hashes, rows: table.rowCount, profile });
        }
      } catch (error) {
        if (error instanceof TrainingError && error.kind === 'cancelled') {
          return { ok: false, error: { code: 'cancelled', message: 'Preparing was cancelled.' } };
        }
        throw error;
      }
      const outcome: DataPrepareOutcome = { ok: true, outputs };
      return transfer(outcome, ownBuffers(outputs.flatMap((output) => output.columns)));
    });
  }

  async function associations(jobId: string, request: DataAssociationsRequest) {
    return jobs.run(jobId, undefined, async () => {
      const table = new Table(request.columns);
      return associationMatrix(table, {
        maxRows: Math.max(1, table.rowCount),
        maxColumns: request.maxColumns ?? table.columns.length,
        ...(request.maxCategories === undefined ? {} : { maxCategories: request.maxCategories }),
      });
    });
  }

  async function boxSummaries(jobId: string, request: DataBoxStatsRequest) {
    return jobs.run(jobId, undefined, async () => boxesOf(request.grouped, request.maxOutliers));
  }

  return {
    importFile,
    importFolder,
    prepare,
    associations,
    boxStats: boxSummaries,
    cancel: (jobId) => jobs.cancel(jobId),
  };
}
