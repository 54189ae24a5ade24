import { Table, isNumberColumn, type Column } from '../../table';
import { DEFAULT_LIMITS } from '../types';
import { PrepareError } from './errors';
import type { PrepareStep } from './steps';
import { compactColumn, requireColumns, takeOrMissing, uniqueName } from './table-utils';

type JoinStep = Extract<PrepareStep, { kind: 'join' }>;

const kindOf = (column: Column) =>
  !isNumberColumn(column) ? 'text' : column.type === 'datetime' ? 'dates' : 'numbers';

/** Per-row key texts (null when a key cell is missing: missing keys match nothing, as in SQL). */
function rowKeys(columns: readonly Column[], rows: number): (string | null)[] {
  const parts = columns.map((column) => {
    if (isNumberColumn(column)) {
      return (row: number) => {
        const value = column.values[row] as number;
        return value !== value ? null : String(value + 0);
      };
    }
    return (row: number) => {
      const code = column.codes[row] as number;
      return code < 0 ? null : (column.dictionary[code] as string);
    };
  });
  const keys = new Array<string | null>(rows);
  for (let row = 0; row < rows; row++) {
    let key = '';
    for (let k = 0; k < parts.length; k++) {
      const part = (parts[k] as (row: number) => string | null)(row);
      if (part === null) {
        key = '\u0001';
        break;
      }
      key += k === 0 ? part : `\u0000${part}`;
    }
    keys[row] = key === '\u0001' ? null : key;
  }
  return keys;
}

/**
 * Joins another table on key columns: every left row with each matching right row (inner), and
 * for `left` also the left rows without a match, their right-hand columns missing. Left rows
 * keep their order; a key of the right table that repeats the left key's name is not repeated.
 */
export function joinTables(left: Table, right: Table, step: JoinStep): Table {
  const { leftOn, rightOn } = step;
  if (leftOn.length === 0 || leftOn.length !== rightOn.length) {
    throw new PrepareError(
      'invalid-step',
      'Join: choose the same number of key columns on each side.',
    );
  }
  requireColumns(left, leftOn, 'Join (this dataset)');
  requireColumns(right, rightOn, `Join (${step.right.label})`);
  leftOn.forEach((name, i) => {
    const a = left.column(name);
    const b = right.column(rightOn[i] as string);
    if (kindOf(a) !== kindOf(b)) {
      throw new PrepareError(
        'wrong-type',
        `Join: key “${name}” holds ${kindOf(a)} but “${b.name}” of ${step.right.label} holds ${kindOf(b)}; change one type first.`,
        { column: name },
      );
    }
  });
  const rightKeys = rowKeys(
    rightOn.map((name) => right.column(name)),
    right.rowCount,
  );
  const index = new Map<string, number[]>();
  rightKeys.forEach((key, row) => {
    if (key === null) return;
    const rows = index.get(key);
    if (rows) rows.push(row);
    else index.set(key, [row]);
  });
  const leftKeys = rowKeys(
    leftOn.map((name) => left.column(name)),
    left.rowCount,
  );
  const keptRight = right.columns.filter(
    (column) => !rightOn.some((name, i) => name === column.name && leftOn[i] === name),
  );
  const width = left.columns.length + keptRight.length;
  const maxRows = Math.floor(DEFAULT_LIMITS.maxCells / Math.max(1, width));
  const leftRows: number[] = [];
  const rightRows: number[] = [];
  leftKeys.forEach((key, row) => {
    const matches = key === null ? undefined : index.get(key);
    if (matches) {
      for (const match of matches) {
        leftRows.push(row);
        rightRows.push(match);
      }
    } else if (step.how === 'left') {
      leftRows.push(row);
      rightRows.push(-1);
    }
    if (leftRows.length > maxRows) {
      throw new PrepareError(
        'invalid-step',
        `Join: the result would have more than ${maxRows.toLocaleString('en-US')} rows (keys repeat on both sides); check the key columns.`,
      );
    }
  });
  const leftIndex = Int32Array.from(leftRows);
  const rightIndex = Int32Array.from(rightRows);
  const taken = new Set(left.names);
  const suffix = step.suffix ?? '_right';
  const columns: Column[] = left.columns.map((column) =>
    compactColumn(takeOrMissing(column, leftIndex)),
  );
  for (const column of keptRight) {
    const name = taken.has(column.name)
      ? uniqueName(taken, `${column.name}${suffix}`)
      : column.name;
    taken.add(name);
    columns.push({ ...takeOrMissing(column, rightIndex), name });
  }
  return new Table(columns);
}
