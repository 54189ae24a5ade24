import {
  cancelledError,
  createCsvImporter,
  detectFormat,
  parseJson,
  parseJsonLines,
  parseParquet,
  profileTableAsync,
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
import { applyStep, PrepareError, toFailure } from '../core/data/prepare';
import { TrainingError } from '../core/errors/training-error';
import { Table, TableError, type Column } from '../core/table';
import { sha256 } from '../store/hash';
import type {
  DataApi,
  DataFolderOutcome,
  DataFolderRequest,
  DataImportOptions,
  DataImportOutcome,
  DataImportProgress,
  DataImportRequest,
  DataPrepareOutcome,
  DataPrepareOutput,
  DataPrepareRequest,
} from './data-api';
import { createJobRegistry } from './jobs';
import { yieldToEventLoop } from './yield';

const CHUNK_BYTES = 1024 * 1024;

export interface DataServiceOptions {
  /** Moves the outcome's typed arrays to the page instead of copying them (comlink.transfer). */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
  /** Decodes an image fully to check it; by default createImageBitmap where there is one. */
  decodeImage?: FolderReadOptions['decodeImage'];
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

function chooseFormat(request: DataImportRequest): ImportFormat {
  const chosen = request.options.format;
  return chosen && chosen !== 'auto' ? chosen : detectFormat(request.bytes, request.fileName);
}

function typeOptions(options: DataImportOptions) {
  return {
    encoding: options.encoding ?? 'auto',
    ...(options.missing ? { missing: options.missing } : {}),
  };
}

/** Feeds the CSV importer a chunk at a time, yielding between chunks so a cancel gets through. */
async function parseCsvInChunks(
  request: DataImportRequest,
  { signal, progress }: ParseContext,
): Promise<ImportResult> {
  const { bytes, options, fileName } = request;
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
    totalBytes: bytes.byteLength,
    signal,
  });
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    if (!importer.push(bytes.subarray(offset, offset + CHUNK_BYTES))) break;
    progress({
      phase: 'parse',
      bytes: importer.bytesRead,
      totalBytes: bytes.byteLength,
      rows: importer.rowsRead,
    });
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
  if (format === 'parquet') return parseParquet(request.bytes, { signal: context.signal });
  if (format === 'jsonl') return parseJsonLines(request.bytes, common);
  return parseJson(request.bytes, common);
}

function buffersOf(columns: readonly Column[]): Transferable[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of columns) {
    const array = 'values' in column ? column.values : column.codes;
    buffers.add(array.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** The data worker's implementation; the worker file only exposes it. */
export function createDataService(options: DataServiceOptions = {}): DataApi {
  const jobs = createJobRegistry();
  const transfer = options.transfer ?? (<T>(value: T) => value);
  const decodeImage = options.decodeImage ?? browserImageDecoder();

  async function importFile(
    jobId: string,
    request: DataImportRequest,
    events: Parameters<DataApi['importFile']>[2],
  ): Promise<DataImportOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      const format = chooseFormat(request);
      const imported = await parse(format, request, { signal, progress });
      if (!imported.ok) return { ok: false, error: imported.error };
      let profile;
      try {
        profile = await profileTableAsync(imported.table, {
          signal,
          onProgress: ({ done, total }) => progress({ phase: 'profile', done, total }),
        });
      } catch (error) {
        if (error instanceof TrainingError && error.kind === 'cancelled') {
          return { ok: false, error: cancelledError() };
        }
        throw error;
      }
      const columns = [...imported.table.columns];
      const outcome: DataImportOutcome = {
        ok: true,
        format,
        columns,
        rows: imported.table.rowCount,
        meta: imported.meta,
        profile,
        warnings: [...imported.warnings],
      };
      return transfer(outcome, buffersOf(columns));
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
      const columns = [...read.table.columns];
      const images = read.images.map((image) => ({ ...image }));
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
      };
      const imageBuffers = new Set(images.map((image) => image.bytes.buffer as ArrayBuffer));
      return transfer(outcome, [...buffersOf(columns), ...imageBuffers]);
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
          const profile = await profileTableAsync(table, {
            signal,
            onProgress: ({ done, total }) =>
              progress({ phase: 'profile', output: index, outputs: produced.length, done, total }),
          });
          outputs.push({ role, columns: [...table.columns], rows: table.rowCount, profile });
        }
      } catch (error) {
        if (error instanceof TrainingError && error.kind === 'cancelled') {
          return { ok: false, error: { code: 'cancelled', message: 'Preparing was cancelled.' } };
        }
        throw error;
      }
      const outcome: DataPrepareOutcome = { ok: true, outputs };
      return transfer(outcome, buffersOf(outputs.flatMap((output) => output.columns)));
    });
  }

  return { importFile, importFolder, prepare, cancel: (jobId) => jobs.cancel(jobId) };
}
