import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataService } from '../../../src/compute/data-service';
import { seededRandom } from '../../../src/core/random';

type Transfer = (this: ArrayBuffer, byteLength?: number) => ArrayBuffer;
const prototype = ArrayBuffer.prototype as ArrayBuffer & { transfer?: Transfer };
const original = prototype.transfer;

/**
 * `ArrayBuffer.prototype.transfer` as browsers have it: the source is detached (its views read
 * as empty), so a chunk freed while the importer still needs it changes the table.
 */
const detachingTransfer: Transfer = function (byteLength) {
  const length = byteLength ?? this.byteLength;
  const moved = structuredClone(this, { transfer: [this] });
  const out = new Uint8Array(length);
  out.set(new Uint8Array(moved, 0, Math.min(length, moved.byteLength)));
  return out.buffer;
};

function csv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const lines = ['x,group,note'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${(random() * 100).toFixed(3)},g${i % 7},${'n'.repeat(1 + (i % 90))}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('slices read from a Blob are freed once parsed', () => {
  beforeEach(() => {
    prototype.transfer = detachingTransfer;
  });
  afterEach(() => {
    if (original) prototype.transfer = original;
    else Reflect.deleteProperty(prototype, 'transfer');
  });

  for (const [label, rows] of [
    ['a file of many slices', 40_000],
    ['a file smaller than the first bytes sniffed', 40],
  ] as const) {
    it(`gives the same table as the bytes themselves: ${label}`, async () => {
      const service = createDataService();
      const text = csv(rows, rows);
      const fromBlob = await service.importFile(
        'blob',
        { bytes: new Blob([text]), fileName: 'rows.csv', options: {} },
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
    });
  }
});
