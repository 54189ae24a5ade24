import { describe, expect, it } from 'vitest';
import {
  columnReference,
  evaluateColumn,
  evaluateCondition,
  parseExpression,
  stringLiteral,
  tokenize,
} from '../../../../src/core/data/prepare/expression';
import { PrepareError } from '../../../../src/core/data/prepare';
import {
  Table,
  numberColumn,
  stringColumn,
  valueAt,
  type Column,
} from '../../../../src/core/table';

const DAY = 86_400_000;
const table = new Table([
  numberColumn('x', [1, 2, null, 4, -3]),
  numberColumn('n', [10, 0, 5, 2, 7], 'integer'),
  numberColumn('ok', [1, 0, null, 1, 0], 'boolean'),
  numberColumn(
    'when',
    [Date.UTC(2024, 0, 31), Date.UTC(2023, 11, 25, 13, 45), null, Date.UTC(2000, 1, 29), 0],
    'datetime',
  ),
  stringColumn('city', ['Oslo', ' lima ', null, 'Oslo', 'Åre']),
  stringColumn('sepal length', ['a', 'b', 'c', 'd', 'e']),
]);

/** Cells as plain values, true/false for boolean columns. */
const values = (column: Column) =>
  Array.from({ length: table.rowCount }, (_, row) => {
    const value = valueAt(column, row);
    return column.type === 'boolean' && value !== null ? value === 1 : value;
  });
const evaluate = (source: string) => values(evaluateColumn(table, source, 'out'));
const typeOf = (source: string) => evaluateColumn(table, source, 'out').type;

function failure(run: () => unknown, what = ''): PrepareError {
  try {
    run();
  } catch (error) {
    if (error instanceof PrepareError) return error;
    throw error;
  }
  throw new Error(`expected a PrepareError ${what}`);
}

describe('tokenize and parse', () => {
  it('reads numbers, strings with escapes, quoted names and operators', () => {
    const tokens = tokenize(`1.5e2 'it\\'s' "a\\nb" \`sepal length\` [x] >= <> && !`);
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['number', '1.5e2'],
      ['string', "it's"],
      ['string', 'a\nb'],
      ['column', 'sepal length'],
      ['column', 'x'],
      ['operator', '>='],
      ['operator', '<>'],
      ['operator', '&&'],
      ['operator', '!'],
      ['end', ''],
    ]);
  });

  it('binds as arithmetic expects: ^ before unary minus before * before +, comparisons, not, and, or', () => {
    expect(evaluate('-2^2 + 3 * 2')).toEqual([2, 2, 2, 2, 2]);
    expect(evaluate('2^3^2')).toEqual(Array(5).fill(512));
    expect(evaluate('(1 + 2) * 3 % 4')).toEqual(Array(5).fill(1));
    const tree = parseExpression('not x > 1 or n = 0 and ok');
    expect(tree.type === 'binary' && tree.op).toBe('or');
  });

  it('reports where an expression is wrong, by character', () => {
    const cases: [string, RegExp, number][] = [
      ['x +', /ends early: a value is missing \(at character 4\)/, 3],
      ['x + * 2', /Expected a value but found “\*” \(at character 5\)/, 4],
      ["'open", /no closing ' \(at character 1\)/, 0],
      ['x # 2', /Unexpected “#” \(at character 3\)/, 2],
      ['1 < x < 3', /cannot be chained/, 6],
      ['12abc', /“12a” is not a number/, 0],
      ['(x + 1', /ends early: “\)” is missing/, 6],
      ['', /empty/, 0],
    ];
    for (const [source, message, start] of cases) {
      const error = failure(() => evaluateColumn(table, source, 'out'));
      expect(error.message, source).toMatch(message);
      expect(error.details.start, source).toBe(start);
    }
  });

  it('quotes names and texts so that they read back', () => {
    expect(columnReference('x')).toBe('x');
    expect(columnReference('sepal length')).toBe('`sepal length`');
    expect(columnReference('and')).toBe('`and`');
    expect(columnReference('a`b')).toBe('`a``b`');
    expect(evaluate(`${columnReference('sepal length')} = ${stringLiteral("it's\\")}`)).toEqual(
      Array(5).fill(false),
    );
    expect(tokenize(stringLiteral("a'b\\c\n"))[0]?.text).toBe("a'b\\c\n");
  });
});

describe('evaluate', () => {
  it('does arithmetic with missing in, missing out, and non-finite results missing', () => {
    expect(evaluate('x * 2 + n')).toEqual([12, 4, null, 10, 1]);
    expect(evaluate('n / x')).toEqual([10, 0, null, 0.5, -7 / 3]);
    expect(evaluate('x / (n - n)')).toEqual([null, null, null, null, null]);
    expect(evaluate('log(n)')).toEqual([Math.log(10), null, Math.log(5), Math.log(2), Math.log(7)]);
    expect(evaluate('ok + 1')).toEqual([2, 1, null, 2, 1]);
  });

  it('types results: whole numbers become integer, comparisons boolean, text categorical', () => {
    expect(typeOf('n * 2')).toBe('integer');
    expect(typeOf('x / 3')).toBe('numeric');
    expect(typeOf('x > 1')).toBe('boolean');
    expect(typeOf('when + 1')).toBe('datetime');
    expect(typeOf("city + '!'")).toBe('categorical');
  });

  it('uses three-valued logic; a condition keeps only the rows where it is true', () => {
    expect(evaluate('x > 1 and ok')).toEqual([false, false, null, true, false]);
    expect(evaluate('x > 1 or ok')).toEqual([true, true, null, true, false]);
    expect(evaluate('not ok')).toEqual([false, true, null, false, true]);
    expect(evaluate('x > 100 and ok')).toEqual([false, false, null, false, false]);
    expect(Array.from(evaluateCondition(table, 'x >= 2 || isnull(x)'))).toEqual([1, 2, 3]);
    expect(Array.from(evaluateCondition(table, 'city == "Oslo"'))).toEqual([0, 3]);
  });

  it('compares text and dates, reading a quoted date against a date column', () => {
    expect(evaluate("city != 'Oslo'")).toEqual([false, true, null, false, true]);
    expect(evaluate("'Oslo' = city")).toEqual([true, false, null, true, false]);
    expect(evaluate("when >= '2024-01-01'")).toEqual([true, false, null, false, false]);
    expect(evaluate("when < date('2001-01-01')")).toEqual([false, false, null, true, true]);
    expect(failure(() => evaluate("when > 'soon'")).message).toMatch(
      /“'soon'” is not a date; write dates as 'YYYY-MM-DD' \(at character 8\)/,
    );
  });

  it('computes with dates in days and takes them apart', () => {
    expect(evaluate("when - date('2024-01-01')")).toEqual([
      30,
      -(6 + 10.25 / 24),
      null,
      -8707,
      -19723,
    ]);
    expect(evaluate('year(when)')).toEqual([2024, 2023, null, 2000, 1970]);
    expect(evaluate('month(when)')).toEqual([1, 12, null, 2, 1]);
    expect(evaluate('day(when)')).toEqual([31, 25, null, 29, 1]);
    expect(evaluate('hour(when)')).toEqual([0, 13, null, 0, 0]);
    expect(evaluate('minute(when)')).toEqual([0, 45, null, 0, 0]);
    expect(evaluate('weekday(when)')).toEqual([3, 1, null, 2, 4]);
    expect(evaluate('when + 1')).toEqual([
      Date.UTC(2024, 1, 1),
      Date.UTC(2023, 11, 26, 13, 45),
      null,
      Date.UTC(2000, 2, 1),
      DAY,
    ]);
  });

  it('runs text functions, once per category where it can', () => {
    expect(evaluate('upper(trim(city))')).toEqual(['OSLO', 'LIMA', null, 'OSLO', 'ÅRE']);
    expect(evaluate('len(city)')).toEqual([4, 6, null, 4, 3]);
    expect(evaluate("contains(lower(city), 'o')")).toEqual([true, false, null, true, false]);
    expect(evaluate("startswith(city, 'O') or endswith(city, 'e')")).toEqual([
      true,
      false,
      null,
      true,
      true,
    ]);
    expect(evaluate("replace(city, 'O', '0')")).toEqual(['0slo', ' lima ', null, '0slo', 'Åre']);
    expect(evaluate('substr(city, 2, 2)')).toEqual(['sl', 'li', null, 'sl', 're']);
    expect(evaluate("concat(city, '-', n)")).toEqual([
      'Oslo-10',
      ' lima -0',
      null,
      'Oslo-2',
      'Åre-7',
    ]);
    expect(evaluate("city + ' ' + x")).toEqual(['Oslo 1', ' lima  2', null, 'Oslo 4', 'Åre -3']);
    expect(evaluate("number('12.5') + 1")).toEqual(Array(5).fill(13.5));
    expect(evaluate('text(ok)')).toEqual(['true', 'false', null, 'true', 'false']);
  });

  it('branches and fills: if, coalesce, isnull, min, max, round, clip', () => {
    expect(evaluate("if(x > 1, 'big', 'small')")).toEqual([
      'small',
      'big',
      'small',
      'big',
      'small',
    ]);
    expect(evaluate('if(ok, x, null)')).toEqual([1, null, null, 4, null]);
    expect(evaluate('coalesce(x, n, 0)')).toEqual([1, 2, 5, 4, -3]);
    expect(evaluate('isnull(city)')).toEqual([false, false, true, false, false]);
    expect(evaluate('min(x, n)')).toEqual([1, 0, 5, 2, -3]);
    expect(evaluate('max(x, n, 3)')).toEqual([10, 3, 5, 4, 7]);
    expect(evaluate('round(x / 3, 2)')).toEqual([0.33, 0.67, null, 1.33, -1]);
    expect(evaluate('round(-2.5)')).toEqual(Array(5).fill(-3));
    expect(evaluate('clip(n, 1, 6)')).toEqual([6, 1, 5, 2, 6]);
    expect(evaluate('abs(x) + sqrt(4) + exp(0) + floor(1.7) + ceil(1.2) + sign(-4)')).toEqual([
      6,
      7,
      null,
      9,
      8,
    ]);
    expect(evaluate('log(8, 2) + log10(100) + log2(4) + pow(2, 3) + 7 % 4')).toEqual(
      Array(5).fill(18),
    );
  });

  it('rejects wrong types and unknown names with the span to fix', () => {
    const cases: [string, RegExp, number, number][] = [
      ['log(city)', /log\(\) needs a number, but “city” is text/, 4, 8],
      ['x - city', /“-” needs numbers, but “city” is text/, 4, 8],
      ['city * 2', /“\*” needs numbers, but “city” is text/, 0, 4],
      ['x and ok', /“and” needs true\/false, but “x” is a number/, 0, 1],
      ['if(x, 1, 2)', /if\(\) needs a condition/, 3, 4],
      ["if(ok, 1, 'a')", /needs values of one type/, 10, 13],
      ['citi', /There is no column “citi”/, 0, 4],
      ['X > 1', /There is no column “X”. Did you mean x\?/, 0, 1],
      ['lg(x)', /There is no function “lg”/, 0, 2],
      ['round()', /round\(\) takes 1 to 2 arguments/, 0, 7],
      ['x > city', /Cannot compare a number \(“x”\) with text \(“city”\)/, 2, 3],
      ['x = null', /use isnull/, 0, 8],
      ['when * 2', /does not apply to dates/, 5, 6],
      ['upper(x)', /upper\(\) needs text, but “x” is a number; text\(…\)/, 6, 7],
    ];
    for (const [source, message, start, end] of cases) {
      const error = failure(() => evaluateColumn(table, source, 'out'), source);
      expect(error.message, source).toMatch(message);
      expect([error.details.start, error.details.end], source).toEqual([start, end]);
    }
    expect(failure(() => evaluateCondition(table, 'x + 1')).message).toMatch(
      /condition must be true or false, but this expression gives a number/,
    );
    expect(failure(() => evaluateColumn(table, 'null', 'out')).message).toMatch(
      /missing in every row/,
    );
  });

  it('never runs code: names of globals are just unknown columns or functions', () => {
    for (const source of ['constructor', 'eval("1")', '__proto__', 'process.exit()']) {
      expect(() => evaluateColumn(table, source, 'out'), source).toThrow(PrepareError);
    }
    const own = new Table([numberColumn('__proto__', [1]), numberColumn('constructor', [2])]);
    expect(valueAt(evaluateColumn(own, '__proto__ + constructor', 'sum'), 0)).toBe(3);
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(
      failure(() => evaluateColumn(table, `${'('.repeat(500)}1${')'.repeat(500)}`, 'o')).message,
    ).toMatch(/nests deeper than 200/);
  });

  it('derives over a million rows (timing printed, not asserted)', () => {
    const n = 1_000_000;
    const big = new Table([
      { name: 'a', type: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i % 1000) },
      {
        name: 'c',
        type: 'categorical',
        codes: Int32Array.from({ length: n }, (_, i) => i % 50),
        dictionary: Array.from({ length: 50 }, (_, i) => `Category ${i}`),
      },
    ]);
    const start = performance.now();
    const out = evaluateColumn(big, "if(a > 500 and contains(lower(c), '1'), log(a + 1), 0)", 'y');
    const ms = Math.round(performance.now() - start);
    console.log(`1M rows: derive with if/and/contains/log in ${ms} ms`);
    expect(out.type).toBe('numeric');
    expect(valueAt(out, 502)).toBe(0);
    expect(valueAt(out, 400)).toBe(0);
    expect(valueAt(out, 511)).toBeCloseTo(Math.log(512), 12);
  });
});
