import { describe, expect, it } from 'vitest';
import { associationMatrix } from '../../../src/core/data/associations';
import { boxStats, groupValues } from '../../../src/core/data/chart-data';
import { Table, type NumberColumn } from '../../../src/core/table';
import { createDataService } from '../../../src/compute/data-service';
import type { DataImportProgress } from '../../../src/compute/data-api';
import type { JobEvent } from '../../../src/compute/events';
import { seededRandom } from '../../../src/core/random';
import { sha256 } from '../../../src/store/hash';

/** The pieces a browser's Blob stream hands out (Chromium's are of this order). */
const PIECE_BYTES = 64 * 1024;

/**
 * A Blob whose stream hands out `PIECE_BYTES` at a time, as a browser's does, pulled on demand,
 * and counts what it handed out; it refuses to be read whole.
 */
class WatchedBlob extends Blob {
  readonly reads = { pieces: 0, bytes: 0 };

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const reads = this.reads;
    const size = this.size;
    const piece = (start: number) => super.slice(start, start + PIECE_BYTES);
    return new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        async pull(controller) {
          if (reads.bytes >= size) {
            controller.close();
            return;
          }
          const bytes = new Uint8Array(await piece(reads.bytes).arrayBuffer());
          reads.pieces++;
          reads.bytes += bytes.byteLength;
          controller.enqueue(bytes);
        },
      },
      { highWaterMark: 0 },
    );
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    throw new Error('the whole file was read at once');
  }
}

function watchedBlob(text: string) {
  const blob = new WatchedBlob([text]);
  return { blob, reads: blob.reads };
}

/** A file that was changed after it was chosen: reading its stream fails as a browser's does. */
class ChangedFile extends Blob {
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return new ReadableStream({
      pull(controller) {
        controller.error(new TypeError('The file changed.'));
      },
    });
  }
}

/** `rows` rows of about `width` bytes each. */
function csvRows(rows: number, seed: number, width = 60) {
  const random = seededRandom(seed);
  const note = 'n'.repeat(Math.max(1, width - 30));
  const lines = ['x,group,when,note'];
  for (let i = 0; i < rows; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${(random() * 100).toFixed(3)},g${i % 7},2024-01-${day},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

const progressOf = (events: JobEvent<DataImportProgress>[]) =>
  events.flatMap((event) => (event.type === 'progress' ? [event.progress] : []));

describe('importing a file in the data service', () => {
  it('reads a Blob as a stream, never whole, and gets the same table as from bytes', async () => {
    const service = createDataService();
    const text = csvRows(20_000, 3, 120);
    const { blob, reads } = watchedBlob(text);
    const events: JobEvent<DataImportProgress>[] = [];
    const fromBlob = await service.importFile(
      'blob',
      { bytes: blob, fileName: 'rows.csv', options: {} },
      (event) => events.push(event),
    );
    const fromBytes = await service.importFile(
      'bytes',
      { bytes: new TextEncoder().encode(text), fileName: 'rows.csv', options: {} },
      () => undefined,
    );
    if (!fromBlob.ok || !fromBytes.ok) throw new Error('the import failed');
    expect(fromBlob.rows).toBe(20_000);
    expect(blob.size).toBeGreaterThan(2 * 1024 * 1024);
    expect(fromBlob.columns).toEqual(fromBytes.columns);
    // The hashes sent with the columns are those the store would compute itself.
    const hashes = await Promise.all(
      fromBlob.columns.map((column) => {
        const array = 'values' in column ? column.values : column.codes;
        return sha256(new Uint8Array(array.slice().buffer));
      }),
    );
    expect(fromBlob.hashes).toEqual(hashes);
    expect(fromBlob.profile).toEqual(fromBytes.profile);
    expect(reads.bytes).toBe(blob.size);
    expect(reads.pieces).toBe(Math.ceil(blob.size / PIECE_BYTES));
    const parsed = progressOf(events).filter((progress) => progress.phase === 'parse');
    expect(parsed.at(-1)).toMatchObject({ bytes: blob.size, totalBytes: blob.size });
  });

  it('detects JSON from the first bytes of a Blob without an extension', async () => {
    const service = createDataService();
    const json = JSON.stringify([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    const outcome = await service.importFile(
      'json',
      { bytes: new Blob([json]), fileName: 'data', options: {} },
      () => undefined,
    );
    expect(outcome).toMatchObject({ ok: true, format: 'json', rows: 2 });
  });

  it('says so when the file cannot be read any more, and names no table', async () => {
    const service = createDataService();
    const broken = new ChangedFile(['x'.repeat(10_000)]);
    const outcome = await service.importFile(
      'gone',
      { bytes: broken, fileName: 'gone.csv', options: {} },
      () => undefined,
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    if (outcome.ok || !('error' in outcome)) return;
    expect(outcome.error.message).toMatch(/could not be read.*The file changed/);
  });

  it('stops reading a Blob when cancelled', async () => {
    const service = createDataService();
    const { blob, reads } = watchedBlob(csvRows(20_000, 5, 300));
    const outcome = await service.importFile(
      'cancel',
      { bytes: blob, fileName: 'big.csv', options: {} },
      (event) => {
        if (event.type === 'progress') service.cancel('cancel');
      },
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    // Progress comes once a megabyte has been parsed; the cancel stops the reading there, the
    // piece being parsed aside.
    expect(blob.size).toBeGreaterThan(5 * 1024 * 1024);
    expect(reads.bytes).toBeLessThanOrEqual(1024 * 1024 + 2 * PIECE_BYTES);
  });
});

describe('associations in the data service', () => {
  it('measures the columns it is given as the page would have', async () => {
    const service = createDataService();
    const random = seededRandom(11);
    const rows = Array.from({ length: 500 }, (_, i) => {
      const x = random();
      return { x, y: 2 * x + random() * 0.1, group: `g${i % 3}`, flag: i % 2 === 0 };
    });
    const table = Table.fromRows(rows);
    const measured = await service.associations('assoc', {
      columns: [...table.columns],
      maxColumns: 3,
    });
    const expected = associationMatrix(table, { maxColumns: 3 });
    expect(measured).toEqual(expected);
    expect(measured.columns.map((column) => column.name)).toEqual(['x', 'y', 'group']);
    expect(measured.values[0]?.[1]).toBeGreaterThan(0.9);
  });
});

describe('box plots in the data service', () => {
  it('summarises values the page split by group as the whole computation would', async () => {
    const service = createDataService();
    const random = seededRandom(5);
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      value: i % 97 === 0 ? null : random() * (1 + (i % 4)),
      group: i % 50 === 0 ? null : `g${i % 4}`,
    }));
    const table = Table.fromRows(rows);
    const values = table.column('value') as NumberColumn;
    const groups = table.column('group');
    const expected = boxStats(values, groups, null, { maxGroups: 3 });
    const grouped = groupValues(values, groups, null, 3);
    expect(grouped.buckets.map((bucket) => bucket.length)).toEqual(
      expected.map((box) => box.count),
    );
    expect(await service.boxStats('box', { grouped })).toEqual(expected);
    const selection = Int32Array.from({ length: 300 }, (_, i) => i * 5);
    expect(
      await service.boxStats('box-selection', {
        grouped: groupValues(values, groups, selection, 3),
      }),
    ).toEqual(boxStats(values, groups, selection, { maxGroups: 3 }));
  });
});
