import { parseDictionaryDates } from '../../datetime-text';
import { parseNumberText } from '../../number-text';
import type { CompileContext } from './compile';
import type { Expression } from './parse';
import {
  asText,
  DAY_MS,
  finite,
  mapNumbers,
  mapText,
  mapTextToNumber,
  numberAt,
  stringAt,
  TYPE_NAMES,
  type NumberValue,
  type StringValue,
  type Value,
  type ValueType,
} from './values';

interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  /** How it is called, for the reference list and for arity errors. */
  readonly signature: string;
  readonly usage: string;
  readonly description: string;
  compile(args: Value[], nodes: Expression[], context: CompileContext, call: Expression): Value;
}

type Compiler = FunctionSpec['compile'];

function requireNumber(
  name: string,
  value: Value,
  node: Expression,
  context: CompileContext,
  allowDates = false,
): (row: number) => number {
  if (value.type === 'null') return () => NaN;
  if (value.type === 'number' || value.type === 'boolean') return value.at;
  if (allowDates && value.type === 'datetime') return value.at;
  return context.fail(node, `${name}() needs a number, but ${context.describe(node, value)}`);
}

function requireText(name: string, value: Value, node: Expression, context: CompileContext) {
  if (value.type === 'string') return value;
  if (value.type === 'null') return asText(value);
  return context.fail(
    node,
    `${name}() needs text, but ${context.describe(node, value)}; text(…) turns a value into text`,
  );
}

function requireDate(name: string, value: Value, node: Expression, context: CompileContext) {
  if (value.type === 'datetime' || value.type === 'null') return numberAt(value);
  return context.fail(
    node,
    `${name}() needs a date, but ${context.describe(node, value)}; date(…) reads text as a date`,
  );
}

const constantOf = (value: Value) =>
  value.type === 'null' ? NaN : (value as NumberValue).constant;

/** A function of one or two numbers, missing in, missing out. */
const numeric =
  (name: string, map: (...values: number[]) => number): Compiler =>
  (args, nodes, context) =>
    mapNumbers(
      'number',
      args.map((arg, i) => requireNumber(name, arg, nodes[i] as Expression, context)),
      args.map(constantOf),
      (...values) => (values.some((value) => value !== value) ? NaN : finite(map(...values))),
    );

/** The common type of branches (if, coalesce): nulls fit anything; numbers and true/false mix. */
function unify(
  name: string,
  args: Value[],
  nodes: Expression[],
  context: CompileContext,
): ValueType {
  let type: ValueType = 'null';
  args.forEach((arg, i) => {
    if (arg.type === 'null' || arg.type === type) return;
    if (type === 'null') type = arg.type;
    else if (
      (type === 'number' && arg.type === 'boolean') ||
      (type === 'boolean' && arg.type === 'number')
    ) {
      type = 'number';
    } else {
      context.fail(
        nodes[i] as Expression,
        `${name}() needs values of one type, but ${context.describe(nodes[i] as Expression, arg)} and an earlier one is ${TYPE_NAMES[type]}`,
      );
    }
  });
  return type;
}

function civil(ms: number): [number, number, number] {
  // H. Hinnant's civil_from_days.
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const datePart =
  (name: string, part: (ms: number) => number): Compiler =>
  (args, nodes, context) => {
    const at = requireDate(name, args[0] as Value, nodes[0] as Expression, context);
    return mapNumbers('number', [at], [constantOf(args[0] as Value)], (ms) =>
      ms !== ms ? NaN : part(ms),
    );
  };

const textToText =
  (name: string, map: (text: string) => string): Compiler =>
  (args, nodes, context) =>
    mapText(requireText(name, args[0] as Value, nodes[0] as Expression, context), map);

/** Text tests such as contains(s, 'x'): per category when the second argument is constant. */
const textTest =
  (name: string, test: (text: string, part: string) => boolean): Compiler =>
  (args, nodes, context) => {
    const text = requireText(name, args[0] as Value, nodes[0] as Expression, context);
    const part = requireText(name, args[1] as Value, nodes[1] as Expression, context);
    if (part.constant !== undefined) {
      const fixed = part.constant;
      if (fixed === null) return { type: 'boolean', at: () => NaN, constant: NaN };
      return mapTextToNumber(text, 'boolean', (value) => (test(value, fixed) ? 1 : 0));
    }
    return {
      type: 'boolean',
      at: (row) => {
        const a = text.at(row);
        const b = a === null ? null : part.at(row);
        return b === null ? NaN : test(a as string, b) ? 1 : 0;
      },
    };
  };

function parseDate(text: string): number {
  const parsed = parseDictionaryDates([text.trim()]);
  return parsed.kind === 'dates' ? (parsed.epochs[0] as number) : NaN;
}

const round: Compiler = (args, nodes, context) =>
  mapNumbers(
    'number',
    args.map((arg, i) => requireNumber('round', arg, nodes[i] as Expression, context)),
    args.map(constantOf),
    (x, digits = 0) => {
      if (x !== x || digits !== digits) return NaN;
      const scale = 10 ** Math.trunc(digits);
      // Halves round away from zero, as spreadsheets do.
      return finite((Math.sign(x) * Math.round(Math.abs(x) * scale)) / scale);
    },
  );

/** min/max of the present arguments; missing only when all are. Dates stay dates. */
const extreme =
  (name: string, pick: (a: number, b: number) => number): Compiler =>
  (args, nodes, context) => {
    const type = unify(name, args, nodes, context);
    if (type === 'string') {
      context.fail(nodes[0] as Expression, `${name}() needs numbers or dates, not text`);
    }
    const readers = args.map((arg) => numberAt(arg));
    return mapNumbers(
      type === 'datetime' ? 'datetime' : 'number',
      readers,
      args.map(constantOf),
      (...values) => {
        let best = NaN;
        for (const value of values) {
          if (value === value) best = best !== best ? value : pick(best, value);
        }
        return best;
      },
    );
  };

const ifThen: Compiler = (args, nodes, context) => {
  const [condition, yes, no] = args as [Value, Value, Value];
  if (condition.type !== 'boolean' && condition.type !== 'null') {
    context.fail(
      nodes[0] as Expression,
      `if() needs a condition that is true or false, but ${context.describe(nodes[0] as Expression, condition)}`,
    );
  }
  const test = numberAt(condition);
  const type = unify('if', [yes, no], nodes.slice(1), context);
  if (type === 'null') return { type: 'null' };
  // A missing condition is not true, so the row takes the else branch (SQL's CASE does too).
  if (type === 'string') {
    const a = stringAt(yes);
    const b = stringAt(no);
    return { type: 'string', at: (row) => (test(row) === 1 ? a(row) : b(row)) };
  }
  const a = numberAt(yes);
  const b = numberAt(no);
  return { type, at: (row) => (test(row) === 1 ? a(row) : b(row)) };
};

const coalesce: Compiler = (args, nodes, context) => {
  const type = unify('coalesce', args, nodes, context);
  if (type === 'null') return { type: 'null' };
  if (type === 'string') {
    const readers = args.map(stringAt);
    return {
      type: 'string',
      at: (row) => {
        for (const read of readers) {
          const value = read(row);
          if (value !== null) return value;
        }
        return null;
      },
    };
  }
  const readers = args.map(numberAt);
  return {
    type,
    at: (row) => {
      for (const read of readers) {
        const value = read(row);
        if (value === value) return value;
      }
      return NaN;
    },
  };
};

const isMissing: Compiler = (args) => {
  const arg = args[0] as Value;
  if (arg.type === 'null') return { type: 'boolean', at: () => 1, constant: 1 };
  if (arg.type === 'string') {
    const at = arg.at;
    return { type: 'boolean', at: (row) => (at(row) === null ? 1 : 0) };
  }
  const at = arg.at;
  return { type: 'boolean', at: (row) => (at(row) !== at(row) ? 1 : 0) };
};

const concat: Compiler = (args) => {
  const readers = args.map((arg) => asText(arg).at);
  return {
    type: 'string',
    at: (row) => {
      let out = '';
      for (const read of readers) {
        const text = read(row);
        if (text === null) return null;
        out += text;
      }
      return out;
    },
  };
};

const substr: Compiler = (args, nodes, context) => {
  const text = requireText('substr', args[0] as Value, nodes[0] as Expression, context);
  const start = requireNumber('substr', args[1] as Value, nodes[1] as Expression, context);
  const length =
    args[2] === undefined
      ? () => Infinity
      : requireNumber('substr', args[2], nodes[2] as Expression, context);
  return {
    type: 'string',
    at: (row) => {
      const value = text.at(row);
      const from = start(row);
      const count = length(row);
      if (value === null || from !== from || count !== count) return null;
      const begin = Math.max(0, Math.trunc(from) - 1);
      return value.slice(
        begin,
        count === Infinity ? undefined : begin + Math.max(0, Math.trunc(count)),
      );
    },
  };
};

const replace: Compiler = (args, nodes, context) => {
  const [text, find, by] = args.map((arg, i) =>
    requireText('replace', arg, nodes[i] as Expression, context),
  ) as [StringValue, StringValue, StringValue];
  if (find.constant !== undefined && by.constant !== undefined) {
    const a = find.constant;
    const b = by.constant;
    if (a === null || b === null) return mapText(text, () => null);
    return mapText(text, (value) => (a === '' ? value : value.replaceAll(a, b)));
  }
  return {
    type: 'string',
    at: (row) => {
      const value = text.at(row);
      const a = find.at(row);
      const b = by.at(row);
      if (value === null || a === null || b === null) return null;
      return a === '' ? value : value.replaceAll(a, b);
    },
  };
};

const toNumber: Compiler = (args) => {
  const arg = args[0] as Value;
  if (arg.type === 'null') return { type: 'null' };
  if (arg.type === 'string') {
    return mapTextToNumber(arg, 'number', (text) => parseNumberText(text.trim()));
  }
  return {
    type: 'number',
    at: arg.at,
    ...(arg.constant === undefined ? {} : { constant: arg.constant }),
  };
};

const toDate: Compiler = (args, nodes, context) => {
  const arg = args[0] as Value;
  if (arg.type === 'datetime' || arg.type === 'null') return arg;
  return mapTextToNumber(
    requireText('date', arg, nodes[0] as Expression, context),
    'datetime',
    parseDate,
  );
};

const log = numeric('log', (x, base) =>
  base === undefined ? Math.log(x) : Math.log(x) / Math.log(base),
);

const arity = (min: number, max: number, what: string) =>
  min === max
    ? `${min} argument${min === 1 ? '' : 's'} (${what})`
    : max === Infinity
      ? `${min} or more arguments (${what})`
      : `${min} to ${max} arguments (${what})`;

const spec = (
  signature: string,
  description: string,
  min: number,
  max: number,
  what: string,
  compile: Compiler,
): FunctionSpec => ({ signature, description, min, max, usage: arity(min, max, what), compile });

const ENTRIES: [string, FunctionSpec][] = [
  [
    'if',
    spec(
      'if(condition, then, else)',
      'then where the condition is true, else otherwise',
      3,
      3,
      'a condition and two values',
      ifThen,
    ),
  ],
  ['isnull', spec('isnull(x)', 'true where x is missing', 1, 1, 'a value', isMissing)],
  [
    'coalesce',
    spec(
      'coalesce(a, b, …)',
      'the first value that is not missing',
      1,
      Infinity,
      'values of one type',
      coalesce,
    ),
  ],
  ['abs', spec('abs(x)', 'absolute value', 1, 1, 'a number', numeric('abs', Math.abs))],
  ['sqrt', spec('sqrt(x)', 'square root', 1, 1, 'a number', numeric('sqrt', Math.sqrt))],
  ['exp', spec('exp(x)', 'e to the power x', 1, 1, 'a number', numeric('exp', Math.exp))],
  [
    'log',
    spec(
      'log(x, base)',
      'natural logarithm, or to the base given',
      1,
      2,
      'a number and an optional base',
      log,
    ),
  ],
  ['log10', spec('log10(x)', 'base-10 logarithm', 1, 1, 'a number', numeric('log10', Math.log10))],
  ['log2', spec('log2(x)', 'base-2 logarithm', 1, 1, 'a number', numeric('log2', Math.log2))],
  [
    'round',
    spec(
      'round(x, digits)',
      'rounded (halves away from zero)',
      1,
      2,
      'a number and optional digits',
      round,
    ),
  ],
  [
    'floor',
    spec('floor(x)', 'largest whole number ≤ x', 1, 1, 'a number', numeric('floor', Math.floor)),
  ],
  [
    'ceil',
    spec('ceil(x)', 'smallest whole number ≥ x', 1, 1, 'a number', numeric('ceil', Math.ceil)),
  ],
  ['sign', spec('sign(x)', '−1, 0 or 1', 1, 1, 'a number', numeric('sign', Math.sign))],
  [
    'pow',
    spec(
      'pow(x, y)',
      'x to the power y',
      2,
      2,
      'two numbers',
      numeric('pow', (x, y) => x ** (y as number)),
    ),
  ],
  [
    'min',
    spec(
      'min(a, b, …)',
      'smallest present value',
      1,
      Infinity,
      'numbers or dates',
      extreme('min', Math.min),
    ),
  ],
  [
    'max',
    spec(
      'max(a, b, …)',
      'largest present value',
      1,
      Infinity,
      'numbers or dates',
      extreme('max', Math.max),
    ),
  ],
  [
    'clip',
    spec(
      'clip(x, low, high)',
      'x kept within [low, high]',
      3,
      3,
      'three numbers',
      numeric('clip', (x, low, high) => Math.min(high as number, Math.max(low as number, x))),
    ),
  ],
  [
    'len',
    spec('len(s)', 'number of characters', 1, 1, 'text', (args, nodes, context) =>
      mapTextToNumber(
        requireText('len', args[0] as Value, nodes[0] as Expression, context),
        'number',
        (text) => text.length,
      ),
    ),
  ],
  [
    'lower',
    spec(
      'lower(s)',
      'lower case',
      1,
      1,
      'text',
      textToText('lower', (text) => text.toLowerCase()),
    ),
  ],
  [
    'upper',
    spec(
      'upper(s)',
      'upper case',
      1,
      1,
      'text',
      textToText('upper', (text) => text.toUpperCase()),
    ),
  ],
  [
    'trim',
    spec(
      'trim(s)',
      'without spaces at either end',
      1,
      1,
      'text',
      textToText('trim', (text) => text.trim()),
    ),
  ],
  [
    'contains',
    spec(
      'contains(s, part)',
      'true where s contains part',
      2,
      2,
      'two texts',
      textTest('contains', (text, part) => text.includes(part)),
    ),
  ],
  [
    'startswith',
    spec(
      'startswith(s, part)',
      'true where s starts with part',
      2,
      2,
      'two texts',
      textTest('startswith', (text, part) => text.startsWith(part)),
    ),
  ],
  [
    'endswith',
    spec(
      'endswith(s, part)',
      'true where s ends with part',
      2,
      2,
      'two texts',
      textTest('endswith', (text, part) => text.endsWith(part)),
    ),
  ],
  ['replace', spec('replace(s, find, with)', 'every find replaced', 3, 3, 'three texts', replace)],
  [
    'substr',
    spec(
      'substr(s, start, length)',
      'part of s from position start (1 is the first)',
      2,
      3,
      'text, a start and an optional length',
      substr,
    ),
  ],
  ['concat', spec('concat(a, b, …)', 'values joined as text', 1, Infinity, 'values', concat)],
  ['text', spec('text(x)', 'x as text', 1, 1, 'a value', (args) => asText(args[0] as Value))],
  [
    'number',
    spec(
      'number(s)',
      'text read as a number (missing if it is not one)',
      1,
      1,
      'a value',
      toNumber,
    ),
  ],
  ['date', spec('date(s)', 'text read as a date (missing if it is not one)', 1, 1, 'text', toDate)],
  [
    'year',
    spec(
      'year(d)',
      'the year of a date',
      1,
      1,
      'a date',
      datePart('year', (ms) => civil(ms)[0]),
    ),
  ],
  [
    'month',
    spec(
      'month(d)',
      'the month, 1–12',
      1,
      1,
      'a date',
      datePart('month', (ms) => civil(ms)[1]),
    ),
  ],
  [
    'day',
    spec(
      'day(d)',
      'the day of the month, 1–31',
      1,
      1,
      'a date',
      datePart('day', (ms) => civil(ms)[2]),
    ),
  ],
  [
    'weekday',
    spec(
      'weekday(d)',
      'the day of the week, 1 (Monday) to 7 (Sunday)',
      1,
      1,
      'a date',
      datePart('weekday', (ms) => ((((Math.floor(ms / DAY_MS) + 3) % 7) + 7) % 7) + 1),
    ),
  ],
  [
    'hour',
    spec(
      'hour(d)',
      'the hour, 0–23 (UTC)',
      1,
      1,
      'a date',
      datePart('hour', (ms) => Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000)),
    ),
  ],
  [
    'minute',
    spec(
      'minute(d)',
      'the minute, 0–59',
      1,
      1,
      'a date',
      datePart('minute', (ms) => Math.floor((((ms % 3_600_000) + 3_600_000) % 3_600_000) / 60_000)),
    ),
  ],
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(ENTRIES);
export const FUNCTION_NAMES: readonly string[] = ENTRIES.map(([name]) => name);

/** The function reference shown next to the expression box. */
export const FUNCTION_REFERENCE: readonly { signature: string; description: string }[] =
  ENTRIES.map(([, entry]) => ({ signature: entry.signature, description: entry.description }));
