import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  createCsvPartReader,
  parseCsv,
  partTransferables,
  type CsvOptions,
  type CsvPart,
} from '../../../../src/core/data/csv/importer';
import {
  importCsvSplit,
  type CsvByteSource,
  type CsvPartHelper,
} from '../../../../src/core/data/csv/split';
import type { ImportResult } from '../../../../src/core/data/types';
import { randomInt, seededRandom, type Random } from '../../../../src/core/random';

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;

/** Bytes in memory read in pieces of `chunk` bytes. */
function memorySource(bytes: Uint8Array, chunk: number): CsvByteSource {
  return {
    size: bytes.length,
    async *chunks(start, end) {
      for (let at = start; at < end; at += chunk) yield bytes.slice(at, Math.min(end, at + chunk));
    },
    read: (start, end) => Promise.resolve(bytes.slice(start, end)),
  };
}

/**
 * Reads the part here, and hands it over as a worker would receive it: cloned, its column
 * buffers moved.
 */
function localHelper(bytes: Uint8Array, chunk: number): CsvPartHelper {
  return (settings, start, end, onProgress) => {
    const reader = createCsvPartReader(structuredClone(settings), { totalBytes: end - start });
    for (let at = start; at < end; at += chunk) {
      if (!reader.push(bytes.slice(at, Math.min(end, at + chunk)))) break;
      onProgress(reader.bytesRead);
    }
    const part = reader.finish();
    return Promise.resolve(structuredClone(part, { transfer: partTransferables(part) }) as CsvPart);
  };
}

/** Everything an import gives, in a form `toEqual` compares exactly. */
function comparable(result: ImportResult) {
  if (!result.ok) return { error: result.error };
  return {
    columns: result.table.columns.map((column) => ({ ...column })),
    warnings: result.warnings,
    meta: result.meta,
  };
}

/**
 * The import read in two halves, and the same bytes read in order by one importer, in the same
 * chunks as the first half's reader took them (which error of a chunk is met first depends on
 * how the input is cut, in both ways alike).
 */
async function bothWays(bytes: Uint8Array, options: CsvOptions, chunk: number) {
  const memory = memorySource(bytes, chunk);
  const read: [number, number][] = [];
  const recording: CsvByteSource = {
    ...memory,
    async *chunks(start, end) {
      for await (const piece of memory.chunks(start, end)) {
        read.push([start, start + piece.length]);
        start += piece.length;
        yield piece;
      }
    },
  };
  const split = await importCsvSplit(recording, localHelper(bytes, chunk), {
    ...options,
    minSplitBytes: 0,
  });
  const importer = createCsvImporter({ ...options, totalBytes: bytes.length });
  let at = 0;
  for (const [start, end] of read) {
    importer.push(bytes.subarray(start, end));
    at = end;
  }
  importer.push(bytes.subarray(at));
  return { serial: importer.finish(), split };
}

/**
 * A table whose halves may read differently: columns that turn from numbers to text, from
 * missing to present, datetimes in two layouts, quoted fields holding line breaks, missing
 * tokens, ragged rows, text past ASCII.
 */
function generate(random: Random): string {
  const delimiter = pick(random, [',', ';', '\t']);
  const newline = pick(random, ['\n', '\r\n']);
  const columns = 2 + randomInt(random, 6);
  // Enough rows that the middle lies past the first 64 KB, which settle the delimiter.
  const rows = 4500 + randomInt(random, 3000);
  const kinds = Array.from({ length: columns }, () => randomInt(random, 12));
  const switchAt = Array.from({ length: columns }, () => randomInt(random, rows));
  const quote = (text: string) =>
    /[",;\t\r\n]/.test(text) || random() < 0.02 ? `"${text.replace(/"/g, '""')}"` : text;
  const cell = (kind: number, row: number, j: number): string => {
    const late = row >= (switchAt[j] as number);
    switch (kind) {
      case 0:
        return String(randomInt(random, 1000) - 500);
      case 1:
        return (random() * 100).toFixed(randomInt(random, 4));
      case 2:
        // Numbers, then a text from some row on.
        return late && random() < 0.3 ? pick(random, ['n/a?', 'abc', 'x1']) : String(row);
      case 3:
        // Missing until some row.
        return late ? String(randomInt(random, 9)) : pick(random, ['', 'NA']);
      case 4:
        return late
          ? `2024-03-${String(1 + randomInt(random, 28)).padStart(2, '0')}T10:00:00`
          : `2024-03-${String(1 + randomInt(random, 28)).padStart(2, '0')}`;
      case 5:
        return pick(random, ['red', 'green', 'blue', 'café', '数据', 'say "hi"']);
      case 6:
        return pick(random, ['true', 'false', '']);
      case 7:
        return random() < 0.1 ? `line\nbreak ${row}` : `t${randomInt(random, 50)}`;
      case 8:
        // Non-canonical numbers, which the reader keeps the text of.
        return pick(random, ['1.50', '007', '2.0', '1e3', '12']);
      case 9:
        return late ? pick(random, ['1', '2', '']) : pick(random, ['a', 'b']);
      case 10:
        return random() < 0.01 ? '12345678901234567890' : String(randomInt(random, 100));
      default:
        return '';
    }
  };
  const lines = [Array.from({ length: columns }, (_, j) => `c${j}`).join(delimiter)];
  const ragged = random() < 0.3 ? 0.0005 : 0;
  for (let r = 0; r < rows; r++) {
    const width = random() < ragged ? randomInt(random, columns + 2) : columns;
    const cells = Array.from({ length: width }, (_, j) => quote(cell(kinds[j] ?? 11, r, j)));
    lines.push(cells.join(delimiter));
    if (random() < 0.001) lines.push('');
  }
  return lines.join(newline) + (random() < 0.8 ? newline : '');
}

function encode(random: Random, text: string): Uint8Array {
  const choice = randomInt(random, 4);
  if (choice === 0) return new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
  if (choice === 1) return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

describe('a CSV read in two halves at once', () => {
  it('gives the table, warnings and errors of one read in order, on hundreds of inputs', async () => {
    const random = seededRandom(20_261_130);
    let joined = 0;
    const runs = 100;
    for (let run = 0; run < runs; run++) {
      let bytes = encode(random, generate(random));
      if (random() < 0.2) {
        // A stray byte somewhere: a quote, a NUL, a byte past UTF-8.
        const at = randomInt(random, bytes.length);
        const copy = new Uint8Array(bytes.length + 1);
        copy.set(bytes.subarray(0, at));
        copy[at] = pick(random, [0x22, 0x00, 0xff, 0xe9]);
        copy.set(bytes.subarray(at), at + 1);
        bytes = copy;
      }
      const options: CsvOptions = {
        ...(random() < 0.3 ? { ragged: pick(random, ['pad', 'truncate'] as const) } : {}),
        ...(random() < 0.2 ? { encoding: pick(random, ['utf-8', 'latin1'] as const) } : {}),
        ...(random() < 0.2 ? { types: { c0: pick(random, ['numeric', 'categorical'] as const) } } : {}),
        ...(random() < 0.1 ? { missing: ['', '-999'] } : {}),
      };
      const chunk = 16 + randomInt(random, 2048);
      const { serial, split } = await bothWays(bytes, options, chunk);
      expect(comparable(split.result), `run ${run}`).toEqual(comparable(serial));
      if (split.joined) joined++;
    }
    // Both ways are taken: joined, and read again where the halves disagree (a column of numbers
    // that turns to text, two datetime layouts, an error, a stray byte).
    expect(joined).toBeGreaterThan(runs / 10);
    expect(joined).toBeLessThan(runs);
  });

  it('joins a clean table without reading the second half again', async () => {
    const lines = ['id,price,when,city'];
    for (let r = 0; r < 5000; r++) {
      lines.push(`${r},${(r * 1.25).toFixed(2)},2024-01-${String(1 + (r % 28)).padStart(2, '0')},c${r % 7}`);
    }
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    const { serial, split } = await bothWays(bytes, {}, 4096);
    expect(split.joined).toBe(true);
    expect(comparable(split.result)).toEqual(comparable(serial));
    expect(split.result.ok && split.result.table.rowCount).toBe(5000);
  });

  it('reads the second half itself when the middle falls inside a quoted field', async () => {
    const note = `"${Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n')}"`;
    const bytes = new TextEncoder().encode(`id,note\n1,a\n2,${note}\n3,b\n`);
    const { serial, split } = await bothWays(bytes, {}, 256);
    expect(split.joined).toBe(false);
    expect(comparable(split.result)).toEqual(comparable(serial));
    expect(split.result.ok && split.result.table.rowCount).toBe(3);
  });

  it('reports an error in the second half on its line in the whole file', async () => {
    const lines = ['a,b'];
    for (let r = 0; r < 3000; r++) lines.push(r === 2500 ? `${r}` : `${r},${r}`);
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    const { serial, split } = await bothWays(bytes, {}, 1000);
    expect(split.result.ok).toBe(false);
    expect(split.result.ok === false && split.result.error.line).toBe(2502);
    expect(comparable(split.result)).toEqual(comparable(serial));
  });

  it('reads files below the threshold in one piece, and stops the helper when the first half fails', async () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n3,4\n');
    let asked = 0;
    const helper: CsvPartHelper = (...args) => {
      asked++;
      return localHelper(bytes, 4)(...args);
    };
    const small = await importCsvSplit(memorySource(bytes, 4), helper, {});
    expect(small.joined).toBe(false);
    expect(asked).toBe(0);

    const lines = ['a,b'];
    for (let r = 0; r < 40_000; r++) lines.push(r === 15_000 ? `${r}` : `${r},${r}`);
    const broken = new TextEncoder().encode(lines.join('\n'));
    let aborted = false;
    const watching: CsvPartHelper = (settings, start, end, progress, signal) => {
      signal.addEventListener('abort', () => {
        aborted = true;
      });
      return localHelper(broken, 512)(settings, start, end, progress, signal);
    };
    const { result } = await importCsvSplit(memorySource(broken, 4096), watching, {
      minSplitBytes: 0,
    });
    expect(result.ok === false && result.error.line).toBe(15_002);
    expect(comparable(result)).toEqual(comparable(parseCsv(broken)));
    expect(aborted).toBe(true);
  });
});
