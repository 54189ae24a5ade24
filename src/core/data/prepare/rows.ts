import { isNumberColumn, type Column, type Table } from '../../table';
import { mix32 } from '../profile/hyperloglog';
import { PrepareError } from './errors';
import { evaluateCondition } from './expression';
import { requireColumns, takeRows } from './table-utils';

/** Keeps the rows where the condition is true (false and missing rows go). */
export function filterByCondition(table: Table, condition: string): Table {
  return takeRows(table, evaluateCondition(table, condition));
}

function sameCell(column: Column, a: number, b: number): boolean {
  if (isNumberColumn(column)) {
    const x = column.values[a] as number;
    const y = column.values[b] as number;
    return x === y || (x !== x && y !== y);
  }
  return column.codes[a] === column.codes[b];
}

/**
 * The first row of each group of equal rows (equal in `columns`), in order: rows are hashed
 * column by column and candidates with equal hashes compared cell by cell, so the result is
 * exact whatever collides. Relies on dictionaries holding distinct strings.
 */
export function firstOfEqualRows(table: Table, columns: readonly Column[]): Int32Array {
  const n = table.rowCount;
  const hashes = new Uint32Array(n).fill(0x9e3779b9);
  for (const column of columns) {
    if (isNumberColumn(column)) {
      const values = column.values;
      const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
      for (let i = 0; i < n; i++) {
        const value = values[i] as number;
        // Every NaN hashes alike and −0 as 0, as they compare equal in sameCell.
        const plain = value === value && value !== 0;
        const low = plain ? (words[2 * i] as number) : value === 0 ? 0 : 1;
        const high = plain ? (words[2 * i + 1] as number) : 0x7ff80000;
        let h = Math.imul((hashes[i] as number) ^ low, 0x9e3779b1);
        h = Math.imul(h ^ high, 0x85ebca77);
        hashes[i] = h ^ (h >>> 15);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const h = Math.imul((hashes[i] as number) ^ (column.codes[i] as number), 0x9e3779b1);
        hashes[i] = h ^ (h >>> 15);
      }
    }
  }
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const kept = new Int32Array(n);
  let count = 0;
  for (let row = 0; row < n; row++) {
    const hash = mix32(hashes[row] as number);
    hashes[row] = hash;
    let slot = hash & mask;
    let duplicate = false;
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
          duplicate = true;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (!duplicate) kept[count++] = row;
  }
  return kept.slice(0, count);
}

/** Drops rows equal to an earlier row in the given columns (all columns by default). */
export function removeDuplicates(table: Table, columns?: readonly string[]): Table {
  const names = columns?.length ? columns : table.names;
  requireColumns(table, names, 'Remove duplicates');
  const kept = firstOfEqualRows(
    table,
    names.map((name) => table.column(name)),
  );
  return kept.length === table.rowCount ? table : takeRows(table, kept);
}

/** Throws when a step leaves nothing: a version with no rows helps no one. */
export function requireRows(table: Table, step: string): Table {
  if (table.rowCount === 0) {
    throw new PrepareError('empty-result', `${step} leaves no rows.`);
  }
  return table;
}
