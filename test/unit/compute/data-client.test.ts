import { describe, expect, it } from 'vitest';
import { createDataClient } from '../../../src/compute/data-client';
import type { DataApi } from '../../../src/compute/data-api';
import type { JobOptions, JobTask, Pool, PoolStats } from '../../../src/compute/pool';
import { Table } from '../../../src/core/table';

/** A pool whose jobs wait until the test settles them; it records how many it was given. */
function heldPool() {
  const held: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  const pool: Pool<DataApi> = {
    run<T>(_task: JobTask<DataApi, T>, _options?: JobOptions): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        held.push({ resolve: resolve as (value: unknown) => void, reject });
      });
    },
    stats: (): PoolStats => ({ workers: 0, busy: held.length, queued: 0, spawned: 0 }),
    close: () => undefined,
  };
  return { pool, held };
}

const flush = () => new Promise((done) => setTimeout(done, 0));

describe('the data client', () => {
  it('is busy while an import or a preparation runs, and says when none does', async () => {
    const imports = heldPool();
    const charts = heldPool();
    const client = createDataClient(imports.pool, charts.pool);
    expect(client.busy()).toBe(false);
    expect(client.endedAt()).toBeNull();
    await client.whenIdle();

    const imported = client.importFile({ bytes: new Blob(['x\n1\n']), fileName: 'a.csv' });
    const prepared = client.prepare({
      columns: [...Table.fromRows([{ x: 1 }]).columns],
      step: { kind: 'select', columns: ['x'] },
    });
    expect(client.busy()).toBe(true);
    let idle = false;
    void client.whenIdle().then(() => (idle = true));

    // Charts' jobs run on their own pool and do not count.
    void client.boxStats({
      values: { name: 'v', type: 'numeric', values: new Float64Array(1) },
      groups: { name: 'g', type: 'categorical', codes: new Int32Array(1), dictionary: ['a'] },
    });
    expect(charts.held).toHaveLength(1);
    expect(imports.held).toHaveLength(2);

    imports.held[0]!.resolve({ ok: false, error: { code: 'empty', message: 'no rows' } });
    await imported;
    await flush();
    expect(client.busy()).toBe(true);
    expect(idle).toBe(false);

    // A job that fails ends too.
    imports.held[1]!.reject(new Error('the worker crashed'));
    const beforeLast = performance.now();
    await expect(prepared).rejects.toThrow('the worker crashed');
    await flush();
    expect(client.busy()).toBe(false);
    expect(idle).toBe(true);
    // The quiet time before the service worker starts runs from when the last job ended.
    expect(client.endedAt()).toBeGreaterThanOrEqual(beforeLast);
    expect(client.endedAt()).toBeLessThanOrEqual(performance.now());
  });
});
