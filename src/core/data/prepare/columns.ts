import { Table } from '../../table';
import { PrepareError } from './errors';
import { checkName, requireColumns } from './table-utils';

/** Keeps the named columns, in the order given. */
export function selectColumns(table: Table, columns: readonly string[]): Table {
  requireColumns(table, columns, 'Select columns');
  if (columns.length === 0) {
    throw new PrepareError('invalid-step', 'Select columns: choose at least one column to keep.');
  }
  const repeated = columns.find((name, i) => columns.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new PrepareError('duplicate-name', `Select columns: “${repeated}” is listed twice.`, {
      column: repeated,
    });
  }
  return table.select(columns);
}

export function dropColumns(table: Table, columns: readonly string[]): Table {
  requireColumns(table, columns, 'Drop columns');
  const left = table.names.filter((name) => !columns.includes(name));
  if (left.length === 0) {
    throw new PrepareError('empty-result', 'Drop columns: at least one column must remain.');
  }
  return table.select(left);
}

/** Renames columns in place (their position stays); two columns can swap names. */
export function renameColumns(
  table: Table,
  renames: readonly { from: string; to: string }[],
): Table {
  requireColumns(
    table,
    renames.map((rename) => rename.from),
    'Rename columns',
  );
  const byOld = new Map<string, string>();
  for (const { from, to } of renames) {
    if (byOld.has(from)) {
      throw new PrepareError('duplicate-name', `Rename columns: “${from}” is renamed twice.`, {
        column: from,
      });
    }
    byOld.set(from, checkName(to, 'Rename columns'));
  }
  const names = table.names.map((name) => byOld.get(name) ?? name);
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash !== undefined) {
    throw new PrepareError(
      'duplicate-name',
      `Rename columns: two columns would be named “${clash}”.`,
      { column: clash },
    );
  }
  return new Table(table.columns.map((column, i) => ({ ...column, name: names[i] as string })));
}
