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
import { applyStep, PrepareError, toFailure } from '../core/data/prepare';
import { TrainingError } from '../core/errors/training-error';
import { Table, TableError, type Column } from '../core/table';
import type {
  DataApi,
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

  return { importFile, prepare, cancel: (jobId) => jobs.cancel(jobId) };
}
