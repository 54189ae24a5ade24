import { expressionError, tokenize, type Token } from './tokens';

export type BinaryOperator =
  '+' | '-' | '*' | '/' | '%' | '^' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

interface Span {
  readonly start: number;
  readonly end: number;
}

export type Expression =
  | (Span & { readonly type: 'literal'; readonly value: number | string | boolean | null })
  | (Span & { readonly type: 'column'; readonly name: string })
  | (Span & { readonly type: 'unary'; readonly op: '-' | 'not'; readonly operand: Expression })
  | (Span & {
      readonly type: 'binary';
      readonly op: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
      /** Where the operator itself is written. */
      readonly at: Span;
    })
  | (Span & {
      readonly type: 'call';
      readonly name: string;
      readonly args: Expression[];
      readonly nameEnd: number;
    });

const COMPARISONS: Record<string, BinaryOperator> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Nesting deeper than this is refused rather than risking the stack. */
const MAX_DEPTH = 200;

/**
 * A recursive-descent parser, loosest binding first: or, and, not, comparison (not chained),
 * + −, * / %, unary minus, ^ (right-associative, so −2^2 is −4), then literals, columns,
 * function calls and parentheses.
 */
class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private current(): Token {
    return this.tokens[this.at] as Token;
  }

  private isWord(word: string): boolean {
    return this.current().kind === 'name' && this.current().text.toLowerCase() === word;
  }

  private isOperator(...ops: string[]): boolean {
    return this.current().kind === 'operator' && ops.includes(this.current().text);
  }

  private next(): Token {
    const token = this.current();
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private expect(op: string, what: string): Token {
    if (!this.isOperator(op)) throw this.unexpected(what);
    return this.next();
  }

  private unexpected(expected: string) {
    const token = this.current();
    if (token.kind === 'end') {
      return expressionError(`The expression ends early: ${expected} is missing`, token.start);
    }
    return expressionError(
      `Expected ${expected} but found “${token.kind === 'string' ? `'${token.text}'` : token.text}”`,
      token.start,
      token.end,
    );
  }

  parse(): Expression {
    if (this.current().kind === 'end') {
      throw expressionError('The expression is empty', 0);
    }
    const expression = this.or();
    if (this.current().kind !== 'end') throw this.unexpected('an operator or the end');
    return expression;
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw expressionError(
        `The expression nests deeper than ${MAX_DEPTH} levels`,
        this.current().start,
      );
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private binary(op: BinaryOperator, left: Expression, right: Expression, at: Token): Expression {
    return {
      type: 'binary',
      op,
      left,
      right,
      at: { start: at.start, end: at.end },
      start: left.start,
      end: right.end,
    };
  }

  private or(): Expression {
    let left = this.and();
    while (this.isWord('or') || this.isOperator('||')) {
      const at = this.next();
      left = this.binary('or', left, this.and(), at);
    }
    return left;
  }

  private and(): Expression {
    let left = this.not();
    while (this.isWord('and') || this.isOperator('&&')) {
      const at = this.next();
      left = this.binary('and', left, this.not(), at);
    }
    return left;
  }

  private not(): Expression {
    if (this.isWord('not') || this.isOperator('!')) {
      const at = this.next();
      const operand = this.nested(() => this.not());
      return { type: 'unary', op: 'not', operand, start: at.start, end: operand.end };
    }
    return this.comparison();
  }

  private comparison(): Expression {
    const left = this.additive();
    const op = this.current().kind === 'operator' ? COMPARISONS[this.current().text] : undefined;
    if (!op) return left;
    const at = this.next();
    const right = this.additive();
    if (this.current().kind === 'operator' && COMPARISONS[this.current().text]) {
      throw expressionError(
        'Comparisons cannot be chained: write “a < b and b < c”',
        this.current().start,
        this.current().end,
      );
    }
    return this.binary(op, left, right, at);
  }

  private additive(): Expression {
    let left = this.multiplicative();
    while (this.isOperator('+', '-')) {
      const at = this.next();
      left = this.binary(at.text as '+' | '-', left, this.multiplicative(), at);
    }
    return left;
  }

  private multiplicative(): Expression {
    let left = this.unary();
    while (this.isOperator('*', '/', '%')) {
      const at = this.next();
      left = this.binary(at.text as '*' | '/' | '%', left, this.unary(), at);
    }
    return left;
  }

  private unary(): Expression {
    if (this.isOperator('-', '+')) {
      const at = this.next();
      const operand = this.nested(() => this.unary());
      if (at.text === '+') return operand;
      return { type: 'unary', op: '-', operand, start: at.start, end: operand.end };
    }
    return this.power();
  }

  private power(): Expression {
    const base = this.primary();
    if (!this.isOperator('^')) return base;
    const at = this.next();
    return this.binary(
      '^',
      base,
      this.nested(() => this.unary()),
      at,
    );
  }

  private primary(): Expression {
    const token = this.current();
    if (token.kind === 'number') {
      this.next();
      return { type: 'literal', value: token.number as number, start: token.start, end: token.end };
    }
    if (token.kind === 'string') {
      this.next();
      return { type: 'literal', value: token.text, start: token.start, end: token.end };
    }
    if (token.kind === 'column') {
      this.next();
      return { type: 'column', name: token.text, start: token.start, end: token.end };
    }
    if (this.isOperator('(')) {
      this.next();
      const inner = this.nested(() => this.or());
      const close = this.expect(')', '“)”');
      return { ...inner, start: token.start, end: close.end };
    }
    if (token.kind === 'name') {
      const word = token.text.toLowerCase();
      if (word === 'true' || word === 'false' || word === 'null') {
        this.next();
        const value = word === 'null' ? null : word === 'true';
        return { type: 'literal', value, start: token.start, end: token.end };
      }
      if (word === 'and' || word === 'or' || word === 'not') throw this.unexpected('a value');
      this.next();
      if (!this.isOperator('(')) {
        return { type: 'column', name: token.text, start: token.start, end: token.end };
      }
      this.next();
      const args: Expression[] = [];
      if (!this.isOperator(')')) {
        for (;;) {
          args.push(this.nested(() => this.or()));
          if (!this.isOperator(',')) break;
          this.next();
        }
      }
      const close = this.expect(')', '“,” or “)”');
      return {
        type: 'call',
        name: word,
        args,
        start: token.start,
        end: close.end,
        nameEnd: token.end,
      };
    }
    throw this.unexpected('a value');
  }
}

/** Parses an expression; a PrepareError with `code: 'expression'` says where it is wrong. */
export function parseExpression(source: string): Expression {
  return new Parser(tokenize(source)).parse();
}
