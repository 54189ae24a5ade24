import { randomInt, seededRandom } from '../../random';
import type { Table } from '../../table';
import { PrepareError } from './errors';
import { takeRows } from './table-utils';

/** How many rows a size means: a fraction (0…1) of them, or a whole number. */
export function rowCountOf(size: number, rows: number, step: string): number {
  let count: number;
  if (size > 0 && size < 1) count = Math.round(size * rows);
  else if (Number.isInteger(size) && size >= 1) count = size;
  else {
    throw new PrepareError(
      'invalid-step',
      `${step}: the size must be a fraction between 0 and 1 or a whole number of rows, not ${size}.`,
    );
  }
  return count;
}

/** `count` distinct row indices of `rows`, uniformly at random, ascending (Floyd's method). */
export function randomRows(rows: number, count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const chosen = new Uint8Array(rows);
  for (let j = rows - count; j < rows; j++) {
    const pick = randomInt(random, j + 1);
    chosen[chosen[pick] ? j : pick] = 1;
  }
  const out = new Int32Array(count);
  let k = 0;
  for (let row = 0; row < rows; row++) if (chosen[row]) out[k++] = row;
  return out;
}

/** A seeded random sample of rows without replacement, in their original order. */
export function sampleTable(table: Table, size: number, seed: number): Table {
  const count = rowCountOf(size, table.rowCount, 'Sample rows');
  if (count > table.rowCount) {
    throw new PrepareError(
      'invalid-step',
      `Sample rows: ${count.toLocaleString('en-US')} rows were asked for; there are ${table.rowCount.toLocaleString('en-US')}.`,
    );
  }
  if (count === table.rowCount) return table;
  if (count === 0)
    throw new PrepareError('empty-result', 'Sample rows: the sample would be empty.');
  return takeRows(table, randomRows(table.rowCount, count, seed));
}
