/**
 * A small query language for runs, parsed by hand (no eval):
 *
 *   metrics.accuracy > 0.9 and params.learner = "gbdt"
 *   not (status = "failed" or tags.note contains 'draft') and duration < 60
 *   params.learner in ("gbdt", "forest")
 *
 * Fields are `root.key` for the namespaces a caller allows (metrics, params, tags) or a bare
 * attribute (status, name, duration …). Keys with other characters are written in backticks:
 * params.`learning rate`. Keywords are case-insensitive. Errors name the character they stop at.
 */

export type FilterLiteral = string | number | boolean | null;
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';

export interface FieldRef {
  /** A namespace such as `metrics`, or the attribute name. */
  root: string;
  /** The key inside the namespace; undefined for an attribute. */
  key?: string;
  /** The field as written, for messages. */
  text: string;
  position: number;
}

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; field: FieldRef; op: CompareOp; value: FilterLiteral }
  | { type: 'in'; field: FieldRef; values: FilterLiteral[] };

export interface FilterError {
  message: string;
  /** 0-based index into the expression where parsing stopped. */
  position: number;
}

/** `node` is null for an empty expression, which matches everything. */
export type FilterParse = { ok: true; node: FilterNode | null } | { ok: false; error: FilterError };

export interface FilterFields {
  /** Namespaces that take a key: `metrics.accuracy`. */
  roots: readonly string[];
  /** Fields without a key: `status`. */
  attributes: readonly string[];
}

type Token =
  | { kind: 'field'; segments: string[]; text: string; position: number }
  | { kind: 'keyword'; word: string; text: string; position: number }
  | { kind: 'string'; value: string; text: string; position: number }
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'op'; op: Exclude<CompareOp, 'contains'>; text: string; position: number }
  | { kind: '(' | ')' | ','; text: string; position: number }
  | { kind: 'end'; text: string; position: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'in', 'true', 'false', 'null']);
const OPERATORS: readonly [string, Exclude<CompareOp, 'contains'>][] = [
  ['==', '='],
  ['!=', '!='],
  ['<>', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
];
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[\w\-/:]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const at = (position: number) => `at character ${position + 1}`;
const fail = (message: string, position: number): never => {
  throw new FilterSyntaxError(message, position);
};

function readQuoted(text: string, start: number, quote: string): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === quote) return [value, i + 1];
    if (char === '\\' && quote !== '`') {
      const next = text[i + 1];
      if (next === undefined) break;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i += 2;
      continue;
    }
    value += char;
    i += 1;
  }
  const what = quote === '`' ? 'name in backticks' : 'string';
  return fail(`The ${what} that starts ${at(start)} is never closed with ${quote}.`, start);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const start = i;
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, text: char, position: start });
      i += 1;
      continue;
    }
    if (char === '"' || char === "'") {
      const [value, end] = readQuoted(text, start, char);
      tokens.push({ kind: 'string', value, text: text.slice(start, end), position: start });
      i = end;
      continue;
    }
    const operator = OPERATORS.find(([symbol]) => text.startsWith(symbol, i));
    if (operator) {
      tokens.push({ kind: 'op', op: operator[1], text: operator[0], position: start });
      i += operator[0].length;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number && (char !== '-' || /[\d.]/.test(text[i + 1] ?? ''))) {
      const after = text[i + number[0].length];
      if (after !== undefined && IDENT_START.test(after)) {
        fail(`“${number[0]}${after}” is not a number ${at(start)}.`, start);
      }
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], position: start });
      i += number[0].length;
      continue;
    }
    if (IDENT_START.test(char) || char === '`') {
      const segments: string[] = [];
      for (;;) {
        if (text[i] === '`') {
          const [value, end] = readQuoted(text, i, '`');
          if (!value) fail(`An empty name in backticks ${at(i)}.`, i);
          segments.push(value);
          i = end;
        } else {
          const segmentStart = i;
          if (!IDENT_PART.test(text[i] ?? '')) {
            fail(`Expected a name after “.” ${at(i)}.`, i);
          }
          while (i < text.length && IDENT_PART.test(text[i] as string)) i += 1;
          segments.push(text.slice(segmentStart, i));
        }
        if (text[i] !== '.') break;
        i += 1;
      }
      const written = text.slice(start, i);
      const word = written.toLowerCase();
      if (segments.length === 1 && text[start] !== '`' && KEYWORDS.has(word)) {
        tokens.push({ kind: 'keyword', word, text: written, position: start });
      } else {
        tokens.push({ kind: 'field', segments, text: written, position: start });
      }
      continue;
    }
    fail(`Unexpected “${char}” ${at(start)}.`, start);
  }
  tokens.push({ kind: 'end', text: 'the end', position: text.length });
  return tokens;
}

const shown = (token: Token) => (token.kind === 'end' ? 'the end' : `“${token.text}”`);

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fields: FilterFields,
  ) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isKeyword(word: string) {
    const token = this.peek();
    return token.kind === 'keyword' && token.word === word;
  }

  parse(): FilterNode | null {
    if (this.peek().kind === 'end') return null;
    const node = this.or();
    const rest = this.peek();
    if (rest.kind === ')')
      fail(`Unexpected “)” ${at(rest.position)}: no “(” is open.`, rest.position);
    if (rest.kind !== 'end') {
      fail(
        `Expected “and”, “or” or the end ${at(rest.position)}, found ${shown(rest)}.`,
        rest.position,
      );
    }
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.next();
      left = { type: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): FilterNode {
    if (this.isKeyword('not')) {
      this.next();
      return { type: 'not', operand: this.not() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.next();
      const node = this.or();
      const close = this.peek();
      if (close.kind !== ')') {
        fail(
          `Expected “)” ${at(close.position)} to close the “(” ${at(token.position)}, found ${shown(close)}.`,
          close.position,
        );
      }
      this.next();
      return node;
    }
    return this.comparison();
  }

  private field(): FieldRef {
    const token = this.next();
    if (token.kind !== 'field') {
      return fail(
        `Expected a field such as ${this.example()} ${at(token.position)}, found ${shown(token)}.`,
        token.position,
      );
    }
    const [root = '', ...rest] = token.segments;
    const key = rest.join('.');
    if (this.fields.roots.includes(root)) {
      if (!key)
        fail(
          `“${root}” needs a name after it, as in ${root}.name (${at(token.position)}).`,
          token.position,
        );
      return { root, key, text: token.text, position: token.position };
    }
    if (this.fields.attributes.includes(root) && !key) {
      return { root, text: token.text, position: token.position };
    }
    return fail(
      `Unknown field “${token.text}” ${at(token.position)}: use ${this.fields.roots
        .map((name) => `${name}.<name>`)
        .concat(this.fields.attributes)
        .join(', ')}.`,
      token.position,
    );
  }

  private example() {
    const names = [
      ...this.fields.roots.slice(0, 2).map((root) => `${root}.name`),
      ...this.fields.attributes.slice(0, 1),
    ];
    return names.join(', ');
  }

  private literal(after: Token): FilterLiteral {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'keyword' && ['true', 'false', 'null'].includes(token.word)) {
      return token.word === 'null' ? null : token.word === 'true';
    }
    const hint = token.kind === 'field' ? ` (write text in quotes: "${token.text}")` : '';
    return fail(
      `Expected a value (a number, a "string", true, false or null) after ${shown(after)} ${at(token.position)}, found ${shown(token)}${hint}.`,
      token.position,
    );
  }

  private comparison(): FilterNode {
    const field = this.field();
    const token = this.next();
    if (token.kind === 'keyword' && token.word === 'in') {
      const open = this.next();
      if (open.kind !== '(') {
        fail(
          `Expected “(” after “in” ${at(open.position)}, as in ${field.text} in ("a", "b").`,
          open.position,
        );
      }
      const values: FilterLiteral[] = [this.literal(open)];
      while (this.peek().kind === ',') values.push(this.literal(this.next()));
      const close = this.next();
      if (close.kind !== ')') {
        fail(
          `Expected “,” or “)” in the list ${at(close.position)}, found ${shown(close)}.`,
          close.position,
        );
      }
      return { type: 'in', field, values };
    }
    let op: CompareOp;
    if (token.kind === 'op') op = token.op;
    else if (token.kind === 'keyword' && token.word === 'contains') op = 'contains';
    else {
      return fail(
        `Expected an operator (=, !=, <, <=, >, >=, contains or in) after ${field.text} ${at(token.position)}, found ${shown(token)}.`,
        token.position,
      );
    }
    const valueToken = this.peek();
    const value = this.literal(token);
    if ((typeof value === 'boolean' || value === null) && op !== '=' && op !== '!=') {
      fail(
        `${String(value)} can only be compared with = or != (${at(valueToken.position)}).`,
        valueToken.position,
      );
    }
    return { type: 'compare', field, op, value };
  }
}

/** Parses a filter expression; never throws on bad input, the error says what and where. */
export function parseFilter(expression: string, fields: FilterFields): FilterParse {
  try {
    return { ok: true, node: new Parser(tokenize(expression), fields).parse() };
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      return { ok: false, error: { message: error.message, position: error.position } };
    }
    throw error;
  }
}

/** A value a field can hold for the evaluator; arrays are matched by `contains` and `in`. */
export type FilterValue = FilterLiteral | readonly FilterLiteral[] | undefined;

const numeric = (value: FilterLiteral): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
};

function equal(actual: FilterLiteral, expected: FilterLiteral): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = numeric(actual);
    const b = numeric(expected);
    return a !== undefined && b !== undefined && a === b;
  }
  return false;
}

function order(actual: FilterLiteral, op: '<' | '<=' | '>' | '>=', expected: FilterLiteral) {
  let a: number | string | undefined;
  let b: number | string | undefined;
  if (typeof expected === 'number' || typeof actual === 'number') {
    a = numeric(actual);
    b = numeric(expected);
  } else if (typeof actual === 'string' && typeof expected === 'string') {
    a = actual;
    b = expected;
  }
  if (a === undefined || b === undefined || (typeof a === 'number' && Number.isNaN(a))) {
    return false;
  }
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

function compare(actual: FilterValue, op: CompareOp, expected: FilterLiteral): boolean {
  const value = actual === undefined ? null : actual;
  if (Array.isArray(value)) {
    if (op === 'contains') return value.some((item) => equal(item, expected));
    if (op === '=') return value.some((item) => equal(item, expected));
    if (op === '!=') return !value.some((item) => equal(item, expected));
    return false;
  }
  const single = value as FilterLiteral;
  switch (op) {
    case '=':
      return equal(single, expected);
    case '!=':
      return !equal(single, expected);
    case 'contains':
      return (
        single !== null &&
        expected !== null &&
        String(single).toLowerCase().includes(String(expected).toLowerCase())
      );
    default:
      return order(single, op, expected);
  }
}

/**
 * Whether a subject matches. A missing field is null: it equals only null, differs from every
 * other value and is neither smaller nor larger than anything.
 */
export function matchesFilter(
  node: FilterNode | null,
  resolve: (field: FieldRef) => FilterValue,
): boolean {
  if (!node) return true;
  switch (node.type) {
    case 'and':
      return matchesFilter(node.left, resolve) && matchesFilter(node.right, resolve);
    case 'or':
      return matchesFilter(node.left, resolve) || matchesFilter(node.right, resolve);
    case 'not':
      return !matchesFilter(node.operand, resolve);
    case 'in': {
      const actual = resolve(node.field);
      return node.values.some((value) => compare(actual, '=', value));
    }
    case 'compare':
      return compare(resolve(node.field), node.op, node.value);
  }
}
