import { type Column, type NumberType as ColumnNumberType, type Table } from '../../../table';
import { chooseStringType } from '../../finish-column';
import { PrepareError } from '../errors';
import { CompileContext, compile } from './compile';
import { parseExpression } from './parse';
import { expressionError } from './tokens';
import { TYPE_NAMES, type NumberValue, type StringValue, type Value } from './values';

/** Parses and type-checks an expression against a table; throws a PrepareError with the span. */
export function compileExpression(table: Table, source: string): Value {
  return compile(parseExpression(source), new CompileContext(table, source));
}

const COLUMN_TYPES: Record<NumberValue['type'], ColumnNumberType> = {
  number: 'numeric',
  boolean: 'boolean',
  datetime: 'datetime',
};

function numberColumnOf(name: string, value: NumberValue, rows: number): Column {
  const values = new Float64Array(rows);
  const at = value.at;
  let integral = value.type === 'number';
  for (let row = 0; row < rows; row++) {
    const x = at(row);
    // Infinities are missing, as everywhere in the expression language.
    const present = x - x === 0;
    values[row] = present ? x : NaN;
    if (integral && present && !Number.isSafeInteger(x)) integral = false;
  }
  return { name, type: integral && rows > 0 ? 'integer' : COLUMN_TYPES[value.type], values };
}

function stringColumnOf(name: string, value: StringValue, rows: number): Column {
  const codes = new Int32Array(rows);
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const counts: number[] = [];
  const at = value.at;
  for (let row = 0; row < rows; row++) {
    const text = at(row);
    if (text === null) {
      codes[row] = -1;
      continue;
    }
    let code = index.get(text);
    if (code === undefined) {
      code = dictionary.length;
      index.set(text, code);
      dictionary.push(text);
      counts.push(0);
    }
    counts[code] = (counts[code] as number) + 1;
    codes[row] = code;
  }
  return {
    name,
    type: chooseStringType(dictionary, Float64Array.from(counts)),
    codes,
    dictionary,
  };
}

/**
 * The column an expression computes for every row: numbers (integer when every value is whole),
 * true/false, dates, or text (categorical or free text, judged as on import).
 */
export function evaluateColumn(table: Table, source: string, name: string): Column {
  const value = compileExpression(table, source);
  if (value.type === 'null') {
    throw expressionError('The expression is missing in every row', 0, source.length);
  }
  return value.type === 'string'
    ? stringColumnOf(name, value, table.rowCount)
    : numberColumnOf(name, value, table.rowCount);
}

/** The rows where a condition is true; rows where it is false or missing are left out. */
export function evaluateCondition(table: Table, source: string): Int32Array {
  const value = compileExpression(table, source);
  if (value.type !== 'boolean') {
    throw new PrepareError(
      'expression',
      `A condition must be true or false, but this expression gives ${TYPE_NAMES[value.type]}: compare it, e.g. “x > 0”.`,
      { start: 0, end: source.length },
    );
  }
  const at = value.at;
  const rows = table.rowCount;
  const out = new Int32Array(rows);
  let kept = 0;
  for (let row = 0; row < rows; row++) if (at(row) === 1) out[kept++] = row;
  return out.slice(0, kept);
}
