#!/usr/bin/env node
// Benchmarks in headless Chromium against the built lab, each beside a reference measured in the
// same run. Writes bench/results/foundation.json.
//   node scripts/bench/foundation.mjs [--mb 64]
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../chromium.mjs';
import { startServer } from '../serve.mjs';

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const totalMb = arg('mb', 64);

if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
const server = await startServer();
const profile = await mkdtemp(join(tmpdir(), 'bunsen-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: findChromium(),
  headless: true,
  args: chromiumArgs(),
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.waitForFunction(() => Boolean(window.bunsen));

  console.log(`Store: writing and reading ${totalMb} MB of column chunks…`);
  const store = await page.evaluate(async (megabytes) => {
    const CHUNK = 4 * 1024 * 1024;
    const chunks = Array.from(
      { length: Math.max(1, Math.round((megabytes * 1024 * 1024) / CHUNK)) },
      (_, c) => {
        const values = new Float32Array(CHUNK / 4);
        let state = 12345 + c;
        for (let i = 0; i < values.length; i += 1) {
          state = (Math.imul(state, 1664525) + 1013904223) | 0;
          values[i] = state / 2 ** 31;
        }
        return new Uint8Array(values.buffer);
      },
    );
    const bytes = chunks.length * CHUNK;
    const mbps = (ms) => bytes / 1024 / 1024 / (ms / 1000);

    const lab = window.bunsen;
    const ours = async () => {
      const workspace = await lab.createWorkspace(`Benchmark ${Math.random()}`);
      let t = performance.now();
      const hashes = [];
      for (const data of chunks) {
        const record = await lab.store.create(
          'datasetVersions',
          workspace.id,
          { datasetId: 'bench' },
          { blobs: [{ data }] },
        );
        hashes.push(record.blobRefs[0]);
      }
      const write = performance.now() - t;
      t = performance.now();
      for (const hash of hashes) await lab.store.getBlob(hash);
      const read = performance.now() - t;
      await lab.deleteWorkspace(workspace.id);
      return { write, read };
    };

    const reference = async () => {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(`bench-reference-${Math.random()}`, 1);
        request.onupgradeneeded = () => request.result.createObjectStore('chunks');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const run = (mode, work) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction('chunks', mode);
          work(tx.objectStore('chunks'));
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      let t = performance.now();
      for (const [index, data] of chunks.entries())
        await run('readwrite', (s) => s.put(data.buffer, index));
      const write = performance.now() - t;
      t = performance.now();
      for (const index of chunks.keys()) await run('readonly', (s) => s.get(index));
      const read = performance.now() - t;
      db.close();
      indexedDB.deleteDatabase(db.name);
      return { write, read };
    };

    const best = {
      ours: { write: Infinity, read: Infinity },
      reference: { write: Infinity, read: Infinity },
    };
    for (let round = 0; round < 3; round += 1) {
      for (const [name, fn] of [
        ['reference', reference],
        ['ours', ours],
      ]) {
        const timing = await fn();
        best[name].write = Math.min(best[name].write, timing.write);
        best[name].read = Math.min(best[name].read, timing.read);
      }
    }
    const storeWrite = best.ours.write;
    const storeRead = best.ours.read;
    const rawWrite = best.reference.write;
    const rawRead = best.reference.read;
    return {
      megabytes: bytes / 1024 / 1024,
      chunk_mb: CHUNK / 1024 / 1024,
      rounds: 3,
      timing: 'best of 3 rounds, reference and ours alternating',
      bunsen_store: { write_mb_s: mbps(storeWrite), read_mb_s: mbps(storeRead) },
      reference_raw_indexeddb: { write_mb_s: mbps(rawWrite), read_mb_s: mbps(rawRead) },
      write_ratio: rawWrite / storeWrite,
      read_ratio: rawRead / storeRead,
    };
  }, totalMb);
  console.log(JSON.stringify(store, null, 2));

  const results = {
    date: new Date().toISOString(),
    browser: context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent)),
    cores: await page.evaluate(() => navigator.hardwareConcurrency),
    store,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/foundation.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('Wrote bench/results/foundation.json');
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
