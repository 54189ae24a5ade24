import { describe, expect, it } from 'vitest';
import type { ImportMeta, ImportWarning } from '../../../src/core/data';
import { importTransform, KEPT_IMPORT_WARNINGS } from '../../../src/compute/data-transform';

const meta: ImportMeta = { format: 'csv', bytes: 10, rows: 2, columns: 1, delimiter: ';' };

describe('importTransform', () => {
  it('records the options, what was detected and what the importer noticed', () => {
    const warning: ImportWarning = {
      code: 'formatted-numbers',
      message: 'Column “price” holds formatted numbers.',
      column: 'price',
    };
    expect(importTransform('a.csv', 'csv', { delimiter: 'auto' }, meta, [warning])).toEqual({
      kind: 'import',
      fileName: 'a.csv',
      format: 'csv',
      options: { delimiter: 'auto', detectedDelimiter: ';' },
      warnings: [warning],
    });
    expect(importTransform('a.csv', 'csv', {}, meta)).not.toHaveProperty('warnings');
  });

  it('keeps a bounded number of warnings and says how many more there were', () => {
    const many = Array.from({ length: KEPT_IMPORT_WARNINGS + 7 }, (_, i) => ({
      code: 'leading-zeros' as const,
      message: `Column c${i}`,
      line: i + 2,
    }));
    const kept = importTransform('w.csv', 'csv', {}, meta, many).warnings ?? [];
    expect(kept).toHaveLength(KEPT_IMPORT_WARNINGS + 1);
    expect(kept[0]).toEqual({ code: 'leading-zeros', message: 'Column c0', line: 2 });
    expect(kept.at(-1)).toEqual({ code: 'more', message: '…and 7 more.' });
  });
});
