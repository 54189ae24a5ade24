import { describe, expect, it } from 'vitest';
import {
  chainAuditEvents,
  GENESIS_HASH,
  hashAuditEvent,
  verifyAuditEvents,
} from '../../../../src/core/tracking/audit-chain';

const trail = (count: number) =>
  chainAuditEvents(
    Array.from({ length: count }, (_, i) => ({
      id: `e${i + 1}`,
      workspaceId: 'w',
      seq: i + 1,
      at: 1000 + i,
      actor: { id: 'a', name: 'Ada' },
      action: 'create',
      entityKind: 'runs',
      entityId: `r${i + 1}`,
      summary: `Created run ${i + 1}`,
    })),
  );

describe('audit hash chain', () => {
  it('links each event to the one before and verifies', () => {
    const events = trail(5);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    events.slice(1).forEach((event, i) => expect(event.prevHash).toBe(events[i]?.hash));
    expect(verifyAuditEvents(events, 5)).toEqual({ ok: true, checked: 5, head: events[4]?.hash });
    expect(verifyAuditEvents([], 0)).toEqual({ ok: true, checked: 0, head: GENESIS_HASH });
  });

  it('hashes the canonical form: key order does not matter, every value does', () => {
    const [event] = trail(1);
    const reordered = Object.fromEntries(Object.entries(event as object).reverse());
    expect(hashAuditEvent(reordered)).toBe(event?.hash);
    expect(hashAuditEvent({ ...event, at: 1001 })).not.toBe(event?.hash);
    expect(hashAuditEvent({ ...event, actor: { id: 'a', name: 'Eve' } })).not.toBe(event?.hash);
  });

  it('finds a changed summary, a removed event, reordered events and a cut tail', () => {
    const changed = trail(5);
    changed[2] = { ...(changed[2] as (typeof changed)[number]), summary: 'Nothing happened' };
    expect(verifyAuditEvents(changed, 5)).toMatchObject({
      ok: false,
      checked: 2,
      firstBadSeq: 3,
      reason: expect.stringMatching(/Event 3 was changed after it was written/),
    });

    const removed = trail(5).filter((event) => event.seq !== 3);
    expect(verifyAuditEvents(removed, 5)).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      reason: 'Event 3 is missing.',
    });

    const renumbered = trail(5)
      .filter((event) => event.seq !== 3)
      .map((event) => (event.seq > 3 ? { ...event, seq: event.seq - 1 } : event));
    expect(verifyAuditEvents(renumbered, 4)).toMatchObject({ ok: false, firstBadSeq: 3 });

    const swapped = trail(5);
    const [third, fourth] = [swapped[2], swapped[3]] as [
      (typeof swapped)[number],
      (typeof swapped)[number],
    ];
    swapped[2] = { ...fourth, seq: 3 };
    swapped[3] = { ...third, seq: 4 };
    expect(verifyAuditEvents(swapped, 5)).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      reason: expect.stringMatching(/Event 3 does not link to event 2/),
    });

    expect(verifyAuditEvents(trail(5).slice(0, 4), 5)).toMatchObject({
      ok: false,
      checked: 4,
      firstBadSeq: 5,
      reason: 'Event 5 is missing: the workspace counts 5 events.',
    });
  });

  it('finds a rewritten chain that no longer starts at the beginning', () => {
    const tail = chainAuditEvents(trail(5).slice(2), 'f'.repeat(64));
    const events = [...trail(5).slice(0, 2), ...tail];
    expect(verifyAuditEvents(events, 5)).toMatchObject({ ok: false, firstBadSeq: 3 });
    const headless = chainAuditEvents(trail(2).slice(1), 'f'.repeat(64));
    expect(verifyAuditEvents(headless, 2)).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: 'Event 1 is missing.',
    });
  });
});
