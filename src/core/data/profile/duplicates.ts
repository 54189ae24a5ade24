import { isNumberColumn, type Column, type Table } from '../../table';
import { mix32 } from './hyperloglog';

function sameCell(column: Column, a: number, b: number): boolean {
  if (isNumberColumn(column)) {
    const x = column.values[a] as number;
    const y = column.values[b] as number;
    return x === y || (x !== x && y !== y);
  }
  return column.codes[a] === column.codes[b];
}

/**
 * Counts rows equal to an earlier row in every column (pandas' `duplicated().sum()`). Rows are
 * hashed column by column, an open-addressing table finds candidates with the same hash, and
 * candidates are compared cell by cell, so the count is exact whatever the hashes collide on. Relies on each
 * dictionary holding distinct strings, so equal strings have equal codes.
 */
export function countDuplicateRows(table: Table): number {
  const n = table.rowCount;
  if (n < 2 || table.columns.length === 0) return 0;
  const hashes = new Uint32Array(n).fill(0x9e3779b9);
  for (const column of table.columns) {
    if (isNumberColumn(column)) {
      const values = column.values;
      const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
      for (let i = 0; i < n; i++) {
        const value = values[i] as number;
        // −0 hashes as 0 and every NaN alike, as they compare equal in sameCell.
        const plain = value === value && value !== 0;
        const low = plain ? (words[2 * i] as number) : value === 0 ? 0 : 1;
        const high = plain ? (words[2 * i + 1] as number) : 0x7ff80000;
        let h = Math.imul((hashes[i] as number) ^ low, 0x9e3779b1);
        h = Math.imul(h ^ high, 0x85ebca77);
        hashes[i] = h ^ (h >>> 15);
      }
    } else {
      const codes = column.codes;
      for (let i = 0; i < n; i++) {
        const h = Math.imul((hashes[i] as number) ^ (codes[i] as number), 0x9e3779b1);
        hashes[i] = h ^ (h >>> 15);
      }
    }
  }
  for (let i = 0; i < n; i++) hashes[i] = mix32(hashes[i] as number);
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const columns = table.columns;
  let duplicates = 0;
  for (let row = 0; row < n; row++) {
    const hash = hashes[row] as number;
    let slot = hash & mask;
    for (;;) {
      const other = slots[slot] as number;
      if (other < 0) {
        slots[slot] = row;
        break;
      }
      if (hashes[other] === hash) {
        let equal = true;
        for (let c = 0; c < columns.length && equal; c++) {
          equal = sameCell(columns[c] as Column, other, row);
        }
        if (equal) {
          duplicates++;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
  return duplicates;
}
