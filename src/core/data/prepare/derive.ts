import { Table } from '../../table';
import { evaluateColumn } from './expression';
import { checkName } from './table-utils';

/**
 * Adds a column computed from an expression over the others; a column of the same name is
 * replaced where it stands.
 */
export function deriveColumn(table: Table, name: string, expression: string): Table {
  const target = checkName(name, 'Derive a column');
  const column = evaluateColumn(table, expression, target);
  if (!table.has(target)) return new Table([...table.columns, column]);
  return new Table(table.columns.map((existing) => (existing.name === target ? column : existing)));
}
