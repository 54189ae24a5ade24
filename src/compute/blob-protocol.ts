// The messages between the data worker and its blob maker's thread (kept apart from the
// maker, so that thread's bundle holds nothing else).

/** What the maker's thread is asked: make a blob of `buffer`'s first `length` bytes. */
export interface BlobRequest {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly length: number;
  readonly type: string;
}

/** The maker's thread's answer, with the buffer moved back for the next request. */
export interface BlobReply {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly blob?: Blob;
  readonly error?: string;
}

/** Answers one request (the maker's thread runs this for each message). */
export function answerBlobRequest(request: BlobRequest): {
  reply: BlobReply;
  transfer: ArrayBuffer[];
} {
  const { id, buffer, length, type } = request;
  try {
    // The Blob copies the bytes now, so the buffer can go back and be filled again.
    const blob = new Blob([new Uint8Array(buffer, 0, length)], { type });
    return { reply: { id, buffer, blob }, transfer: [buffer] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reply: { id, buffer, error: message }, transfer: [buffer] };
  }
}
