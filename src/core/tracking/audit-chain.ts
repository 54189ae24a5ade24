import { canonicalJson } from './canonical-json';
import { sha256Hex } from './sha256';

/** The `prevHash` of the first event of a workspace. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the chain needs of an audit event; every other field is covered by the hash as well. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * The hash of an event: sha-256 over the canonical JSON of every field but `hash` itself, so the
 * sequence number, time, actor, summary, the before/after changes and the link to the event
 * before are all sealed. Changing any of them, or moving the event, breaks the chain.
 */
export function hashAuditEvent(event: object): string {
  const { hash: _hash, ...sealed } = event as { hash?: unknown };
  return sha256Hex(canonicalJson(sealed));
}

/** Links events (sorted by seq) into a chain starting after `prevHash`; returns new objects. */
export function chainAuditEvents<T extends { seq: number }>(
  events: readonly T[],
  prevHash = GENESIS_HASH,
): (T & ChainLink)[] {
  let previous = prevHash;
  return events.map((event) => {
    const { hash: _hash, ...rest } = event as T & { hash?: string };
    const linked = { ...rest, prevHash: previous } as T & ChainLink;
    linked.hash = hashAuditEvent(linked);
    previous = linked.hash;
    return linked;
  });
}

export type ChainVerification =
  | { ok: true; checked: number; head: string }
  | { ok: false; checked: number; firstBadSeq: number; reason: string };

/**
 * Checks events one at a time in seq order, so a long trail can be streamed from a cursor.
 * `finish(expectedLastSeq)` also catches events removed from the end, which no later link can
 * reveal: the workspace keeps its own count of events.
 */
export class AuditChainVerifier {
  private checked = 0;
  private previousHash = GENESIS_HASH;
  private failure: Extract<ChainVerification, { ok: false }> | undefined;

  /** Returns false once the chain is broken; later events are not checked. */
  push(event: Partial<ChainLink> & { seq: number }): boolean {
    if (this.failure) return false;
    const expected = this.checked + 1;
    const fail = (firstBadSeq: number, reason: string) => {
      this.failure = { ok: false, checked: this.checked, firstBadSeq, reason };
      return false;
    };
    if (event.seq > expected) {
      return fail(
        expected,
        expected === event.seq - 1
          ? `Event ${expected} is missing.`
          : `Events ${expected} to ${event.seq - 1} are missing.`,
      );
    }
    if (event.seq < expected) {
      return fail(event.seq, `Event ${event.seq} appears more than once or out of order.`);
    }
    if (typeof event.hash !== 'string' || typeof event.prevHash !== 'string') {
      return fail(event.seq, `Event ${event.seq} carries no hash.`);
    }
    if (event.prevHash !== this.previousHash) {
      return fail(
        event.seq,
        event.seq === 1
          ? 'Event 1 does not start the chain: events before it were removed or it was replaced.'
          : `Event ${event.seq} does not link to event ${event.seq - 1}: an event before it was changed, removed or reordered.`,
      );
    }
    if (hashAuditEvent(event) !== event.hash) {
      return fail(
        event.seq,
        `Event ${event.seq} was changed after it was written: its content does not match its hash.`,
      );
    }
    this.checked = expected;
    this.previousHash = event.hash;
    return true;
  }

  finish(expectedLastSeq?: number): ChainVerification {
    if (this.failure) return this.failure;
    if (expectedLastSeq !== undefined && this.checked < expectedLastSeq) {
      const first = this.checked + 1;
      return {
        ok: false,
        checked: this.checked,
        firstBadSeq: first,
        reason:
          first === expectedLastSeq
            ? `Event ${first} is missing: the workspace counts ${expectedLastSeq} events.`
            : `Events ${first} to ${expectedLastSeq} are missing: the workspace counts ${expectedLastSeq} events.`,
      };
    }
    if (expectedLastSeq !== undefined && this.checked > expectedLastSeq) {
      return {
        ok: false,
        checked: this.checked,
        firstBadSeq: expectedLastSeq + 1,
        reason: `The trail holds ${this.checked} events but the workspace counts ${expectedLastSeq}.`,
      };
    }
    return { ok: true, checked: this.checked, head: this.previousHash };
  }
}

/** Verifies a whole trail, in any order (it is sorted by seq first). */
export function verifyAuditEvents(
  events: readonly (Partial<ChainLink> & { seq: number })[],
  expectedLastSeq?: number,
): ChainVerification {
  const verifier = new AuditChainVerifier();
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (!verifier.push(event)) break;
  }
  return verifier.finish(expectedLastSeq);
}
