import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/core/data';
import {
  profileColumns,
  profileTable,
  profileTableShared,
  type ProfileHelper,
} from '../../../../src/core/data/profile/profile';
import { randomInt, randomNormal, seededRandom } from '../../../../src/core/random';
import { isNumberColumn, type Table } from '../../../../src/core/table';

/** A table of every kind of column, with missing values and repeated rows. */
function mixedTable(rows: number): Table {
  const random = seededRandom(11);
  const lines = ['x,y,count,flag,city,when,note'];
  for (let i = 0; i < rows; i++) {
    const x = random() < 0.05 ? '' : randomNormal(random).toFixed(3);
    const y = (2 * i + randomNormal(random)).toFixed(2);
    const when = `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(
      `${x},${y},${randomInt(random, 9)},${random() < 0.3},c${randomInt(random, 6)},${when},n${i % 40}`,
    );
  }
  const result = parseCsv(lines.join('\n'));
  if (!result.ok) throw new Error(result.error.message);
  return result.table;
}

/** Summarises here what a thread would, and hands the columns back as one would: moved. */
const localHelper =
  (calls: number[][]): ProfileHelper =>
  (columns, options) => {
    calls.push(columns.map((column) => column.values.length));
    const moved = structuredClone(columns, {
      transfer: columns.map((column) => column.values.buffer as ArrayBuffer),
    });
    return Promise.resolve({ profiles: profileColumns(moved, options), columns: moved });
  };

describe('a profile shared with a second thread', () => {
  it('is the profile of one thread, and gives back a table with every column', async () => {
    const table = mixedTable(3000);
    const alone = profileTable(table, { target: 'flag' });
    const calls: number[][] = [];
    const shared = await profileTableShared(
      mixedTable(3000),
      { target: 'flag' },
      localHelper(calls),
    );
    expect(shared.profile).toEqual(alone);
    // Every other number column went to the helper: y and flag, of x, y, count, flag and when.
    expect(calls).toEqual([[3000, 3000]]);
    expect(shared.table.names).toEqual(table.names);
    for (const column of shared.table.columns) {
      if (isNumberColumn(column)) expect(column.values.length).toBe(3000);
    }
    expect(profileTable(shared.table, { target: 'flag' })).toEqual(alone);
  });

  it('profiles alone without a helper, above the exact limit, and with one number column', async () => {
    const calls: number[][] = [];
    const table = mixedTable(500);
    const sampled = await profileTableShared(table, { exactLimit: 100 }, localHelper(calls));
    expect(sampled.profile).toEqual(profileTable(table, { exactLimit: 100 }));
    expect(sampled.table).toBe(table);
    const none = await profileTableShared(table, {}, null);
    expect(none.profile).toEqual(profileTable(table));
    const narrow = parseCsv('a,b\n1,x\n2,y\n3,z\n');
    if (!narrow.ok) throw new Error(narrow.error.message);
    await profileTableShared(narrow.table, {}, localHelper(calls));
    expect(calls).toEqual([]);
  });

  it('fails when the helper fails', async () => {
    const failing: ProfileHelper = () => Promise.reject(new Error('The profile thread failed.'));
    await expect(profileTableShared(mixedTable(200), {}, failing)).rejects.toThrow(
      'The profile thread failed.',
    );
  });
});
