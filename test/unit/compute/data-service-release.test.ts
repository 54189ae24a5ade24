import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataService } from '../../../src/compute/data-service';
import { seededRandom } from '../../../src/core/random';

type Transfer = (this: ArrayBuffer, byteLength?: number) => ArrayBuffer;
const prototype = ArrayBuffer.prototype as ArrayBuffer & { transfer?: Transfer };
const original = prototype.transfer;

/**
 * `ArrayBuffer.prototype.transfer` as browsers have it: the source is detached (its views read
 * as empty).
 */
const detachingTransfer: Transfer = function (byteLength) {
  const length = byteLength ?? this.byteLength;
  const moved = structuredClone(this, { transfer: [this] });
  const out = new Uint8Array(length);
  out.set(new Uint8Array(moved, 0, Math.min(length, moved.byteLength)));
  return out.buffer;
};

/** A Blob whose stream hands out 64 KB pieces, each kept here to be looked at afterwards. */
class KeptPiecesBlob extends Blob {
  readonly pieces: Uint8Array[] = [];

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const pieces = this.pieces;
    const size = this.size;
    let offset = 0;
    const piece = (start: number) => super.slice(start, start + 65_536);
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      async pull(controller) {
        if (offset >= size) {
          controller.close();
          return;
        }
        const bytes = new Uint8Array(await piece(offset).arrayBuffer());
        offset += bytes.byteLength;
        pieces.push(bytes);
        controller.enqueue(bytes);
      },
    });
  }
}

function csv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const lines = ['x,group,note'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${(random() * 100).toFixed(3)},g${i % 7},${'n'.repeat(1 + (i % 90))}`);
  }
  return `${lines.join('\n')}\n`;
}

// In Chromium a buffer read from a Blob keeps its memory until its wrapper is collected, and a
// detached one no longer counts towards the collector's budget: detaching each piece once parsed
// kept the whole file in memory until the end of the import. The pieces are left alone.
describe('pieces read from a Blob are left to the collector', () => {
  beforeEach(() => {
    prototype.transfer = detachingTransfer;
  });
  afterEach(() => {
    if (original) prototype.transfer = original;
    else Reflect.deleteProperty(prototype, 'transfer');
  });

  for (const [label, rows] of [
    ['a file of many pieces', 40_000],
    ['a file smaller than the first bytes sniffed', 40],
  ] as const) {
    it(`never detaches them, and gives the same table as the bytes themselves: ${label}`, async () => {
      const service = createDataService();
      const text = csv(rows, rows);
      const blob = new KeptPiecesBlob([text]);
      const fromBlob = await service.importFile(
        'blob',
        { bytes: blob, fileName: 'rows.csv', options: {} },
        () => undefined,
      );
      const fromBytes = await service.importFile(
        'bytes',
        { bytes: new TextEncoder().encode(text), fileName: 'rows.csv', options: {} },
        () => undefined,
      );
      if (!fromBlob.ok || !fromBytes.ok) throw new Error('the import failed');
      expect(fromBlob.rows).toBe(rows);
      expect(fromBlob.columns).toEqual(fromBytes.columns);
      expect(fromBlob.profile).toEqual(fromBytes.profile);
      expect(blob.pieces.length).toBe(Math.ceil(blob.size / 65_536));
      expect(blob.pieces.filter((piece) => piece.buffer.byteLength === 0)).toEqual([]);
    });
  }
});
