import { describe, expect, it } from 'vitest';
import {
  applyStep,
  applySteps,
  describeStep,
  parseStep,
  PrepareError,
  STEP_TITLES,
  type PrepareStep,
} from '../../../../src/core/data/prepare';
import {
  Table,
  numberColumn,
  stringColumn,
  valueAt,
  type StringColumn,
} from '../../../../src/core/table';

const DAY = 86_400_000;

const people = () =>
  new Table([
    numberColumn('id', [1, 2, 3, 4, 5, 6], 'integer'),
    numberColumn('age', [30, null, 45, 30, 61, 30], 'integer'),
    numberColumn('score', [1.5, 2.5, null, 1.5, 4, 1.5]),
    stringColumn('city', ['Oslo', 'Lima', 'Oslo', 'Oslo', null, 'Oslo']),
    stringColumn('raw', ['12', 'NA', '7.5', '12', '?', '12']),
    numberColumn('joined', [0, DAY, 2 * DAY, 0, 3 * DAY, 0], 'datetime'),
  ]);

function run(step: PrepareStep, table = people(), context = {}): Table {
  const outputs = applyStep(table, step, context);
  expect(outputs).toHaveLength(1);
  return outputs[0]!.table;
}

const cells = (table: Table, name: string) => {
  const column = table.column(name);
  return Array.from({ length: table.rowCount }, (_, row) => valueAt(column, row));
};

function failure(run: () => unknown): PrepareError {
  try {
    run();
  } catch (error) {
    if (error instanceof PrepareError) return error;
    throw error;
  }
  throw new Error('expected a PrepareError');
}

describe('columns', () => {
  it('selects in the given order, drops, and renames in place (swaps allowed)', () => {
    expect(run({ kind: 'select', columns: ['city', 'id'] }).names).toEqual(['city', 'id']);
    expect(run({ kind: 'drop', columns: ['raw', 'joined'] }).names).toEqual([
      'id',
      'age',
      'score',
      'city',
    ]);
    const renamed = run({
      kind: 'rename',
      renames: [
        { from: 'id', to: 'age' },
        { from: 'age', to: 'id' },
      ],
    });
    expect(renamed.names.slice(0, 2)).toEqual(['age', 'id']);
    expect(cells(renamed, 'age')[0]).toBe(1);
  });

  it('names the problem: unknown column, clash, nothing left', () => {
    expect(failure(() => run({ kind: 'select', columns: ['nope'] })).message).toMatch(
      /Select columns: there is no column “nope”/,
    );
    expect(
      failure(() => run({ kind: 'rename', renames: [{ from: 'id', to: 'city' }] })).message,
    ).toMatch(/two columns would be named “city”/);
    expect(failure(() => run({ kind: 'drop', columns: people().names })).code).toBe('empty-result');
  });
});

describe('change type', () => {
  it('reads text as numbers with custom missing tokens', () => {
    const out = run({
      kind: 'change-type',
      changes: [{ column: 'raw', type: 'numeric' }],
      missing: ['NA', '?'],
    });
    expect(out.column('raw').type).toBe('numeric');
    expect(cells(out, 'raw')).toEqual([12, null, 7.5, 12, null, 12]);
  });

  it('reads formatted amounts as numbers when the whole column is written so', () => {
    const prices = new Table([stringColumn('price', ['$1,046.92', '$99.50', null, '($5.00)'])]);
    const out = run(
      { kind: 'change-type', changes: [{ column: 'price', type: 'numeric' }] },
      prices,
    );
    expect(cells(out, 'price')).toEqual([1046.92, 99.5, null, -5]);
    const whole = new Table([stringColumn('n', ['1,000', '25,000'])]);
    expect(
      cells(run({ kind: 'change-type', changes: [{ column: 'n', type: 'integer' }] }, whole), 'n'),
    ).toEqual([1000, 25000]);
    const mixed = new Table([stringColumn('m', ['$5', '€6'])]);
    expect(
      failure(() =>
        run({ kind: 'change-type', changes: [{ column: 'm', type: 'numeric' }] }, mixed),
      ).message,
    ).toBe('Column “m”: “$5” (row 1) is not a number.');
  });

  it('names the column, row and value that do not convert', () => {
    const error = failure(() =>
      run({ kind: 'change-type', changes: [{ column: 'raw', type: 'numeric' }], missing: ['NA'] }),
    );
    expect(error.message).toBe('Column “raw”: “?” (row 5) is not a number.');
    expect(error.details).toEqual({ column: 'raw', row: 4, value: '?' });
    expect(
      failure(() => run({ kind: 'change-type', changes: [{ column: 'score', type: 'integer' }] }))
        .message,
    ).toBe('Column “score”: “1.5” (row 1) is not a whole number.');
  });

  it('converts numbers to categories and back, to dates, and to true/false', () => {
    const asText = run({ kind: 'change-type', changes: [{ column: 'age', type: 'categorical' }] });
    expect(cells(asText, 'age')).toEqual(['30', null, '45', '30', '61', '30']);
    const back = run(
      { kind: 'change-type', changes: [{ column: 'age', type: 'integer' }] },
      asText,
    );
    expect(cells(back, 'age')).toEqual([30, null, 45, 30, 61, 30]);
    const years = run(
      { kind: 'change-type', changes: [{ column: 'y', type: 'datetime' }], dateUnit: 'year' },
      new Table([numberColumn('y', [1999, 2024, null], 'integer')]),
    );
    expect(cells(years, 'y')).toEqual([Date.UTC(1999, 0, 1), Date.UTC(2024, 0, 1), null]);
    const seconds = run(
      { kind: 'change-type', changes: [{ column: 's', type: 'datetime' }], dateUnit: 'epoch-s' },
      new Table([numberColumn('s', [86_400])]),
    );
    expect(cells(seconds, 's')).toEqual([DAY]);
    const compact = new Table([
      numberColumn('d', [20240131, null, 19991231], 'integer'),
      numberColumn('m', [202401, 199912, null], 'integer'),
    ]);
    const days = run(
      { kind: 'change-type', changes: [{ column: 'd', type: 'datetime' }], dateUnit: 'yyyymmdd' },
      compact,
    );
    expect(cells(days, 'd')).toEqual([Date.UTC(2024, 0, 31), null, Date.UTC(1999, 11, 31)]);
    const months = run(
      { kind: 'change-type', changes: [{ column: 'm', type: 'datetime' }], dateUnit: 'yyyymm' },
      compact,
    );
    expect(cells(months, 'm')).toEqual([Date.UTC(2024, 0, 1), Date.UTC(1999, 11, 1), null]);
    expect(
      failure(() =>
        run(
          { kind: 'change-type', changes: [{ column: 'd', type: 'datetime' }], dateUnit: 'yyyymm' },
          compact,
        ),
      ).message,
    ).toBe('Column “d”: “20240131” (row 1) is not a date.');
    const sheet = new Table([numberColumn('x', [43831, null, 43831.75, 36526])]);
    const serials = run(
      { kind: 'change-type', changes: [{ column: 'x', type: 'datetime' }], dateUnit: 'excel' },
      sheet,
    );
    expect(cells(serials, 'x')).toEqual([
      Date.UTC(2020, 0, 1),
      null,
      Date.UTC(2020, 0, 1, 18),
      Date.UTC(2000, 0, 1),
    ]);
    const flags = new Table([stringColumn('f', ['yes', 'No', null, 'TRUE', '0'])]);
    expect(
      cells(run({ kind: 'change-type', changes: [{ column: 'f', type: 'boolean' }] }, flags), 'f'),
    ).toEqual([1, 0, null, 1, 0]);
    expect(
      failure(() => run({ kind: 'change-type', changes: [{ column: 'age', type: 'boolean' }] }))
        .message,
    ).toBe('Column “age”: “30” (row 1) is not true/false (true, false, yes, no, 1, 0, on, off).');
    const dates = run({ kind: 'change-type', changes: [{ column: 'joined', type: 'text' }] });
    expect(cells(dates, 'joined').slice(0, 2)).toEqual(['1970-01-01', '1970-01-02']);
  });

  it('reads text dates, asking for the order when day and month could swap', () => {
    const table = new Table([stringColumn('d', ['03/04/2024', '05/06/2024', null])]);
    expect(
      failure(() =>
        run({ kind: 'change-type', changes: [{ column: 'd', type: 'datetime' }] }, table),
      ).message,
    ).toMatch(/could be day\/month or month\/day; choose the date order/);
    const dmy = run(
      { kind: 'change-type', changes: [{ column: 'd', type: 'datetime' }], dateOrder: 'dmy' },
      table,
    );
    expect(cells(dmy, 'd')).toEqual([Date.UTC(2024, 3, 3), Date.UTC(2024, 5, 5), null]);
    const bad = new Table([stringColumn('d', ['2024-01-01', 'soon', '2024-01-03'])]);
    expect(
      failure(() => run({ kind: 'change-type', changes: [{ column: 'd', type: 'datetime' }] }, bad))
        .message,
    ).toBe('Column “d”: “soon” (row 2) is not a date.');
  });

  it('turns numeric sentinels into missing values', () => {
    const out = run({
      kind: 'change-type',
      changes: [{ column: 'age', type: 'integer' }],
      missing: ['30'],
    });
    expect(cells(out, 'age')).toEqual([null, null, 45, null, 61, null]);
  });
});

describe('rows', () => {
  it('filters by a condition and drops categories no row keeps', () => {
    const out = run({ kind: 'filter', condition: "age >= 40 or city = 'Lima'" });
    expect(cells(out, 'id')).toEqual([2, 3, 5]);
    const city = out.column('city') as StringColumn;
    expect(city.dictionary).toEqual(['Oslo', 'Lima']);
    const none = failure(() => run({ kind: 'filter', condition: 'age > 100' }));
    expect(none.message).toBe('The filter leaves no rows.');
  });

  it('removes duplicate rows, or rows repeating some columns, keeping the first', () => {
    const table = people().drop(['id']);
    expect(cells(run({ kind: 'dedupe' }, table), 'age')).toEqual([30, null, 45, 61]);
    expect(cells(run({ kind: 'dedupe', columns: ['city'] }), 'id')).toEqual([1, 2, 5]);
  });

  it('samples with a seed, by count or fraction, keeping row order', () => {
    const big = new Table([
      numberColumn(
        'i',
        Array.from({ length: 100 }, (_, i) => i),
      ),
    ]);
    const a = cells(run({ kind: 'sample', size: 10, seed: 1 }, big), 'i') as number[];
    expect(a).toHaveLength(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(cells(run({ kind: 'sample', size: 10, seed: 1 }, big), 'i')).toEqual(a);
    expect(cells(run({ kind: 'sample', size: 10, seed: 2 }, big), 'i')).not.toEqual(a);
    expect(run({ kind: 'sample', size: 0.25, seed: 1 }, big).rowCount).toBe(25);
    expect(failure(() => run({ kind: 'sample', size: 1000, seed: 1 }, big)).message).toMatch(
      /1,000 rows were asked for; there are 100/,
    );
    expect(failure(() => run({ kind: 'sample', size: -1, seed: 1 }, big)).code).toBe(
      'invalid-step',
    );
  });
});

describe('clean missing values', () => {
  it('drops rows missing any chosen column', () => {
    const out = run({ kind: 'clean-missing', columns: ['age', 'city'], strategy: 'drop' });
    expect(cells(out, 'id')).toEqual([1, 3, 4, 6]);
  });

  it('fills with the mean, median or mode, adding an indicator column', () => {
    const mean = run({
      kind: 'clean-missing',
      columns: ['age'],
      strategy: 'mean',
      indicator: true,
    });
    expect(cells(mean, 'age')[1]).toBeCloseTo(196 / 5, 12);
    expect(mean.column('age').type).toBe('numeric');
    expect(mean.names.slice(1, 3)).toEqual(['age', 'age_missing']);
    expect(cells(mean, 'age_missing')).toEqual([0, 1, 0, 0, 0, 0]);
    expect(mean.column('age_missing').type).toBe('boolean');
    const median = run({ kind: 'clean-missing', columns: ['age', 'score'], strategy: 'median' });
    expect(cells(median, 'age')[1]).toBe(30);
    expect(median.column('age').type).toBe('integer');
    expect(cells(median, 'score')[2]).toBe(1.5);
    const mode = run({ kind: 'clean-missing', columns: ['city'], strategy: 'mode' });
    expect(cells(mode, 'city')[4]).toBe('Oslo');
  });

  it('fills with a constant of the column’s type', () => {
    const out = run({
      kind: 'clean-missing',
      columns: ['city'],
      strategy: 'constant',
      value: 'unknown',
    });
    expect(cells(out, 'city')).toEqual(['Oslo', 'Lima', 'Oslo', 'Oslo', 'unknown', 'Oslo']);
    const ages = run({ kind: 'clean-missing', columns: ['age'], strategy: 'constant', value: '0' });
    expect(cells(ages, 'age')[1]).toBe(0);
    expect(ages.column('age').type).toBe('integer');
  });

  it('explains what does not fit', () => {
    expect(
      failure(() =>
        run({ kind: 'clean-missing', columns: ['age'], strategy: 'constant', value: 'old' }),
      ).message,
    ).toBe('Clean missing values: “old” is not a number, so it cannot fill column “age”.');
    expect(
      failure(() => run({ kind: 'clean-missing', columns: ['city'], strategy: 'mean' })).message,
    ).toMatch(/column “city” is categorical; the mean needs numbers/);
  });
});

describe('derive, bin and normalize', () => {
  it('derives a column from an expression, replacing one of the same name in place', () => {
    const out = run({ kind: 'derive', name: 'older', expression: 'age + 1' });
    expect(out.names.at(-1)).toBe('older');
    expect(cells(out, 'older')).toEqual([31, null, 46, 31, 62, 31]);
    const replaced = run({ kind: 'derive', name: 'age', expression: 'age * 2' });
    expect(replaced.names).toEqual(people().names);
    expect(cells(replaced, 'age')[0]).toBe(60);
    expect(failure(() => run({ kind: 'derive', name: ' ', expression: '1' })).message).toMatch(
      /column name cannot be empty/,
    );
  });

  it('bins by equal width and by quantiles, labels in interval order', () => {
    const table = new Table([numberColumn('v', [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, null])]);
    const width = run({ kind: 'bin', column: 'v', method: 'equal-width', bins: 4 }, table);
    const binned = width.column('v_bin') as StringColumn;
    expect(binned.dictionary).toEqual(['[0, 2.5)', '[2.5, 5)', '[5, 7.5)', '[7.5, 10]']);
    expect(cells(width, 'v_bin')).toEqual([
      '[0, 2.5)',
      '[0, 2.5)',
      '[0, 2.5)',
      '[2.5, 5)',
      '[2.5, 5)',
      '[5, 7.5)',
      '[5, 7.5)',
      '[5, 7.5)',
      '[7.5, 10]',
      '[7.5, 10]',
      null,
    ]);
    const quantile = run(
      { kind: 'bin', column: 'v', method: 'quantile', bins: 2, name: 'half' },
      table,
    );
    // numpy.quantile([0..8, 10], 0.5) = 4.5
    expect((quantile.column('half') as StringColumn).dictionary).toEqual(['[0, 4.5)', '[4.5, 10]']);
    const ties = new Table([numberColumn('v', [1, 1, 1, 1, 2])]);
    expect(
      (
        run({ kind: 'bin', column: 'v', method: 'quantile', bins: 4 }, ties).column(
          'v_bin',
        ) as StringColumn
      ).dictionary,
    ).toEqual(['[1, 2]']);
    expect(
      failure(() => run({ kind: 'bin', column: 'city', method: 'equal-width', bins: 3 })).code,
    ).toBe('wrong-type');
  });

  it('normalizes by z-score (population deviation) and min-max', () => {
    const table = new Table([
      numberColumn('a', [1, 2, 3, null]),
      numberColumn('flat', [5, 5, 5, 5]),
    ]);
    const z = run({ kind: 'normalize', columns: ['a', 'flat'], method: 'z-score' }, table);
    const sd = Math.sqrt(2 / 3);
    expect(cells(z, 'a')).toEqual([-1 / sd, 0, 1 / sd, null]);
    expect(cells(z, 'flat')).toEqual([0, 0, 0, 0]);
    const minMax = run({ kind: 'normalize', columns: ['a'], method: 'min-max' }, table);
    expect(cells(minMax, 'a')).toEqual([0, 0.5, 1, null]);
  });
});

describe('join', () => {
  const cities = new Table([
    stringColumn('city', ['Oslo', 'Lima', 'Oslo', 'Rome']),
    numberColumn('population', [0.7, 10, 0.71, 2.8]),
    numberColumn('id', [100, 200, 300, 400], 'integer'),
  ]);
  const context = { tables: new Map([['v-cities', cities]]) };
  const right = { versionId: 'v-cities', label: '“cities” v1' };

  it('inner-joins every match in left order, suffixing clashing names', () => {
    const out = run(
      { kind: 'join', right, leftOn: ['city'], rightOn: ['city'], how: 'inner' },
      people(),
      context,
    );
    expect(out.names).toEqual([
      'id',
      'age',
      'score',
      'city',
      'raw',
      'joined',
      'population',
      'id_right',
    ]);
    expect(cells(out, 'id')).toEqual([1, 1, 2, 3, 3, 4, 4, 6, 6]);
    expect(cells(out, 'population')).toEqual([0.7, 0.71, 10, 0.7, 0.71, 0.7, 0.71, 0.7, 0.71]);
  });

  it('left-joins keeping unmatched rows with missing right-hand values', () => {
    const small = people().take([1, 4]);
    const out = run(
      { kind: 'join', right, leftOn: ['city'], rightOn: ['city'], how: 'left' },
      small,
      context,
    );
    expect(cells(out, 'id')).toEqual([2, 5]);
    expect(cells(out, 'population')).toEqual([10, null]);
  });

  it('refuses keys of different kinds and a missing right table', () => {
    expect(
      failure(() =>
        run(
          { kind: 'join', right, leftOn: ['id'], rightOn: ['city'], how: 'inner' },
          people(),
          context,
        ),
      ).message,
    ).toMatch(/key “id” holds numbers but “city” of “cities” v1 holds text/);
    expect(
      failure(() => run({ kind: 'join', right, leftOn: ['city'], rightOn: ['city'], how: 'inner' }))
        .message,
    ).toMatch(/was not provided/);
  });
});

describe('split', () => {
  const classes = () =>
    new Table([
      numberColumn(
        'i',
        Array.from({ length: 40 }, (_, i) => i),
        'integer',
      ),
      stringColumn(
        'label',
        Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 'rare' : 'common')),
      ),
      stringColumn(
        'user',
        Array.from({ length: 40 }, (_, i) => `u${i % 8}`),
      ),
      numberColumn(
        't',
        Array.from({ length: 40 }, (_, i) => (i * 7) % 40),
        'datetime',
      ),
    ]);
  const split = (step: Omit<Extract<PrepareStep, { kind: 'split' }>, 'kind'>) => {
    const outputs = applyStep(classes(), { kind: 'split', ...step });
    expect(outputs.map((output) => output.role)).toEqual(['train', 'test']);
    return { train: outputs[0]!.table, test: outputs[1]!.table };
  };

  it('splits at random, every row on exactly one side, seeded', () => {
    const { train, test } = split({ method: 'random', testSize: 0.25, seed: 3 });
    expect(test.rowCount).toBe(10);
    const all = [...cells(train, 'i'), ...cells(test, 'i')].sort((a, b) => Number(a) - Number(b));
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(cells(split({ method: 'random', testSize: 0.25, seed: 3 }).test, 'i')).toEqual(
      cells(test, 'i'),
    );
  });

  it('keeps class shares when stratified', () => {
    const { train, test } = split({
      method: 'stratified',
      testSize: 0.2,
      seed: 1,
      column: 'label',
    });
    expect(cells(test, 'label').filter((v) => v === 'rare')).toHaveLength(2);
    expect(cells(train, 'label').filter((v) => v === 'rare')).toHaveLength(8);
  });

  it('puts the latest rows in the test set when split by time', () => {
    const { train, test } = split({ method: 'time', testSize: 0.25, seed: 0, column: 't' });
    const latest = Math.min(...(cells(test, 't') as number[]));
    expect(Math.max(...(cells(train, 't') as number[]))).toBeLessThan(latest);
    expect(test.rowCount).toBe(10);
  });

  it('keeps every group on one side when split by group', () => {
    const { train, test } = split({ method: 'group', testSize: 0.25, seed: 2, column: 'user' });
    const trainUsers = new Set(cells(train, 'user'));
    const testUsers = new Set(cells(test, 'user'));
    expect(testUsers.size).toBe(2);
    expect([...testUsers].filter((user) => trainUsers.has(user))).toEqual([]);
  });

  it('says why a split cannot be made', () => {
    expect(
      failure(() =>
        applyStep(classes(), {
          kind: 'split',
          method: 'time',
          testSize: 0.2,
          seed: 0,
          column: 'label',
        }),
      ).message,
    ).toMatch(/“label” is categorical; choose a date or number column/);
    expect(
      failure(() =>
        applyStep(classes(), { kind: 'split', method: 'random', testSize: 40, seed: 0 }),
      ).message,
    ).toMatch(/Split train\/test: A holdout of 40 test rows leaves no training rows/);
    expect(
      failure(() =>
        applyStep(classes(), { kind: 'split', method: 'stratified', testSize: 0.2, seed: 0 }),
      ).message,
    ).toMatch(/needs a column/);
  });
});

describe('steps as data', () => {
  const examples: PrepareStep[] = [
    { kind: 'select', columns: ['a'] },
    { kind: 'drop', columns: ['a', 'b'] },
    { kind: 'rename', renames: [{ from: 'a', to: 'b' }] },
    { kind: 'change-type', changes: [{ column: 'a', type: 'integer' }], missing: ['', 'NA'] },
    { kind: 'filter', condition: 'a > 1' },
    { kind: 'clean-missing', columns: ['a'], strategy: 'median', indicator: true },
    { kind: 'dedupe' },
    { kind: 'derive', name: 'c', expression: 'a * 2' },
    { kind: 'bin', column: 'a', method: 'quantile', bins: 4 },
    { kind: 'normalize', columns: ['a'], method: 'z-score' },
    {
      kind: 'join',
      right: { versionId: 'v2', label: '“b” v2' },
      leftOn: ['k'],
      rightOn: ['key'],
      how: 'left',
    },
    { kind: 'sample', size: 0.5, seed: 4 },
    { kind: 'split', method: 'stratified', testSize: 0.2, seed: 0, column: 'y' },
  ];

  it('round-trips every kind through JSON and describes it in one line', () => {
    expect(new Set(examples.map((step) => step.kind))).toEqual(new Set(Object.keys(STEP_TITLES)));
    for (const step of examples) {
      expect(parseStep(JSON.parse(JSON.stringify(step)))).toEqual(step);
      expect(describeStep(step)).not.toMatch(/undefined|\n/);
    }
    expect(describeStep(examples[3]!)).toBe('Changed “a” to integer; missing: (empty) NA');
    expect(describeStep(examples[10]!)).toBe('Left join with “b” v2 on “k” = “key”');
    expect(describeStep(examples[12]!)).toBe(
      'Split 20% of rows for test, stratified by “y”, seed 0',
    );
  });

  it('rejects malformed steps with the field at fault', () => {
    expect(() => parseStep({ kind: 'explode' })).toThrow(/Step field “kind”: must be one of/);
    expect(() => parseStep({ kind: 'select', columns: [] })).toThrow(
      /“columns”: must name at least one column/,
    );
    expect(() => parseStep({ kind: 'sample', size: 'ten' })).toThrow(/“size”: must be a number/);
    expect(() =>
      parseStep({ kind: 'change-type', changes: [{ column: 'a', type: 'image' }] }),
    ).toThrow(/changes\[0\]\.type/);
    expect(() => parseStep(null)).toThrow(/must be an object/);
  });

  it('chains steps; a split must come last', () => {
    const outputs = applySteps(people(), [
      { kind: 'clean-missing', columns: ['age'], strategy: 'drop' },
      { kind: 'derive', name: 'decade', expression: 'floor(age / 10) * 10' },
      { kind: 'split', method: 'random', testSize: 1, seed: 0 },
    ]);
    expect(outputs.map((output) => output.table.rowCount)).toEqual([4, 1]);
    expect(() =>
      applySteps(people(), [
        { kind: 'split', method: 'random', testSize: 1, seed: 0 },
        { kind: 'dedupe' },
      ]),
    ).toThrow(/must be the last step/);
  });
});

describe('on a million rows', () => {
  it('runs the common steps (timings printed, not asserted)', () => {
    const n = 1_000_000;
    const table = new Table([
      {
        name: 'x',
        type: 'numeric',
        values: Float64Array.from({ length: n }, (_, i) =>
          i % 97 === 0 ? NaN : (i * 7919) % 10007,
        ),
      },
      {
        name: 'c',
        type: 'categorical',
        codes: Int32Array.from({ length: n }, (_, i) => i % 7),
        dictionary: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      },
    ]);
    const timings: string[] = [];
    const time = (label: string, step: PrepareStep) => {
      const start = performance.now();
      const outputs = applyStep(table, step);
      timings.push(`${label} ${Math.round(performance.now() - start)} ms`);
      return outputs;
    };
    time('filter', { kind: 'filter', condition: "x > 5000 and c != 'a'" });
    time('fill median', { kind: 'clean-missing', columns: ['x'], strategy: 'median' });
    time('dedupe', { kind: 'dedupe' });
    time('bin', { kind: 'bin', column: 'x', method: 'quantile', bins: 10 });
    const [train, test] = time('stratified split', {
      kind: 'split',
      method: 'stratified',
      testSize: 0.2,
      seed: 0,
      column: 'c',
    });
    console.log(`1M rows: ${timings.join(', ')}`);
    expect(train!.table.rowCount + test!.table.rowCount).toBe(n);
  });
});
