import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from './helpers';
import { profileTable } from '../../../src/core/data';
import { Table, numberColumn, stringColumn } from '../../../src/core/table';
import { createDataset, loadTable } from '../../../src/store/datasets';
import { rememberHash, sha256 } from '../../../src/store/hash';
import type { WorkspaceStore } from '../../../src/store/workspace-store';

let opened: WorkspaceStore | undefined;
afterEach(() => {
  opened?.close();
  vi.restoreAllMocks();
});

/**
 * A digest copies its input, so how many run at once bounds the extra memory of storing a table:
 * storing must hash its columns one after another, never all together.
 */
describe('storing a dataset', () => {
  it('hashes one column at a time and stores every column', async () => {
    const { store } = await openStore();
    opened = store;
    const workspace = await store.createWorkspace({ name: 'Lab' });
    const columns = Array.from({ length: 12 }, (_, j) =>
      numberColumn(
        `x${j}`,
        Array.from({ length: 2_000 }, (_, i) => (i * (j + 1)) % 97),
      ),
    );
    const table = new Table([...columns, stringColumn('label', Array(2_000).fill('a'))]);
    const subtle = globalThis.crypto.subtle;
    const digest = subtle.digest.bind(subtle);
    let running = 0;
    let most = 0;
    let calls = 0;
    vi.spyOn(subtle, 'digest').mockImplementation(async (algorithm, data) => {
      running++;
      calls++;
      most = Math.max(most, running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return await digest(algorithm, data);
      } finally {
        running--;
      }
    });
    const { version } = await createDataset(store, workspace.id, {
      name: 'Wide',
      table,
      transform: { kind: 'import', fileName: 'wide.csv', format: 'csv', options: {} },
      profile: profileTable(table),
    });
    expect(calls).toBeGreaterThanOrEqual(table.columns.length);
    expect(most).toBe(1);
    const loaded = await loadTable(store, version.id);
    expect(loaded.columns).toEqual(table.columns);
  });

  it('does not digest again the columns whose hashes the data worker sent', async () => {
    const { store } = await openStore();
    opened = store;
    const workspace = await store.createWorkspace({ name: 'Lab' });
    const columns = Array.from({ length: 6 }, (_, j) =>
      numberColumn(
        `x${j}`,
        Array.from({ length: 1_000 }, (_, i) => i * (j + 2)),
      ),
    );
    const table = new Table(columns);
    for (const column of columns) {
      const bytes = new Uint8Array(column.values.buffer, 0, column.values.byteLength);
      rememberHash(bytes, await sha256(bytes.slice()));
    }
    const subtle = globalThis.crypto.subtle;
    const digest = vi.spyOn(subtle, 'digest');
    const { version } = await createDataset(store, workspace.id, {
      name: 'Known',
      table,
      transform: { kind: 'import', fileName: 'known.csv', format: 'csv', options: {} },
      profile: profileTable(table),
    });
    // Only the version's identity (schema and column hashes) is digested.
    expect(digest).toHaveBeenCalledTimes(1);
    for (const [index, stored] of version.columns.entries()) {
      const values = (columns[index] as (typeof columns)[number]).values;
      digest.mockRestore();
      expect(stored.blob).toBe(await sha256(new Uint8Array(values.slice().buffer)));
    }
    expect((await loadTable(store, version.id)).columns).toEqual(table.columns);
  });
});
