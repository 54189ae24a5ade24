import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectFormat, parseCsv, parseJson, parseJsonLines, parseParquet } from '../core/data';
import type { ImportResult } from '../core/data';
import type { Table } from '../core/table';
import { CliError } from './errors';

export interface ReadOptions {
  delimiter?: string;
  encoding?: 'auto' | 'utf-8' | 'latin1';
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CliError(`${path} is a folder, not a data file.`);
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
}

/** Reads a CSV, TSV, JSON, JSON Lines or Parquet file into a table, or fails saying where. */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table> {
  const bytes = await readBytes(path);
  if (!bytes.length) throw new CliError(`${path} is empty.`);
  const fileName = basename(path);
  const format = detectFormat(bytes, fileName);
  const encoding = options.encoding ?? 'auto';
  let result: ImportResult;
  if (format === 'parquet') result = await parseParquet(bytes);
  else if (format === 'json') result = parseJson(bytes, { encoding });
  else if (format === 'jsonl') result = parseJsonLines(bytes, { encoding });
  else {
    const delimiter = options.delimiter ?? (/\.(tsv|tab)$/i.test(fileName) ? '\t' : undefined);
    result = parseCsv(bytes, { encoding, ...(delimiter ? { delimiter } : {}) });
  }
  if (!result.ok) {
    const { message, line, column } = result.error;
    const where = [line !== undefined ? `line ${line}` : '', column ? `column “${column}”` : '']
      .filter(Boolean)
      .join(', ');
    throw new CliError(`${path}${where ? ` (${where})` : ''}: ${message}`, 1);
  }
  if (!result.table.rowCount) throw new CliError(`${path} has a header but no rows.`);
  return result.table;
}

export function parseJsonOption(text: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${flag} must be a JSON object, e.g. '{"max_iter": 200}'.`);
  }
  return value as Record<string, unknown>;
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0)
    throw new CliError(`--seed must be a whole number ≥ 0, got “${text}”.`);
  return seed;
}
