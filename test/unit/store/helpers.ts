import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../../src/store/db';
import { WorkspaceStore } from '../../../src/store/workspace-store';
import { Lab } from '../../../src/sdk/lab';
import type { ChangeChannel, Change } from '../../../src/store/channel';

let counter = 0;
export const uniqueDbName = () => `bunsen-test-${process.pid}-${++counter}`;

/** A deterministic clock and id source: every call moves time by one second. */
export function deterministic(start = 1_800_000_000_000) {
  let time = start;
  let id = 0;
  return {
    now: () => (time += 1000),
    newId: () => `id-${String(++id).padStart(4, '0')}`,
  };
}

export function localChannel(): ChangeChannel & { sent: Change[] } {
  const listeners = new Set<(change: Change) => void>();
  const sent: Change[] = [];
  return {
    sent,
    post(change) {
      sent.push(change);
      listeners.forEach((listener) => listener(change));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
    },
  };
}

export async function openStore(dbName = uniqueDbName()) {
  const store = await WorkspaceStore.open({ dbName, channel: localChannel(), ...deterministic() });
  return { store, dbName };
}

interface Fixture {
  version: number;
  stores: Record<string, Record<string, unknown>[]>;
}

/** Builds a database exactly as schema version `fixture.version` left it, filled with the fixture. */
export async function loadFixture(path: string, dbName: string) {
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
  const db = await openDatabase({ name: dbName, version: fixture.version });
  const tx = db.transaction(Object.keys(fixture.stores), 'readwrite');
  for (const [name, records] of Object.entries(fixture.stores)) {
    for (const record of records) {
      const { base64, ...rest } = record as { base64?: string };
      const value = base64
        ? { ...rest, data: new Uint8Array(Buffer.from(base64, 'base64')).buffer }
        : rest;
      await tx.objectStore(name).put(value);
    }
  }
  await tx.done;
  db.close();
  return fixture;
}

/** A database built from an old schema's fixture, opened (so upgraded) by the current lab. */
export async function openFixtureLab(path: string) {
  const dbName = uniqueDbName();
  const fixture = await loadFixture(path, dbName);
  let time = 1_800_000_000_000;
  let id = 0;
  const lab = await Lab.open({
    dbName,
    channel: localChannel(),
    now: () => (time += 1000),
    newId: () => `new-${++id}`,
    tracking: { locks: null },
  });
  return { lab, store: lab.store, fixture };
}
