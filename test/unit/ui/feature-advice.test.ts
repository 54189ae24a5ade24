import { describe, expect, it } from 'vitest';
import { profileTable } from '../../../src/core/data';
import { Table, numberColumn, stringColumn } from '../../../src/core/table';
import type { DatasetVersionRecord } from '../../../src/sdk/datasets';
import { featureAdvice } from '../../../src/ui/train/feature-advice';

const versionOf = (table: Table) =>
  ({ profile: profileTable(table) }) as unknown as DatasetVersionRecord;

describe('featureAdvice', () => {
  it('flags ID-like and constant columns from the stored profile, and nothing else', () => {
    const rows = 40;
    const table = new Table([
      stringColumn(
        'file',
        Array.from({ length: rows }, (_, i) => `images/${i}.png`),
      ),
      numberColumn('const', new Float64Array(rows).fill(3), 'numeric'),
      numberColumn(
        'x',
        Float64Array.from({ length: rows }, (_, i) => (i * 7) % 5),
        'numeric',
      ),
      stringColumn(
        'label',
        Array.from({ length: rows }, (_, i) => (i % 2 ? 'a' : 'b')),
      ),
    ]);
    const advice = featureAdvice(versionOf(table));
    expect([...advice.keys()].sort()).toEqual(['const', 'file']);
    expect(advice.get('file')).toContain('ID');
    expect(advice.get('const')).toContain('single value');
  });

  it('advises nothing without a version or a profile', () => {
    expect(featureAdvice(null).size).toBe(0);
    expect(featureAdvice({} as DatasetVersionRecord).size).toBe(0);
  });
});
