import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/core/data';
import { profileTable, profileTableShared } from '../../../src/core/data/profile/profile';
import { startProfileHelper } from '../../../src/cli/profile-helper';
import { randomNormal, seededRandom } from '../../../src/core/random';

describe('the profile thread of the command line', () => {
  it('is started only for large files on a machine with a second processor', () => {
    expect(startProfileHelper(1024)).toBeNull();
  });

  it('summarises half of the number columns in a worker thread, as one thread would', async () => {
    const random = seededRandom(5);
    const lines = ['a,b,c,d,label'];
    for (let i = 0; i < 5000; i++) {
      lines.push(
        `${randomNormal(random).toFixed(4)},${i},${(i % 97) / 4},${random() < 0.5},k${i % 3}`,
      );
    }
    const parse = () => {
      const result = parseCsv(lines.join('\n'));
      if (!result.ok) throw new Error(result.error.message);
      return result.table;
    };
    const threads = startProfileHelper(1, 0);
    if (availableParallelism() < 2) {
      expect(threads).toBeNull();
      return;
    }
    try {
      const shared = await profileTableShared(parse(), {}, threads!.helper);
      expect(shared.profile).toEqual(profileTable(parse()));
      expect(shared.table.columns.map((column) => column.name)).toEqual([
        'a',
        'b',
        'c',
        'd',
        'label',
      ]);
    } finally {
      await threads?.close();
    }
  });
});
