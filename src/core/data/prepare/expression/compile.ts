import { isNumberColumn, type Table } from '../../../table';
import { parseDictionaryDates } from '../../datetime-text';
import { FUNCTIONS, FUNCTION_NAMES } from './functions';
import type { BinaryOperator, Expression } from './parse';
import { expressionError } from './tokens';
import {
  asText,
  DAY_MS,
  finite,
  isNumberLike,
  mapNumbers,
  mapTextToNumber,
  numberAt,
  numberConstant,
  stringConstant,
  TYPE_NAMES,
  type NumberType,
  type NumberValue,
  type StringValue,
  type Value,
} from './values';

/** What compiling needs besides the tree: the columns, and the text for error messages. */
export class CompileContext {
  constructor(
    readonly table: Table,
    readonly source: string,
  ) {}

  /** The source of a part of the expression, for messages. */
  snippet(node: Expression): string {
    const text = this.source.slice(node.start, node.end);
    return `“${text.length > 40 ? `${text.slice(0, 37)}…` : text}”`;
  }

  fail(node: { start: number; end: number }, message: string): never {
    throw expressionError(message, node.start, node.end);
  }

  /** “x is a number” for messages about a wrong operand. */
  describe(node: Expression, value: Value): string {
    return `${this.snippet(node)} is ${TYPE_NAMES[value.type]}`;
  }
}

function columnValue(node: Expression & { type: 'column' }, context: CompileContext): Value {
  const { table } = context;
  if (!table.has(node.name)) {
    const lower = node.name.toLowerCase();
    const near = table.names.find((name) => name.toLowerCase() === lower);
    const hint = near
      ? ` Did you mean ${near}?`
      : table.names.some((name) => /[^\p{L}\p{N}_]/u.test(name))
        ? ' Write names with spaces or symbols in backticks: `my column`.'
        : '';
    context.fail(node, `There is no column “${node.name}”.${hint}`);
  }
  const column = table.column(node.name);
  if (isNumberColumn(column)) {
    const values = column.values;
    const type: NumberType =
      column.type === 'boolean' ? 'boolean' : column.type === 'datetime' ? 'datetime' : 'number';
    return { type, at: (row) => values[row] as number };
  }
  const { codes, dictionary } = column;
  return {
    type: 'string',
    at: (row) => {
      const code = codes[row] as number;
      return code < 0 ? null : (dictionary[code] as string);
    },
    dictionary: { codes, values: dictionary },
  };
}

/** A text constant read as a date, for comparisons such as `when >= '2024-01-31'`. */
export function dateConstant(node: Expression, value: Value, context: CompileContext): number {
  const text = (value as StringValue).constant;
  if (typeof text !== 'string') {
    context.fail(
      node,
      `${context.snippet(node)} must be a date written in quotes, e.g. '2024-01-31'`,
    );
  }
  const parsed = parseDictionaryDates([text.trim()]);
  if (parsed.kind !== 'dates') {
    context.fail(node, `${context.snippet(node)} is not a date; write dates as 'YYYY-MM-DD'`);
  }
  return parsed.epochs[0] as number;
}

function arithmetic(
  node: Expression & { type: 'binary' },
  left: Value,
  right: Value,
  context: CompileContext,
): Value {
  const op = node.op;
  if (op === '+' && (left.type === 'string' || right.type === 'string')) {
    const a = asText(left).at;
    const b = asText(right).at;
    return {
      type: 'string',
      at: (row) => {
        const x = a(row);
        const y = x === null ? null : b(row);
        return y === null ? null : (x as string) + y;
      },
    };
  }
  for (const [side, value] of [
    [node.left, left],
    [node.right, right],
  ] as const) {
    if (value.type === 'string') {
      context.fail(side, `“${op}” needs numbers, but ${context.describe(side, value)}`);
    }
  }
  if (left.type === 'null' || right.type === 'null') return { type: 'null' };
  const a = left as NumberValue;
  const b = right as NumberValue;
  if (a.type === 'datetime' || b.type === 'datetime') {
    // Dates move by days: a date ± a number of days is a date; two dates differ by days.
    if (a.type === 'datetime' && b.type === 'datetime' && op === '-') {
      return mapNumbers(
        'number',
        [a.at, b.at],
        [a.constant, b.constant],
        (x, y) => (x - y) / DAY_MS,
      );
    }
    if (a.type === 'datetime' && b.type !== 'datetime' && (op === '+' || op === '-')) {
      const sign = op === '+' ? 1 : -1;
      return mapNumbers('datetime', [a.at, b.at], [a.constant, b.constant], (x, y) =>
        finite(x + sign * y * DAY_MS),
      );
    }
    if (b.type === 'datetime' && a.type !== 'datetime' && op === '+') {
      return mapNumbers('datetime', [a.at, b.at], [a.constant, b.constant], (x, y) =>
        finite(y + x * DAY_MS),
      );
    }
    context.fail(
      node.at,
      `“${op}” does not apply to dates: add or subtract a number of days, or subtract two dates`,
    );
  }
  const inputs = [a.at, b.at];
  const constants = [a.constant, b.constant];
  switch (op) {
    case '+':
      return mapNumbers('number', inputs, constants, (x, y) => x + y);
    case '-':
      return mapNumbers('number', inputs, constants, (x, y) => x - y);
    case '*':
      return mapNumbers('number', inputs, constants, (x, y) => x * y);
    case '/':
      return mapNumbers('number', inputs, constants, (x, y) => finite(x / y));
    case '%':
      return mapNumbers('number', inputs, constants, (x, y) => finite(x % y));
    default:
      return mapNumbers('number', inputs, constants, (x, y) => finite(x ** y));
  }
}

type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

const NUMBER_TESTS: Record<Comparison, (x: number, y: number) => boolean> = {
  '=': (x, y) => x === y,
  '!=': (x, y) => x !== y,
  '<': (x, y) => x < y,
  '<=': (x, y) => x <= y,
  '>': (x, y) => x > y,
  '>=': (x, y) => x >= y,
};

const TEXT_TESTS: Record<Comparison, (x: string, y: string) => boolean> = {
  '=': (x, y) => x === y,
  '!=': (x, y) => x !== y,
  '<': (x, y) => x < y,
  '<=': (x, y) => x <= y,
  '>': (x, y) => x > y,
  '>=': (x, y) => x >= y,
};

const FLIPPED: Record<Comparison, Comparison> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function compare(
  node: Expression & { type: 'binary' },
  left: Value,
  right: Value,
  context: CompileContext,
): NumberValue {
  const op = node.op as Comparison;
  if (left.type === 'null' || right.type === 'null') {
    context.fail(
      node,
      'A comparison with null is always missing: use isnull(…) to find missing values',
    );
  }
  let a = left;
  let b = right;
  if (a.type === 'datetime' && b.type === 'string')
    b = numberConstant('datetime', dateConstant(node.right, b, context));
  if (b.type === 'datetime' && a.type === 'string')
    a = numberConstant('datetime', dateConstant(node.left, a, context));
  if (isNumberLike(a) && isNumberLike(b) && (a.type === 'datetime') === (b.type === 'datetime')) {
    const test = NUMBER_TESTS[op];
    return mapNumbers('boolean', [a.at, b.at], [a.constant, b.constant], (x, y) =>
      x !== x || y !== y ? NaN : test(x, y) ? 1 : 0,
    );
  }
  if (a.type === 'string' && b.type === 'string') {
    // One side a constant: decide once per category of the other side.
    if (b.constant !== undefined || a.constant !== undefined) {
      const [value, constant, oriented] =
        b.constant !== undefined
          ? [a, b.constant, op]
          : [b, (a as StringValue).constant as string | null, FLIPPED[op]];
      if (constant === null) return numberConstant('boolean', NaN);
      const test = TEXT_TESTS[oriented];
      return mapTextToNumber(value as StringValue, 'boolean', (text) =>
        test(text, constant) ? 1 : 0,
      );
    }
    const test = TEXT_TESTS[op];
    const x = a.at;
    const y = b.at;
    return {
      type: 'boolean',
      at: (row) => {
        const p = x(row);
        const q = p === null ? null : y(row);
        return q === null ? NaN : test(p as string, q) ? 1 : 0;
      },
    };
  }
  context.fail(
    node.at,
    `Cannot compare ${TYPE_NAMES[a.type]} (${context.snippet(node.left)}) with ${TYPE_NAMES[b.type]} (${context.snippet(node.right)})`,
  );
}

function requireLogical(node: Expression, value: Value, context: CompileContext, op: string) {
  if (value.type !== 'boolean' && value.type !== 'null') {
    context.fail(node, `“${op}” needs true/false, but ${context.describe(node, value)}`);
  }
  return numberAt(value);
}

/**
 * Three-valued logic, as in SQL: false and missing is false, true or missing is true, and
 * anything else with a missing side is missing.
 */
function logical(
  node: Expression & { type: 'binary' },
  left: Value,
  right: Value,
  context: CompileContext,
): NumberValue {
  const a = requireLogical(node.left, left, context, node.op);
  const b = requireLogical(node.right, right, context, node.op);
  if (node.op === 'and') {
    return {
      type: 'boolean',
      at: (row) => {
        const x = a(row);
        if (x === 0) return 0;
        const y = b(row);
        return y === 0 ? 0 : x !== x || y !== y ? NaN : 1;
      },
    };
  }
  return {
    type: 'boolean',
    at: (row) => {
      const x = a(row);
      if (x === 1) return 1;
      const y = b(row);
      return y === 1 ? 1 : x !== x || y !== y ? NaN : 0;
    },
  };
}

const ARITHMETIC: ReadonlySet<BinaryOperator> = new Set(['+', '-', '*', '/', '%', '^']);

/** Type-checks an expression against a table's columns and builds its row evaluator. */
export function compile(node: Expression, context: CompileContext): Value {
  switch (node.type) {
    case 'literal': {
      const value = node.value;
      if (value === null) return { type: 'null' };
      if (typeof value === 'number') return numberConstant('number', value);
      if (typeof value === 'boolean') return numberConstant('boolean', value ? 1 : 0);
      return stringConstant(value);
    }
    case 'column':
      return columnValue(node, context);
    case 'unary': {
      const operand = compile(node.operand, context);
      if (node.op === 'not') {
        const at = requireLogical(node.operand, operand, context, 'not');
        return mapNumbers('boolean', [at], [(operand as NumberValue).constant], (x) =>
          x !== x ? NaN : 1 - x,
        );
      }
      if (operand.type === 'null') return operand;
      if (operand.type !== 'number' && operand.type !== 'boolean') {
        context.fail(
          node.operand,
          `“-” needs a number, but ${context.describe(node.operand, operand)}`,
        );
      }
      return mapNumbers('number', [operand.at], [operand.constant], (x) => -x);
    }
    case 'binary': {
      const left = compile(node.left, context);
      const right = compile(node.right, context);
      if (node.op === 'and' || node.op === 'or') return logical(node, left, right, context);
      if (ARITHMETIC.has(node.op)) return arithmetic(node, left, right, context);
      return compare(node, left, right, context);
    }
    case 'call': {
      const spec = FUNCTIONS.get(node.name);
      if (!spec) {
        context.fail(
          { start: node.start, end: node.nameEnd },
          `There is no function “${node.name}”. Functions: ${FUNCTION_NAMES.join(', ')}`,
        );
      }
      const count = node.args.length;
      if (count < spec.min || count > spec.max) {
        context.fail(
          node,
          `${node.name}() takes ${spec.usage}; it was given ${count} argument${count === 1 ? '' : 's'}`,
        );
      }
      const args = node.args.map((arg) => compile(arg, context));
      return spec.compile(args, node.args, context, node);
    }
  }
}
