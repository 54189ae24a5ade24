import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { associationMatrix, associationsFromProfile } from '../../../../src/core/data/associations';
import { profileTable } from '../../../../src/core/data/profile/profile';
import { Table, numberColumn, stringColumn } from '../../../../src/core/table';

/** Written by fixtures/associations.py with pandas and scipy. */
interface Measures {
  pearson: Record<string, Record<string, number>>;
  cramersV: Record<string, Record<string, number>>;
  eta: Record<string, Record<string, number>>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/associations.json', import.meta.url), 'utf8'),
) as {
  columns: Record<string, (number | string | null)[]>;
  all: Measures;
  selection: Measures & { rows: number[] };
};

const c = fixture.columns;
const table = new Table([
  numberColumn('x', c.x as (number | null)[]),
  numberColumn('y', c.y as (number | null)[]),
  numberColumn('z', c.z as (number | null)[], 'integer'),
  stringColumn('group', c.group as (string | null)[]),
  numberColumn('flag', c.flag as (number | null)[], 'boolean'),
  stringColumn('size', c.size as (string | null)[]),
  stringColumn(
    'note',
    (c.x as unknown[]).map((_, i) => `free text ${i}`),
    'text',
  ),
  numberColumn(
    'when',
    (c.x as unknown[]).map((_, i) => i * 86_400_000),
    'datetime',
  ),
]);

function check(matrix: ReturnType<typeof associationMatrix>, expected: Measures) {
  const at = (a: string, b: string) => {
    const i = matrix.columns.findIndex((column) => column.name === a);
    const j = matrix.columns.findIndex((column) => column.name === b);
    return (matrix.values[i] as (number | null)[])[j];
  };
  let compared = 0;
  for (const [family, rows] of Object.entries(expected)) {
    if (family === 'rows') continue;
    for (const [a, row] of Object.entries(rows as Record<string, Record<string, number>>)) {
      for (const [b, value] of Object.entries(row)) {
        expect(at(a, b), `${family} ${a}×${b}`).toBeCloseTo(value, 10);
        expect(at(b, a), `${family} ${b}×${a}`).toBeCloseTo(value, 10);
        compared++;
      }
    }
  }
  expect(compared).toBe(9 + 9 + 9);
}

describe('associationMatrix', () => {
  it('matches pandas and scipy on every pair: Pearson, Cramér’s V and η', () => {
    const matrix = associationMatrix(table);
    expect(matrix.columns).toEqual([
      { name: 'x', kind: 'numeric' },
      { name: 'y', kind: 'numeric' },
      { name: 'z', kind: 'numeric' },
      { name: 'group', kind: 'categorical' },
      { name: 'flag', kind: 'categorical' },
      { name: 'size', kind: 'categorical' },
    ]);
    expect(matrix.measures[0]).toEqual([
      'pearson',
      'pearson',
      'pearson',
      'correlation-ratio',
      'correlation-ratio',
      'correlation-ratio',
    ]);
    expect(matrix.measures[3]?.[4]).toBe('cramers-v');
    expect(matrix).toMatchObject({ rows: 240, sampled: false });
    check(matrix, fixture.all);
  });

  it('reads every row in place as it would gather them', () => {
    const everyRow = Int32Array.from({ length: table.rowCount }, (_, i) => i);
    expect(associationMatrix(table)).toEqual(associationMatrix(table, { rows: everyRow }));
  });

  it('measures a selection of rows on its own', () => {
    const rows = Int32Array.from(fixture.selection.rows);
    const matrix = associationMatrix(table, { rows });
    expect(matrix.rows).toBe(rows.length);
    check(matrix, fixture.selection);
  });

  it('samples large row sets with a seed, and leaves out columns with too many categories', () => {
    const sampled = associationMatrix(table, { maxRows: 100, seed: 3 });
    expect(sampled).toMatchObject({ rows: 100, sampled: true });
    expect(associationMatrix(table, { maxRows: 100, seed: 3 })).toEqual(sampled);
    const fewCategories = associationMatrix(table, { maxCategories: 3 });
    expect(fewCategories.columns.map((column) => column.name)).toEqual([
      'x',
      'y',
      'z',
      'flag',
      'size',
    ]);
    expect(associationMatrix(table, { maxColumns: 2 }).columns).toHaveLength(2);
    const chosen = associationMatrix(table, { columns: ['size', 'x', 'note'] });
    expect(chosen.columns.map((column) => column.name)).toEqual(['x', 'size']);
  });

  it('gives null for a constant column instead of dividing by zero', () => {
    const flat = new Table([numberColumn('a', [1, 1, 1]), numberColumn('b', [1, 2, 3])]);
    expect(associationMatrix(flat).values).toEqual([
      [null, null],
      [null, 1],
    ]);
  });
});

describe('associationsFromProfile', () => {
  const profile = profileTable(table);

  it('reads from the profile the matrix that associationMatrix measures', () => {
    expect(associationsFromProfile(table, profile)).toEqual(associationMatrix(table));
    check(
      associationsFromProfile(table, profile) as ReturnType<typeof associationMatrix>,
      fixture.all,
    );
    for (const options of [
      { maxCategories: 3 },
      { maxColumns: 2 },
      { columns: ['size', 'x', 'note', 'flag'] },
    ]) {
      expect(associationsFromProfile(table, profile, options)).toEqual(
        associationMatrix(table, options),
      );
    }
  });

  it('says how many rows the profile measured them on', () => {
    const sampled = profileTable(table, { correlationRows: 100 });
    const matrix = associationsFromProfile(table, sampled);
    expect(matrix).toMatchObject({ rows: 100, sampled: true });
    const x = matrix?.columns.findIndex((column) => column.name === 'x') as number;
    const y = matrix?.columns.findIndex((column) => column.name === 'y') as number;
    const stored = sampled.correlations.pearson;
    expect(matrix?.values[x]?.[y]).toBe(
      stored.matrix[stored.columns.indexOf('x')]?.[stored.columns.indexOf('y')],
    );
  });

  it('gives null where the profile cannot give every pair', () => {
    // Another table's profile, or one whose distinct counts are estimates.
    const fewer = new Table(table.columns.map((column) => column)).take(
      Int32Array.from({ length: 10 }, (_, i) => i),
    );
    expect(associationsFromProfile(fewer, profile)).toBeNull();
    const estimated = {
      ...profile,
      columns: profile.columns.map((column) =>
        column.name === 'group' ? { ...column, distinctExact: false } : column,
      ),
    };
    expect(associationsFromProfile(table, estimated)).toBeNull();
    // A categorical column its matrices lack.
    const cramersV = {
      columns: profile.correlations.cramersV.columns.filter((name) => name !== 'size'),
      matrix: profile.correlations.cramersV.matrix,
    };
    const lacking = { ...profile, correlations: { ...profile.correlations, cramersV } };
    expect(associationsFromProfile(table, lacking)).toBeNull();
    // Without that column, the rest is read as before.
    expect(associationsFromProfile(table, lacking, { columns: ['x', 'y', 'group'] })).toEqual(
      associationMatrix(table, { columns: ['x', 'y', 'group'] }),
    );
  });
});
