import { expose, transfer } from 'comlink';
import { workerBlobMaker } from '../src/compute/blob-maker';
import { createDataService } from '../src/compute/data-service';

expose(
  createDataService({
    transfer,
    blobMaker: () =>
      workerBlobMaker(
        new Worker(new URL('./blob.worker.ts', import.meta.url), {
          type: 'module',
          name: 'bunsen-blobs',
        }),
      ),
  }),
);
