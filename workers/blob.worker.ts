import { answerBlobRequest, type BlobRequest } from '../src/compute/blob-protocol';

// Makes the blobs the data worker stores (see src/compute/blob-maker.ts).
self.onmessage = ({ data }: MessageEvent<BlobRequest>) => {
  const { reply, transfer } = answerBlobRequest(data);
  self.postMessage(reply, { transfer });
};
