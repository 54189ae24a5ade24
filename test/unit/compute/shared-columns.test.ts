import { describe, expect, it } from 'vitest';
import {
  numberColumn,
  stringColumn,
  type Column,
  type NumberColumn,
  type StringColumn,
} from '../../../src/core/table';
import {
  ownBuffers,
  resolveColumns,
  shareColumns,
  unchangedFrom,
  type PreparedColumn,
} from '../../../src/compute/shared-columns';

const inputs = (): Column[] => [
  numberColumn('x', [1, 2, 3]),
  stringColumn('species', ['a', 'b', 'a']),
];

/** What crossing to the page does to the columns: a copy of everything, as postMessage makes. */
const acrossThreads = (prepared: PreparedColumn[]) => structuredClone(prepared);

describe('shared columns', () => {
  it('sends a renamed or retyped column as a reference and puts the page’s arrays back', () => {
    const page = inputs();
    const worker = structuredClone(page);
    const [x, species] = worker as [NumberColumn, StringColumn];
    const outputs: Column[] = [
      { ...x, name: 'x2', type: 'integer' },
      { ...species, type: 'text' },
      { ...species, name: 'renamed levels', dictionary: ['A', 'B'] },
      numberColumn('new', [7, 8, 9]),
    ];
    const prepared = shareColumns(outputs, worker);
    expect(prepared.map((column) => 'shared' in column)).toEqual([true, true, true, false]);
    expect(ownBuffers(prepared)).toEqual([(outputs[3] as NumberColumn).values.buffer]);

    const columns = resolveColumns(acrossThreads(prepared), page);
    expect(columns[0]).toEqual({ name: 'x2', type: 'integer', values: Float64Array.of(1, 2, 3) });
    expect((columns[0] as NumberColumn).values).toBe((page[0] as NumberColumn).values);
    expect(columns[1]).toMatchObject({ name: 'species', type: 'text', dictionary: ['a', 'b'] });
    expect((columns[1] as StringColumn).codes).toBe((page[1] as StringColumn).codes);
    expect((columns[1] as StringColumn).dictionary).toBe((page[1] as StringColumn).dictionary);
    expect(columns[2]).toMatchObject({ name: 'renamed levels', dictionary: ['A', 'B'] });
    expect((columns[2] as StringColumn).codes).toBe((page[1] as StringColumn).codes);
    expect(columns[3]).toEqual(numberColumn('new', [7, 8, 9]));
  });

  it('names the input column each output equals: same array, type and dictionary', () => {
    const page = inputs();
    const [x, species] = page as [NumberColumn, StringColumn];
    const outputs: Column[] = [
      { ...x, name: 'x2' },
      { ...x, type: 'integer' },
      species,
      { ...species, dictionary: ['A', 'B'] },
      numberColumn('new', [7, 8, 9]),
    ];
    expect(unchangedFrom(shareColumns(outputs, page), outputs, page)).toEqual([
      'x',
      null,
      'species',
      null,
      null,
    ]);
  });

  it('keeps columns whose arrays are new, even with equal values', () => {
    const page = inputs();
    const outputs = [numberColumn('x', [1, 2, 3])];
    const prepared = shareColumns(outputs, page);
    expect(prepared[0]).toBe(outputs[0]);
    expect(resolveColumns(prepared, page)[0]).toBe(outputs[0]);
  });

  it('refuses a reference to a column the page does not have', () => {
    const page = inputs();
    const prepared = shareColumns([page[0] as Column], page);
    const [only] = prepared;
    expect(() => resolveColumns(prepared, [])).toThrow('input column 0');
    expect(() => resolveColumns([only as PreparedColumn], [stringColumn('s', ['a'])])).toThrow(
      'holds no numbers',
    );
  });
});
