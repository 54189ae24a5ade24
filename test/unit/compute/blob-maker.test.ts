import { describe, expect, it } from 'vitest';
import {
  forgetColumnBlobs,
  prepareColumnBlobs,
  workerBlobMaker,
  type BlobWorker,
} from '../../../src/compute/blob-maker';
import {
  answerBlobRequest,
  type BlobReply,
  type BlobRequest,
} from '../../../src/compute/blob-protocol';
import { Table } from '../../../src/core/table';
import { columnPayloads } from '../../../src/store/datasets';
import { takeBlob } from '../../../src/store/prepared-blobs';
import { BLOB_VALUE_BYTES } from '../../../src/store/workspace-store';

/**
 * A worker on this thread: each request is answered on a later turn, as the blob worker does,
 * with the buffer moved back. Records the buffers it was handed and how many it held at once.
 */
function fakeWorker(options: { failOn?: number } = {}) {
  const seen: ArrayBuffer[] = [];
  let held = 0;
  let mostHeld = 0;
  let terminated = false;
  const worker: BlobWorker = {
    onmessage: null,
    onerror: null,
    postMessage(request: BlobRequest) {
      if (!seen.includes(request.buffer)) seen.push(request.buffer);
      held++;
      mostHeld = Math.max(mostHeld, held);
      setTimeout(() => {
        held--;
        if (request.id === options.failOn) {
          worker.onerror?.({ message: 'gone', preventDefault() {} } as ErrorEvent);
          return;
        }
        if (terminated) return;
        const { reply } = answerBlobRequest(request);
        worker.onmessage?.({ data: reply } as MessageEvent<BlobReply>);
      }, 1);
    },
    terminate() {
      terminated = true;
    },
  };
  return {
    worker,
    seen,
    mostHeld: () => mostHeld,
    terminated: () => terminated,
  };
}

const pattern = (length: number, seed: number) =>
  new Uint8Array(length).map((_, i) => (i * seed + 1) % 256);

describe('workerBlobMaker', () => {
  it('makes blobs of copies, through one buffer it reuses', async () => {
    const fake = fakeWorker();
    const maker = workerBlobMaker(fake.worker);
    const inputs = [300, 500, 200, 500, 40].map((length, i) => pattern(length, i + 3));
    const blobs = await Promise.all(inputs.map((bytes, i) => maker.make(bytes, `type/${i}`)));
    for (const [i, blob] of blobs.entries()) {
      expect(blob.type).toBe(`type/${i}`);
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(inputs[i]);
    }
    // The caller's bytes stay where they were.
    expect(inputs.map((bytes) => bytes.byteLength)).toEqual([300, 500, 200, 500, 40]);
    // One piece at a time, in one buffer, replaced once by a larger one for the 500 bytes.
    expect(fake.mostHeld()).toBe(1);
    expect(fake.seen.map((buffer) => buffer.byteLength)).toEqual([300, 500]);
    maker.close();
    expect(fake.terminated()).toBe(true);
    await expect(maker.make(inputs[0]!, 'x')).rejects.toThrow(/closed/);
  });

  it('fails what is pending and what comes after when its worker fails', async () => {
    const fake = fakeWorker({ failOn: 1 });
    const maker = workerBlobMaker(fake.worker);
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((seed) => maker.make(pattern(100, seed), 't')),
    );
    expect(results[0]!.status).toBe('fulfilled');
    expect(results.slice(1).map((result) => result.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    await expect(maker.make(pattern(10, 1), 't')).rejects.toThrow(/gone/);
  });
});

describe('prepareColumnBlobs', () => {
  // Over the size from which the store writes a Blob value in float64s, under it in int32 codes.
  const rows = BLOB_VALUE_BYTES / 8 + 1;
  const table = () =>
    new Table([
      { name: 'x', type: 'numeric', values: new Float64Array(rows).map((_, i) => i / 3) },
      { name: 'zeros', type: 'numeric', values: new Float64Array(rows) },
      {
        name: 'c',
        type: 'categorical',
        codes: new Int32Array(rows).map((_, i) => i % 2),
        dictionary: ['a', 'b'],
      },
    ]);

  it('remembers a blob of each column stored as a Blob value, for the write to take', async () => {
    const data = table();
    const maker = workerBlobMaker(fakeWorker().worker);
    const views = await prepareColumnBlobs(data, maker, new AbortController().signal);
    // The codes are small enough to be stored as an ArrayBuffer: no blob is made of them.
    expect(views).toHaveLength(2);
    const codes = columnPayloads(data)[2]!.data;
    expect(takeBlob(codes, 'application/x-bunsen-int32')).toBeUndefined();
    const x = views[0]!;
    const blob = takeBlob(x, 'application/x-bunsen-float64');
    expect(blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(x);
    forgetColumnBlobs(views);
    expect(takeBlob(views[1]!, 'application/x-bunsen-float64')).toBeUndefined();
    maker.close();
  });

  it('leaves every column to the store once cancelled, or when the maker fails', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const maker = workerBlobMaker(fakeWorker().worker);
    const views = await prepareColumnBlobs(table(), maker, cancelled.signal);
    for (const view of views)
      expect(takeBlob(view, 'application/x-bunsen-float64')).toBeUndefined();
    maker.close();
    const failing = workerBlobMaker(fakeWorker({ failOn: 0 }).worker);
    const left = await prepareColumnBlobs(table(), failing, new AbortController().signal);
    expect(left).toHaveLength(2);
    for (const view of left) expect(takeBlob(view, 'application/x-bunsen-float64')).toBeUndefined();
  });
});
