import { PrepareError } from '../errors';

export type TokenKind = 'number' | 'string' | 'name' | 'column' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The operator or name as written; the text of a string; the name of a quoted column. */
  readonly text: string;
  readonly number?: number;
  /** 0-based offsets into the source: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** An expression error at a span of the source, with a 1-based character position in the text. */
export function expressionError(message: string, start: number, end = start + 1): PrepareError {
  const text = message.replace(/\.$/, '');
  const stop = text.endsWith('?') ? '' : '.';
  return new PrepareError('expression', `${text} (at character ${start + 1})${stop}`, {
    start,
    end,
  });
}

const OPERATORS = [
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '=',
  '<',
  '>',
  '!',
  '(',
  ')',
  ',',
];

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const NUMBER = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** Longest source text accepted: expressions are typed by people, not generated. */
export const MAX_EXPRESSION_LENGTH = 10_000;

function readString(source: string, start: number): Token {
  const quoteChar = source[start] as string;
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === quoteChar) return { kind: 'string', text, start, end: i + 1 };
    if (char === '\\') {
      const next = source[i + 1];
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined) {
        throw expressionError(`Unknown escape “\\${next ?? ''}” in a string`, i, i + 2);
      }
      text += escaped;
      i += 2;
      continue;
    }
    text += char;
    i++;
  }
  throw expressionError(`This string has no closing ${quoteChar}`, start, source.length);
}

/** A column name in backticks (a doubled backtick stands for one) or in square brackets. */
function readQuotedColumn(source: string, start: number): Token {
  const open = source[start] as string;
  const close = open === '[' ? ']' : '`';
  let name = '';
  let i = start + 1;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === close) {
      if (close === '`' && source[i + 1] === '`') {
        name += '`';
        i += 2;
        continue;
      }
      return { kind: 'column', text: name, start, end: i + 1 };
    }
    name += char;
    i++;
  }
  throw expressionError(`This column name has no closing ${close}`, start, source.length);
}

/** Splits an expression into tokens; the last is always `end`. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new PrepareError(
      'expression',
      `The expression is ${source.length.toLocaleString('en-US')} characters long; the limit is ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')}.`,
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (DIGIT.test(char) || (char === '.' && DIGIT.test(source[i + 1] ?? ''))) {
      const match = NUMBER.exec(source.slice(i)) as RegExpExecArray;
      const text = match[0];
      const end = i + text.length;
      if (NAME_PART.test(source[end] ?? '')) {
        throw expressionError(`“${source.slice(i, end + 1)}” is not a number`, i, end + 1);
      }
      tokens.push({ kind: 'number', text, number: Number(text), start: i, end });
      i = end;
      continue;
    }
    if (char === '"' || char === "'") {
      const token = readString(source, i);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (char === '`' || char === '[') {
      const token = readQuotedColumn(source, i);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (NAME_START.test(char)) {
      let end = i + 1;
      while (end < source.length && NAME_PART.test(source[end] as string)) end++;
      tokens.push({ kind: 'name', text: source.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator === undefined) throw expressionError(`Unexpected “${char}”`, i);
    tokens.push({ kind: 'operator', text: operator, start: i, end: i + operator.length });
    i += operator.length;
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

/** A column reference as the expression language writes it: bare when it can be, else quoted. */
export function columnReference(name: string): string {
  const bare = /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) && !KEYWORDS.has(name.toLowerCase());
  return bare ? name : `\`${name.replaceAll('`', '``')}\``;
}

/** A string literal for any text. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/[\\'\n\t\r]/g, (char) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[char] ?? `\\${char}`)}'`;
}

export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'true', 'false', 'null']);
