#!/usr/bin/env node
// Runs every benchmark in scripts/bench/ one after another; each writes JSON under bench/results/.
//   npm run bench                 all of them
//   npm run bench -- gbdt forest  only these
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const files = readdirSync('scripts/bench')
  .filter((file) => /\.(mjs|ts)$/.test(file))
  .filter((file) => !only.length || only.includes(file.replace(/\.(mjs|ts)$/, '')))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n── ${file} ──`);
  const runner = file.endsWith('.ts')
    ? ['npx', ['tsx', `scripts/bench/${file}`]]
    : ['node', [`scripts/bench/${file}`]];
  const result = spawnSync(runner[0], runner[1], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
if (failed) {
  console.error(`${failed} benchmark(s) failed.`);
  process.exit(1);
}
