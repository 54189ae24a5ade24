import { describe, expect, it } from 'vitest';
import { Table, TableError, numberColumn, stringColumn, isMissing } from '../../../src/core/table';

describe('Table', () => {
  const table = Table.fromRows([
    { x: 1, flag: true, species: 'setosa' },
    { x: null, flag: false, species: 'virginica' },
    { x: 3.5, flag: null, species: 'setosa' },
  ]);

  it('infers numeric, boolean and categorical columns with missing values', () => {
    expect(table.names).toEqual(['x', 'flag', 'species']);
    expect(table.column('x').type).toBe('numeric');
    expect(table.column('flag').type).toBe('boolean');
    const species = table.column('species');
    expect(species).toMatchObject({ type: 'categorical', dictionary: ['setosa', 'virginica'] });
    expect(isMissing(table.column('x'), 1)).toBe(true);
    expect(table.toRows()).toEqual([
      { x: 1, flag: 1, species: 'setosa' },
      { x: null, flag: 0, species: 'virginica' },
      { x: 3.5, flag: null, species: 'setosa' },
    ]);
  });

  it('takes rows by index, repeats allowed', () => {
    expect(
      table
        .take([2, 2, 0])
        .toRows()
        .map((row) => row.x),
    ).toEqual([3.5, 3.5, 1]);
    expect(() => table.take([3])).toThrow(TableError);
  });

  it('names the columns that exist when one is missing', () => {
    expect(() => table.column('sepal')).toThrow(
      'There is no column “sepal”. Columns: x, flag, species.',
    );
  });

  it('refuses ragged and duplicate columns', () => {
    expect(() => new Table([numberColumn('a', [1, 2]), numberColumn('b', [1])])).toThrow(
      /has 1 rows/,
    );
    expect(() => new Table([numberColumn('a', [1]), stringColumn('a', ['x'])])).toThrow(
      /Two columns/,
    );
  });

  it('reports a value that cannot be a number with its row and column', () => {
    expect(() => Table.fromRows([{ a: '1' }, { a: 'abc' }], { a: 'numeric' })).toThrow(
      'Row 2, column “a”: “abc” is not a number.',
    );
  });

  it('selects, drops and replaces columns', () => {
    expect(table.select(['species', 'x']).names).toEqual(['species', 'x']);
    expect(table.drop(['flag']).names).toEqual(['x', 'species']);
    expect(table.withColumn(numberColumn('x', [0, 0, 0])).column('x')).toMatchObject({
      type: 'numeric',
    });
  });
});

describe('Table rows', () => {
  it('keep a column named __proto__ as an ordinary key', () => {
    const table = new Table([numberColumn('__proto__', [1]), numberColumn('constructor', [2])]);
    const [row] = table.toRows();
    expect(Object.keys(row ?? {})).toEqual(['__proto__', 'constructor']);
    expect(row?.['__proto__']).toBe(1);
  });
});
