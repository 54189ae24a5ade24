import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/core/data';
import { ColumnBuilder, SPARE_ROOM_KEPT } from '../../../../src/core/data/column-builder';
import { MissingTokens } from '../../../../src/core/data/missing';
import { summarizeNumbers } from '../../../../src/core/data/profile/numeric';
import { ProfileScratch } from '../../../../src/core/data/profile/scratch';
import { sortFloat64 } from '../../../../src/core/data/profile/sort';
import { randomInt, randomNormal, seededRandom } from '../../../../src/core/random';
import { isNumberColumn } from '../../../../src/core/table';

const arrayOf = (column: Parameters<typeof isNumberColumn>[0]) =>
  isNumberColumn(column) ? column.values : column.codes;

describe('finished columns own buffers of exactly their size, or keep a little spare room', () => {
  it('trims the room a builder reserved, for numbers and for codes', () => {
    const numbers = new ColumnBuilder('infer', new MissingTokens(), 46, 10_000);
    const strings = new ColumnBuilder('string', new MissingTokens(), 46, 10_000);
    for (let i = 0; i < 9_000; i++) {
      numbers.pushText(String(i / 4));
      strings.pushText(`level ${i % 7}`);
    }
    const values = numbers.takeValues();
    const codes = strings.takeCodes();
    expect(values.length).toBe(9_000);
    expect(values.byteOffset).toBe(0);
    expect(values.buffer.byteLength).toBe(9_000 * 8);
    expect(values[8_999]).toBe(8_999 / 4);
    expect(codes.buffer.byteLength).toBe(9_000 * 4);
    expect(codes[13]).toBe(6);
  });

  it('keeps a column with little spare room in its buffer, without copying it', () => {
    const builder = new ColumnBuilder('infer', new MissingTokens(), 46, 10_000);
    for (let i = 0; i < 9_800; i++) builder.pushText(String(i / 4));
    const values = builder.takeValues();
    expect(values.length).toBe(9_800);
    expect(values[9_799]).toBe(9_799 / 4);
    // Neither moved (`transfer` to a shorter length copies) nor copied.
    expect(values.byteOffset).toBe(0);
    expect(values.buffer.byteLength).toBe(10_000 * 8);
    expect(1 - 9_800 / 10_000).toBeLessThanOrEqual(SPARE_ROOM_KEPT);
  });

  it('gives every column of a parsed CSV a buffer of its own, sized to its rows', () => {
    const random = seededRandom(3);
    // Short rows first: the reservation made from the first rows overestimates the row count.
    const lines = ['id,x,city'];
    for (let i = 0; i < 20_000; i++) {
      lines.push(`${i},${randomNormal(random).toFixed(3)},c${randomInt(random, 40)}`);
    }
    const result = parseCsv(lines.join('\n'));
    if (!result.ok) throw new Error(result.error.message);
    const buffers = new Set<ArrayBufferLike>();
    for (const column of result.table.columns) {
      const array = arrayOf(column);
      expect(array.length).toBe(20_000);
      expect(array.byteOffset).toBe(0);
      expect(array.buffer.byteLength).toBe(array.byteLength);
      buffers.add(array.buffer);
    }
    expect(buffers.size).toBe(3);
  });
});

describe('ProfileScratch', () => {
  it('sorts as the built-in sort does while reusing its buffers across lengths (10 seeds)', () => {
    const scratch = new ProfileScratch();
    for (let seed = 1; seed <= 10; seed++) {
      const random = seededRandom(seed);
      const n = [60_000, 5_000, 30_000][seed % 3] as number;
      const values = Float64Array.from({ length: n }, () => (random() - 0.5) * 1e6);
      const expected = values.slice().sort();
      sortFloat64(values, scratch);
      const wrong = values.findIndex((value, i) => value !== expected[i]);
      expect(wrong, `seed ${seed}`).toBe(-1);
    }
  });

  it('gives the same summaries as fresh buffers, column after column', () => {
    const random = seededRandom(7);
    const scratch = new ProfileScratch();
    const columns = [
      Float64Array.from({ length: 40_000 }, () => randomNormal(random)),
      Float64Array.from({ length: 12_000 }, () => (random() < 0.1 ? NaN : random() * 1e3)),
      Float64Array.from({ length: 40_000 }, () => Math.exp(randomNormal(random))),
    ];
    for (const values of columns) {
      const options = { exactLimit: 1e9, topValues: 5, maxBins: 40 };
      const fresh = summarizeNumbers(values, 'numeric', { ...options, random: seededRandom(1) });
      const reused = summarizeNumbers(values, 'numeric', {
        ...options,
        random: seededRandom(1),
        scratch,
      });
      expect(reused).toEqual(fresh);
    }
  });
});
